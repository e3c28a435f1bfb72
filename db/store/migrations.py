"""The register's schema version, and bringing any file to it.

``schema.sql`` is the complete current schema. A new, empty file gets it whole,
in one ``BEGIN IMMEDIATE``, and ``PRAGMA user_version`` set to the newest
version. A file written by an older actreg gets, in order, each upgrade step it
lacks, each in its own ``BEGIN IMMEDIATE`` that also sets its ``user_version``,
so a failed step leaves the file at the last version that committed.

Adding a migration (version N) is one new entry here, and its mirror in two files:

1. append ``Upgrade(N, "what it does", SQL)`` to :data:`UPGRADES` below, with
   SQL a script (statements run one by one) or a function ``(conn) -> None``
   for a step that needs Python; never edit or reorder a step already shipped;
2. add the same tables, columns, indexes and triggers to ``schema.sql``, so a
   new file is born at version N. A column added with ``ALTER TABLE ... ADD
   COLUMN`` goes last in its ``CREATE TABLE`` there: SQLite appends it to the end;
3. commit a register of version N - 1 for the tests to upgrade:
   ``python -m tests.db.make_register_fixtures N-1`` (from a git checkout).

Bump nothing else: the newest version is the last step's. The test
``tests/db/test_migrations.py`` checks that a file upgraded from each older
version has exactly the schema of a new file (and keeps its data, verifies, and
was backed up first), so a step and ``schema.sql`` cannot drift apart.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

from db.errors import ActregError

#: PRAGMA application_id of every actreg register: "ACTR".
APPLICATION_ID = 0x41435452

#: The version schema.sql was when there were no upgrades yet.
FIRST_VERSION = 1


class Upgrade(NamedTuple):
    """One step from version - 1 to `version`."""

    version: int
    name: str
    step: str | Callable[[sqlite3.Connection], None]


#: Ordered upgrade steps: append new ones at the end (see the module docstring).
UPGRADES: list[Upgrade] = [
    Upgrade(
        2,
        "kept action count and title index",
        """
        -- Every sort of the register table pages on an index: titles had none.
        CREATE INDEX action_title ON action (title COLLATE NOCASE);

        CREATE TABLE action_count (
            only_row INTEGER PRIMARY KEY CHECK (only_row = 1),
            n        INTEGER NOT NULL CHECK (n >= 0)
        );
        INSERT INTO action_count (only_row, n) SELECT 1, count(*) FROM action;

        CREATE TRIGGER action_counted AFTER INSERT ON action
        BEGIN
            UPDATE action_count SET n = n + 1;
        END;

        CREATE TRIGGER action_uncounted AFTER DELETE ON action
        BEGIN
            UPDATE action_count SET n = n - 1;
        END;
        """,
    ),
    Upgrade(
        3,
        "RAG sorts by severity",
        """
        -- The register table sorts RAG red, amber, green, unrated, and pages on an index.
        CREATE INDEX action_rag_severity ON action (
            CASE rag WHEN 'red' THEN 0 WHEN 'amber' THEN 1 WHEN 'green' THEN 2 ELSE 3 END
        );
        """,
    ),
]


def schema_version() -> int:
    """The newest schema version: what schema.sql is, and what every file is brought to."""
    return UPGRADES[-1].version if UPGRADES else FIRST_VERSION


def schema_sql() -> str:
    """The text of schema.sql: inside the package when installed, at the repo root in a checkout."""
    package = Path(__file__).resolve().parent.parent  # db/
    for candidate in (package / "schema.sql", package.parent / "schema.sql"):
        if candidate.is_file():
            return candidate.read_text(encoding="utf-8")
    raise ActregError("schema.sql is missing from this installation of actreg: reinstall it")


def migrate(conn: sqlite3.Connection) -> None:
    """Bring a file to schema_version(): schema.sql whole if empty, else each step it lacks."""
    current = conn.execute("PRAGMA user_version").fetchone()[0]
    if current == 0:
        _commit_step(conn, schema_sql(), schema_version())
        return
    for upgrade in UPGRADES:
        if upgrade.version > current:
            _commit_step(conn, upgrade.step, upgrade.version)


def _commit_step(
    conn: sqlite3.Connection, step: str | Callable[[sqlite3.Connection], None], version: int
) -> None:
    try:
        conn.execute("BEGIN IMMEDIATE")
        if isinstance(step, str):
            # executescript would COMMIT first; run the statements one by one instead.
            for statement in split_sql(step):
                conn.execute(statement)
        else:
            step(conn)
        conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        conn.execute(f"PRAGMA user_version = {version}")
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise


def split_sql(script: str) -> list[str]:
    """Split a script into complete statements (triggers contain ';' of their own)."""
    statements, buffer = [], ""
    for line in script.splitlines(keepends=True):
        if not buffer and (not line.strip() or line.lstrip().startswith("--")):
            continue
        buffer += line
        if sqlite3.complete_statement(buffer):
            statements.append(buffer.strip())
            buffer = ""
    if buffer.strip():
        statements.append(buffer.strip())
    return statements
