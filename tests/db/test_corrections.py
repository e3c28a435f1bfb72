"""Corrections append an entry that supersedes an earlier one; nothing is ever edited."""

from __future__ import annotations

import pytest

from db.integrity import verifier
from db.store import log, register


@pytest.fixture
def a1(conn, clock, draft):
    clock.advance()
    register.add_action(conn, draft("A1", target_date="2025-03-31"), author="Jo", clock=clock)
    return conn


def last_entry(conn, kind: str) -> log.LogEntry:
    row = conn.execute(
        f"SELECT {log.SELECT_COLUMNS} FROM progress_log WHERE kind = ? ORDER BY id DESC LIMIT 1",
        (kind,),
    ).fetchone()
    return log.from_row(row)


def correct(conn, clock, entry: log.LogEntry, value, reason: str = "mistyped") -> dict:
    clock.advance()
    return register.correct_entry(
        conn, entry.uuid, value=value, reason=reason, author="Jo", clock=clock
    )


def test_a_correction_supersedes_and_leaves_the_original_entry_as_it_was(a1, clock):
    clock.advance()
    register.set_rag(a1, "A1", "green", reason="on track", author="Jo", clock=clock)
    original = last_entry(a1, "rag")

    row = correct(a1, clock, original, "amber", reason="it was never on track")

    assert (row["rag"], row["rag_reason"]) == ("amber", "it was never on track")
    fix = last_entry(a1, "correction")
    assert (fix.supersedes, fix.field, fix.old_value, fix.new_value) == (
        original.uuid,
        "rag",
        "green",
        "amber",
    )
    assert last_entry(a1, "rag") == original
    assert verifier.verify(a1).ok


def test_undoing_a_re_date_takes_its_revision_back(a1, clock):
    clock.advance()
    register.move_target_date(a1, "A1", "2025-06-30", reason="late", author="Jo", clock=clock)
    redate = last_entry(a1, "target_date")

    row = correct(a1, clock, redate, "2025-03-31", reason="moved the wrong action")

    assert (row["target_date"], row["target_revisions"]) == ("2025-03-31", 0)
    assert row["original_target_date"] == "2025-03-31"
    assert verifier.verify(a1).ok


def test_fixing_a_mistyped_re_date_still_counts_one_revision(a1, clock):
    clock.advance()
    register.move_target_date(a1, "A1", "2025-06-03", reason="late", author="Jo", clock=clock)
    row = correct(a1, clock, last_entry(a1, "target_date"), "2025-06-30")
    assert (row["target_date"], row["target_revisions"]) == ("2025-06-30", 1)


def test_a_mistyped_original_target_date_can_be_corrected(a1, clock):
    created = last_entry(a1, "created")
    row = correct(a1, clock, created, "2025-04-30")
    assert (row["original_target_date"], row["target_date"]) == ("2025-04-30", "2025-04-30")

    clock.advance()
    register.move_target_date(a1, "A1", "2025-09-30", reason="late", author="Jo", clock=clock)
    row = correct(a1, clock, created, "2025-05-31")
    # Once re-dated, correcting the original leaves the current target alone.
    assert (row["original_target_date"], row["target_date"]) == ("2025-05-31", "2025-09-30")
    assert row["target_revisions"] == 1
    assert verifier.verify(a1).ok


def test_a_note_correction_replaces_the_latest_commentary(a1, clock):
    clock.advance()
    register.record_note(a1, "A1", "Contarct signed", author="Jo", clock=clock)
    note = last_entry(a1, "note")
    row = correct(a1, clock, note, "Contract signed", reason="typo")
    assert row["last_commentary"] == "Contract signed"
    assert last_entry(a1, "note").commentary == "Contarct signed"  # the original stays


def test_correcting_an_older_note_keeps_the_newer_note_as_the_latest_commentary(a1, clock):
    clock.advance()
    register.record_note(a1, "A1", "Scoping startd", author="Jo", clock=clock)
    older = last_entry(a1, "note")
    clock.advance()
    register.record_note(a1, "A1", "Contract signed", author="Jo", clock=clock)

    row = correct(a1, clock, older, "Scoping started", reason="typo")

    assert row["last_commentary"] == "Contract signed"


def test_an_evidence_correction_replaces_that_reference_only(a1, clock):
    clock.advance()
    register.add_evidence(a1, "A1", "Minute 12", author="Jo", clock=clock)
    clock.advance()
    register.add_evidence(a1, "A1", "Reprot 7", author="Jo", clock=clock)
    row = correct(a1, clock, last_entry(a1, "evidence"), "Report 7")
    assert row["evidence"] == "Minute 12\nReport 7"
    assert verifier.verify(a1).ok


def test_a_status_correction_reopens_and_clears_the_completed_date(a1, clock):
    clock.advance()
    register.change_status(a1, "A1", "implemented", author="Jo", clock=clock)
    row = register.record_update(a1, "A1", note="done", author="Jo", clock=clock)
    assert row["completed_date"] == clock.now.date().isoformat()
    status = last_entry(a1, "status")

    row = correct(a1, clock, status, "in progress", reason="not finished yet")

    assert (row["status"], row["completed_date"]) == ("in_progress", None)
    assert verifier.verify(a1).ok


def test_correct_entries_takes_a_close_back_in_one_transaction(a1, clock):
    clock.advance()
    register.close_action(a1, "A1", evidence="minute 4", author="Jo", clock=clock)
    evidence, closed = last_entry(a1, "evidence"), last_entry(a1, "status")

    clock.advance()
    row = register.correct_entries(
        a1,
        [(closed.uuid, "not_started"), (evidence.uuid, "")],
        reason="closed by mistake",
        author="Jo",
        clock=clock,
    )

    assert (row["status"], row["evidence"], row["completed_date"]) == ("not_started", None, None)
    fixes = a1.execute(
        "SELECT field, supersedes FROM progress_log WHERE kind = 'correction' ORDER BY id"
    ).fetchall()
    assert fixes == [("status", closed.uuid), ("evidence", evidence.uuid)]
    assert verifier.verify(a1).ok


def test_correct_entries_records_nothing_if_one_is_refused(a1, clock, register_state):
    clock.advance()
    register.set_rag(a1, "A1", "green", reason="on track", author="Jo", clock=clock)
    clock.advance()
    register.record_note(a1, "A1", "all fine", author="Jo", clock=clock)
    rag, note = last_entry(a1, "rag"), last_entry(a1, "note")
    before = register_state(a1)

    with pytest.raises(register.InputError, match="rag"):
        register.correct_entries(
            a1, [(note.uuid, "withdrawn"), (rag.uuid, None)], reason="undo", author="Jo"
        )

    assert register_state(a1) == before


def test_verify_holds_a_taken_back_re_date_to_the_projection(a1, clock, register_path):
    """verify remembers of each re-date only what a correction that takes it back reads
    (its old value): the projection's count of revisions is still held to the log."""
    import sqlite3

    clock.advance()
    register.move_target_date(a1, "A1", "2025-06-30", reason="late", author="Jo", clock=clock)
    clock.advance()
    register.move_target_date(a1, "A1", "2025-07-31", reason="later", author="Jo", clock=clock)
    correct(a1, clock, last_entry(a1, "target_date"), "2025-06-30", reason="wrong month")
    assert verifier.verify(a1).ok
    raw = sqlite3.connect(register_path)
    raw.execute(
        "UPDATE action SET target_revisions = 2"
    )  # as if the correction counted for nothing
    raw.commit()
    raw.close()
    problems = verifier.verify(a1).problems
    assert any("target_revisions is 2 in the table but the log says 1" in p for p in problems)
