-- actreg register schema: the complete current schema.
--
-- A new register gets this file whole; an older one gets the upgrade steps it
-- lacks (db/store/migrations.py, UPGRADES), and a test checks that both end with
-- the same schema. PRAGMA user_version holds the version and PRAGMA
-- application_id marks the file as an actreg register (both set by
-- db/store/migrations.py, not here, so that this file stays a plain description
-- of the tables). A new migration adds its DDL here too.
--
-- The progress_log is the source of truth. The action table is a projection
-- of it that every write updates in the same transaction as the log append;
-- `actreg verify` replays the log and compares.

-- Register settings: name, organisation, created_at, stale_days ...
CREATE TABLE register_setting (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

-- Reviews and reports whose recommendations produce actions. Reference data:
-- an action names its source by title, so the log alone rebuilds the action.
CREATE TABLE source (
    id        INTEGER PRIMARY KEY,
    title     TEXT NOT NULL UNIQUE COLLATE NOCASE,
    reference TEXT,
    issued_on TEXT CHECK (issued_on IS NULL OR issued_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]')
);

-- The current state of every action: a projection of progress_log.
CREATE TABLE action (
    id                   INTEGER PRIMARY KEY,
    ref                  TEXT NOT NULL UNIQUE COLLATE NOCASE CHECK (length(ref) > 0),
    ref_key              TEXT NOT NULL,   -- natural sort key: A2 before A10
    title                TEXT NOT NULL CHECK (length(title) > 0),
    description          TEXT,
    source               TEXT COLLATE NOCASE,
    recommendation       TEXT,
    theme                TEXT,
    directorate          TEXT,
    owner                TEXT,
    priority             TEXT NOT NULL DEFAULT 'medium'
                         CHECK (priority IN ('high', 'medium', 'low')),
    acceptance           TEXT NOT NULL DEFAULT 'accepted'
                         CHECK (acceptance IN ('accepted', 'in_principle', 'not_accepted')),
    original_target_date TEXT,
    target_date          TEXT,
    target_date_text     TEXT,   -- the target as a source table wrote it ("Q3 2025"), when imported
    target_revisions     INTEGER NOT NULL DEFAULT 0,
    status               TEXT NOT NULL DEFAULT 'not_started'
                         CHECK (status IN ('not_started', 'in_progress', 'implemented',
                                           'closed', 'superseded', 'cancelled')),
    rag                  TEXT CHECK (rag IS NULL OR rag IN ('red', 'amber', 'green')),
    rag_reason           TEXT,
    percent_complete     INTEGER NOT NULL DEFAULT 0
                         CHECK (percent_complete BETWEEN 0 AND 100),
    completion_criterion TEXT,
    evidence             TEXT,   -- evidence references, one per line, oldest first
    completed_date       TEXT,
    created_at           TEXT NOT NULL,
    version              INTEGER NOT NULL DEFAULT 1,   -- = number of log entries for this action
    last_entry_id        INTEGER REFERENCES progress_log (id),
    last_update_at       TEXT,   -- recorded_at of last_entry_id
    last_commentary      TEXT,   -- the newest progress commentary (as corrected)
    last_commentary_at   TEXT,
    last_commentary_entry TEXT   -- uuid of the entry it came from
);

CREATE INDEX action_ref_key     ON action (ref_key);
CREATE INDEX action_status      ON action (status);
CREATE INDEX action_rag         ON action (rag);
-- The RAG sort (red, amber, green, unrated): db/read/paging.py uses this exact expression.
CREATE INDEX action_rag_severity ON action (
    CASE rag WHEN 'red' THEN 0 WHEN 'amber' THEN 1 WHEN 'green' THEN 2 ELSE 3 END
);
CREATE INDEX action_owner       ON action (owner COLLATE NOCASE);
CREATE INDEX action_directorate ON action (directorate COLLATE NOCASE);
CREATE INDEX action_theme       ON action (theme COLLATE NOCASE);
CREATE INDEX action_target      ON action (target_date);
CREATE INDEX action_last_update ON action (last_update_at);
-- Every sort of the register table pages on an index. (Version 2.)
CREATE INDEX action_title       ON action (title COLLATE NOCASE);

-- How many actions there are, kept by triggers: the register table shows it on its
-- first frame, and count(*) over 100,000 actions costs more than that frame can spare.
-- verify checks it against the table. (Version 2.)
CREATE TABLE action_count (
    only_row INTEGER PRIMARY KEY CHECK (only_row = 1),
    n        INTEGER NOT NULL CHECK (n >= 0)
);
INSERT INTO action_count (only_row, n) VALUES (1, 0);

CREATE TRIGGER action_counted AFTER INSERT ON action
BEGIN
    UPDATE action_count SET n = n + 1;
END;

CREATE TRIGGER action_uncounted AFTER DELETE ON action
BEGIN
    UPDATE action_count SET n = n - 1;
END;

-- The append-only progress log. Each entry's hash is SHA-256 over the
-- previous entry's hash and a canonical encoding of the entry (db/store/log.py).
-- Entries about an action name it; entries about the register itself (a setting,
-- a committee, a meeting, a snapshot taken, a row of an update round: version 6)
-- have no action and carry the row as it now stands, so verify can tell any of
-- those tables apart from its history (db/store/events.py).
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
    -- Not indexed (version 7): nothing looks an entry up by it, the chain makes it
    -- unique, and an index of random text put each new entry on a random page.
    hash        TEXT NOT NULL,
    -- An entry about the register itself (its kind names the table) has no action.
    CHECK ((action_id IS NULL) = (kind IN ('setting', 'committee', 'meeting', 'snapshot',
                                           'round', 'round_request', 'round_request_action',
                                           'round_chase', 'round_return', 'submission',
                                           'submission_decision', 'extension_request',
                                           'extension_decision')))
);

