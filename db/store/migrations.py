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
    #: The step drops and rebuilds a table others refer to: run with foreign keys off.
    rebuilds_table: bool = False


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
    Upgrade(
        4,
        "update rounds, submissions and extension requests",
        """
        -- The update round (db/rounds): a request to every owner with open actions, what
        -- they return kept verbatim as submissions, each decided once, and the extension
        -- requests the register's policy reserves for the committee. Returns,
        -- submissions, decisions and extension requests are append-only.
        CREATE TABLE round (
            id          INTEGER PRIMARY KEY,
            meeting_id  INTEGER NOT NULL REFERENCES meeting (id),
            token       TEXT NOT NULL UNIQUE,   -- in every workbook: matches a return to its round
            started_at  TEXT NOT NULL,
            started_by  TEXT NOT NULL,
            return_by   TEXT NOT NULL,          -- YYYY-MM-DD: the date owners are asked to reply by
            folder      TEXT NOT NULL           -- where the request workbooks were written
        );

        CREATE TABLE round_request (
            id        INTEGER PRIMARY KEY,
            round_id  INTEGER NOT NULL REFERENCES round (id),
            owner     TEXT NOT NULL,
            workbook  TEXT NOT NULL,            -- the file name written for this owner
            UNIQUE (round_id, owner)
        );

        -- The actions a request asked about, at the version they were when it was sent.
        CREATE TABLE round_request_action (
            request_id INTEGER NOT NULL REFERENCES round_request (id),
            action_id  INTEGER NOT NULL REFERENCES action (id),
            position   INTEGER NOT NULL,        -- the workbook row it was written on
            version    INTEGER NOT NULL,
            PRIMARY KEY (request_id, action_id)
        ) WITHOUT ROWID;

        CREATE TABLE round_chase (
            id         INTEGER PRIMARY KEY,
            request_id INTEGER NOT NULL REFERENCES round_request (id),
            chased_at  TEXT NOT NULL,
            chased_by  TEXT NOT NULL
        );

        -- A returned workbook: one per distinct content, so collecting a file again adds nothing.
        CREATE TABLE round_return (
            id           INTEGER PRIMARY KEY,
            request_id   INTEGER NOT NULL REFERENCES round_request (id),
            file_name    TEXT NOT NULL,
            content_hash TEXT NOT NULL,         -- SHA-256 of the cells read (a resave: the same)
            received_at  TEXT NOT NULL,
            received_by  TEXT NOT NULL,
            UNIQUE (request_id, content_hash)
        );

        -- One action's row of a returned workbook: every cell the owner filled, verbatim.
        CREATE TABLE submission (
            id             INTEGER PRIMARY KEY,
            return_id      INTEGER NOT NULL REFERENCES round_return (id),
            action_id      INTEGER NOT NULL REFERENCES action (id),
            owner          TEXT NOT NULL,
            received_at    TEXT NOT NULL,
            sent_version   INTEGER NOT NULL,    -- the action's version when the request was sent
            version_at_receipt INTEGER NOT NULL,-- differs from sent_version: "changed since sent"
            cells          TEXT NOT NULL,       -- JSON: column heading -> cell as returned
            proposed       TEXT NOT NULL,       -- JSON object: the fields those cells propose
            problems       TEXT NOT NULL        -- JSON list: cells not read, and why
        );
        CREATE INDEX submission_action ON submission (action_id, id);

        CREATE TABLE submission_decision (
            submission_id INTEGER PRIMARY KEY REFERENCES submission (id),
            decision      TEXT NOT NULL CHECK (decision IN ('accepted', 'rejected', 'superseded')),
            decided_at    TEXT NOT NULL,
            decided_by    TEXT NOT NULL,
            reason        TEXT,
            applied       TEXT                  -- JSON: what an acceptance recorded
        );

        -- A proposed new target date that the policy reserves for the committee.
        CREATE TABLE extension_request (
            id             INTEGER PRIMARY KEY,
            action_id      INTEGER NOT NULL REFERENCES action (id),
            submission_id  INTEGER REFERENCES submission (id),
            meeting_id     INTEGER NOT NULL REFERENCES meeting (id),
            current_target TEXT,
            proposed_date  TEXT NOT NULL,
            reason         TEXT,
            revisions      INTEGER NOT NULL,    -- target revisions so far, when requested
            why_committee  TEXT NOT NULL,       -- the policy rules that send it to committee
            requested_at   TEXT NOT NULL,
            requested_by   TEXT NOT NULL        -- the owner who asked
        );
        CREATE INDEX extension_request_action ON extension_request (action_id);

        CREATE TABLE extension_decision (
            extension_id INTEGER PRIMARY KEY REFERENCES extension_request (id),
            meeting_id   INTEGER NOT NULL REFERENCES meeting (id),
            decision     TEXT NOT NULL CHECK (decision IN ('approved', 'refused')),
            minute       TEXT,
            recorded_at  TEXT NOT NULL,
            recorded_by  TEXT NOT NULL
        );

        CREATE TRIGGER round_return_no_update BEFORE UPDATE ON round_return
        BEGIN
            SELECT RAISE(ABORT, 'round_return is append-only: rows cannot be changed');
        END;

        CREATE TRIGGER round_return_no_delete BEFORE DELETE ON round_return
        BEGIN
            SELECT RAISE(ABORT, 'round_return is append-only: rows cannot be deleted');
        END;

        CREATE TRIGGER submission_no_update BEFORE UPDATE ON submission
        BEGIN
            SELECT RAISE(ABORT, 'submission is append-only: rows cannot be changed');
        END;

        CREATE TRIGGER submission_no_delete BEFORE DELETE ON submission
        BEGIN
            SELECT RAISE(ABORT, 'submission is append-only: rows cannot be deleted');
        END;

        CREATE TRIGGER submission_decision_no_update BEFORE UPDATE ON submission_decision
        BEGIN
            SELECT RAISE(ABORT, 'submission_decision is append-only: rows cannot be changed');
        END;

        CREATE TRIGGER submission_decision_no_delete BEFORE DELETE ON submission_decision
        BEGIN
            SELECT RAISE(ABORT, 'submission_decision is append-only: rows cannot be deleted');
        END;

        CREATE TRIGGER extension_request_no_update BEFORE UPDATE ON extension_request
        BEGIN
            SELECT RAISE(ABORT, 'extension_request is append-only: rows cannot be changed');
        END;

        CREATE TRIGGER extension_request_no_delete BEFORE DELETE ON extension_request
        BEGIN
            SELECT RAISE(ABORT, 'extension_request is append-only: rows cannot be deleted');
        END;

        CREATE TRIGGER extension_decision_no_update BEFORE UPDATE ON extension_decision
        BEGIN
            SELECT RAISE(ABORT, 'extension_decision is append-only: rows cannot be changed');
        END;

        CREATE TRIGGER extension_decision_no_delete BEFORE DELETE ON extension_decision
        BEGIN
            SELECT RAISE(ABORT, 'extension_decision is append-only: rows cannot be deleted');
        END;
        """,
    ),
    Upgrade(
        5,
        "effective dates on log entries; settings, committees, meetings, snapshots in the chain",
        lambda conn: _add_effective_dates(conn),
        rebuilds_table=True,
    ),
    Upgrade(
        6,
        "the update round's requests, returns, submissions and decisions in the chain",
        lambda conn: _put_rounds_in_chain(conn),
    ),
    Upgrade(
        7,
        "the log's hashes no longer indexed (writes to a big register append, not scatter)",
        lambda conn: _drop_hash_index(conn),
    ),
]


