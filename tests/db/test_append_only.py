"""Append-only and immutability are enforced by the database file itself.

Every statement here goes through a plain ``sqlite3.connect()``, as another
program (or a person with the sqlite3 shell) would, not through actreg's
opener: the triggers in schema.sql must refuse it, and nothing may change.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from db.integrity.verifier import verify
from db.store import register
from db.store.connection import open_register

LOG_STATEMENTS = {
    "update one entry": "UPDATE progress_log SET commentary = 'rewritten' WHERE id = 2",
    "update without change": "UPDATE progress_log SET hash = hash WHERE id = 1",
    "update all": "UPDATE progress_log SET author = 'someone else'",
    "update or replace": "UPDATE OR REPLACE progress_log SET id = 1 WHERE id = 2",
    "delete one entry": "DELETE FROM progress_log WHERE id = 3",
    "delete the head": "DELETE FROM progress_log WHERE id = (SELECT max(id) FROM progress_log)",
    "delete all": "DELETE FROM progress_log",
    "insert or replace, same id": (
        "INSERT OR REPLACE INTO progress_log"
        " SELECT id, 'new-uuid', action_id, kind, field, old_value, new_value, 'forged',"
        " author, recorded_at, supersedes, effective_date, prev_hash, 'new-hash'"
        " FROM progress_log WHERE id = 2"
    ),
    "insert or replace, same uuid": (
        "INSERT OR REPLACE INTO progress_log"
        " SELECT 999, uuid, action_id, kind, field, old_value, new_value, 'forged',"
        " author, recorded_at, supersedes, effective_date, prev_hash, 'new-hash'"
        " FROM progress_log WHERE id = 2"
    ),
    "insert or replace, same uuid, no id": (
        "INSERT OR REPLACE INTO progress_log (uuid, action_id, kind, author, recorded_at,"
        " prev_hash, hash) SELECT uuid, action_id, 'note', author, recorded_at, prev_hash,"
        " 'new-hash' FROM progress_log WHERE id = 2"
    ),
    "replace into, same id": (
        "REPLACE INTO progress_log"
        " SELECT id, 'new-uuid', action_id, kind, field, old_value, new_value, 'forged',"
        " author, recorded_at, supersedes, effective_date, prev_hash, 'new-hash'"
        " FROM progress_log WHERE id = 3"
    ),
    "replace into, same uuid": (
        "REPLACE INTO progress_log"
        " SELECT 999, uuid, action_id, kind, field, old_value, new_value, 'forged',"
        " author, recorded_at, supersedes, effective_date, prev_hash, 'new-hash'"
        " FROM progress_log WHERE id = 3"
    ),
    "upsert": (
        "INSERT INTO progress_log SELECT * FROM progress_log WHERE id = 2"
        " ON CONFLICT (id) DO UPDATE SET commentary = 'forged'"
    ),
}

# {cols} is every column of the table; {forged} the same with one value changed,
# so a replace that slipped through would show in the fingerprint.
SNAPSHOT_STATEMENTS = {
    "update a snapshot": "UPDATE snapshot SET taken_by = 'someone else' WHERE id = 1",
    "delete a snapshot": "DELETE FROM snapshot WHERE id = 1",
    "insert or replace a snapshot": (
        "INSERT OR REPLACE INTO snapshot ({cols}) SELECT {forged} FROM snapshot WHERE id = 1"
    ),
    "replace into a snapshot": (
        "REPLACE INTO snapshot ({cols}) SELECT {forged} FROM snapshot WHERE id = 1"
    ),
    "update a snapshot row": "UPDATE snapshot_row SET data = '{{}}' WHERE snapshot_id = 1",
    "delete a snapshot row": "DELETE FROM snapshot_row WHERE snapshot_id = 1 AND position = 0",
    "insert or replace a snapshot row": (
        "INSERT OR REPLACE INTO snapshot_row ({cols}) SELECT {forged} FROM snapshot_row"
        " WHERE snapshot_id = 1 AND position = 0"
    ),
    "replace into a snapshot row": (
        "REPLACE INTO snapshot_row ({cols}) SELECT {forged} FROM snapshot_row"
        " WHERE snapshot_id = 1 AND position = 1"
    ),
}
#: The column a forged copy changes, per table.
FORGED = {"snapshot": ("taken_by", "'forger'"), "snapshot_row": ("data", "'{\"forged\": true}'")}


def columns(conn: sqlite3.Connection, table: str) -> list[tuple[str, str, bool, bool]]:
    """(name, type, required, primary key) of each column, whatever the schema version."""
    return [
        (name, kind.upper(), bool(notnull) and default is None and not pk, bool(pk))
        for _, name, kind, notnull, default, pk in conn.execute(f"PRAGMA table_info({table})")
    ]


def insert_filled(conn: sqlite3.Connection, table: str, **values) -> None:
    """Insert a row giving `values` and a placeholder for every other required column."""
    for name, kind, required, _ in columns(conn, table):
        if required and name not in values:
            values[name] = 0 if "INT" in kind else f"placeholder {name}"
    names = ", ".join(values)
    marks = ", ".join("?" * len(values))
    conn.execute(f"INSERT INTO {table} ({names}) VALUES ({marks})", list(values.values()))


def snapshot_statement(conn: sqlite3.Connection, template: str) -> str:
    table = "snapshot_row" if "snapshot_row" in template else "snapshot"
    names = [c[0] for c in columns(conn, table)]
    forged_column, forged_value = FORGED[table]
    forged = [forged_value if n == forged_column else n for n in names]
    return template.format(cols=", ".join(names), forged=", ".join(forged))


@pytest.fixture
def register_file(conn, register_path: Path, clock, draft) -> Path:
    """A closed register with two actions, a few entries and one snapshot of two rows."""
    register.add_action(conn, draft("A1"), author="Jo", clock=clock)
    clock.advance()
    register.add_action(conn, draft("A2"), author="Jo", clock=clock)
    clock.advance()
    register.record_note(conn, "A1", "Scoping started", author="Jo", clock=clock)
    clock.advance()
    register.set_rag(conn, "A2", "amber", reason="late start", author="Jo", clock=clock)
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("INSERT INTO committee (id, name) VALUES (1, 'Audit')")
    conn.execute(
        "INSERT INTO meeting (id, committee_id, meeting_date, paper_deadline)"
        " VALUES (1, 1, '2025-02-01', '2025-01-20')"
    )
    insert_filled(
        conn,
        "snapshot",
        id=1,
        meeting_id=1,
        taken_at="2025-01-20T10:00:00.000000Z",
        taken_by="Jo",
        cut_off="2025-01-20T23:59:59.999999Z",
        row_count=2,
    )
    insert_filled(conn, "snapshot_row", snapshot_id=1, position=0, ref="A1", data='{"ref":"A1"}')
    insert_filled(conn, "snapshot_row", snapshot_id=1, position=1, ref="A2", data='{"ref":"A2"}')
    conn.execute("COMMIT")
    conn.close()
    return register_path


def fingerprint(path: Path) -> dict[str, list]:
    """Every row of the protected tables, read by a fresh connection (committed data only)."""
    plain = sqlite3.connect(path)
    try:
        return {
            table: plain.execute(f"SELECT * FROM {table} ORDER BY 1, 2").fetchall()
            for table in ("progress_log", "snapshot", "snapshot_row", "action")
        }
    finally:
        plain.close()


def run_refused(path: Path, statement: str, message: str) -> None:
    before = fingerprint(path)
    assert len(before["progress_log"]) == 5  # the settings (with the first entry), then four
    plain = sqlite3.connect(path)
    try:
        with pytest.raises(sqlite3.DatabaseError, match=message):
            plain.execute(statement)
        plain.commit()  # whatever the statement managed to do would be kept now
    finally:
        plain.close()
    after = fingerprint(path)
    assert after == before
    assert [row[-1] for row in after["progress_log"]] == [row[-1] for row in before["progress_log"]]


@pytest.mark.parametrize("statement", LOG_STATEMENTS.values(), ids=LOG_STATEMENTS.keys())
def test_plain_sqlite_cannot_change_the_progress_log(register_file: Path, statement: str):
    run_refused(register_file, statement, r"progress_log is append-only")


# schema.sql words these "snapshots are immutable" rather than "append-only".
@pytest.mark.parametrize("statement", SNAPSHOT_STATEMENTS.values(), ids=SNAPSHOT_STATEMENTS.keys())
def test_plain_sqlite_cannot_change_a_snapshot(register_file: Path, statement: str):
    plain = sqlite3.connect(register_file)
    try:
        statement = snapshot_statement(plain, statement)
    finally:
        plain.close()
    run_refused(register_file, statement, r"snapshots are immutable")


def test_appending_a_new_entry_is_still_allowed(register_file: Path):
    """The triggers refuse changes, not appends (or actreg itself could not write)."""
    plain = sqlite3.connect(register_file)
    try:
        plain.execute(
            "INSERT INTO progress_log (uuid, action_id, kind, author, recorded_at,"
            " effective_date, prev_hash, hash) VALUES ('fresh-uuid', 1, 'note', 'x',"
            " '2030-01-01T00:00:00.000000Z', '2030-01-01', 'p', 'fresh-hash')"
        )
        plain.commit()
        assert plain.execute("SELECT count(*) FROM progress_log").fetchone()[0] == 6
    finally:
        plain.close()


def test_a_copy_of_an_entrys_hash_changes_no_entry_and_verify_names_it(register_file: Path):
    """Hashes are not unique in the schema (since version 7: the chain makes them so). An
    INSERT OR REPLACE with an entry's hash has nothing to replace: it only appends, which
    leaves every entry as it was, and verify names the forged one."""
    before = fingerprint(register_file)
    plain = sqlite3.connect(register_file)
    try:
        plain.execute(
            "INSERT OR REPLACE INTO progress_log"
            " SELECT 6, 'new-uuid', action_id, kind, field, old_value, new_value, 'forged',"
            " author, recorded_at, supersedes, effective_date, prev_hash, hash"
            " FROM progress_log WHERE id = 2"
        )
        plain.commit()
    finally:
        plain.close()
    after = fingerprint(register_file)
    assert after["progress_log"][:5] == before["progress_log"]
    conn = open_register(register_file)
    try:
        report = verify(conn)
    finally:
        conn.close()
    assert not report.ok
    assert any("entry #6" in problem for problem in report.problems), report.problems