CREATE INDEX progress_log_action   ON progress_log (action_id, id);
CREATE INDEX progress_log_recorded ON progress_log (recorded_at);
-- The as-at rebuild (db/read/asat.py): each field's newest entry per action, and the creations.
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
WHEN EXISTS (SELECT 1 FROM progress_log WHERE id = NEW.id OR uuid = NEW.uuid)
BEGIN
    SELECT RAISE(ABORT, 'progress_log is append-only: an entry with this id or uuid exists');
END;

-- Full-text search over action text and over commentary.
CREATE VIRTUAL TABLE action_fts USING fts5 (
    ref, title, description,
    content = 'action', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TRIGGER action_fts_insert AFTER INSERT ON action
BEGIN
    INSERT INTO action_fts (rowid, ref, title, description)
    VALUES (NEW.id, NEW.ref, NEW.title, NEW.description);
END;

CREATE TRIGGER action_fts_update AFTER UPDATE OF ref, title, description ON action
BEGIN
    INSERT INTO action_fts (action_fts, rowid, ref, title, description)
    VALUES ('delete', OLD.id, OLD.ref, OLD.title, OLD.description);
    INSERT INTO action_fts (rowid, ref, title, description)
    VALUES (NEW.id, NEW.ref, NEW.title, NEW.description);
END;

CREATE TRIGGER action_fts_delete AFTER DELETE ON action
BEGIN
    INSERT INTO action_fts (action_fts, rowid, ref, title, description)
    VALUES ('delete', OLD.id, OLD.ref, OLD.title, OLD.description);
END;

CREATE VIRTUAL TABLE commentary_fts USING fts5 (
    commentary,
    content = 'progress_log', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TRIGGER commentary_fts_insert AFTER INSERT ON progress_log
WHEN NEW.commentary IS NOT NULL AND NEW.commentary <> ''
BEGIN
    INSERT INTO commentary_fts (rowid, commentary) VALUES (NEW.id, NEW.commentary);
END;

-- Committees, their meetings, and the snapshots frozen for each meeting.
CREATE TABLE committee (
    id      INTEGER PRIMARY KEY,
    name    TEXT NOT NULL UNIQUE COLLATE NOCASE,
    cadence TEXT NOT NULL DEFAULT 'every'
            CHECK (cadence IN ('every', 'every_other', 'quarterly', 'six_monthly'))
);

CREATE TABLE meeting (
    id             INTEGER PRIMARY KEY,
    committee_id   INTEGER NOT NULL REFERENCES committee (id),
    meeting_date   TEXT NOT NULL,
    paper_deadline TEXT NOT NULL,
    title          TEXT,
    UNIQUE (committee_id, meeting_date)
);

CREATE INDEX meeting_date ON meeting (meeting_date);

CREATE TABLE snapshot (
    id            INTEGER PRIMARY KEY,
    meeting_id    INTEGER NOT NULL REFERENCES meeting (id),
    taken_at      TEXT NOT NULL,
    taken_by      TEXT NOT NULL,
    cut_off       TEXT NOT NULL,   -- UTC instant the register is frozen as at
    stale_before  TEXT NOT NULL,   -- the cycle start its stale flags were computed from
    log_head_id   INTEGER NOT NULL,
    log_head_hash TEXT NOT NULL,   -- hash of the last entry at or before cut_off
    rows_hash     TEXT NOT NULL,   -- SHA-256 over the frozen rows
    row_count     INTEGER NOT NULL,
    supersedes    INTEGER REFERENCES snapshot (id)   -- a --replace snapshot names the one it replaces
);

CREATE TABLE snapshot_row (
    snapshot_id INTEGER NOT NULL REFERENCES snapshot (id),
    position    INTEGER NOT NULL,
    ref         TEXT NOT NULL,
    data        TEXT NOT NULL,   -- the frozen row as canonical JSON
    PRIMARY KEY (snapshot_id, position)
) WITHOUT ROWID;

-- Snapshots are immutable once taken.
CREATE TRIGGER snapshot_no_update BEFORE UPDATE ON snapshot
BEGIN
    SELECT RAISE(ABORT, 'snapshots are immutable: a snapshot cannot be changed');
END;

CREATE TRIGGER snapshot_no_delete BEFORE DELETE ON snapshot
BEGIN
    SELECT RAISE(ABORT, 'snapshots are immutable: a snapshot cannot be deleted');
END;

CREATE TRIGGER snapshot_no_replace BEFORE INSERT ON snapshot
WHEN EXISTS (SELECT 1 FROM snapshot WHERE id = NEW.id)
BEGIN
    SELECT RAISE(ABORT, 'snapshots are immutable: a snapshot with this id exists');
END;

CREATE TRIGGER snapshot_row_no_update BEFORE UPDATE ON snapshot_row
BEGIN
    SELECT RAISE(ABORT, 'snapshots are immutable: a snapshot row cannot be changed');
END;

CREATE TRIGGER snapshot_row_no_delete BEFORE DELETE ON snapshot_row
BEGIN
    SELECT RAISE(ABORT, 'snapshots are immutable: a snapshot row cannot be deleted');
END;

CREATE TRIGGER snapshot_row_no_replace BEFORE INSERT ON snapshot_row
WHEN EXISTS (SELECT 1 FROM snapshot_row
             WHERE snapshot_id = NEW.snapshot_id AND position = NEW.position)
BEGIN
    SELECT RAISE(ABORT, 'snapshots are immutable: this snapshot row exists');
END;

-- The update round (db/rounds): a request to every owner with open actions, what
-- they return kept verbatim as submissions, each decided once, and the extension
-- requests the register's policy reserves for the committee. Every table of the
-- round is append-only, and every row added is an entry in the chain (version 6).
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

-- The round, its requests, their actions and chases: append-only too (version 6).
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