def _add_effective_dates(conn: sqlite3.Connection) -> None:
    # Imported only when a version-4 file is upgraded: the chain writer it brings
    # is not needed to open a current register (it slowed every `actreg list`).
    from db.store.effective_dates_migration import add_effective_dates

    add_effective_dates(conn, split_sql)


def _put_rounds_in_chain(conn: sqlite3.Connection) -> None:
    # (Only a version-5 file needs it: imported then, for the same reason.)
    from db.store.round_chain_migration import put_rounds_in_chain

    put_rounds_in_chain(conn, split_sql)


def _drop_hash_index(conn: sqlite3.Connection) -> None:
    from db.store.hash_index_migration import drop_hash_index

    drop_hash_index(conn)


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
        _commit_step(conn, Upgrade(schema_version(), "the whole schema", schema_sql()))
        return
    for upgrade in UPGRADES:
        if upgrade.version > current:
            _commit_step(conn, upgrade)


def _commit_step(conn: sqlite3.Connection, upgrade: Upgrade) -> None:
    if upgrade.rebuilds_table:
        # SQLite's recipe for rebuilding a table (sqlite.org/lang_altertable.html, "other
        # kinds of table schema changes"). With foreign keys on, DROP TABLE first deletes
        # every row, checking each against the tables that refer to it: a scan of every
        # action per log entry, hours on a big register. (A no-op inside a transaction.)
        conn.execute("PRAGMA foreign_keys = OFF")
    try:
        conn.execute("BEGIN IMMEDIATE")
        if isinstance(upgrade.step, str):
            # executescript would COMMIT first; run the statements one by one instead.
            for statement in split_sql(upgrade.step):
                conn.execute(statement)
        else:
            upgrade.step(conn)
        if upgrade.rebuilds_table:
            _check_references(conn, upgrade)
        conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        conn.execute(f"PRAGMA user_version = {upgrade.version}")
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    finally:
        if upgrade.rebuilds_table:
            conn.execute("PRAGMA foreign_keys = ON")


def _check_references(conn: sqlite3.Connection, upgrade: Upgrade) -> None:
    """What foreign keys would have refused while they were off: refuse it now, before COMMIT."""
    broken = conn.execute("PRAGMA foreign_key_check").fetchall()
    if broken:
        table, rowid, parent, _ = broken[0]
        raise ActregError(
            f"Upgrade to schema version {upgrade.version} ({upgrade.name}) stopped: row "
            f"{rowid} of {table} refers to a row of {parent} that does not exist "
            f"({len(broken):,} such rows); this upgrade was undone."
        )


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
