"""Extension requests: which proposed dates the policy sends to the committee, the list a
meeting's pack shows (pending_extensions), and the committee's decision in the log."""

from __future__ import annotations

import datetime as dt

import pytest

from db.cycles.meetings import add_meeting
from db.errors import InputError
from db.integrity.verifier import verify
from db.read.queries import action_log, get_action
from db.rounds.collect import collect_files
from db.rounds.extensions import decide_extension, pending_extensions
from db.rounds.policy import ExtensionPolicy, load_policy, save_policy, why_committee
from db.rounds.review import accept_submission, waiting_submissions
from db.rounds.start import start_round
from db.store.connection import create_register
from db.store.register import add_action, move_target_date
from tests.rounds import owner as owner_does

SOON = (dt.date.today() + dt.timedelta(days=40)).isoformat()
LATER = (dt.date.today() + dt.timedelta(days=130)).isoformat()


def _row(priority="medium", revisions=0, target="2027-03-31"):
    return {"priority": priority, "target_revisions": revisions, "target_date": target}


def test_the_default_policy_names_each_rule_that_applies():
    policy = ExtensionPolicy()
    assert why_committee(policy, _row(), "2027-04-30") is None
    assert why_committee(policy, _row(revisions=1), "2027-04-30") == "it would be revision 2"
    assert why_committee(policy, _row(priority="high"), "2027-04-30") == (
        "the action is high priority"
    )
    assert why_committee(policy, _row(), "2027-07-31") == (
        "it moves the date by more than 3 months"
    )
    everything = why_committee(policy, _row("high", 3), "2028-03-31")
    assert everything.count(";") == 2
    relaxed = ExtensionPolicy(from_revision=None, high_priority=False, months=None)
    assert why_committee(relaxed, _row("high", 5), "2030-01-01") is None
    assert "officer accepts them all" in relaxed.describe()


@pytest.fixture
def register(tmp_path):
    conn = create_register(tmp_path / "r.db", name="Extensions")
    for ref, priority in (("A1", "high"), ("A2", "low"), ("A3", "low")):
        add_action(
            conn,
            {
                "ref": ref,
                "title": f"Action {ref}",
                "owner": "Bo Baker",
                "target_date": "2027-03-31",
                "priority": priority,
            },
            author="officer",
        )
    move_target_date(conn, "A3", "2027-04-30", reason="Earlier slip", author="officer")
    add_meeting(conn, SOON)
    add_meeting(conn, LATER)
    yield conn
    conn.close()


def _returned(conn, tmp_path, answers):
    (request,) = start_round(conn, folder=tmp_path / "out", author="officer").requests
    book = owner_does.fill(request.path, answers, save_as=tmp_path / "back.xlsx")
    collect_files(conn, [book], author="officer")
    for sub in waiting_submissions(conn):
        accept_submission(conn, sub.id, author="officer")


def test_pending_extensions_then_the_committee_decides(register, tmp_path):
    conn = register
    save_policy(conn, ExtensionPolicy(from_revision=2, high_priority=True, months=6))
    assert load_policy(conn).months == 6
    moved = {"Reason for new date": "Contractor late"}
    _returned(
        conn,
        tmp_path,
        {
            "A1": {"Proposed new target date": "30/06/2027", **moved},  # high priority
            "A2": {"Proposed new target date": "30/04/2027", **moved},  # the officer's call
            "A3": {"Proposed new target date": "31/05/2027", **moved},  # second revision
        },
    )
    assert get_action(conn, "A2")["target_date"] == "2027-04-30"
    pending = pending_extensions(conn, SOON)
    assert [(p["ref"], p["proposed_date"], p["revisions"]) for p in pending] == [
        ("A1", "2027-06-30", 0),
        ("A3", "2027-05-31", 1),
    ]
    first = pending[0]
    assert first["original_target_date"] == "2027-03-31" == first["current_target"]
    assert first["reason"] == "Contractor late" and first["requested_by"] == "Bo Baker"
    assert first["why_committee"] == "the action is high priority"
    meeting_id = conn.execute("SELECT id FROM meeting WHERE meeting_date = ?", (SOON,)).fetchone()
    assert pending_extensions(conn, meeting_id[0]) == pending  # by id as well as by date
    assert pending_extensions(conn, LATER) == pending  # undecided: still waiting later on

    before_decisions = conn.execute("SELECT max(requested_at) FROM extension_request").fetchone()
    decide_extension(conn, "A1", meeting=SOON, decision="approve", author="clerk", minute="M/12")
    row = get_action(conn, "A1")
    assert row["target_date"] == "2027-06-30" and row["target_revisions"] == 1
    entry = action_log(conn, row["id"])[0]
    assert entry.kind == "target_date" and entry.author == "clerk"
    assert "Extension approved by the" in entry.commentary and "M/12" in entry.commentary

    decide_extension(conn, "A3", meeting=SOON, decision="refuse", author="clerk")
    row = get_action(conn, "A3")
    assert row["target_date"] == "2027-04-30"
    entry = action_log(conn, row["id"])[0]
    assert "refused the extension to 2027-05-31" in entry.commentary
    assert pending_extensions(conn, SOON) == []
    # As the pack's cut-off saw them, before the meeting: both still waiting.
    as_then = pending_extensions(conn, SOON, as_at=before_decisions[0])
    assert [(p["ref"], p["proposed_date"]) for p in as_then] == [
        ("A1", "2027-06-30"),
        ("A3", "2027-05-31"),
    ]
    assert pending_extensions(conn, SOON, as_at="2000-01-01T00:00:00.000000Z") == []

    with pytest.raises(InputError, match="no extension request waiting"):
        decide_extension(conn, "A3", meeting=SOON, decision="approve", author="clerk")
    with pytest.raises(InputError, match="approve or refuse"):
        decide_extension(conn, "A3", meeting=SOON, decision="later", author="clerk")
    assert verify(conn).ok


