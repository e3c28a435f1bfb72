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

from db.store.events import EVENT_TABLES, table_rows

#: At most this many differences are named per table.
_SHOWN = 5


def recorded_rows(conn: sqlite3.Connection) -> dict[str, dict[str, str]]:
    """What each table must hold, by the log: kind -> key -> the row's JSON."""
    expected: dict[str, dict[str, str]] = {kind: {} for kind in EVENT_TABLES}
    cursor = conn.execute(
        "SELECT kind, field, new_value FROM progress_log WHERE action_id IS NULL ORDER BY id"
    )
    for kind, key, row in cursor:
        rows = expected.setdefault(kind, {})
        if row is None:
            rows.pop(key, None)
        else:
            rows[key] = row
    return expected


def check_register_rows(conn: sqlite3.Connection) -> list[str]:
    """How the settings, committee, meeting, snapshot and round tables differ from the log."""
    if conn.execute("SELECT 1 FROM progress_log LIMIT 1").fetchone() is None:
        return []  # an empty register: its first entry will record what it holds
    problems = []
    for kind, rows in recorded_rows(conn).items():
        spec = EVENT_TABLES.get(kind)
        if spec is None:
            problems.append(f"the log records a {kind!r}, which is not part of a register")
            continue
        found = []
        actual = table_rows(conn, kind)
        for key in sorted(set(rows) | set(actual), key=_order):
            want, have = rows.get(key), actual.get(key)
            if want == have:
                continue
            name = _name(kind, key, want or have)
            if have is None:
                found.append(f"{name} is in the log but missing from the {spec.table} table")
            elif want is None:
                found.append(f"{name} is in the {spec.table} table but the log never recorded it")
            else:
                found.append(f"{name} differs from the log ({_difference(want, have)})")
        if found:
            more = len(found) - _SHOWN
            problems.append(
                f"the {spec.table} table does not match the log: "
                + "; ".join(found[:_SHOWN])
                + (f"; and {more} more" if more > 0 else "")
            )
    return problems


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
