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


def rebuild_log(
    conn: sqlite3.Connection,
    split_sql: Callable[[str], list[str]],
    log_schema: str,
    copy_in: str,
) -> None:
    """Rebuild progress_log as `log_schema` (its table, indexes and triggers) says.

    `copy_in`: the INSERT INTO progress_log ... SELECT ... FROM ASIDE ORDER BY id
    that brings the entries back.
    """
    conn.execute(f"CREATE TABLE {ASIDE} AS SELECT * FROM progress_log")
    conn.execute("DROP TABLE progress_log")
    statements = split_sql(log_schema)
    tables = [x for x in statements if x.startswith("CREATE TABLE")]
    conn.execute(tables[0])
    conn.execute(copy_in)
    conn.execute(f"DROP TABLE {ASIDE}")
    # The indexes and triggers after the copy: the triggers must not see copied entries
    # (the search index of commentary already holds them).
    for statement in statements:
        if not statement.startswith("CREATE TABLE"):
            conn.execute(statement)
