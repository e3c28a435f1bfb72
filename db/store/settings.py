"""Changing a register setting (name, organisation, register_id ...): one write, and an
entry in the chain carrying all the settings as they now stand (db.store.events), so a
setting changed behind actreg's back is found by verify."""

from __future__ import annotations

import sqlite3

from db.store import events
from db.store.chain import ChainWriter
from db.store.clock import Clock, utc_now
from db.store.connection import setting, write_transaction


def store_setting(
    conn: sqlite3.Connection,
    key: str,
    value: str,
    *,
    author: str = "actreg",
    clock: Clock = utc_now,
    keep_existing: bool = False,
) -> str:
    """Set `key` to `value` (unless `keep_existing` and it is set); return its value."""
    with write_transaction(conn):
        current = setting(conn, key)
        if current is not None and (keep_existing or current == value):
            return current
        writer = ChainWriter(conn, author, clock)
        before = events.settings_row(conn)
        conn.execute(
            "INSERT INTO register_setting (key, value) VALUES (?, ?)"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, value),
        )
        events.record_row(writer, "setting", events.SETTINGS_KEY, before)
        return value
