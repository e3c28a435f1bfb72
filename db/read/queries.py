"""The read side: filtered lists, full-text search, one action with its log, and as-at.

Derived flags (overdue, slipped, stale) are computed here from stored facts and
'today' (``ACTREG_TODAY`` applies); they are never stored as statuses.
"""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
from collections.abc import Iterator
from typing import Any, NamedTuple, TypedDict, cast

from db.errors import NotFound
from db.read import asat, csv_lines
from db.store import log
from db.store.clock import today
from db.store.connection import fold, setting
from db.store.dates import parse_utc_text, utc_text
from db.store.projection import ACTION_COLUMNS, Row
from db.store.values import FINISHED_STATUSES

#: Days without an entry after which an action is stale, when no meeting or
#: snapshot marks the start of the current cycle.
DEFAULT_STALE_DAYS = 90

_FINISHED_SQL = ", ".join(f"'{s}'" for s in sorted(FINISHED_STATUSES))


class ActionFilter(NamedTuple):
    """What `list` and the register table narrow to. Empty means everything.

    (A NamedTuple, not a dataclass: dataclasses brings inspect and ast, a tenth of
    `actreg list`'s start-up; change one field with ``_replace``.)"""

    statuses: tuple[str, ...] = ()
    rags: tuple[str, ...] = ()
    owner: str | None = None
    directorate: str | None = None
    theme: str | None = None
    overdue: bool = False
    stale: bool = False
    search: str | None = None


#: The empty filter: everything.
NO_FILTER = ActionFilter()


def cycle_start(conn: sqlite3.Connection, on: dt.date | None = None) -> str:
    """When the current reporting cycle began (UTC text): an action with no entry since is stale.

    The cut-off of the latest snapshot taken before `on`; else the paper deadline of
    the latest meeting before `on`; else `stale_days` (default 90) before `on`.
    """
    on = on or today()
    start_of_day = utc_text(dt.datetime.combine(on, dt.time(), tzinfo=dt.UTC))
    row = conn.execute(
        "SELECT max(cut_off) FROM snapshot WHERE cut_off < ?", (start_of_day,)
    ).fetchone()
    if row and row[0]:
        return row[0]
    row = conn.execute(
        "SELECT max(paper_deadline) FROM meeting WHERE paper_deadline < ?", (on.isoformat(),)
    ).fetchone()
    if row and row[0]:
        deadline = dt.date.fromisoformat(row[0]) + dt.timedelta(days=1)
        return utc_text(dt.datetime.combine(deadline, dt.time(), tzinfo=dt.UTC))
    days = int(setting(conn, "stale_days", str(DEFAULT_STALE_DAYS)) or DEFAULT_STALE_DAYS)
    return utc_text(dt.datetime.combine(on - dt.timedelta(days=days), dt.time(), tzinfo=dt.UTC))


class ActionRow(TypedDict):
    """An action as the read side gives it: every column of the projection
    (db.store.projection.ACTION_COLUMNS) and the flags derived on reading."""

    id: int
    ref: str
    ref_key: str
    title: str
    description: str | None
    source: str | None
    recommendation: str | None
    theme: str | None
    directorate: str | None
    owner: str | None
    priority: str
    acceptance: str
    original_target_date: str | None
    target_date: str | None
    target_date_text: str | None
    target_revisions: int
    status: str
    rag: str | None
    rag_reason: str | None
    percent_complete: int
    completion_criterion: str | None
    evidence: str | None
    completed_date: str | None
    created_at: str
    version: int
    last_entry_id: int | None
    last_update_at: str | None
    last_commentary: str | None
    last_commentary_at: str | None
    last_commentary_entry: str | None
    # derived, never stored:
    overdue: bool
    days_overdue: int
    slipped: bool
    stale: bool
    last_update: str | None


def with_flags(row: Row, *, on: dt.date, stale_before: str) -> ActionRow:
    """The row plus its derived flags: overdue, days_overdue, slipped, stale."""
    return _add_flags(dict(row), on, stale_before)


