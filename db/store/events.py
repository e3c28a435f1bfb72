"""Entries about the register itself: its settings, committees, meetings, snapshots taken.

Everything a committee pack depends on besides the actions is in the chain too.
Each such entry (no action; kind ``setting``, ``committee``, ``meeting`` or
``snapshot``) carries the row as it stands after the change, as canonical JSON,
and the row before it (NULL when new). The settings are one row, all of them
(name, organisation, created_at...): a register's first entry records them
(db.store.chain), and so does every change to them. So the newest entry per row is exactly
what its table must hold: ``verify`` folds them and compares
(db.integrity.register_rows), and deleting or altering a meeting, a setting or a
snapshot, or the entry that recorded it, breaks the chain or that comparison.
"""

from __future__ import annotations

import json
import sqlite3
from typing import NamedTuple, Protocol


class Writer(Protocol):
    """What appends these entries: db.store.chain.ChainWriter."""

    conn: sqlite3.Connection

    def append_entry(self, action_id: int | None, kind: str, **values): ...


class EventTable(NamedTuple):
    table: str
    columns: tuple[str, ...]
    key: str


#: The key of the one "row" of settings: the register_setting table as a whole.
SETTINGS_KEY = "register"

#: Which table each kind of register entry describes, its columns and its key.
EVENT_TABLES = {
    "setting": EventTable("register_setting", ("key", "value"), "key"),
    "committee": EventTable("committee", ("id", "name", "cadence"), "id"),
    "meeting": EventTable(
        "meeting", ("id", "committee_id", "meeting_date", "paper_deadline", "title"), "id"
    ),
    "snapshot": EventTable(
        "snapshot",
        (
            "id",
            "meeting_id",
            "taken_at",
            "taken_by",
            "cut_off",
            "stale_before",
            "log_head_id",
            "log_head_hash",
            "rows_hash",
            "row_count",
            "supersedes",
        ),
        "id",
    ),
}


def encode_row(columns: tuple[str, ...], values) -> str:
    """A row as the entry carries it: a JSON object, keys sorted, no spaces."""
    return json.dumps(
        dict(zip(columns, values, strict=True)),
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
    )


def settings_row(conn: sqlite3.Connection) -> str | None:
    """Every setting, as one JSON object; None if there are none."""
    found = dict(conn.execute("SELECT key, value FROM register_setting"))
    if not found:
        return None
    return json.dumps(found, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def table_rows(conn: sqlite3.Connection, kind: str) -> dict[str, str]:
    """Every row of `kind`'s table as the entries would carry it, by key (as text)."""
    if kind == "setting":
        row = settings_row(conn)
        return {} if row is None else {SETTINGS_KEY: row}
    spec = EVENT_TABLES[kind]
    cursor = conn.execute(f"SELECT {', '.join(spec.columns)} FROM {spec.table}")
    at = spec.columns.index(spec.key)
    return {str(row[at]): encode_row(spec.columns, row) for row in cursor}


def row_now(conn: sqlite3.Connection, kind: str, key: object) -> str | None:
    """One row of `kind`'s table as the entries carry it; None if there is none."""
    if kind == "setting":
        return settings_row(conn)
    spec = EVENT_TABLES[kind]
    row = conn.execute(
        f"SELECT {', '.join(spec.columns)} FROM {spec.table} WHERE {spec.key} = ?", (key,)
    ).fetchone()
    return None if row is None else encode_row(spec.columns, row)


def record_row(writer: Writer, kind: str, key: object, before: str | None = None) -> str | None:
    """Append the entry for a row just added or changed (`before`: it as it was).

    Inside the write transaction that changed the row. Returns the row's JSON.
    """
    after = row_now(writer.conn, kind, key)
    if after != before:
        writer.append_entry(None, kind, field=str(key), old_value=before, new_value=after)
    return after


def record_every_row(writer: Writer, kinds=tuple(EVENT_TABLES)) -> int:
    """An entry for every row of `kinds`' tables (a register upgraded to this chain)."""
    count = 0
    for kind in kinds:
        for key, row in sorted(table_rows(writer.conn, kind).items(), key=_key_order):
            writer.append_entry(None, kind, field=key, new_value=row)
            count += 1
    return count


def _key_order(item: tuple[str, str]) -> tuple:
    key = item[0]
    return (0, int(key), "") if key.isdigit() else (1, 0, key)
