"""Progress log entries: their canonical encoding, their hash, and appending one.

The hash of an entry is SHA-256 over the previous entry's hash and a canonical
encoding of the entry's content (everything but its row id and the hashes), so
changing, removing or reordering any entry breaks every hash after it.

Two times: ``recorded_at`` (the clock, when it was typed) and ``effective_date``
(the day the fact became true; the recorded day unless backdated). The effective
date enters the hashed content only when it differs from the recorded day: every
entry written before effective dates existed is effective on its recorded day, so
it keeps its original hash, while backdating an entry, or moving its effective
date back to the recorded day, changes what is hashed (an 11- against a 10-item
array, so the two encodings can never collide).
"""

from __future__ import annotations

import os
import sqlite3
import time
from functools import partial
from typing import NamedTuple

from db.store.compact_json import ENCODER, compact_json

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


class LogEntry(NamedTuple):
    """One row of the log. A NamedTuple: verify builds two million of them, and a
    tuple is made ten times faster than a frozen dataclass."""

    id: int
    uuid: str
    action_id: int | None
    kind: str
    field: str | None
    old_value: str | None
    new_value: str | None
    commentary: str | None
    author: str
    recorded_at: str
    supersedes: str | None
    effective_date: str
    prev_hash: str
    hash: str


COLUMNS = LogEntry._fields
SELECT_COLUMNS = ", ".join(COLUMNS)


#: The only types a sound entry holds. For those, compact_json writes exactly the
#: encoder's bytes (what the hash is defined over) three times as fast (orjson), and
#: verify encodes every entry.
_SIMPLE_TYPES = frozenset({str, int, type(None)})


def canonical(entry_content: tuple) -> bytes:
    """The hashed encoding: a JSON array in a fixed order, no spaces, UTF-8."""
    if _SIMPLE_TYPES.issuperset(map(type, entry_content)):
        return compact_json(entry_content)
    # Anything else (a float, bytes: only damage puts one here) gets the encoder's own
    # answer, or its own error.
    return ENCODER.encode(entry_content).encode("utf-8")


def _load_sha256(data: bytes):
    """hashlib (OpenSSL) is imported on the first hash too, for the same reason."""
    global _sha256
    from hashlib import sha256

    _sha256 = sha256
    return sha256(data)


_sha256 = _load_sha256


def compute_hash(prev_hash: str, content: tuple) -> str:
    return _sha256(prev_hash.encode("ascii") + b"\n" + canonical(content)).hexdigest()


def content_of(entry: LogEntry) -> tuple:
    """The part of an entry its hash covers: every field but its row id and the hashes,
    the effective date only when it differs from the recorded day (see the module doc)."""
    content = entry[1:11]  # uuid … supersedes, in field order (a test holds it to that)
    if entry.effective_date == entry.recorded_at[:10]:
        return content
    return (*content, entry.effective_date)


#: The moment of the day an entry recorded on a later day counts from (see effective_moment).
END_OF_DAY = "T23:59:59.999999Z"


def effective_moment(recorded_at: str, effective_date: str) -> str:
    """When an entry takes effect, as canonical UTC text: its recorded time if it was
    recorded on its effective day, else the end of its effective day.

    So a register with no backdated entries reads exactly as by recorded time, and a
    date's as-at (the end of that day) takes every entry effective that day. Along one
    action's entries this never goes backwards (effective dates do not, and neither
    do recorded times): what is in effect at any moment is a prefix of them.
    :func:`effective_at_sql` is the same in SQL.
    """
    if effective_date == recorded_at[:10]:
        return recorded_at
    return effective_date + END_OF_DAY


def expected_hash(entry: LogEntry) -> str:
    """compute_hash(entry.prev_hash, content_of(entry)), written out: verify hashes every entry."""
    content: tuple[object, ...] = entry[1:11]
    if entry[11] != entry[9][:10]:
        content = (*content, entry[11])
    return _sha256(entry[12].encode("ascii") + b"\n" + canonical(content)).hexdigest()


def effective_at_sql(table: str) -> str:
    """:func:`effective_moment` of `table`'s row (an alias of progress_log), as SQL."""
    return (
        f"(CASE WHEN {table}.effective_date = substr({table}.recorded_at, 1, 10)"
        f" THEN {table}.recorded_at ELSE {table}.effective_date || '{END_OF_DAY}' END)"
    )


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
    effective_date: str | None = None,
) -> LogEntry:
    """A new entry after (prev_id, prev_hash); effective on its recorded day unless told."""
    entry_uuid = new_uuid()
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
    effective = effective_date or recorded_at[:10]
    hashed = content if effective == recorded_at[:10] else (*content, effective)
    return LogEntry(prev_id + 1, *content, effective, prev_hash, compute_hash(prev_hash, hashed))


def new_uuid() -> str:
    """A new entry's uuid: time-ordered (RFC 9562 version 7: the Unix time in milliseconds,
    then 74 random bits), so entries written one after another sit side by side in the
    log's unique index of uuids. Random (version 4) uuids put each new entry on a random
    page of that index: an import of 10,000 rows into a register of 2,000,000 entries
    rewrote some 16,000 of its pages. Entries written before keep the uuids they have."""
    random = int.from_bytes(os.urandom(10), "big")
    value = (
        (time.time_ns() // 1_000_000 & 0xFFFF_FFFF_FFFF) << 80
        | 0x7 << 76  # the version
        | (random >> 62 & 0xFFF) << 64
        | 0b10 << 62  # the variant (RFC 9562)
        | random & (1 << 62) - 1
    )
    text = f"{value:032x}"
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


def insert_entry(conn: sqlite3.Connection, entry: LogEntry) -> None:
    placeholders = ", ".join("?" * len(COLUMNS))
    conn.execute(f"INSERT INTO progress_log ({SELECT_COLUMNS}) VALUES ({placeholders})", entry)


#: A row as read with SELECT_COLUMNS -> LogEntry, without a Python call per row.
from_row = partial(tuple.__new__, LogEntry)


def head(conn: sqlite3.Connection) -> tuple[int, str, str | None]:
    """(id, hash, recorded_at) of the newest entry; (0, GENESIS_HASH, None) when empty."""
    row = conn.execute(
        "SELECT id, hash, recorded_at FROM progress_log ORDER BY id DESC LIMIT 1"
    ).fetchone()
    return (row[0], row[1], row[2]) if row else (0, GENESIS_HASH, None)


class Share(NamedTuple):
    """One of two shares of the actions, for work split between two processes: the
    actions whose id is a multiple of `every` (multiples=True), or all the others."""

    every: int
    multiples: bool

    def sql(self, column: str) -> str:
        """The condition on an action id `column` (a damaged, non-numeric id: the others)."""
        test = f"coalesce({column} % {int(self.every)} = 0, 0)"
        return test if self.multiples else f"NOT {test}"


def entries(
    conn: sqlite3.Connection,
    *,
    until: str | None = None,
    action_id: int | None = None,
    up_to: int | None = None,
    share: Share | None = None,
):
    """Entries in chain order; only those recorded by `until`, or numbered up to `up_to`,
    or of one action, or of one share of the actions."""
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
    if share is not None:
        where.append(share.sql("action_id"))
    clause = f"WHERE {' AND '.join(where)}" if where else ""
    cursor = conn.execute(f"SELECT {SELECT_COLUMNS} FROM progress_log {clause} ORDER BY id", params)
    return map(from_row, cursor)
