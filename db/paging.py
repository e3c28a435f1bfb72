"""Paged reads for the register table: one page of a filtered, sorted list at a time.

The TUI shows registers of 100,000 actions without loading them: it counts the
matches (``count(*)``) and asks for the page on screen, ordered on an indexed
column with the row id as tie-break so pages never overlap or skip a row.
"""

from __future__ import annotations

import sqlite3

from db.clock import today
from db.projection import ACTION_COLUMNS, Row
from db.queries import ActionFilter, _where, cycle_start, with_flags

#: Sort keys the table offers, each an ORDER BY on an indexed column (title is not indexed).
SORT_COLUMNS = {
    "ref": "ref_key",
    "title": "title COLLATE NOCASE",
    "owner": "owner COLLATE NOCASE",
    "directorate": "directorate COLLATE NOCASE",
    "status": "status",
    "rag": "rag",
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
) -> list[Row]:
    """One page of the actions matching `flt`, sorted, each with its derived flags."""
    flt = flt or ActionFilter()
    on = today()
    stale_before = cycle_start(conn, on)
    where, params = _where(flt, on=on, stale_before=stale_before)
    sql = (
        f"SELECT {', '.join(ACTION_COLUMNS)} FROM action{where}"
        f" ORDER BY {_order(sort, descending)} LIMIT ? OFFSET ?"
    )
    rows = conn.execute(sql, [*params, int(limit), int(offset)]).fetchall()
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
