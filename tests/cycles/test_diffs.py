"""What changed between meetings: every category, on a scripted history."""

from __future__ import annotations

import datetime as dt

import pytest

from db.cycles import diffs, meetings, snapshots
from db.errors import InputError
from db.store import register

AUTHOR = "Officer"


@pytest.fixture
def two_meetings(conn, clock, draft):
    """Six actions frozen at a January meeting, then a quarter of changes, frozen in April."""
    clock.set(dt.datetime(2025, 1, 6, 9, tzinfo=dt.UTC))
    for ref, rag in (
        ("A1", "green"),
        ("A2", "amber"),
        ("A3", "amber"),
        ("A4", None),
        ("A5", None),
        ("A6", "red"),
    ):
        register.add_action(
            conn,
            draft(ref, target_date="2025-03-31", rag=rag),
            author=AUTHOR,
            clock=clock,
            commentary="initial",
        )
    meetings.add_meeting(conn, "2025-01-21", deadline="2025-01-10", clock=clock)
    meetings.add_meeting(conn, "2025-04-22", deadline="2025-04-10", clock=clock)
    clock.set(dt.datetime(2025, 1, 13, tzinfo=dt.UTC))
    snapshots.take_snapshot(conn, "2025-01-21", author=AUTHOR, clock=clock)

    def at(day: int):
        clock.set(dt.datetime(2025, 2, day, 10, tzinfo=dt.UTC))
        return {"author": AUTHOR, "clock": clock}

    register.record_update(conn, "A1", status="implemented", **at(1))  # completed
    register.set_rag(conn, "A2", "green", reason="Back on track", **at(2))  # RAG up
    register.set_rag(conn, "A3", "red", reason="Blocked", **at(3))  # RAG down
    register.move_target_date(conn, "A4", "2025-05-31", reason="Late data", **at(4))
    register.move_target_date(conn, "A4", "2025-06-30", reason="Later still", **at(5))
    register.record_update(conn, "A6", status="cancelled", reason="Overtaken", **at(6))
    # A5 has no update at all; A7 is new.
    register.add_action(
        conn, {"ref": "A7", "title": "New", "owner": "O", "target_date": "2025-09-30"}, **at(7)
    )
    clock.set(dt.datetime(2025, 4, 11, tzinfo=dt.UTC))
    snapshots.take_snapshot(conn, "2025-04-22", author=AUTHOR, clock=clock)
    return conn


def test_every_category(two_meetings):
    result = diffs.diff(two_meetings, from_meeting="2025-01-21", to_meeting="2025-04-22")
    found = {(c.category, c.ref) for c in result.changes}
    assert found == {
        ("new", "A7"),
        ("completed", "A1"),
        ("rag_up", "A2"),
        ("rag_down", "A3"),
        ("target_moved", "A4"),
        ("no_update", "A5"),
        ("withdrawn", "A6"),
    }
    assert result.counts() == {
        "new": 1,
        "completed": 1,
        "status_changed": 0,
        "rag_up": 1,
        "rag_down": 1,
        "target_moved": 1,
        "field_changed": 0,
        "no_update": 1,
        "withdrawn": 1,
    }
    moved = next(c for c in result.changes if c.ref == "A4")
    assert (moved.old, moved.new) == ("2025-03-31", "2025-06-30")
    assert "revised 2 times in all; slipped more than once" in moved.detail
    summaries = result.summaries()
    a1 = next(c.action_id for c in result.changes if c.ref == "A1")
    assert summaries[a1] == "Status: Not started → Implemented"


def test_defaults_compare_the_two_latest_snapshots(two_meetings, clock):
    clock.set(dt.datetime(2025, 4, 20, tzinfo=dt.UTC))
    register.record_update(two_meetings, "A5", status="in_progress", author=AUTHOR, clock=clock)
    result = diffs.diff(two_meetings)
    assert result.from_label == "Governance and Audit Committee 2025-01-21 (snapshot #1)"
    assert result.to_label == "Governance and Audit Committee 2025-04-22 (snapshot #2)"
    assert (
        result.changes
        == diffs.diff(two_meetings, from_meeting="2025-01-21", to_meeting="2025-04-22").changes
    )


def test_to_now_compares_the_latest_snapshot_with_now(two_meetings, clock):
    clock.set(dt.datetime(2025, 4, 20, tzinfo=dt.UTC))
    register.record_update(two_meetings, "A5", status="in_progress", author=AUTHOR, clock=clock)
    result = diffs.diff(two_meetings, to_meeting="now")
    assert result.from_label.startswith("Governance and Audit Committee 2025-04-22")
    assert result.to_label == "now"
    changes = {(c.category, c.ref) for c in result.changes}
    assert ("status_changed", "A5") in changes
    assert ("no_update", "A2") in changes  # nothing since April's snapshot


def test_no_earlier_snapshot_is_explained(conn, draft):
    register.add_action(conn, draft("A1"), author=AUTHOR)
    with pytest.raises(InputError, match="no earlier snapshot to compare with"):
        diffs.diff(conn)


def test_from_must_precede_to(two_meetings):
    with pytest.raises(InputError, match="--from must be an earlier meeting"):
        diffs.diff(two_meetings, from_meeting="2025-04-22", to_meeting="2025-01-21")
