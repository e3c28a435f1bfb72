"""verify's check of the register's own rows (settings, committees, meetings, snapshots,
the update round's tables) against the entries that recorded them (db.store.events).

The newest entry for each row carries the row as it must stand, so folding those
entries in chain order gives exactly what each table must hold: a row deleted,
added or altered behind actreg's back is named here, and removing the entry
instead breaks the chain.
"""

from __future__ import annotations

import json
import sqlite3
from itertools import groupby
from operator import itemgetter

from db.store.events import EVENT_TABLES, iter_table_rows

#: At most this many differences are named per table.
_SHOWN = 5


def _fold(entries) -> dict[str, str]:
    """What a table must hold by its entries (key, row JSON) in chain order: the newest each."""
    rows: dict[str, str] = {}
    for key, row in entries:
        if row is None:
            rows.pop(key, None)
        else:
            rows[key] = row
    return rows


def check_register_rows(conn: sqlite3.Connection) -> list[str]:
    """How the settings, committee, meeting, snapshot and round tables differ from the log.

    One table at a time (the entries sorted by kind, then chain order), its rows read
    one by one against the fold of its entries: a register with many rounds never
    holds more than one table's worth of rows.
    """
    if conn.execute("SELECT 1 FROM progress_log LIMIT 1").fetchone() is None:
        return []  # an empty register: its first entry will record what it holds
    unknown, found = [], {}
    cursor = conn.execute(
        "SELECT kind, field, new_value FROM progress_log WHERE action_id IS NULL ORDER BY kind, id"
    )
    for kind, group in groupby(cursor, key=itemgetter(0)):
        if kind not in EVENT_TABLES:
            unknown.append(f"the log records a {kind!r}, which is not part of a register")
            continue
        found[kind] = _compare(conn, kind, _fold((key, row) for _, key, row in group))
    problems = unknown
    for kind, spec in EVENT_TABLES.items():
        differences = found[kind] if kind in found else _compare(conn, kind, {})
        if differences:
            more = len(differences) - _SHOWN
            problems.append(
                f"the {spec.table} table does not match the log: "
                + "; ".join(differences[:_SHOWN])
                + (f"; and {more} more" if more > 0 else "")
            )
    return problems


def _compare(conn: sqlite3.Connection, kind: str, rows: dict[str, str]) -> list[str]:
    """Each row of `kind`'s table that differs from `rows` (the log's), in words, in key order."""
    table = EVENT_TABLES[kind].table
    differences: list[tuple[str, str | None, str | None]] = []
    for key, have in iter_table_rows(conn, kind):
        want = rows.pop(key, None)
        if want != have:
            differences.append((key, want, have))
    differences += [(key, want, None) for key, want in rows.items()]
    found = []
    for key, logged, held in sorted(differences, key=lambda d: _order(d[0])):
        name = _name(kind, key, logged or held or "")
        if held is None:
            found.append(f"{name} is in the log but missing from the {table} table")
        elif logged is None:
            found.append(f"{name} is in the {table} table but the log never recorded it")
        else:
            found.append(f"{name} differs from the log ({_difference(logged, held)})")
    return found


def _order(key: str) -> tuple:
    """Keys in number order (7 before 10; 3/9 before 3/41), any other text after them."""
    parts = key.split("/")
    if all(part.isdigit() for part in parts):
        return (0, tuple(map(int, parts)), "")
    return (1, (), key)


def _name(kind: str, key: str, row: str) -> str:
    if kind == "setting":
        return "the register's settings"
    try:
        values = json.loads(row)
    except ValueError:
        values = {}
    if kind == "meeting":
        return f"meeting #{key} ({values.get('meeting_date', '?')})"
    if kind == "committee":
        return f"committee #{key} ({values.get('name', '?')})"
    if kind == "submission":
        return f"submission #{key} (returned by {values.get('owner', '?')})"
    if kind == "extension_request":
        return f"extension_request #{key} (asked by {values.get('requested_by', '?')})"
    return f"{kind} #{key}"


def _difference(want: str, have: str) -> str:
    """Which values differ: 'paper_deadline is 2025-03-05 in the table, 2025-03-01 in the log'."""
    try:
        logged, stored = json.loads(want), json.loads(have)
    except ValueError:
        return "it cannot be read"
    return ", ".join(
        f"{k} is {stored.get(k)!r} in the table, {logged.get(k)!r} in the log"
        for k in sorted(set(logged) | set(stored))
        if logged.get(k) != stored.get(k)
    )