def _add_flags(out: dict[str, Any], on: dt.date, stale_before: str) -> ActionRow:
    days_overdue, stale = dated_flags(out, on, stale_before)
    out["overdue"] = days_overdue > 0
    out["days_overdue"] = days_overdue
    out["slipped"] = slipped(out)
    out["stale"] = stale
    out["last_update"] = out["last_update_at"]
    return cast(ActionRow, out)


def slipped(row: Row) -> bool:
    """Whether the action's target date is later than its original one."""
    target, original = row["target_date"], row["original_target_date"]
    return bool(target and original and target > original)


#: What a row's dated flags depend on (flag_basis): None for a finished action, never
#: overdue or stale; else its target date as a day number (None if it has none) and its
#: last update.
FlagBasis = tuple[int | None, str] | None


def dated_flags(row: Row, on: dt.date, stale_before: str) -> tuple[int, bool]:
    """(days overdue, stale) of `row` on the day `on`: the flags that depend on the day
    (overdue is days overdue > 0; slipped depends on the row alone)."""
    return flags_on(flag_basis(row), on.toordinal(), stale_before)


def flag_basis(row: Row) -> FlagBasis:
    """What :func:`flags_on` needs of `row`, read once (verify works out one state's flags
    for many snapshots' days)."""
    if row["status"] in FINISHED_STATUSES:
        return None
    target = row["target_date"]
    due = dt.date.fromisoformat(target).toordinal() if target else None
    return due, row["last_update_at"] or ""


def flags_on(basis: FlagBasis, day: int, stale_before: str) -> tuple[int, bool]:
    """(days overdue, stale) on the day numbered `day` (date.toordinal) of a row whose
    :func:`flag_basis` is `basis`."""
    if basis is None:
        return 0, False
    due, updated = basis
    return (0 if due is None or day <= due else day - due), updated < stale_before


def _fts_query(text: str) -> str | None:
    """Turn what a person typed into a safe FTS5 query: every word, as a prefix."""
    words = re.findall(r"\w+", text)
    return " ".join(f'"{w}"*' for w in words) or None


def where_clause(
    flt: ActionFilter, *, on: dt.date, stale_before: str, commentary: bool = True
) -> tuple[str, list[object]]:
    """The WHERE clause (with its parameters) choosing the actions `flt` shows.

    `commentary=False` searches the actions' own text only: the quick first answer
    the table shows while the search of every log entry's commentary runs.
    """
    clauses: list[str] = []
    params: list[object] = []
    if flt.statuses:
        clauses.append(f"status IN ({', '.join('?' * len(flt.statuses))})")
        params += flt.statuses
    if flt.rags:
        clauses.append(f"rag IN ({', '.join('?' * len(flt.rags))})")
        params += flt.rags
    for column in ("owner", "directorate", "theme"):
        value = getattr(flt, column)
        if value:
            clauses.append(f"actreg_fold({column}) = ?")
            params.append(fold(value.strip()))
    if flt.overdue:
        clauses.append(f"target_date < ? AND status NOT IN ({_FINISHED_SQL})")
        params.append(on.isoformat())
    if flt.stale:
        clauses.append(f"coalesce(last_update_at, '') < ? AND status NOT IN ({_FINISHED_SQL})")
        params.append(stale_before)
    if flt.search:
        query = _fts_query(flt.search)
        if query is None:
            clauses.append("0")
        elif not commentary:
            clauses.append("id IN (SELECT rowid FROM action_fts WHERE action_fts MATCH ?)")
            params.append(query)
        else:
            clauses.append(
                "(id IN (SELECT rowid FROM action_fts WHERE action_fts MATCH ?)"
                " OR id IN (SELECT p.action_id FROM commentary_fts f"
                " JOIN progress_log p ON p.id = f.rowid WHERE commentary_fts MATCH ?))"
            )
            params += [query, query]
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


