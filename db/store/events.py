"""Entries about the register itself: its settings, committees, meetings, snapshots
taken, and the update round (requests, returns, submissions, decisions, extensions).

Everything a committee pack depends on besides the actions is in the chain too.
Each such entry (no action; its kind names the row's table, ``setting`` for the
settings) carries the row as it stands after the change, as canonical JSON, in
``new_value``, its key in ``field``, and the row before it in ``old_value`` (NULL
when new). The settings are one row, all of them (name, organisation,
created_at...): a register's first entry records them (db.store.chain), and so
does every change to them. So the newest entry per row is exactly what its table
must hold: ``verify`` folds them and compares (db.integrity.register_rows), and
deleting or altering a meeting, a setting, a snapshot or an owner's submission,
or the entry that recorded it, breaks the chain or that comparison.

One kind per table, the table's own name (but the settings'): the generic fold
then names the table a difference is in, and a new table is one line below.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from typing import NamedTuple, Protocol


class Writer(Protocol):
    """What appends these entries: db.store.chain.ChainWriter."""

    conn: sqlite3.Connection

    def append_entry(self, action_id: int | None, kind: str, **values): ...


class EventTable(NamedTuple):
    table: str
    #: Every column of the table (a test holds them to the schema).
    columns: tuple[str, ...]
    #: The columns that name a row; an entry's `field` is their values joined by "/".
    key: tuple[str, ...] = ("id",)


#: The key of the one "row" of settings: the register_setting table as a whole.
SETTINGS_KEY = "register"

#: Which table each kind of register entry describes, its columns and its key.
EVENT_TABLES = {
    "setting": EventTable("register_setting", ("key", "value"), ("key",)),
    "committee": EventTable("committee", ("id", "name", "cadence")),
    "meeting": EventTable(
        "meeting", ("id", "committee_id", "meeting_date", "paper_deadline", "title")
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
    ),
    # The update round (db/rounds), in the chain since version 6.
    "round": EventTable(
        "round", ("id", "meeting_id", "token", "started_at", "started_by", "return_by", "folder")
    ),
    "round_request": EventTable("round_request", ("id", "round_id", "owner", "workbook")),
    "round_request_action": EventTable(
        "round_request_action",
        ("request_id", "action_id", "position", "version"),
        ("request_id", "action_id"),
    ),
    "round_chase": EventTable("round_chase", ("id", "request_id", "chased_at", "chased_by")),
    "round_return": EventTable(
        "round_return",
        ("id", "request_id", "file_name", "content_hash", "received_at", "received_by"),
    ),
    "submission": EventTable(
        "submission",
        (
            "id",
            "return_id",
            "action_id",
            "owner",
            "received_at",
            "sent_version",
            "version_at_receipt",
            "cells",
            "proposed",
            "problems",
        ),
    ),
    "submission_decision": EventTable(
        "submission_decision",
        ("submission_id", "decision", "decided_at", "decided_by", "reason", "applied"),
        ("submission_id",),
    ),
    "extension_request": EventTable(
        "extension_request",
        (
            "id",
            "action_id",
            "submission_id",
            "meeting_id",
            "current_target",
            "proposed_date",
            "reason",
            "revisions",
            "why_committee",
            "requested_at",
            "requested_by",
        ),
    ),
    "extension_decision": EventTable(
        "extension_decision",
        ("extension_id", "meeting_id", "decision", "minute", "recorded_at", "recorded_by"),
        ("extension_id",),
    ),
}

#: The kinds of the update round's tables (upgrade 6 put their rows in the chain).
ROUND_KINDS = (
    "round",
    "round_request",
    "round_request_action",
    "round_chase",
    "round_return",
    "submission",
    "submission_decision",
    "extension_request",
    "extension_decision",
)


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


def key_text(key: object) -> str:
    """A row's key as an entry's `field` carries it: 7, or 3/41 for a two-column key."""
    return "/".join(map(str, key)) if isinstance(key, tuple) else str(key)


def _rows(conn: sqlite3.Connection, kind: str, where: str = "", params=()):
    """(key text, row JSON) of the rows of `kind`'s table matching `where`, in key order."""
    spec = EVENT_TABLES[kind]
    at = [spec.columns.index(k) for k in spec.key]
    cursor = conn.execute(
        f"SELECT {', '.join(spec.columns)} FROM {spec.table}"
        f"{f' WHERE {where}' if where else ''} ORDER BY {', '.join(spec.key)}",
        params,
    )
    for row in cursor:
        yield "/".join(str(row[i]) for i in at), encode_row(spec.columns, row)


def iter_table_rows(conn: sqlite3.Connection, kind: str) -> Iterator[tuple[str, str]]:
    """(key as text, row as the entries would carry it) of every row of `kind`'s table."""
    if kind == "setting":
        row = settings_row(conn)
        return iter(()) if row is None else iter(((SETTINGS_KEY, row),))
    return _rows(conn, kind)


def table_rows(conn: sqlite3.Connection, kind: str) -> dict[str, str]:
    """Every row of `kind`'s table as the entries would carry it, by key (as text)."""
    return dict(iter_table_rows(conn, kind))


def row_now(conn: sqlite3.Connection, kind: str, key: object) -> str | None:
    """One row of `kind`'s table as the entries carry it; None if there is none.

    `key`: the value of the table's key column, or a tuple of them for a two-column key.
    """
    if kind == "setting":
        return settings_row(conn)
    spec = EVENT_TABLES[kind]
    values = key if isinstance(key, tuple) else (key,)
    where = " AND ".join(f"{column} = ?" for column in spec.key)
    found = next(_rows(conn, kind, where, values), None)
    return None if found is None else found[1]


def record_row(writer: Writer, kind: str, key: object, before: str | None = None) -> str | None:
    """Append the entry for a row just added or changed (`before`: it as it was).

    Inside the write transaction that changed the row. Returns the row's JSON.
    """
    after = row_now(writer.conn, kind, key)
    if after != before:
        writer.append_entry(None, kind, field=key_text(key), old_value=before, new_value=after)
    return after


def record_new_rows(writer: Writer, kind: str, where: str, params=()) -> int:
    """Append an entry for each row of `kind`'s table matching `where`, just added
    (many at once, as a round's requested actions are), in key order."""
    count = 0
    for key, row in _rows(writer.conn, kind, where, params):
        writer.append_entry(None, kind, field=key, new_value=row)
        count += 1
    return count


def record_every_row(writer: Writer, kinds=tuple(EVENT_TABLES)) -> int:
    """An entry for every row of `kinds`' tables (a register upgraded to this chain)."""
    count = 0
    for kind in kinds:
        if kind == "setting":
            row = settings_row(writer.conn)
            if row is not None:
                writer.append_entry(None, kind, field=SETTINGS_KEY, new_value=row)
                count += 1
        else:
            count += record_new_rows(writer, kind, "")
    return count
