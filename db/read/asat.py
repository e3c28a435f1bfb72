"""The register as it stood at a past moment, rebuilt from the log in one SQL query.

Two cuts make "as it stood": the entries recorded by then (``head``, an entry id:
what a snapshot taken at some moment could see) and, of those, the ones in effect
at the moment asked about (``cut``, on the effective axis: an entry's
effective moment, see :func:`db.store.log.effective_moment`). Along one action's
entries both only move forward, so what is in effect is a prefix of the action's
entries: the query first finds, per action, the last entry inside both cuts
(``upto``), and everything after that reads entries ``id <= upto`` on the indexes,
as a plain cut by id would.

Every entry that changes a field names it and carries the field's whole new
value (see :func:`db.store.projection.apply_entry`), so a field's value as at a
cut-off is the newest entry for that field at or before it, falling back to
the value the action was created with. That is one correlated subquery per
field on the (action_id, field, id) index: a window function over the log is
several times slower.

The query returns each action as canonical JSON (keys sorted) with its derived
flags as on a given day, so a snapshot is this query's output stored as it
comes: Python touches no field. The fold in db/projection.py is the definition
of the state, and ``db.read.queries.with_flags`` of the flags; the property tests
prove this query gives the same rows and flags at every point in time.
"""

from __future__ import annotations

import json
import sqlite3

from db.store import log
from db.store.projection import (
    ACTION_COLUMNS,
    CREATED_DEFAULTS,
    NOT_PROGRESS_KINDS,
    REDATE_KINDS,
    SETTABLE_FIELDS,
    Row,
    ref_key,
)
from db.store.values import FINISHED_STATUSES

#: What the rebuild gives for each action: the projection's columns (but the
#: sort key, which is Python's) and the derived flags. Snapshots freeze exactly this.
FLAG_FIELDS = ("overdue", "days_overdue", "slipped", "stale")
REBUILT_FIELDS = tuple(sorted({*ACTION_COLUMNS, *FLAG_FIELDS} - {"ref_key"}))

_SET = sorted(SETTABLE_FIELDS)
_INTEGER = {"percent_complete"}
_REDATE = ", ".join(f"'{k}'" for k in REDATE_KINDS)
_NOT_PROGRESS = ", ".join(f"'{k}'" for k in sorted(NOT_PROGRESS_KINDS))
_FINISHED = ", ".join(f"'{s}'" for s in sorted(FINISHED_STATUSES))


def _latest(field: str) -> str:
    # json_array() tells "set to NULL" ('[null]') apart from "never set" (NULL);
    # a RAG entry's commentary is the reason for the rating, so it comes too.
    extra = ", p.commentary" if field == "rag" else ""
    return (
        f"(SELECT json_array(p.new_value{extra}) FROM progress_log p"
        f" WHERE p.action_id = c.action_id AND p.field = '{field}' AND p.id <= c.upto"
        f" ORDER BY p.id DESC LIMIT 1) AS f_{field}"
    )


def _value(field: str) -> str:
    """A field's value: its newest entry, else its value at creation (else the default)."""
    created = f"json_extract(created, '$.{field}')"
    if field in CREATED_DEFAULTS:
        created = (
            f"coalesce({created}, {json.dumps(CREATED_DEFAULTS[field]).replace(chr(34), chr(39))})"
        )
    if field == "original_target_date":
        created = "json_extract(created, '$.target_date')"
    latest = f"json_extract(f_{field}, '$[0]')"
    if field in _INTEGER:
        latest = f"CAST({latest} AS INTEGER)"
    return f"CASE WHEN f_{field} IS NULL THEN {created} ELSE {latest} END"


#: The end of time on the effective axis: a cut that leaves every entry in.
NO_CUT = "9999-12-31T23:59:59.999999Z"

# Each action created within both cuts, and its last entry within them.
_HEADS = f"""
SELECT c.action_id, c.new_value AS created, {log.effective_at_sql("c")} AS created_at,
    c.commentary AS created_note,
    (SELECT p.id FROM progress_log p
      WHERE p.action_id = c.action_id AND p.id <= :head AND {log.effective_at_sql("p")} <= :cut
      ORDER BY p.id DESC LIMIT 1) AS upto
FROM progress_log c
WHERE c.kind = 'created' AND c.id <= :head AND {log.effective_at_sql("c")} <= :cut
  AND (:only IS NULL OR c.action_id = :only)
"""

# The per-action facts, materialised once so the flags below can use each value
# several times without running its subquery again.
_FACTS = f"""
SELECT
    c.action_id AS id, c.created, c.created_at, c.created_note,
    {", ".join(_latest(f) for f in _SET)},
    (SELECT count(*) FROM progress_log p
      WHERE p.action_id = c.action_id AND p.id <= c.upto) AS version,
    (SELECT json_array(p.id, {log.effective_at_sql("p")}) FROM progress_log p
      WHERE p.id = c.upto) AS last_entry,
    (SELECT count(*) FROM progress_log p
      WHERE p.action_id = c.action_id AND p.field = 'target_date' AND p.kind IN ({_REDATE})
        AND p.id <= c.upto) AS redates,
    (SELECT count(*) FROM progress_log p JOIN progress_log s ON s.uuid = p.supersedes
      WHERE p.action_id = c.action_id AND p.field = 'target_date' AND p.kind = 'correction'
        AND p.id <= c.upto AND s.field = 'target_date' AND s.kind IN ({_REDATE})
        AND p.new_value IS s.old_value) AS undone,
    (SELECT json_array(
              coalesce((SELECT k.new_value FROM progress_log k
                         WHERE k.supersedes = p.uuid AND k.field = 'commentary'
                           AND k.id <= c.upto
                         ORDER BY k.id DESC LIMIT 1), p.commentary),
              {log.effective_at_sql("p")}, p.uuid)
       FROM progress_log p
      WHERE p.action_id = c.action_id AND p.id <= c.upto
        AND p.commentary <> '' AND p.kind NOT IN ({_NOT_PROGRESS})
        AND NOT (p.kind = 'import' AND p.field IS NOT NULL)
      ORDER BY p.id DESC LIMIT 1) AS last_note
FROM heads c
"""

