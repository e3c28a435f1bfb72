"""Two times on every entry: recorded_at (the clock) and the effective date (the day the
fact became true), through db.store.register, the as-at rebuild, snapshots and diffs."""

from __future__ import annotations

import datetime as dt
import sqlite3

import pytest

from db.cycles import diffs, meetings, snapshots
from db.errors import InputError
from db.integrity import verifier
from db.read import queries
from db.store import log, register

AUTHOR = "Officer"


def at(day: str, hour: int = 9) -> dt.datetime:
    return dt.datetime.fromisoformat(day).replace(hour=hour, tzinfo=dt.UTC)


@pytest.fixture
def reg(conn, clock, draft):
    """A1 created on 2025-01-06, a note on 2025-01-10; now it is 2025-02-03."""
    clock.set(at("2025-01-06"))
    register.add_action(conn, draft("A1", target_date="2025-06-30"), author=AUTHOR, clock=clock)
    clock.set(at("2025-01-10"))
    register.record_note(conn, "A1", "Scoping started", author=AUTHOR, clock=clock)
    clock.set(at("2025-02-03"))
    return conn


def last_entry(conn) -> log.LogEntry:
    return log.from_row(
        conn.execute(f"SELECT {log.SELECT_COLUMNS} FROM progress_log ORDER BY id DESC").fetchone()
    )


def test_an_entry_defaults_to_its_recorded_day(reg, clock):
    register.record_note(reg, "A1", "Today's news", author=AUTHOR, clock=clock)
    entry = last_entry(reg)
    assert entry.effective_date == entry.recorded_at[:10] == "2025-02-03"


def test_a_late_update_is_effective_on_its_day_and_hashed_with_it(reg, clock):
    row = register.record_update(reg, "A1", status="in progress", note="Started in January",
                                 author=AUTHOR, clock=clock, effective="2025-01-20")  # fmt: skip
    entry = last_entry(reg)
    assert (entry.effective_date, entry.recorded_at[:10]) == ("2025-01-20", "2025-02-03")
    assert log.content_of(entry)[-1] == "2025-01-20"  # covered by the hash
    assert log.expected_hash(entry) == entry.hash
    # When it took effect is the end of its day: it counts in that day's as-at.
    assert row["last_update_at"] == "2025-01-20T23:59:59.999999Z"
    assert verifier.verify(reg).ok


def test_day_first_effective_dates_are_read(reg, clock):
    register.record_note(reg, "A1", "Late", author=AUTHOR, clock=clock, effective="20/01/2025")
    assert last_entry(reg).effective_date == "2025-01-20"


def test_an_effective_date_after_the_recorded_day_is_refused(reg, clock, register_state):
    before = register_state(reg)
    with pytest.raises(InputError) as refused:
        register.record_note(reg, "A1", "Ahead", author=AUTHOR, clock=clock, effective="2025-02-04")
    assert str(refused.value) == (
        "effective date: 2025-02-04 is later than 2025-02-03, the day this is recorded; "
        "record what has happened, on or before today"
    )
    assert register_state(reg) == before


def test_an_effective_date_before_the_actions_latest_entry_is_refused_naming_it(
    reg, clock, register_state
):
    note = last_entry(reg)
    before = register_state(reg)
    with pytest.raises(InputError) as refused:
        register.set_rag(reg, "A1", "red", reason="late", author=AUTHOR, clock=clock,
                         effective="2025-01-08")  # fmt: skip
    message = str(refused.value)
    assert message.startswith(f"effective date: 2025-01-08 is before entry {note.uuid} (note, ")
    assert "effective 2025-01-10" in message and "action A1" in message
    assert register_state(reg) == before


def test_an_effective_date_before_the_action_was_created_is_refused(conn, clock, draft):
    clock.set(at("2025-01-06"))
    register.add_action(conn, draft("A1"), author=AUTHOR, clock=clock, effective="2025-01-02")
    with pytest.raises(InputError, match=r"before action A1 was created \(entry .*2025-01-02"):
        register.record_note(conn, "A1", "x", author=AUTHOR, clock=clock, effective="2025-01-01")


@pytest.mark.parametrize("intent", ["add", "update", "edit", "evidence", "close"])
def test_every_write_of_the_cli_takes_an_effective_date(reg, clock, draft, intent):
    calls = {
        "add": lambda: register.add_action(reg, draft("B1"), author=AUTHOR, clock=clock,
                                           effective="2025-01-25"),
        "update": lambda: register.record_update(reg, "A1", percent_complete=40, author=AUTHOR,
                                                 clock=clock, effective="2025-01-25"),
        "edit": lambda: register.edit_field(reg, "A1", "owner", "Sam", reason="moved",
                                            author=AUTHOR, clock=clock, effective="2025-01-25"),
        "evidence": lambda: register.add_evidence(reg, "A1", "Minute 4", author=AUTHOR,
                                                  clock=clock, effective="2025-01-25"),
        "close": lambda: register.close_action(reg, "A1", evidence="Report", author=AUTHOR,
                                               clock=clock, effective="2025-01-25"),
    }  # fmt: skip
    calls[intent]()
    entries = reg.execute(
        "SELECT DISTINCT effective_date FROM progress_log WHERE recorded_at >= '2025-02-03'"
    ).fetchall()
    assert entries == [("2025-01-25",)]
    if intent == "close":  # the work was done on the day it happened
        assert queries.get_action(reg, "A1")["completed_date"] == "2025-01-25"
    assert verifier.verify(reg).ok


