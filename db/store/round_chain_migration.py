"""Upgrade 6: the update round's tables in the chain.

Until version 6 the round's rows (requests, returns, owners' submissions, the
officer's decisions, extension requests and the committee's decisions) were kept
only by append-only triggers: a trigger dropped with the sqlite3 shell let an
owner's words or a proposed date be rewritten, and verify said nothing. Now each
row added is an entry in the chain (db.store.events, one kind per table), as the
meetings and snapshots have been since version 5.

The log's CHECKs must accept the new kinds. They only accept more, so the
log's stored definition is replaced in place (db.store.log_rebuild.widen_log_checks):
no entry is copied or changed. Then one
entry per round row the file already holds puts those rows in the chain. The
round's first four tables, which had no append-only triggers, get them. The file
was backed up before (db.store.connection).

The statements below are exactly schema.sql's for the log table and those triggers at
version 6 (a test compares a migrated file's schema with a new one's): they are
this migration's, frozen.
"""

from __future__ import annotations

import sqlite3

from db.store import events
from db.store.chain import ChainWriter
from db.store.clock import utc_now
from db.store.effective_dates_migration import UPGRADE_AUTHOR
from db.store.log_rebuild import widen_log_checks

#: The log table as schema.sql has it at version 6: only its CHECKs differ from version
#: 5's (its indexes and triggers stay as upgrade 5 made them).
LOG_TABLE = """
CREATE TABLE progress_log (
    id          INTEGER PRIMARY KEY,   -- chain order
    uuid        TEXT NOT NULL UNIQUE,
    -- Deferred: a 'created' entry is appended before the action row it creates.
    action_id   INTEGER REFERENCES action (id) DEFERRABLE INITIALLY DEFERRED,
    kind        TEXT NOT NULL
                CHECK (kind IN ('created', 'note', 'status', 'rag', 'target_date', 'field_edit',
                                'evidence', 'correction', 'chased', 'import',
                                'setting', 'committee', 'meeting', 'snapshot',
                                'round', 'round_request', 'round_request_action', 'round_chase',
                                'round_return', 'submission', 'submission_decision',
                                'extension_request', 'extension_decision')),
    field       TEXT,
    old_value   TEXT,
    new_value   TEXT,
    commentary  TEXT,
    author      TEXT NOT NULL,
    recorded_at TEXT NOT NULL,   -- UTC, ISO 8601, e.g. 2026-11-28T18:06:40.123456Z
    supersedes  TEXT REFERENCES progress_log (uuid),
    -- The day the fact became true: the recorded day, or earlier for a late update.
    effective_date TEXT NOT NULL
                CHECK (effective_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'
                       AND effective_date <= substr(recorded_at, 1, 10)),
    prev_hash   TEXT NOT NULL,
    hash        TEXT NOT NULL UNIQUE,
    -- An entry about the register itself (its kind names the table) has no action.
    CHECK ((action_id IS NULL) = (kind IN ('setting', 'committee', 'meeting', 'snapshot',
                                           'round', 'round_request', 'round_request_action',
                                           'round_chase', 'round_return', 'submission',
                                           'submission_decision', 'extension_request',
                                           'extension_decision')))
);"""

#: The round's tables that had no append-only triggers, as schema.sql has them at version 6.
ROUND_TRIGGERS = """
CREATE TRIGGER round_no_update BEFORE UPDATE ON round
BEGIN
    SELECT RAISE(ABORT, 'round is append-only: rows cannot be changed');
END;

CREATE TRIGGER round_no_delete BEFORE DELETE ON round
BEGIN
    SELECT RAISE(ABORT, 'round is append-only: rows cannot be deleted');
END;

CREATE TRIGGER round_request_no_update BEFORE UPDATE ON round_request
BEGIN
    SELECT RAISE(ABORT, 'round_request is append-only: rows cannot be changed');
END;

CREATE TRIGGER round_request_no_delete BEFORE DELETE ON round_request
BEGIN
    SELECT RAISE(ABORT, 'round_request is append-only: rows cannot be deleted');
END;

CREATE TRIGGER round_request_action_no_update BEFORE UPDATE ON round_request_action
BEGIN
    SELECT RAISE(ABORT, 'round_request_action is append-only: rows cannot be changed');
END;

CREATE TRIGGER round_request_action_no_delete BEFORE DELETE ON round_request_action
BEGIN
    SELECT RAISE(ABORT, 'round_request_action is append-only: rows cannot be deleted');
END;

CREATE TRIGGER round_chase_no_update BEFORE UPDATE ON round_chase
BEGIN
    SELECT RAISE(ABORT, 'round_chase is append-only: rows cannot be changed');
END;

CREATE TRIGGER round_chase_no_delete BEFORE DELETE ON round_chase
BEGIN
    SELECT RAISE(ABORT, 'round_chase is append-only: rows cannot be deleted');
END;
"""


#: The kinds this upgrade records, frozen (a table added later is a later upgrade's).
_KINDS = (
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


def put_rounds_in_chain(conn: sqlite3.Connection, split_sql) -> None:
    """Run inside the migration's transaction; `split_sql` splits a script into statements."""
    widen_log_checks(conn, LOG_TABLE)
    for statement in split_sql(ROUND_TRIGGERS):
        conn.execute(statement)
    if conn.execute("SELECT 1 FROM round LIMIT 1").fetchone() is None:
        return  # no round yet: each row will be recorded as it is added
    events.record_every_row(ChainWriter(conn, UPGRADE_AUTHOR, utc_now), _KINDS)