def list_actions(
    conn: sqlite3.Connection,
    flt: ActionFilter = NO_FILTER,
    *,
    limit: int | None = None,
    offset: int = 0,
) -> list[ActionRow]:
    """Actions matching `flt` in natural ref order, each with its derived flags."""
    return list(iter_actions(conn, flt, limit=limit, offset=offset))


def iter_actions(
    conn: sqlite3.Connection,
    flt: ActionFilter = NO_FILTER,
    *,
    limit: int | None = None,
    offset: int = 0,
) -> Iterator[ActionRow]:
    """:func:`list_actions` one row at a time, as SQLite reads them: memory stays flat
    however many actions match (`actreg list` on 100,000 actions streams)."""
    on = today()
    stale_before = cycle_start(conn, on)
    where, params = where_clause(flt, on=on, stale_before=stale_before)
    page = f" LIMIT {int(limit)} OFFSET {int(offset)}" if limit is not None else ""
    cursor = conn.execute(
        f"SELECT {', '.join(ACTION_COLUMNS)} FROM action{where} ORDER BY ref_key{page}", params
    )
    for r in cursor:
        yield with_flags(
            dict(zip(ACTION_COLUMNS, r, strict=True)), on=on, stale_before=stale_before
        )


#: The derived flags as SQL over the action table, as text ('true'/'false') for
#: :func:`list_cells`: the same answers as :func:`with_flags` (a test holds them to it).
OPEN_SQL = f"status NOT IN ({_FINISHED_SQL})"
OVERDUE_SQL = f"({OPEN_SQL} AND coalesce(target_date, '') <> '' AND target_date < :today)"
FLAG_SQL = {
    "overdue": f"CASE WHEN {OVERDUE_SQL} THEN 'true' ELSE 'false' END",
    "days_overdue": (
        f"CASE WHEN {OVERDUE_SQL} THEN "
        "CAST(julianday(:today) - julianday(target_date) AS INTEGER) ELSE 0 END"
    ),
    "slipped": (
        "CASE WHEN coalesce(target_date, '') <> '' AND coalesce(original_target_date, '') <> ''"
        " AND target_date > original_target_date THEN 'true' ELSE 'false' END"
    ),
    "stale": (
        f"CASE WHEN {OPEN_SQL} AND coalesce(last_update_at, '') < :stale_before"
        " THEN 'true' ELSE 'false' END"
    ),
    "last_update": "last_update_at",
}

#: The cells that never need CSV quoting, written as plain text (cheaper in SQL):
#: the flags SQL computes ('true'/'false', a count), the integer columns and those
#: schema.sql CHECKs against a fixed vocabulary.
_NEVER_QUOTED = (frozenset(FLAG_SQL) - {"last_update"}) | {
    "priority",
    "acceptance",
    "status",
    "rag",
    "percent_complete",
    "target_revisions",
    "version",
}


def list_cells(
    conn: sqlite3.Connection, fields: tuple[str, ...], flt: ActionFilter = NO_FILTER
) -> sqlite3.Cursor:
    """`fields` (action columns or derived flags) of every action matching `flt`, in
    natural ref order, as tuples straight from SQLite: flags are 'true'/'false' text.

    What `actreg list --format csv` writes: no dict, no Python call per row, so it
    keeps pace with SQLite's own CSV output on any register.
    """
    cells, where, params = _list_select(conn, fields, flt)
    return conn.execute(f"SELECT {', '.join(cells)} FROM action{where} ORDER BY ref_key", params)


def list_csv_lines(
    conn: sqlite3.Connection, fields: tuple[str, ...], flt: ActionFilter = NO_FILTER
) -> Iterator[str]:
    """:func:`list_cells` as CSV lines, each ending in a line feed: what csv.writer
    writes of them, made by SQLite (db.read.csv_lines), so that `list --format csv`
    handles one string per action instead of a tuple and a writer call."""
    cells, where, params = _list_select(conn, fields, flt)
    line = csv_lines.line_sql(
        [
            csv_lines.plain_cell_sql(cell) if field in _NEVER_QUOTED else csv_lines.cell_sql(cell)
            for field, cell in zip(fields, cells, strict=True)
        ]
    )
    csv_lines.prepare(conn)
    rows = conn.execute(f"SELECT {line} FROM action{where} ORDER BY ref_key", params)
    return (text for (text,) in rows)


