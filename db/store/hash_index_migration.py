"""Upgrade 7: the log's hashes are no longer indexed.

Up to version 6 the log's ``hash`` column was UNIQUE, so SQLite kept an index of
every entry's hash. A hash is random by nature, so each new entry went onto a random
page of that index: an import of 10,000 rows into a register of 2,000,000 entries
rewrote 21,000 of its pages, four fifths of all it wrote. Nothing looks an entry up
by its hash (verify reads the whole chain in order), and the chain already makes two
entries with one hash impossible: each hash covers the one before it. The
append-only trigger looked entries up by hash too; it now checks the id and the
uuid, the only columns an INSERT OR REPLACE can still clash on.

The change is made in place, with SQLite's procedure for schema changes that leave
what is on disk as it is (sqlite.org/lang_altertable.html, "otheralter"): the
stored definition of the table loses the UNIQUE, and the index SQLite made for it
becomes an ordinary index of the same content (its b-tree is the same), which is then
dropped like any other, giving its pages back to the file. No entry is copied.
The file was backed up before (db.store.connection).

The new definitions are made from the stored ones by the edits below, each of
which must apply exactly once (a test compares an upgraded file's schema with a
new one's): this migration's, frozen.
"""

from __future__ import annotations

import sqlite3
from typing import NoReturn

from db.errors import ActregError

#: The hash column as versions 5 and 6 define it, and as version 7 does.
_UNIQUE_HASH = "hash        TEXT NOT NULL UNIQUE,"
_PLAIN_HASH = "hash        TEXT NOT NULL,"

#: The append-only trigger's lookup and message, before and after.
_TRIGGER_EDITS = (
    (" OR uuid = NEW.uuid OR hash = NEW.hash)", " OR uuid = NEW.uuid)"),
    ("an entry with this id, uuid or hash exists", "an entry with this id or uuid exists"),
)

#: What the index of hashes is called while it is an ordinary index, to be dropped.
_DOOMED = "progress_log_hash_before_upgrade_7"


def drop_hash_index(conn: sqlite3.Connection) -> None:
    """Run inside the upgrade's transaction."""
    table_sql = _stored(conn, "table", "progress_log")
    autoindex = _index_on(conn, "hash")
    columns = conn.execute("PRAGMA table_info(progress_log)").fetchall()
    (version,) = conn.execute("PRAGMA schema_version").fetchone()
    conn.execute("PRAGMA writable_schema = ON")
    try:
        conn.execute(
            "UPDATE sqlite_schema SET sql = ? WHERE type = 'table' AND name = 'progress_log'",
            (_edit(table_sql, ((_UNIQUE_HASH, _PLAIN_HASH),)),),
        )
        conn.execute(
            "UPDATE sqlite_schema SET name = ?, sql = ? WHERE type = 'index' AND name = ?",
            (_DOOMED, f"CREATE UNIQUE INDEX {_DOOMED} ON progress_log (hash)", autoindex),
        )
        conn.execute(f"PRAGMA schema_version = {version + 1}")
    finally:
        conn.execute("PRAGMA writable_schema = OFF")
    # (Any refusal below rolls the caller's transaction back: the file stays at version 6.)
    if conn.execute("PRAGMA table_info(progress_log)").fetchall() != columns:
        _refuse("the log's columns would change")
    if _index_on(conn, "uuid") != "sqlite_autoindex_progress_log_1":
        _refuse("the log's index of uuids is not where SQLite expects it")
    conn.execute(f"DROP INDEX {_DOOMED}")
    trigger_sql = _stored(conn, "trigger", "progress_log_no_replace")
    conn.execute("DROP TRIGGER progress_log_no_replace")
    conn.execute(_edit(trigger_sql, _TRIGGER_EDITS))


def _stored(conn: sqlite3.Connection, kind: str, name: str) -> str:
    row = conn.execute(
        "SELECT sql FROM sqlite_schema WHERE type = ? AND name = ?", (kind, name)
    ).fetchone()
    if row is None:
        _refuse(f"the register has no {kind} {name}")
    return row[0]


def _index_on(conn: sqlite3.Connection, column: str) -> str:
    """The name of the log's one-column unique index of `column`."""
    for _, name, unique, *_ in conn.execute("PRAGMA index_list(progress_log)"):
        indexed = [r[2] for r in conn.execute(f"PRAGMA index_info('{name}')")]
        if unique and indexed == [column]:
            return name
    _refuse(f"the log has no unique index of {column}")


def _edit(sql: str, edits: tuple[tuple[str, str], ...]) -> str:
    for old, new in edits:
        if sql.count(old) != 1:
            _refuse(f"the stored definition does not read as version 6's ({old!r})")
        sql = sql.replace(old, new)
    return sql


def _refuse(why: str) -> NoReturn:
    # (Raised inside the upgrade's transaction, which the caller rolls back.)
    raise ActregError(
        f"Upgrade to schema version 7 (the log's hashes no longer indexed) stopped: {why} "
        "(the file was changed outside actreg); this upgrade was undone and the register "
        "is as it was."
    )
