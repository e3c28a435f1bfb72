"""Tampering the hash chain cannot see, which `verify` now reports.

- The schema: dropping the append-only triggers, recreating one as ``WHEN 0`` (so it
  never fires), or adding a trigger of one's own: verify names each difference from
  schema.sql.
- The search indexes: an action deleted from the index (hidden from search) or a note
  replaced by other words (false matches) is found by FTS5's integrity-check, and
  `verify --repair` rebuilds the indexes and changes nothing else.
- Time order: entries appended with correct hashes but backdated recorded times are
  named, beyond a five-minute tolerance.
"""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
from pathlib import Path

import pytest

from db.store import log
from db.store.connection import open_register, write_transaction
from db.store.dates import utc_text
from db.store.projection import ACTION_COLUMNS, apply_entry


@pytest.fixture
def copy(small_register: Path, tmp_path: Path) -> Path:
    path = tmp_path / "register.db"
    shutil.copyfile(small_register, path)
    return path


def _sql(path: Path, *statements: str) -> None:
    """Statements run outside actreg, as someone with the file and sqlite3 would."""
    conn = sqlite3.connect(path)
    try:
        for statement in statements:
            conn.execute(statement)
        conn.commit()
    finally:
        conn.close()


def _trigger_sql(path: Path, name: str) -> str:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT sql FROM sqlite_master WHERE name = ?", (name,)).fetchone()[0]
    finally:
        conn.close()


TRIGGERS = ("progress_log_no_update", "progress_log_no_delete", "progress_log_no_replace")


def test_dropped_append_only_triggers_are_reported(run, copy):
    _sql(copy, *(f"DROP TRIGGER {name}" for name in TRIGGERS))
    result = run("verify", db=copy, check_exit=1)
    assert "the register's schema differs from actreg's" in result.stderr
    for name in TRIGGERS:
        assert f"the trigger {name} is missing from the register" in result.stderr
    assert "Register OK" not in result.stdout


def test_a_trigger_recreated_to_never_fire_is_reported(run, copy):
    original = _trigger_sql(copy, "progress_log_no_update")
    never = original.replace("ON progress_log", "ON progress_log WHEN 0")
    assert never != original
    _sql(copy, "DROP TRIGGER progress_log_no_update", never)
    result = run("verify", db=copy, check_exit=1)
    assert "the trigger progress_log_no_update is not as actreg made it" in result.stderr
    assert "WHEN 0" in result.stderr
    # ...and one added of its own, as an edit outside actreg would.
    _sql(copy, "CREATE TRIGGER sneaky AFTER INSERT ON action BEGIN SELECT 1; END")
    result = run("verify", db=copy, check_exit=1)
    assert "the register has a trigger sneaky that actreg never made" in result.stderr


def test_an_untouched_register_passes_the_schema_check(run, copy):
    done = run("verify", db=copy)
    assert "Register OK" in done.stdout and "schema" in done.stdout


# --- search indexes -----------------------------------------------------------------


def _search(run, db: Path, words: str) -> list[str]:
    return [r["ref"] for r in run("list", "--search", words, "--format", "json", db=db).json()]


def test_an_edited_search_index_is_reported_and_repaired(run, copy, db_state):
    title = sqlite3.connect(copy).execute("SELECT title FROM action WHERE ref = 'A2'").fetchone()[0]
    word = title.split()[-1]
    assert "A2" in _search(run, copy, word)
    note_id, note = (
        sqlite3.connect(copy)
        .execute("SELECT id, commentary FROM progress_log WHERE commentary LIKE 'Scoping%'")
        .fetchone()
    )
    _sql(
        copy,
        # A2 hidden from search...
        "INSERT INTO action_fts (action_fts, rowid, ref, title, description)"
        " SELECT 'delete', id, ref, title, description FROM action WHERE ref = 'A2'",
        # ...and a note made to match words it does not hold.
        f"INSERT INTO commentary_fts (commentary_fts, rowid, commentary)"
        f" VALUES ('delete', {note_id}, '{note}')",
        f"INSERT INTO commentary_fts (rowid, commentary) VALUES ({note_id}, 'bribery fraud')",
    )
    assert "A2" not in _search(run, copy, word)
    assert _search(run, copy, "bribery") == ["A1"]  # a false match
    before = db_state(copy)
    result = run("verify", db=copy, check_exit=1)
    assert "the search index of refs, titles and descriptions (action_fts)" in result.stderr
    assert "the search index of commentary (commentary_fts)" in result.stderr
    assert "`actreg verify --repair` rebuilds it" in result.stderr

    repaired = run("verify", "--repair", db=copy)
    assert "Rebuilt the search indexes (action_fts, commentary_fts)" in repaired.stdout
    assert "Register OK" in repaired.stdout
    assert db_state(copy) == before  # the log and the actions: not a byte changed
    assert "A2" in _search(run, copy, word)
    assert _search(run, copy, "bribery") == []
    assert _search(run, copy, "Scoping") == ["A1"]
    run("verify", db=copy)


