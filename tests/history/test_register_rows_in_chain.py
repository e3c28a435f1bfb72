"""Issue 14 item 11: a snapshot taken, a meeting or committee added or changed and the
register's settings are entries in the chain, so removing or altering any of them
behind actreg's back is found by verify (the chain or the comparison with the log)."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path

import pytest

from db.cycles import meetings, snapshots
from db.integrity import verifier
from db.store import register
from db.store.connection import open_register

AUTHOR = "Officer"
#: Every trigger that keeps a table append-only: a tamperer drops them first.
TRIGGERS = (
    "progress_log_no_update",
    "progress_log_no_delete",
    "progress_log_no_replace",
    "snapshot_no_update",
    "snapshot_no_delete",
    "snapshot_no_replace",
    "snapshot_row_no_update",
    "snapshot_row_no_delete",
    "snapshot_row_no_replace",
)


@pytest.fixture
def register_file(conn, register_path: Path, clock, draft) -> Path:
    clock.set(dt.datetime(2025, 1, 6, 9, tzinfo=dt.UTC))
    register.add_action(conn, draft("A1"), author=AUTHOR, clock=clock)
    register.add_action(conn, draft("A2"), author=AUTHOR, clock=clock)
    meetings.add_meeting(
        conn, "2025-03-11", deadline="2025-03-01", cadence="quarterly", author=AUTHOR, clock=clock
    )
    meetings.add_meeting(conn, "2025-06-10", author=AUTHOR, clock=clock)
    clock.set(dt.datetime(2025, 3, 2, 9, tzinfo=dt.UTC))
    snapshots.take_snapshot(conn, "2025-03-11", author=AUTHOR, clock=clock)
    report = verifier.verify(conn)
    assert report.ok, report.problems
    conn.close()
    return register_path


def tamper(path: Path, *statements: str) -> None:
    plain = sqlite3.connect(path)
    try:
        for trigger in TRIGGERS:
            plain.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        for statement in statements:
            plain.execute(statement)
        plain.commit()
    finally:
        plain.close()


def problems(path: Path) -> list[str]:
    conn = open_register(path)
    try:
        report = verifier.verify(conn)
        assert not report.ok
        return report.problems
    finally:
        conn.close()


def test_the_register_rows_are_entries_in_the_chain(register_file: Path):
    plain = sqlite3.connect(register_file)
    try:
        kinds = [
            (kind, field, json.loads(new) if new else None)
            for kind, field, new in plain.execute(
                "SELECT kind, field, new_value FROM progress_log WHERE action_id IS NULL"
                " ORDER BY id"
            )
        ]
    finally:
        plain.close()
    assert [k for k, _, _ in kinds] == ["setting", "committee", "meeting", "meeting", "snapshot"]
    settings = kinds[0][2]
    assert settings["name"] == "Test register"
    assert kinds[1][2] == {"id": 1, "name": "Governance and Audit Committee",
                           "cadence": "quarterly"}  # fmt: skip
    assert kinds[2][2]["paper_deadline"] == "2025-03-01"
    snapshot = kinds[4][2]
    with open_register(register_file) as conn:
        stored = snapshots.get_snapshot(conn, 1)
    assert snapshot["rows_hash"] == stored["rows_hash"]
    assert snapshot["log_head_hash"] == stored["log_head_hash"]


def test_deleting_a_snapshot_is_found(register_file: Path):
    tamper(
        register_file,
        "DELETE FROM snapshot_row WHERE snapshot_id = 1",
        "DELETE FROM snapshot WHERE id = 1",
    )
    found = problems(register_file)  # (and the schema check names the dropped triggers)
    assert (
        "the snapshot table does not match the log: snapshot #1 is in the log but missing "
        "from the snapshot table"
    ) in found


def test_changing_a_meeting_deadline_is_found(register_file: Path):
    tamper(register_file, "UPDATE meeting SET paper_deadline = '2025-03-05' WHERE id = 1")
    found = [p for p in problems(register_file) if p.startswith("the meeting table")]
    assert len(found) == 1
    assert found[0].startswith("the meeting table does not match the log: meeting #1 (2025-03-11)")
    assert "paper_deadline is '2025-03-05' in the table, '2025-03-01' in the log" in found[0]


@pytest.mark.parametrize(
    ("statement", "table"),
    [
        ("DELETE FROM meeting WHERE id = 2", "meeting"),
        ("UPDATE meeting SET title = 'Extra' WHERE id = 2", "meeting"),
        (
            "INSERT INTO meeting (committee_id, meeting_date, paper_deadline)"
            " VALUES (1, '2025-09-09', '2025-09-01')",
            "meeting",
        ),
        ("UPDATE committee SET cadence = 'every'", "committee"),
        ("UPDATE committee SET name = 'Cabinet'", "committee"),
        ("UPDATE register_setting SET value = 'Other' WHERE key = 'name'", "register_setting"),
        ("DELETE FROM register_setting WHERE key = 'organisation'", "register_setting"),
    ],
)
def test_altering_the_register_rows_is_found(register_file: Path, statement: str, table: str):
    tamper(register_file, statement)
    found = problems(register_file)
    assert any(p.startswith(f"the {table} table does not match the log") for p in found), found


def test_removing_the_entry_that_recorded_a_meeting_breaks_the_chain(register_file: Path):
    tamper(
        register_file,
        "DELETE FROM progress_log WHERE kind = 'meeting' AND field = '2'",
        "DELETE FROM meeting WHERE id = 2",
    )
    found = problems(register_file)
    assert any("are missing from the log" in p for p in found), found


def test_a_cadence_change_is_an_entry_with_the_row_before_and_after(register_file: Path):
    with open_register(register_file) as conn:
        meetings.set_cadence(conn, "Governance and Audit Committee", "six-monthly", author="Jo")
        old, new, author = conn.execute(
            "SELECT old_value, new_value, author FROM progress_log ORDER BY id DESC LIMIT 1"
        ).fetchone()
        assert json.loads(old)["cadence"] == "quarterly"
        assert json.loads(new)["cadence"] == "six_monthly"
        assert author == "Jo"
        assert verifier.verify(conn).ok