def test_decisions_cannot_be_changed_or_deleted(register, tmp_path):
    import sqlite3

    conn = register
    _returned(
        conn,
        tmp_path,
        {"A1": {"Proposed new target date": "30/06/2027", "Reason for new date": "Late"}},
    )
    decide_extension(conn, "A1", meeting=SOON, decision="refuse", author="clerk")
    for sql in (
        "UPDATE extension_decision SET decision = 'approved'",
        "DELETE FROM extension_request",
        "DELETE FROM submission",
        "UPDATE submission SET cells = '{}'",
        "UPDATE submission_decision SET decision = 'rejected'",
    ):
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            conn.execute(sql)


def test_an_accepted_update_takes_effect_when_it_came_back(tmp_path):
    """Accepted days after it was received, the owner's update is effective on the day it
    came back; the officer's decision entry, on the day it was made."""
    now = dt.datetime.now(dt.UTC)
    conn = create_register(tmp_path / "r.db", name="Effective")
    add_action(
        conn,
        {"ref": "A1", "title": "Action A1", "owner": "Bo Baker", "target_date": "2027-03-31"},
        author="officer",
        clock=lambda: now - dt.timedelta(days=10),
    )
    add_meeting(conn, SOON)
    (request,) = start_round(conn, folder=tmp_path / "out", author="officer").requests
    book = owner_does.fill(
        request.path,
        {"A1": {"Progress update": "Contract signed", "Evidence": "Contract ref 12"}},
        save_as=tmp_path / "back.xlsx",
    )
    back_then = now - dt.timedelta(days=3)
    collect_files(conn, [book], author="officer", clock=lambda: back_then)
    (sub,) = waiting_submissions(conn)
    accept_submission(conn, sub.id, author="officer")
    decision, *owners = action_log(conn, get_action(conn, "A1")["id"])[:3]
    assert decision.author == "officer" and decision.effective_date == now.date().isoformat()
    assert {e.author for e in owners} == {"Bo Baker"}
    assert {e.effective_date for e in owners} == {back_then.date().isoformat()}
    assert verify(conn).ok


def test_an_approval_moves_the_date_from_the_meeting(tmp_path):
    now = dt.datetime.now(dt.UTC)

    def days_ago(n: int):
        return lambda: now - dt.timedelta(days=n)

    conn = create_register(tmp_path / "r.db", name="Effective")
    add_action(
        conn,
        {"ref": "A1", "title": "Action A1", "owner": "Bo Baker", "target_date": "2027-03-31",
         "priority": "high"},
        author="officer",
        clock=days_ago(30),
    )  # fmt: skip
    met = (now - dt.timedelta(days=5)).date().isoformat()
    add_meeting(conn, met, clock=days_ago(20))
    started = start_round(
        conn, folder=tmp_path / "out", author="officer", meeting=met, clock=days_ago(14)
    )
    (request,) = started.requests
    book = owner_does.fill(
        request.path,
        {"A1": {"Proposed new target date": "30/06/2027", "Reason for new date": "Late"}},
        save_as=tmp_path / "back.xlsx",
    )
    collect_files(conn, [book], author="officer", clock=days_ago(12))
    (sub,) = waiting_submissions(conn)
    accept_submission(conn, sub.id, author="officer", clock=days_ago(10))
    assert [p["ref"] for p in pending_extensions(conn, met)] == ["A1"]
    decide_extension(conn, "A1", meeting=met, decision="approve", author="clerk")
    moved = action_log(conn, get_action(conn, "A1")["id"])[0]
    assert moved.kind == "target_date" and moved.new_value == "2027-06-30"
    assert moved.effective_date == met
    assert verify(conn).ok