def test_as_at_reads_the_effective_axis(reg, clock):
    register.change_status(reg, "A1", "in progress", author=AUTHOR, clock=clock,
                           effective="2025-01-20")  # fmt: skip
    on = {d: queries.list_as_at(reg, f"{d}T23:59:59.999999Z")[0]["status"]
          for d in ("2025-01-19", "2025-01-20", "2025-02-03")}  # fmt: skip
    assert on == {"2025-01-19": "not_started", "2025-01-20": "in_progress",
                  "2025-02-03": "in_progress"}  # fmt: skip
    assert queries.get_action_as_at(reg, "A1", "2025-01-19T23:59:59.999999Z")["version"] == 2


def test_a_snapshot_never_changes_when_late_entries_arrive_and_the_next_pack_lists_them(reg, clock):
    meetings.add_meeting(reg, "2025-02-11", deadline="2025-01-31", author=AUTHOR, clock=clock)
    meetings.add_meeting(reg, "2025-04-15", deadline="2025-04-04", author=AUTHOR, clock=clock)
    first = snapshots.take_snapshot(reg, "2025-02-11", author=AUTHOR, clock=clock)
    rows = snapshots.snapshot_rows(reg, first["id"])
    assert rows[0]["status"] == "not_started"

    clock.set(at("2025-02-05"))  # after the pack went out: it was implemented on 30 January
    register.change_status(reg, "A1", "implemented", author=AUTHOR, clock=clock,
                           effective="2025-01-30")  # fmt: skip
    assert snapshots.snapshot_rows(reg, first["id"]) == rows  # frozen
    report = verifier.verify(reg)
    assert report.ok, report.problems  # and still equal to the rebuild from its head

    clock.set(at("2025-04-05"))
    snapshots.take_snapshot(reg, "2025-04-15", author=AUTHOR, clock=clock)
    result = diffs.diff(reg, from_meeting="2025-02-11", to_meeting="2025-04-15")
    late = [c for c in result.changes if c.category == "late"]
    assert [c.detail for c in late] == [
        "Late entry (effective 2025-01-30, recorded 2025-02-05): status not_started → implemented",
        "Late entry (effective 2025-01-30, recorded 2025-02-05): completed date — → 2025-01-30",
    ]
    assert result.counts()["late"] == 2
    labels = {"from_label": "a", "to_label": "b", "from_cut_off": "", "to_cut_off": ""}
    assert "late" not in diffs.compare([], [], **labels).counts()  # shown only when found


def test_a_past_meeting_is_reconstructed_from_backdated_history(conn, clock, draft):
    clock.set(at("2025-05-01"))
    register.add_action(conn, draft("A1", target_date="2025-03-31"), author=AUTHOR, clock=clock,
                        effective="2025-01-06")  # fmt: skip
    register.move_target_date(conn, "A1", "2025-06-30", reason="slipped", author=AUTHOR,
                              clock=clock, effective="2025-02-20")  # fmt: skip
    meetings.add_meeting(conn, "2025-02-11", deadline="2025-01-31", author=AUTHOR, clock=clock)
    meetings.add_meeting(conn, "2025-03-11", deadline="2025-02-28", author=AUTHOR, clock=clock)
    one = snapshots.take_snapshot(conn, "2025-02-11", author=AUTHOR, clock=clock)
    two = snapshots.take_snapshot(conn, "2025-03-11", author=AUTHOR, clock=clock)
    assert [r["target_date"] for r in snapshots.snapshot_rows(conn, one["id"])] == ["2025-03-31"]
    assert [r["target_date"] for r in snapshots.snapshot_rows(conn, two["id"])] == ["2025-06-30"]
    assert snapshots.reconstructed_on(conn, two) == "2025-05-01"
    result = diffs.diff(conn, from_meeting="2025-02-11", to_meeting="2025-03-11")
    assert [(c.category, c.ref) for c in result.changes] == [("target_moved", "A1")]
    assert verifier.verify(conn).ok


def test_a_snapshot_taken_in_time_is_not_reconstructed(reg, clock):
    meetings.add_meeting(reg, "2025-02-11", deadline="2025-02-10", author=AUTHOR, clock=clock)
    snap = snapshots.take_snapshot(reg, "2025-02-11", author=AUTHOR, clock=clock)
    assert snapshots.reconstructed_on(reg, snap) is None


def test_the_database_refuses_an_entry_effective_after_it_was_recorded(reg):
    with pytest.raises(sqlite3.IntegrityError, match="CHECK constraint failed"):
        reg.execute(
            "INSERT INTO progress_log (uuid, action_id, kind, author, recorded_at,"
            " effective_date, prev_hash, hash) VALUES ('u', 1, 'note', 'x',"
            " '2025-02-03T09:00:00.000000Z', '2025-02-04', 'p', 'h')"
        )
