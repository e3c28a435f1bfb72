"""Upgrade 5: effective dates on log entries, and the register's own rows in the chain.

The log table is rebuilt (SQLite cannot change a column's constraints in place):
entries gain ``effective_date`` (their recorded day: nothing was backdated
before), ``action_id`` may be NULL for an entry about the register itself, and
the kinds of entry include those (db.store.events). Every entry keeps its hash
(db.store.log: the effective date is hashed only when it differs from the
recorded day). Then one entry for the settings and one per committee, meeting and
snapshot the file already holds puts them in the chain, so from now on removing or altering
any of them is detected. The file was backed up before (db.store.connection).

The statements below were exactly schema.sql's for the log at version 5 (a test
compares a migrated file's schema with a new one's): they are this migration's,
frozen; upgrade 6 widened the log's CHECKs (db.store.round_chain_migration).
"""

from __future__ import annotations

import sqlite3

from db.store import events
from db.store.chain import ChainWriter
from db.store.clock import utc_now
from db.store.log_rebuild import ASIDE, rebuild_log

#: Who the entries recording the existing rows are by.
UPGRADE_AUTHOR = "actreg upgrade"

_COPY_IN = f"""
INSERT INTO progress_log (id, uuid, action_id, kind, field, old_value, new_value, commentary,
                          author, recorded_at, supersedes, effective_date, prev_hash, hash)
SELECT id, uuid, action_id, kind, field, old_value, new_value, commentary,
       author, recorded_at, supersedes, substr(recorded_at, 1, 10), prev_hash, hash
FROM {ASIDE} ORDER BY rowid
"""

#: The log table, its indexes and triggers, as schema.sql had them at version 5.
LOG_SCHEMA = """
CREATE TABLE progress_log (
    id          INTEGER PRIMARY KEY,   -- chain order
    uuid        TEXT NOT NULL UNIQUE,
    -- Deferred: a 'created' entry is appended before the action row it creates.
    action_id   INTEGER REFERENCES action (id) DEFERRABLE INITIALLY DEFERRED,
    kind        TEXT NOT NULL
                CHECK (kind IN ('created', 'note', 'status', 'rag', 'target_date', 'field_edit',
                                'evidence', 'correction', 'chased', 'import',
                                'setting', 'committee', 'meeting', 'snapshot')),
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
    CHECK ((action_id IS NULL) = (kind IN ('setting', 'committee', 'meeting', 'snapshot')))
);

CREATE INDEX progress_log_action   ON progress_log (action_id, id);
CREATE INDEX progress_log_recorded ON progress_log (recorded_at);
-- The as-at rebuild (db/asat.py): each field's newest entry per action, and the creations.
CREATE INDEX progress_log_field    ON progress_log (action_id, field, id);
CREATE INDEX progress_log_created  ON progress_log (id) WHERE kind = 'created';
CREATE INDEX progress_log_supersedes ON progress_log (supersedes) WHERE supersedes IS NOT NULL;

-- Append-only, enforced by the database itself.
CREATE TRIGGER progress_log_no_update BEFORE UPDATE ON progress_log
BEGIN
    SELECT RAISE(ABORT, 'progress_log is append-only: entries cannot be changed');
END;

CREATE TRIGGER progress_log_no_delete BEFORE DELETE ON progress_log
BEGIN
    SELECT RAISE(ABORT, 'progress_log is append-only: entries cannot be deleted');
END;

-- REPLACE deletes the conflicting row without firing DELETE triggers (recursive
-- triggers are off by default), so the insert itself must refuse a clash.
CREATE TRIGGER progress_log_no_replace BEFORE INSERT ON progress_log
WHEN EXISTS (SELECT 1 FROM progress_log WHERE id = NEW.id OR uuid = NEW.uuid OR hash = NEW.hash)
BEGIN
    SELECT RAISE(ABORT, 'progress_log is append-only: an entry with this id, uuid or hash exists');
END;

CREATE TRIGGER commentary_fts_insert AFTER INSERT ON progress_log
WHEN NEW.commentary IS NOT NULL AND NEW.commentary <> ''
BEGIN
    INSERT INTO commentary_fts (rowid, commentary) VALUES (NEW.id, NEW.commentary);
END;
"""


def add_effective_dates(conn: sqlite3.Connection, split_sql) -> None:
    """Run inside the migration's transaction; `split_sql` splits a script into statements."""
    columns = [row[1] for row in conn.execute("PRAGMA table_info(progress_log)")]
    if "effective_date" in columns:
        return  # (a register created from this schema.sql has it already)
    rebuild_log(conn, split_sql, LOG_SCHEMA, _COPY_IN)
    chain_was_empty = conn.execute("SELECT count(*) FROM progress_log").fetchone()[0] == 0
    kinds = ("committee", "meeting", "snapshot")
    if chain_was_empty and not any(events.table_rows(conn, k) for k in kinds):
        return  # nothing in the chain to protect yet: the first entry records the settings
    # A writer on an empty chain records the settings itself (db.store.chain).
    writer = ChainWriter(conn, UPGRADE_AUTHOR, utc_now)
    events.record_every_row(writer, ("setting", *kinds) if not chain_was_empty else kinds)
