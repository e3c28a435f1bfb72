"""Rebuilding the progress log table in an upgrade: every entry kept, byte for byte.

SQLite cannot change a column's constraints in place, so an upgrade that must
(upgrade 5: effective dates and entries without an action; upgrade 6: the update
round's kinds of entry) follows SQLite's recipe for other kinds of table schema
change: copy the entries aside, drop the table, create it anew, copy them back in
chain order, then create its indexes and triggers. Run inside the upgrade's
transaction with foreign keys off (Upgrade.rebuilds_table): the action table's
last_entry_id refers to the log, checked before COMMIT by the caller.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

#: Where the entries wait while the table is rebuilt.
ASIDE = "progress_log_before_rebuild"

#: SQLite's page cache while the log is copied back (KiB).
REBUILD_CACHE_KIB = 192 * 1024


def rebuild_log(
    conn: sqlite3.Connection,
    split_sql: Callable[[str], list[str]],
    log_schema: str,
    copy_in: str,
) -> None:
    """Rebuild progress_log as `log_schema` (its table, indexes and triggers) says.

    `copy_in`: the INSERT INTO progress_log ... SELECT ... FROM ASIDE ORDER BY rowid
    that brings the entries back (the aside's rows are in chain order: reading them by
    rowid needs no sort, which would take as much memory again as the page cache).
    """
    (cache,) = conn.execute("PRAGMA cache_size").fetchone()
    # The copy inserts every entry into the uuid and hash indexes in random order: with
    # them in memory the copy of 2,000,000 entries takes two thirds of the time.
    conn.execute(f"PRAGMA cache_size = -{REBUILD_CACHE_KIB}")
    try:
        conn.execute(f"CREATE TABLE {ASIDE} AS SELECT * FROM progress_log ORDER BY id")
        conn.execute("DROP TABLE progress_log")
        statements = split_sql(log_schema)
        tables = [x for x in statements if x.startswith("CREATE TABLE")]
        conn.execute(tables[0])
        conn.execute(copy_in)
        conn.execute(f"DROP TABLE {ASIDE}")
    finally:
        conn.execute(f"PRAGMA cache_size = {cache}")
    # The indexes and triggers after the copy: the triggers must not see copied entries
    # (the search index of commentary already holds them).
    for statement in statements:
        if not statement.startswith("CREATE TABLE"):
            conn.execute(statement)


def widen_log_checks(conn: sqlite3.Connection, table_sql: str) -> None:
    """Give progress_log the definition `table_sql`, whose only change is CHECKs that
    accept more (new kinds of entry): every entry satisfies them already, so nothing
    on disk changes and no entry is copied.

    SQLite's simpler procedure for such changes (sqlite.org/lang_altertable.html,
    "otheralter"): the stored CREATE TABLE is replaced and the schema version bumped,
    in the upgrade's transaction. Minutes saved on a register of millions of entries.
    """
    columns = conn.execute("PRAGMA table_info(progress_log)").fetchall()
    (version,) = conn.execute("PRAGMA schema_version").fetchone()
    conn.execute("PRAGMA writable_schema = ON")
    try:
        conn.execute(
            "UPDATE sqlite_schema SET sql = ? WHERE type = 'table' AND name = 'progress_log'",
            (table_sql.strip().removesuffix(";"),),  # (stored as SQLite stores it)
        )
        conn.execute(f"PRAGMA schema_version = {version + 1}")
    finally:
        conn.execute("PRAGMA writable_schema = OFF")
    if conn.execute("PRAGMA table_info(progress_log)").fetchall() != columns:
        # (The caller's transaction is rolled back: the file keeps its old definition.)
        raise ValueError("widen_log_checks may change CHECKs only, not the log's columns")
