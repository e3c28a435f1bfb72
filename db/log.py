"""Progress log entries: their canonical encoding, their hash, and appending one.

The hash of an entry is SHA-256 over the previous entry's hash and a canonical
encoding of the entry's content (everything but its row id and the hashes), so
changing, removing or reordering any entry breaks every hash after it.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import uuid as uuidlib
from dataclasses import astuple, dataclass, fields

#: The prev_hash of the first entry in a register.
GENESIS_HASH = "0" * 64

KINDS = (
    "created",
    "note",
    "status",
    "rag",
    "target_date",
    "field_edit",
    "evidence",
    "correction",
    "chased",
    "import",
)


@dataclass(frozen=True, slots=True)
class LogEntry:
    id: int
    uuid: str
    action_id: int
    kind: str
    field: str | None
    old_value: str | None
    new_value: str | None
    commentary: str | None
    author: str
    recorded_at: str
    supersedes: str | None
    prev_hash: str
    hash: str


COLUMNS = tuple(f.name for f in fields(LogEntry))
SELECT_COLUMNS = ", ".join(COLUMNS)


#: One encoder, made once: verify encodes every entry of the log.
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def canonical(entry_content: tuple) -> bytes:
    """The hashed encoding: a JSON array in a fixed order, no spaces, UTF-8."""
    return _ENCODER.encode(entry_content).encode("utf-8")


def compute_hash(prev_hash: str, content: tuple) -> str:
    digest = hashlib.sha256(prev_hash.encode("ascii"))
    digest.update(b"\n")
    digest.update(canonical(content))
    return digest.hexdigest()


def content_of(entry: LogEntry) -> tuple:
    """The part of an entry its hash covers."""
    return (
        entry.uuid,
        entry.action_id,
        entry.kind,
        entry.field,
        entry.old_value,
        entry.new_value,
        entry.commentary,
        entry.author,
        entry.recorded_at,
        entry.supersedes,
    )


def expected_hash(entry: LogEntry) -> str:
    return compute_hash(entry.prev_hash, content_of(entry))


def make_entry(
    *,
    prev_id: int,
    prev_hash: str,
    action_id: int,
    kind: str,
    author: str,
    recorded_at: str,
    field: str | None = None,
    old_value: str | None = None,
    new_value: str | None = None,
    commentary: str | None = None,
    supersedes: str | None = None,
) -> LogEntry:
    entry_uuid = str(uuidlib.uuid4())
    content = (
        entry_uuid,
        action_id,
        kind,
        field,
        old_value,
        new_value,
        commentary,
        author,
        recorded_at,
        supersedes,
    )
    return LogEntry(prev_id + 1, *content, prev_hash, compute_hash(prev_hash, content))


def insert_entry(conn: sqlite3.Connection, entry: LogEntry) -> None:
    placeholders = ", ".join("?" * len(COLUMNS))
    conn.execute(
        f"INSERT INTO progress_log ({SELECT_COLUMNS}) VALUES ({placeholders})", astuple(entry)
    )


def from_row(row) -> LogEntry:
    return LogEntry(*row)


def head(conn: sqlite3.Connection) -> tuple[int, str, str | None]:
    """(id, hash, recorded_at) of the newest entry; (0, GENESIS_HASH, None) when empty."""
    row = conn.execute(
        "SELECT id, hash, recorded_at FROM progress_log ORDER BY id DESC LIMIT 1"
    ).fetchone()
    return (row[0], row[1], row[2]) if row else (0, GENESIS_HASH, None)


def entries(
    conn: sqlite3.Connection,
    *,
    until: str | None = None,
    action_id: int | None = None,
    up_to: int | None = None,
):
    """Entries in chain order; only those recorded by `until`, or numbered up to `up_to`."""
    where, params = [], []
    if up_to is not None:
        where.append("id <= ?")
        params.append(up_to)
    if until is not None:
        where.append("recorded_at <= ?")
        params.append(until)
    if action_id is not None:
        where.append("action_id = ?")
        params.append(action_id)
    clause = f"WHERE {' AND '.join(where)}" if where else ""
    cursor = conn.execute(f"SELECT {SELECT_COLUMNS} FROM progress_log {clause} ORDER BY id", params)
    for row in cursor:
        yield LogEntry(*row)