def _list_select(
    conn: sqlite3.Connection, fields: tuple[str, ...], flt: ActionFilter
) -> tuple[list[str], str, list]:
    """The SQL of each of `fields`, the WHERE clause for `flt`, and its parameters."""
    unknown = [f for f in fields if f not in FLAG_SQL and f not in ACTION_COLUMNS]
    if unknown:
        raise ValueError(f"not a column of the action list: {', '.join(unknown)}")
    on = today()
    stale_before = cycle_start(conn, on)
    where, params = where_clause(flt, on=on, stale_before=stale_before)
    # where_clause's parameters are positional: the flags' named ones go in as literals.
    named = {"today": on.isoformat(), "stale_before": stale_before}
    return [with_values(FLAG_SQL.get(f, f), named) for f in fields], where, params


def with_values(sql: str, named: dict[str, str | None]) -> str:
    """`sql` with each :name replaced by its value as an SQL literal (None: NULL), for SQL
    that also takes positional parameters (where_clause's)."""
    for name, value in named.items():
        literal = "NULL" if value is None else "'" + value.replace("'", "''") + "'"
        sql = sql.replace(f":{name}", literal)
    return sql


def count_actions(conn: sqlite3.Connection, flt: ActionFilter = NO_FILTER) -> int:
    on = today()
    where, params = where_clause(flt, on=on, stale_before=cycle_start(conn, on))
    return conn.execute(f"SELECT count(*) FROM action{where}", params).fetchone()[0]


def get_action(conn: sqlite3.Connection, ref: str) -> ActionRow:
    """One action with its derived flags; NotFound names the ref."""
    row = conn.execute(
        f"SELECT {', '.join(ACTION_COLUMNS)} FROM action WHERE ref = ?", (ref.strip(),)
    ).fetchone()
    if row is None:
        raise NotFound(f"ref: no action {ref.strip()!r} in this register")
    on = today()
    return with_flags(
        dict(zip(ACTION_COLUMNS, row, strict=True)), on=on, stale_before=cycle_start(conn, on)
    )


def ref_of(conn: sqlite3.Connection, action_id: int) -> str:
    """The ref of the action with this id (a triage queue holds ids); NotFound if it is gone."""
    found = conn.execute("SELECT ref FROM action WHERE id = ?", (action_id,)).fetchone()
    if found is None:
        raise NotFound("This action is no longer in the register.")
    return found[0]


def action_log(
    conn: sqlite3.Connection,
    action_id: int,
    *,
    newest_first: bool = True,
    effective_by: str | None = None,
) -> list[log.LogEntry]:
    """An action's entries; only those in effect by `effective_by` (UTC text) if given."""
    order = "DESC" if newest_first else "ASC"
    where, params = "action_id = ?", [action_id]
    if effective_by is not None:
        where += f" AND {log.effective_at_sql('progress_log')} <= ?"
        params.append(effective_by)
    rows = conn.execute(
        f"SELECT {log.SELECT_COLUMNS} FROM progress_log WHERE {where} ORDER BY id {order}",
        params,
    ).fetchall()
    return [log.from_row(r) for r in rows]


def get_action_as_at(conn: sqlite3.Connection, ref: str, moment: str) -> ActionRow:
    """One action (named by its ref now) as it stood at `moment`, with its flags then."""
    current = get_action(conn, ref)
    on = min(today(), parse_utc_text(moment).date())
    rows = asat.rebuild(
        conn,
        asat.head_id(conn),
        cut=moment,
        today=on.isoformat(),
        stale_before=cycle_start(conn, on),
        only=current["id"],
    )
    if not rows:
        raise NotFound(
            f"as at: action {current['ref']} did not exist yet on {moment[:10]} "
            f"(it dates from {str(current['created_at'])[:10]})"
        )
    row = rows[0]
    row["last_update"] = row["last_update_at"]
    return cast(ActionRow, row)


