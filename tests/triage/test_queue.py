"""The triage queue's rules, each reason at its boundary days, with ACTREG_TODAY."""

from __future__ import annotations

import datetime as dt

import pytest

from db.cycles import meetings, triage
from db.read.queries import ActionFilter
from db.store import register, values

AUTHOR = "Officer"
TODAY = "2025-06-16"


@pytest.fixture
def reg(conn, clock, draft, monkeypatch):
    monkeypatch.setenv("ACTREG_TODAY", TODAY)
    clock.set(dt.datetime(2025, 6, 2, 9, tzinfo=dt.UTC))

    def add(ref, target, **fields):
        register.add_action(
            conn, draft(ref, target_date=target, **fields), author=AUTHOR, clock=clock
        )

    add("ON", "2025-06-16")  # due today: not overdue
    add("LATE1", "2025-06-15")  # overdue by one day
    add("LATE30", "2025-05-17", directorate="Finance")  # overdue by 30 days
    add("SOON", "2025-06-20")  # before the next paper deadline (2025-06-30)
    add("AT_DEADLINE", "2025-06-30")  # on the deadline: still "before" it
    add("AFTER", "2025-07-01", owner="Ann")  # after the deadline: not due soon
    add("RED", "2025-12-31", rag="red")
    add("GREEN_LATE", "2025-06-01", rag="green")
    add("SLIP2", "2025-12-31")
    add("DONE", "2025-12-31", status="implemented")
    add("SHUT", "2025-01-31", status="closed")
    add("GONE", "2025-01-31", status="cancelled")
    add("SUPER", "2025-01-31", status="superseded")
    register.move_target_date(conn, "SLIP2", "2026-01-31", reason="one", author=AUTHOR, clock=clock)
    register.move_target_date(conn, "SLIP2", "2026-02-28", reason="two", author=AUTHOR, clock=clock)
    meetings.add_meeting(conn, "2025-07-08", deadline="2025-06-30", clock=clock)
    return conn


def _queue(conn, **kwargs) -> dict[str, dict[str, str]]:
    return {i.row["ref"]: i.reasons for i in triage.triage_queue(conn, **kwargs)}


def test_each_reason_at_its_boundary(reg):
    queue = _queue(reg)
    assert "ON" in queue and "overdue" not in queue["ON"]  # due today is not overdue
    assert queue["ON"]["due_soon"] == "due 2025-06-16, before the next paper deadline (2025-06-30)"
    assert queue["LATE1"]["overdue"] == "overdue by 1 day"
    assert queue["LATE30"]["overdue"] == "overdue by 30 days"
    assert "due_soon" in queue["SOON"]
    assert "due_soon" in queue["AT_DEADLINE"]
    assert "AFTER" not in queue  # nothing wrong with it
    assert queue["RED"] == {"red": "rated red"}
    assert queue["GREEN_LATE"]["contradiction"] == "rated green but overdue"
    assert queue["SLIP2"] == {"slipped": "target moved 2 times"}
    assert queue["DONE"] == {"unverified": "implemented, awaiting verification and closure"}
    for never in ("SHUT", "GONE", "SUPER"):
        assert never not in queue


def test_one_slip_is_not_a_reason(reg, clock):
    register.move_target_date(reg, "AFTER", "2025-12-31", reason="x", author=AUTHOR, clock=clock)
    assert "AFTER" not in _queue(reg)


def test_most_urgent_first(reg):
    order = [i.row["ref"] for i in triage.triage_queue(reg)]
    # Overdue first, longest first, but a green rating on an overdue action is a
    # contradiction worth raising first; then red; then the rest.
    assert order[:4] == ["GREEN_LATE", "LATE30", "LATE1", "RED"]
    assert order.index("SLIP2") < order.index("DONE")


def test_stale_uses_the_cycle_start(reg, clock, monkeypatch):
    # A meeting whose paper deadline has passed starts a new cycle: nothing since is stale.
    meetings.add_meeting(reg, "2025-06-10", deadline="2025-06-05", clock=clock)
    queue = _queue(reg)
    assert queue["AFTER"] == {"stale": "no update this cycle"}
    clock.set(dt.datetime(2025, 6, 10, tzinfo=dt.UTC))
    register.record_note(reg, "AFTER", "Still on track", author=AUTHOR, clock=clock)
    assert "AFTER" not in _queue(reg)


def test_narrowing(reg):
    assert set(_queue(reg, flt=ActionFilter(directorate="finance"))) == {"LATE30"}
    assert set(_queue(reg, flt=ActionFilter(owner="ann"))) == set()
    assert set(_queue(reg, overdue_only=True)) == {"LATE1", "LATE30", "GREEN_LATE"}


