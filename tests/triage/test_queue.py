"""The triage queue's rules, each reason at its boundary days, with ACTREG_TODAY."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from db.cycles import meetings, triage
from db.read.queries import NO_FILTER, ActionFilter, list_actions
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


def _python_queue(conn, flt=NO_FILTER, overdue_only=False) -> list[tuple[str, dict]]:
    """The queue as the rules read in Python (how it was built before it moved to SQL):
    every action read, its reasons in words, the empty ones dropped, sorted by urgency."""
    never = values.FINISHED_STATUSES - {"implemented"}
    ids = [r["id"] for r in list_actions(conn, flt) if r["status"] not in never]
    items = [i for i in triage.queue_items(conn, ids) if i.reasons]
    if overdue_only:
        items = [i for i in items if "overdue" in i.reasons]
    items.sort(key=lambda i: (-i.urgency, i.row["target_date"] or "9999", i.row["ref_key"]))
    return [(i.row["ref"], i.reasons) for i in items]


@pytest.fixture
def scripted(conn, clock, draft, monkeypatch):
    """120 actions with every status, RAG, target (past, soon, later), slips and
    notes, scattered by a seeded random generator: many ties in urgency and target."""
    monkeypatch.setenv("ACTREG_TODAY", TODAY)
    clock.set(dt.datetime(2025, 3, 2, 9, tzinfo=dt.UTC))
    rng = random.Random(18)
    statuses = ["not_started", "in_progress", "implemented"]
    targets = ["2025-01-31", "2025-06-15", "2025-06-16", "2025-06-20", "2025-06-30"]
    targets += ["2025-07-01", "2025-09-30"]
    for n in range(120):
        fields = {"rag": rng.choice([None, "red", "amber", "green"])}
        fields["status"] = rng.choice(statuses)
        fields["directorate"] = rng.choice(["Finance", "Resources", None])
        register.add_action(
            conn,
            draft(f"Q{n}", target_date=rng.choice(targets), **fields),
            author=AUTHOR,
            clock=clock,
        )
        for move in range(rng.choice([0, 0, 1, 2, 3])):
            register.move_target_date(
                conn, f"Q{n}", f"2026-0{move + 1}-15", reason="slip", author=AUTHOR, clock=clock
            )
    clock.set(dt.datetime(2025, 6, 10, 9, tzinfo=dt.UTC))
    for n in rng.sample(range(120), 40):
        register.record_note(conn, f"Q{n}", "On track", author=AUTHOR, clock=clock)
    for n in rng.sample(range(120), 10):
        register.close_action(conn, f"Q{n}", evidence="done", author=AUTHOR, clock=clock)
    meetings.add_meeting(conn, "2025-07-08", deadline="2025-06-30", clock=clock)
    return conn


@pytest.mark.parametrize(
    ("flt", "overdue_only"),
    [
        (ActionFilter(), False),
        (ActionFilter(), True),
        (ActionFilter(directorate="finance"), False),
        (ActionFilter(rags=("red", "green")), False),
        (ActionFilter(search="action"), False),
        (ActionFilter(stale=True), False),
    ],
)
def test_the_queue_chosen_in_sql_is_the_one_the_rules_give(scripted, flt, overdue_only):
    expected = _python_queue(scripted, flt, overdue_only)
    got = triage.triage_queue(scripted, flt, overdue_only=overdue_only)
    assert [(i.row["ref"], i.reasons) for i in got] == expected
    assert [i.row["id"] for i in got] == triage.queue_ids(scripted, flt, overdue_only=overdue_only)
    assert len(expected) > 3  # each view has a queue worth ordering


def test_the_scripted_register_has_every_reason(scripted):
    found = {key for _, reasons in _python_queue(scripted) for key in reasons}
    assert found >= {"overdue", "red", "contradiction", "due_soon", "slipped", "stale"}
    assert "unverified" in found


@pytest.mark.parametrize(
    ("flt", "overdue_only"),
    [
        (ActionFilter(), False),
        (ActionFilter(), True),
        (ActionFilter(directorate="finance"), False),
        (ActionFilter(search="action"), False),
    ],
)
def test_the_first_of_the_queue_are_the_whole_queue_s_first(scripted, flt, overdue_only):
    """A session starts on a LIMITed read: its cards are the whole order's first ones,
    ties broken the same way (the scripted register has many)."""
    whole = triage.queue_ids(scripted, flt, overdue_only=overdue_only)
    for size in (1, 3, 10, len(whole), len(whole) + 1):
        first = triage.queue_ids(scripted, flt, overdue_only=overdue_only, limit=size)
        assert first == whole[:size]