def test_verify_checks_the_search_indexes_of_a_read_only_register(run, copy, tmpfs):
    from tests.reliability.conftest import remount

    _sql(
        copy,
        "INSERT INTO action_fts (action_fts, rowid, ref, title, description)"
        " SELECT 'delete', id, ref, title, description FROM action WHERE ref = 'A1'",
    )
    point = tmpfs("8m", "ro")
    shutil.copyfile(copy, point / "register.db")
    remount(point, "ro")
    result = run("verify", db=point / "register.db", check_exit=1)
    assert "(action_fts) does not match the register" in result.stderr
    refused = run("verify", "--repair", db=point / "register.db", check_exit=1)
    assert "read-only" in refused.stderr


# --- time order ----------------------------------------------------------------------


def _append_backdated(path: Path, ref: str, recorded_at: str, text: str) -> None:
    """A note appended with a correct hash and the projection kept right, but a time
    chosen by hand: what someone with the file and actreg's code could do."""
    conn = open_register(path)
    try:
        with write_transaction(conn):
            columns = ", ".join(ACTION_COLUMNS)
            found = conn.execute(f"SELECT {columns} FROM action WHERE ref = ?", (ref,)).fetchone()
            row = dict(zip(ACTION_COLUMNS, found, strict=True))
            head_id, head_hash, _ = log.head(conn)
            entry = log.make_entry(prev_id=head_id, prev_hash=head_hash, action_id=row["id"],
                                   kind="note", author="Mallory", recorded_at=recorded_at,
                                   commentary=text)  # fmt: skip
            log.insert_entry(conn, entry)
            after = apply_entry(row, entry, None)
            assignments = ", ".join(f"{c} = ?" for c in ACTION_COLUMNS)
            conn.execute(f"UPDATE action SET {assignments} WHERE id = ?",
                         [after[c] for c in ACTION_COLUMNS] + [row["id"]])  # fmt: skip
    finally:
        conn.close()


def _head_time(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT max(recorded_at) FROM progress_log").fetchone()[0]
    finally:
        conn.close()


def test_entries_recorded_out_of_order_are_named_beyond_the_tolerance(run, copy):
    head = _head_time(copy)
    # Two minutes back: within what two machines' clocks may differ by.
    moment = dt.datetime.fromisoformat(head.replace("Z", "+00:00"))
    _append_backdated(copy, "A1", utc_text(moment - dt.timedelta(minutes=2)), "a little behind")
    run("verify", db=copy)
    _append_backdated(copy, "B1", "2025-01-15T09:00:00.000000Z", "backdated to January")
    _append_backdated(copy, "A2", "2025-02-01T09:00:00.000000Z", "and another")
    result = run("verify", db=copy, check_exit=1)
    assert "2 log entries recorded earlier than an entry before them by more than 5 minutes" in (
        result.stderr
    )
    assert "at 2025-01-15T09:00:00.000000Z" in result.stderr
    assert "at 2025-02-01T09:00:00.000000Z" in result.stderr
    assert "a little behind" not in result.stderr
    assert "the hash chain" not in result.stderr  # the chain itself is intact
    print(f"\ntime order: 2 backdated entries named; 1 two minutes behind {head} allowed")
