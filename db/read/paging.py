"""Paged reads for the register table: one page of a filtered, sorted list at a time.

The TUI shows registers of 100,000 actions without loading them: it counts the
matches (``count(*)``) and asks for the page on screen, ordered on an indexed
column with the row id as tie-break so pages never overlap or skip a row.
"""

from __future__ import annotations

import sqlite3

from db.read.queries import ActionFilter, ActionRow, cycle_start, where_clause, with_flags
from db.store.clock import today
from db.store.projection import ACTION_COLUMNS

#: RAG by severity, as a committee reads it: red, amber, green, then unrated.
RAG_SEVERITY = "CASE rag WHEN 'red' THEN 0 WHEN 'amber' THEN 1 WHEN 'green' THEN 2 ELSE 3 END"
#: Sort keys the table offers, each an ORDER BY on an indexed column (RAG: its severity).
SORT_COLUMNS = {
    "ref": "ref_key",
    "title": "title COLLATE NOCASE",
    "owner": "owner COLLATE NOCASE",
    "directorate": "directorate COLLATE NOCASE",
    "status": "status",
    "rag": RAG_SEVERITY,
    "target_date": "target_date",
    "last_update": "last_update_at",
}


def _order(sort: str, descending: bool) -> str:
    if sort not in SORT_COLUMNS:
        raise ValueError(f"sort: {sort!r} is not one of {', '.join(SORT_COLUMNS)}")
    direction = " DESC" if descending else ""
    return f"{SORT_COLUMNS[sort]}{direction}, id{direction}"


def page_actions(
    conn: sqlite3.Connection,
    flt: ActionFilter | None = None,
    *,
    sort: str = "ref",
    descending: bool = False,
    limit: int = 100,
    offset: int = 0,
) -> list[ActionRow]:
    """One page of the actions matching `flt`, sorted, each with its derived flags."""
    flt = flt or ActionFilter()
    on = today()
    stale_before = cycle_start(conn, on)
    where, params = where_clause(flt, on=on, stale_before=stale_before)
    return _page(conn, where, params, on, stale_before, sort, descending, limit, offset)


def _page(
    conn, where, params, on, stale_before, sort, descending, limit, offset
) -> list[ActionRow]:
    rows = conn.execute(
        f"SELECT {', '.join(ACTION_COLUMNS)} FROM action{where}"
        f" ORDER BY {_order(sort, descending)} LIMIT ? OFFSET ?",
        [*params, int(limit), int(offset)],
    ).fetchall()
    return [
        with_flags(dict(zip(ACTION_COLUMNS, r, strict=True)), on=on, stale_before=stale_before)
        for r in rows
    ]


def distinct_values(conn: sqlite3.Connection, column: str, *, limit: int = 500) -> list[str]:
    """The distinct owners or directorates in use, for the filter menu (indexed, NOCASE)."""
    if column not in ("owner", "directorate", "theme"):
        raise ValueError(f"column: {column!r} has no list of values")
    rows = conn.execute(
        f"SELECT {column} FROM action WHERE {column} IS NOT NULL AND {column} <> ''"
        f" GROUP BY {column} COLLATE NOCASE ORDER BY {column} COLLATE NOCASE LIMIT ?",
        (limit,),
    ).fetchall()
    return [r[0] for r in rows]


def count_matching(conn: sqlite3.Connection, flt: ActionFilter | None = None) -> int:
    """count(*) of the actions matching `flt`: the table's total.

    Same answer as :func:`db.read.queries.count_actions`. When the only conditions are
    overdue or stale (ranges over most rows, none with an index of its own), a
    plain scan of the table beats walking the date index and looking each row
    up (35 ms against 110 ms at 100,000 actions), so the index is bypassed.
    """
    flt = flt or ActionFilter()
    on = today()
    where, params = where_clause(flt, on=on, stale_before=cycle_start(conn, on))
    return _count(conn, flt, where, params)


def _count(conn: sqlite3.Connection, flt: ActionFilter, where: str, params: list) -> int:
    if not where:  # every action: the count the triggers keep, not a scan of them all
        return conn.execute("SELECT n FROM action_count").fetchone()[0]
    narrowed = flt.statuses or flt.rags or flt.owner or flt.directorate or flt.theme or flt.search
    scan = " NOT INDEXED" if (flt.overdue or flt.stale) and not narrowed else ""
    return conn.execute(f"SELECT count(*) FROM action{scan}{where}", params).fetchone()[0]


def matching_ids(
    conn: sqlite3.Connection,
    flt: ActionFilter | None = None,
    *,
    sort: str = "ref",
    descending: bool = False,
    commentary: bool = True,
) -> list[int]:
    """The ids of every matching action, in table order.

    For a search, the full-text match is the slow part; reading the ids once gives
    the count and every page (:func:`rows_by_ids`) without matching again.
    `commentary=False` matches the actions' own text only: on 2,000,000 log entries
    the commentary match takes seconds, the action text tens of milliseconds.
    """
    flt = flt or ActionFilter()
    on = today()
    stale_before = cycle_start(conn, on)
    where, params = where_clause(flt, on=on, stale_before=stale_before, commentary=commentary)
    sql = f"SELECT id FROM action{where} ORDER BY {_order(sort, descending)}"
    return [r[0] for r in conn.execute(sql, params)]


def rows_by_ids(conn: sqlite3.Connection, ids: list[int]) -> list[ActionRow]:
    """The actions with these ids, in the order given, each with its derived flags."""
    if not ids:
        return []
    on = today()
    stale_before = cycle_start(conn, on)
    marks = ", ".join("?" * len(ids))
    found = {
        r[0]: dict(zip(ACTION_COLUMNS, r, strict=True))
        for r in conn.execute(
            f"SELECT {', '.join(ACTION_COLUMNS)} FROM action WHERE id IN ({marks})", ids
        )
    }
    return [with_flags(found[i], on=on, stale_before=stale_before) for i in ids if i in found]


def count_and_page(
    conn: sqlite3.Connection,
    flt: ActionFilter | None = None,
    *,
    sort: str = "ref",
    descending: bool = False,
    limit: int = 100,
    offset: int = 0,
) -> tuple[int, list[ActionRow]]:
    """:func:`count_matching` and :func:`page_actions` at once, deciding 'today' once."""
    flt = flt or ActionFilter()
    on = today()
    stale_before = cycle_start(conn, on)
    where, params = where_clause(flt, on=on, stale_before=stale_before)
    total = _count(conn, flt, where, params)
    return total, _page(conn, where, params, on, stale_before, sort, descending, limit, offset)