def list_as_at(
    conn: sqlite3.Connection, moment: str, flt: ActionFilter = NO_FILTER
) -> list[ActionRow]:
    """Every action as it stood at `moment` (UTC text) on the effective axis, rebuilt from
    the log alone, filtered.

    The flags are as on that day (or today, if the moment is still to come).
    The search matches as the live one does: every word (as a prefix) in the
    action's text as it then stood, or in one commentary written by then.
    """
    # Everything recorded so far, as in effect at `moment`: late entries recorded
    # since (effective by then) count, as they would in a snapshot taken now.
    head = asat.head_id(conn)
    on = min(today(), parse_utc_text(moment).date())
    rows = asat.rebuild(
        conn, head, cut=moment, today=on.isoformat(), stale_before=cycle_start(conn, on)
    )
    for row in rows:
        row["last_update"] = row["last_update_at"]
    in_commentary = _commentary_matches(conn, flt.search, moment) if flt.search else set()
    # (asat.rebuild derives the same flags as with_flags, on that day)
    return [cast(ActionRow, r) for r in rows if _keep(r, flt, in_commentary)]


def register_as_at(conn: sqlite3.Connection, moment: str) -> list[ActionRow]:
    """Every action as it stood at `moment`: :func:`list_as_at` with no filter."""
    return list_as_at(conn, moment)


def _commentary_matches(conn: sqlite3.Connection, search: str, moment: str) -> set[int]:
    query = _fts_query(search)
    if query is None:
        return set()
    rows = conn.execute(
        "SELECT DISTINCT p.action_id FROM commentary_fts f JOIN progress_log p ON p.id = f.rowid"
        f" WHERE commentary_fts MATCH ? AND {log.effective_at_sql('p')} <= ?",
        (query, moment),
    )
    return {r[0] for r in rows}


def _words_in(text: str, search: str) -> bool:
    """Every word of `search` starts a word of `text` (FTS5 prefix matching, in Python)."""
    tokens = re.findall(r"\w+", fold(text) or "")
    return all(any(t.startswith(w) for t in tokens) for w in re.findall(r"\w+", fold(search) or ""))


def _keep(r: Row, flt: ActionFilter, in_commentary: set[int]) -> bool:
    if flt.statuses and r["status"] not in flt.statuses:
        return False
    if flt.rags and r["rag"] not in flt.rags:
        return False
    for column in ("owner", "directorate", "theme"):
        wanted = getattr(flt, column)
        if wanted and fold(r[column] or "") != fold(wanted.strip()):
            return False
    if flt.overdue and not r["overdue"]:
        return False
    if flt.stale and not r["stale"]:
        return False
    if flt.search:
        text = " ".join(str(r[c] or "") for c in ("ref", "title", "description"))
        if r["id"] not in in_commentary and not _words_in(text, flt.search):
            return False
    return True


class RegisterInfo(TypedDict):
    """The register's name and counts, for the TUI's header and `list` summaries."""

    name: str
    organisation: str
    actions: int
    by_status: dict[str, int]  # status -> how many actions
    by_rag: dict[str, int]  # 'red', 'amber', 'green' or '' (none) -> how many
    entries: int  # log entries (the head's id)
    head_hash: str


def register_info(conn: sqlite3.Connection) -> RegisterInfo:
    """Name, organisation and counts, for headers and `list` summaries."""
    counts = dict(conn.execute("SELECT status, count(*) FROM action GROUP BY status").fetchall())
    rags = dict(conn.execute("SELECT coalesce(rag, ''), count(*) FROM action GROUP BY rag"))
    head_id, head_hash, _ = log.head(conn)
    return RegisterInfo(
        name=setting(conn, "name", "") or "",
        organisation=setting(conn, "organisation", "") or "",
        actions=sum(counts.values()),
        by_status=counts,
        by_rag=rags,
        entries=head_id,
        head_hash=head_hash,
    )