_VALUES = f"""
SELECT
    id, created_at, version,
    {", ".join(f"{_value(f)} AS {f}" for f in _SET)},
    CASE WHEN f_rag IS NOT NULL THEN json_extract(f_rag, '$[1]')
         WHEN json_extract(created, '$.rag') IS NOT NULL THEN created_note END AS rag_reason,
    max(0, redates - undone) AS target_revisions,
    json_extract(last_entry, '$[0]') AS last_entry_id,
    json_extract(last_entry, '$[1]') AS last_update_at,
    json_extract(last_note, '$[0]') AS last_commentary,
    json_extract(last_note, '$[1]') AS last_commentary_at,
    json_extract(last_note, '$[2]') AS last_commentary_entry
FROM facts
"""


def _flag(name: str) -> str:
    open_ = f"status NOT IN ({_FINISHED})"
    overdue = f"({open_} AND target_date IS NOT NULL AND target_date < :today)"
    return {
        "overdue": f"json(CASE WHEN {overdue} THEN 'true' ELSE 'false' END)",
        "days_overdue": (f"CASE WHEN {overdue} THEN "
                         "CAST(julianday(:today) - julianday(target_date) AS INTEGER) ELSE 0 END"),
        "slipped": ("json(CASE WHEN target_date IS NOT NULL AND original_target_date IS NOT NULL"
                    " AND target_date > original_target_date THEN 'true' ELSE 'false' END)"),
        "stale": (f"json(CASE WHEN {open_} AND coalesce(last_update_at, '') < :stale_before"
                  " THEN 'true' ELSE 'false' END)"),
    }[name]  # fmt: skip


AS_AT_SQL = f"""
WITH heads AS MATERIALIZED ({_HEADS}),
     facts AS MATERIALIZED ({_FACTS}),
     vals AS ({_VALUES})
SELECT id, ref, json_object(
    {", ".join(f"'{f}', {_flag(f) if f in FLAG_FIELDS else f}" for f in REBUILT_FIELDS)}
)
FROM vals
"""


def head_at(conn: sqlite3.Connection, moment: str) -> tuple[int, str | None]:
    """(id, hash) of the newest entry recorded at or before `moment`; (0, None) if none.

    Entries are written in time order, so this cut is always a prefix of the chain.
    """
    row = conn.execute(
        "SELECT id, hash FROM progress_log WHERE recorded_at <= ? ORDER BY recorded_at DESC,"
        " id DESC LIMIT 1",
        (moment,),
    ).fetchone()
    return (row[0], row[1]) if row else (0, None)


def count_created(conn: sqlite3.Connection, cut: str) -> int:
    """How many actions had been created (in effect) by `cut`: what a snapshot would freeze."""
    return conn.execute(
        f"SELECT count(*) FROM progress_log c WHERE c.kind = 'created'"
        f" AND {log.effective_at_sql('c')} <= ?",
        (cut,),
    ).fetchone()[0]


def head_id(conn: sqlite3.Connection) -> int:
    """The id of the newest entry (0 in an empty register): everything recorded so far."""
    return conn.execute("SELECT coalesce(max(id), 0) FROM progress_log").fetchone()[0]


def rebuilt_json(conn: sqlite3.Connection, head: int, *, cut: str = NO_CUT, today: str,
                 stale_before: str, only: int | None = None) -> list[tuple[str, str]]:  # fmt: skip
    """(ref, canonical JSON) of every action as in effect at `cut` (canonical UTC text),
    from the entries up to `head` (as recorded by then), in natural ref order.

    The flags are as on `today` (YYYY-MM-DD), with `stale_before` the cycle start;
    `only` rebuilds that one action (an id).
    """
    params = {"head": head, "cut": cut, "today": today, "stale_before": stale_before,
              "only": only}  # fmt: skip
    rows = [(ref, data) for _, ref, data in conn.execute(AS_AT_SQL, params)]
    rows.sort(key=lambda r: ref_key(r[0]))
    return rows


def rebuild(conn: sqlite3.Connection, head: int, *, cut: str = NO_CUT,
            today: str = "9999-12-31", stale_before: str = "",
            only: int | None = None) -> list[Row]:  # fmt: skip
    """Every action as in effect at `cut` from the entries up to `head`, as action-table
    rows plus the flags."""
    rows = []
    found = rebuilt_json(conn, head, cut=cut, today=today, stale_before=stale_before, only=only)
    for ref, data in found:
        row = json.loads(data)
        row["ref_key"] = ref_key(ref)
        rows.append(row)
    return rows