def test_today_moves_with_actreg_today(reg, monkeypatch):
    monkeypatch.setenv("ACTREG_TODAY", "2025-06-17")
    assert _queue(reg)["ON"]["overdue"] == "overdue by 1 day"


def test_summary_counts_decisions(reg, clock):
    since = "2025-06-03T00:00:00.000000Z"
    clock.set(dt.datetime(2025, 6, 3, 10, tzinfo=dt.UTC))
    register.record_note(reg, "LATE1", "Chased the supplier", author=AUTHOR, clock=clock)
    register.set_rag(reg, "LATE30", "red", reason="Late", author=AUTHOR, clock=clock)
    register.record_chase(reg, "SOON", author=AUTHOR, clock=clock)
    register.close_action(reg, "DONE", evidence="Minute 4", author=AUTHOR, clock=clock)
    summary = triage.summarise(reg, since)
    assert summary.counts["updated"] == 1
    assert summary.counts["re-rated"] == 1
    assert summary.counts["chased"] == 1
    assert summary.counts["closed"] == 1
    assert summary.actions == ["LATE1", "LATE30", "SOON", "DONE"]
    text = triage.summary_markdown(summary, "Test register")
    assert text.startswith("# Triage summary: Test register")
    assert "- LATE30: RAG none → red" in text


def test_summary_includes_actions_created_in_the_period(reg, clock, draft):
    since = "2025-06-03T00:00:00.000000Z"
    clock.set(dt.datetime(2025, 6, 4, 10, tzinfo=dt.UTC))
    register.add_action(reg, draft("NEW1", target_date="2025-09-30"), author=AUTHOR, clock=clock)
    register.record_note(reg, "LATE1", "Chased the supplier", author=AUTHOR, clock=clock)
    summary = triage.summarise(reg, since)
    assert summary.counts["added"] == 1
    assert summary.actions == ["NEW1", "LATE1"]
    text = triage.summary_markdown(summary, "Test register")
    assert "- Added: 1" in text and "- NEW1: added" in text
    # created before the period: not counted
    assert "ON" not in summary.actions


def test_an_undone_triage_decision_leaves_no_trace_in_the_pack(reg, clock, tmp_path):
    """Undo puts back every field the decision changed, the RAG's reason included, and
    the pack's Latest update is the note before it, never the undo's bookkeeping."""
    import csv

    from db.cycles import snapshots
    from db.exporting.exporter import build_table, export
    from db.read.queries import action_log, get_action

    register.set_rag(reg, "LATE1", "amber", reason="Supplier slow", author=AUTHOR, clock=clock)
    register.record_note(reg, "LATE1", "Contract signed", author=AUTHOR, clock=clock)
    before = get_action(reg, "LATE1")

    def undo(entry_kinds):
        aid = before["id"]
        newest = [e for e in action_log(reg, aid) if e.kind in entry_kinds][:1]
        plan = [(e.uuid, e.old_value) for e in newest]
        if newest and newest[0].kind == "note":
            plan = [(newest[0].uuid, values.WITHDRAWN_TEXT["note"])]
        register.correct_entries(
            reg, plan, reason=values.UNDO_REASON, author=AUTHOR, undo=True, clock=clock
        )

    clock.advance()  # (each write at its own time, as in a real session)
    register.set_rag(reg, "LATE1", "red", reason="Re-rated in triage", author=AUTHOR, clock=clock)
    clock.advance()
    undo({"rag"})
    clock.advance()
    register.record_note(reg, "LATE1", "A note taken back", author=AUTHOR, clock=clock)
    clock.advance()
    undo({"note"})
    after = get_action(reg, "LATE1")
    assert (after["rag"], after["rag_reason"]) == ("amber", "Supplier slow")

    snapshots.take_snapshot(reg, "2025-07-08", author=AUTHOR)
    path = export(build_table(reg, "2025-07-08"), "csv", tmp_path / "pack.csv", layout="full")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    header = next(i for i, row in enumerate(rows) if "Latest update" in row)
    columns = rows[header]
    late1 = next(row for row in rows[header + 1 :] if row and row[0] == "LATE1")
    cell = dict(zip(columns, late1, strict=False))
    assert cell["RAG reason"] == "Supplier slow"
    assert cell["Latest update"] == "Contract signed"
    assert "Undone" not in ",".join(late1) and "withdrawn" not in ",".join(late1)
    assert not cell["Latest update"].endswith("\n")

    summary = triage.summarise(reg, "2025-06-02T09:00:00.000000Z")
    assert summary.counts["undone or corrected"] == 2
    assert summary.counts["re-rated"] == 1  # amber stands; red was undone
    assert summary.counts["updated"] == 1  # "Contract signed"; the other was withdrawn
