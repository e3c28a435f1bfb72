"""Writing through the command line: add, update, edit, evidence, close, correct.

Every refused write must exit 1 with a specific message and leave the file as
it was (every log entry and action row compared before and after).
"""

from __future__ import annotations

import itertools
import re

import pytest

MACHINE_STATUSES = {
    "not_started",
    "in_progress",
    "implemented",
    "closed",
    "superseded",
    "cancelled",
}
LIST_KEYS = {
    "ref",
    "title",
    "owner",
    "directorate",
    "theme",
    "priority",
    "status",
    "rag",
    "percent_complete",
    "original_target_date",
    "target_date",
    "target_revisions",
    "overdue",
    "last_update",
    "last_commentary",
    "version",
}
HEX64 = re.compile(r"Head hash: ([0-9a-f]{64})$", re.MULTILINE)


def head_hash(run, db) -> str:
    result = run("verify", db=db)
    match = HEX64.search(result.stdout)
    assert match, result
    return match.group(1)


# --- add --------------------------------------------------------------------


def test_init_then_add_lists_the_action_with_the_machine_columns(run, tmp_path, add_args):
    db = tmp_path / "new.db"
    created = run("init", db=db)
    assert str(db) in created.stdout
    assert run("list", "--format", "json", db=db).json() == []
    added = run(
        *add_args(
            "2.3",
            title="Review the contract register",
            owner="Bo Brown",
            target="2025-09-30",
            directorate="Housing",
            theme="Contracts",
            priority="High",
            note="Agreed at the June meeting",
        ),
        db=db,
    )
    assert "2.3" in added.stdout
    rows = run("list", "--format", "json", db=db).json()
    assert len(rows) == 1
    row = rows[0]
    assert set(row) >= LIST_KEYS
    assert row["ref"] == "2.3"
    assert row["title"] == "Review the contract register"
    assert row["owner"] == "Bo Brown"
    assert row["directorate"] == "Housing"
    assert row["theme"] == "Contracts"
    assert row["priority"] == "high"
    assert row["status"] == "not_started"
    assert row["rag"] is None
    assert row["percent_complete"] == 0
    assert row["original_target_date"] == row["target_date"] == "2025-09-30"
    assert row["target_revisions"] == 0
    assert row["overdue"] is False
    assert row["last_commentary"] == "Agreed at the June meeting"
    assert row["version"] == 1
    assert row["last_update"]


@pytest.mark.parametrize(
    ("spelling", "machine"),
    [
        ("In Progress", "in_progress"),
        ("ONGOING", "in_progress"),
        ("implemented", "implemented"),
        ("Superseded", "superseded"),
        ("withdrawn", "cancelled"),
    ],
)
def test_statuses_are_machine_words_in_json(run, fresh_db, list_json, spelling, machine):
    run("update", "A1", "--status", spelling, db=fresh_db)
    (row,) = list_json(fresh_db)
    assert row["status"] == machine
    assert row["status"] in MACHINE_STATUSES


# --- update -----------------------------------------------------------------


def test_update_with_everything_at_once_logs_each_change_with_its_author(run, fresh_db, show_json):
    run(
        "update",
        "A1",
        "--note",
        "Draft policy went to the director",
        "--status",
        "in progress",
        "--rag",
        "amber",
        "--target",
        "2025-09-30",
        "--percent",
        "40",
        "--reason",
        "Consultation took longer",
        "--author",
        "Uma Updater",
        db=fresh_db,
    )
    shown = show_json(fresh_db, "A1")
    action, log = shown["action"], shown["log"]
    new = [e for e in log if e["author"] == "Uma Updater"]
    assert len(new) == 5
    by_kind = {e["kind"]: e for e in new}
    assert set(by_kind) == {"note", "status", "rag", "target_date", "field_edit"}
    assert by_kind["note"]["commentary"] == "Draft policy went to the director"
    assert (by_kind["status"]["old_value"], by_kind["status"]["new_value"]) == (
        "not_started",
        "in_progress",
    )
    assert by_kind["rag"]["new_value"] == "amber"
    assert by_kind["rag"]["commentary"] == "Consultation took longer"
    assert (by_kind["target_date"]["old_value"], by_kind["target_date"]["new_value"]) == (
        "2025-06-30",
        "2025-09-30",
    )
    assert by_kind["target_date"]["commentary"] == "Consultation took longer"
    assert by_kind["field_edit"]["field"] == "percent_complete"
    assert by_kind["field_edit"]["new_value"] == "40"
    assert action["status"] == "in_progress"
    assert action["rag"] == "amber"
    assert action["target_date"] == "2025-09-30"
    assert action["original_target_date"] == "2025-06-30"
    assert action["percent_complete"] == 40
    assert action["version"] == 6
    # the whole update shares one chain: each entry follows the one before it
    sequences = [e["sequence"] for e in log]
    assert sequences == sorted(sequences, reverse=True)
    for newer, older in itertools.pairwise(log):
        assert newer["prev_hash"] == older["hash"]


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(["--rag", "red"], id="rag"),
        pytest.param(["--target", "2025-12-31"], id="target"),
        pytest.param(["--rag", "red", "--note", "a note too"], id="rag-with-note"),
        pytest.param(["--target", "2025-12-31", "--reason", ""], id="target-empty-reason"),
    ],
)
def test_rag_or_target_without_a_reason_is_refused(run, fresh_db, db_state, change):
    before_hash = head_hash(run, fresh_db)
    before = db_state(fresh_db)
    result = run("update", "A1", *change, db=fresh_db, check_exit=1)
    assert "reason" in result.stderr
    assert head_hash(run, fresh_db) == before_hash
    assert db_state(fresh_db) == before


def test_a_blank_reason_is_no_reason(run, fresh_db, db_state):
    before = db_state(fresh_db)
    result = run("update", "A1", "--rag", "red", "--reason", "   ", db=fresh_db, check_exit=1)
    assert "reason" in result.stderr
    assert db_state(fresh_db) == before


def test_a_blank_note_is_not_recorded(run, fresh_db, db_state):
    before = db_state(fresh_db)
    result = run("update", "A1", "--note", "   ", db=fresh_db, check_exit=1)
    assert "note" in result.stderr or "nothing to record" in result.stderr
    assert db_state(fresh_db) == before


def test_add_with_a_blank_note_records_no_commentary(run, fresh_db, show_json, add_args):
    run(*add_args("A2", note="   "), db=fresh_db, check_exit=(0, 1))
    rows = {r["ref"]: r for r in run("list", "--format", "json", db=fresh_db).json()}
    if "A2" in rows:  # accepted without the note, or refused: either is right
        assert rows["A2"]["last_commentary"] is None
        assert show_json(fresh_db, "A2")["log"][0]["commentary"] is None


def test_re_dating_twice_counts_revisions_and_keeps_the_original(run, fresh_db, list_json):
    run("update", "A1", "--target", "2025-09-30", "--reason", "late start", db=fresh_db)
    run("update", "A1", "--target", "2025-12-31", "--reason", "supplier delay", db=fresh_db)
    (row,) = list_json(fresh_db)
    assert row["target_revisions"] == 2
    assert row["original_target_date"] == "2025-06-30"
    assert row["target_date"] == "2025-12-31"
    assert row["slipped"] is True


def test_dates_written_the_uk_way_are_stored_as_iso(run, fresh_db, list_json):
    run("add", "--ref", "B1", "--title", "t", "--owner", "o", "--target", "28/02/2027", db=fresh_db)
    run("update", "A1", "--target", "31 March 2027", "--reason", "slipped", db=fresh_db)
    rows = {row["ref"]: row for row in list_json(fresh_db)}
    assert rows["B1"]["target_date"] == "2027-02-28"
    assert rows["A1"]["target_date"] == "2027-03-31"


def test_overdue_starts_the_day_after_the_target(run, fresh_db, list_json):
    # A1's target is 2025-06-30
    (on_the_day,) = list_json(fresh_db, env={"ACTREG_TODAY": "2025-06-30"})
    assert on_the_day["overdue"] is False
    assert list_json(fresh_db, "--overdue", env={"ACTREG_TODAY": "2025-06-30"}) == []
    (day_after,) = list_json(fresh_db, env={"ACTREG_TODAY": "2025-07-01"})
    assert day_after["overdue"] is True
    assert day_after["days_overdue"] == 1
    overdue = list_json(fresh_db, "--overdue", env={"ACTREG_TODAY": "2025-07-01"})
    assert [r["ref"] for r in overdue] == ["A1"]
    # a finished action is never overdue
    run("update", "A1", "--status", "implemented", db=fresh_db)
    (done,) = list_json(fresh_db, env={"ACTREG_TODAY": "2025-07-01"})
    assert done["overdue"] is False


def test_an_update_with_nothing_to_record_is_refused(run, fresh_db, db_state):
    before = db_state(fresh_db)
    result = run("update", "A1", db=fresh_db, check_exit=1)
    assert "nothing to record" in result.stderr
    assert db_state(fresh_db) == before


def test_updating_a_missing_action_is_refused(run, fresh_db, db_state):
    before = db_state(fresh_db)
    result = run("update", "Z9", "--note", "n", db=fresh_db, check_exit=1)
    assert "no action" in result.stderr
    assert "Z9" in result.stderr
    assert db_state(fresh_db) == before


def test_refs_are_found_case_insensitively(run, fresh_db, show_json):
    run("update", "a1", "--note", "lower case ref", db=fresh_db)
    assert show_json(fresh_db, "a1")["action"]["ref"] == "A1"


# --- optimistic concurrency -------------------------------------------------


@pytest.mark.parametrize(
    "command",
    [
        pytest.param(["update", "A1", "--note", "late", "--percent", "10"], id="update"),
        pytest.param(["edit", "A1", "owner", "Someone Else", "--reason", "moved"], id="edit"),
        pytest.param(["evidence", "A1", "Minute 12"], id="evidence"),
        pytest.param(["close", "A1", "--evidence", "Minute 12"], id="close"),
    ],
)
def test_a_stale_expect_version_is_refused(run, fresh_db, db_state, command):
    run("update", "A1", "--note", "someone else got there first", db=fresh_db)  # version 2
    before = db_state(fresh_db)
    result = run(*command, "--expect-version", "1", db=fresh_db, check_exit=1)
    assert "changed by someone else" in result.stderr
    assert db_state(fresh_db) == before
    run(*command, "--expect-version", "2", db=fresh_db)


# --- edit, evidence, close, correct ------------------------------------------


def test_edit_changes_one_field_with_its_reason(run, fresh_db, show_json):
    run("edit", "A1", "title", "Publish the revised policy", "--reason", "scope", db=fresh_db)
    shown = show_json(fresh_db, "A1")
    assert shown["action"]["title"] == "Publish the revised policy"
    entry = shown["log"][0]
    assert entry["kind"] == "field_edit"
    assert entry["field"] == "title"
    assert entry["old_value"] == "Publish the SEND transport policy"
    assert entry["new_value"] == "Publish the revised policy"
    assert entry["commentary"] == "scope"


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        pytest.param(["status", "closed", "--reason", "r"], "status", id="status-has-own-verb"),
        pytest.param(["colour", "blue", "--reason", "r"], "field", id="unknown-field"),
        pytest.param(["title", "", "--reason", "r"], "title", id="empty-title"),
        pytest.param(["title", "New", "--reason", "  "], "reason", id="blank-reason"),
        pytest.param(["priority", "urgent", "--reason", "r"], "priority", id="bad-priority"),
        pytest.param(["title", "Publish the SEND transport policy", "--reason", "r"], "already",
                     id="unchanged"),
    ],
)  # fmt: skip
def test_bad_edits_are_refused(run, fresh_db, db_state, args, needle):
    before = db_state(fresh_db)
    result = run("edit", "A1", *args, db=fresh_db, check_exit=1)
    assert needle in result.stderr
    assert db_state(fresh_db) == before


def test_edit_ref_to_one_in_use_is_refused(run, fresh_db, db_state, add_args):
    run(*add_args("A2"), db=fresh_db)
    before = db_state(fresh_db)
    result = run("edit", "A2", "ref", "a1", "--reason", "renumber", db=fresh_db, check_exit=1)
    assert "already used" in result.stderr
    assert db_state(fresh_db) == before


def new_entries(before: dict, after: dict) -> list[dict]:
    """The log entries in `after` (a show --format json) that `before` did not have."""
    seen = {e["uuid"] for e in before["log"]}
    return [e for e in after["log"] if e["uuid"] not in seen]


def test_evidence_then_close_without_giving_it_again(run, fresh_db, show_json):
    start = show_json(fresh_db, "A1")
    run("evidence", "A1", "Cabinet minute 2025/14", "--note", "approved", db=fresh_db)
    with_evidence = show_json(fresh_db, "A1")
    assert with_evidence["action"]["evidence"] == "Cabinet minute 2025/14"
    (entry,) = new_entries(start, with_evidence)
    assert (entry["kind"], entry["new_value"], entry["commentary"]) == (
        "evidence",
        "Cabinet minute 2025/14",
        "approved",
    )
    run("close", "A1", "--note", "verified by audit", db=fresh_db)
    closed = show_json(fresh_db, "A1")
    assert closed["action"]["status"] == "closed"
    assert closed["action"]["completed_date"]
    assert closed["action"]["evidence"] == "Cabinet minute 2025/14"
    status = [e for e in new_entries(with_evidence, closed) if e["kind"] == "status"]
    assert [(e["old_value"], e["new_value"]) for e in status] == [("not_started", "closed")]
    assert not [e for e in new_entries(with_evidence, closed) if e["kind"] == "evidence"]


def test_close_with_evidence_records_both(run, fresh_db, show_json):
    start = show_json(fresh_db, "A1")
    run("close", "A1", "--evidence", "Audit report 7", db=fresh_db)
    closed = show_json(fresh_db, "A1")
    assert closed["action"]["status"] == "closed"
    assert closed["action"]["evidence"] == "Audit report 7"
    kinds = [e["kind"] for e in new_entries(start, closed)]
    assert "status" in kinds
    assert "evidence" in kinds
    # the evidence is recorded before the status change that relies on it
    assert kinds.index("evidence") > kinds.index("status")  # newest first


def test_closing_a_red_action_never_leaves_it_red(run, fresh_db, show_json, add_args):
    run("update", "A1", "--rag", "red", "--reason", "Supplier late", db=fresh_db)
    run("close", "A1", "--evidence", "Audit report 7", db=fresh_db)
    closed = show_json(fresh_db, "A1")
    assert (closed["action"]["status"], closed["action"]["rag"]) == ("closed", None)
    cleared = next(e for e in closed["log"] if e["kind"] == "rag")
    assert (cleared["old_value"], cleared["new_value"]) == ("red", None)
    assert cleared["commentary"] == "Closed as verified: the red rating no longer applies"
    # --rag settles it as asked, the note its reason
    run(*add_args("B1"), db=fresh_db)
    run("update", "B1", "--rag", "red", "--reason", "Late", db=fresh_db)
    run("close", "B1", "--evidence", "Minute 3", "--rag", "green", "--note", "Done", db=fresh_db)
    b1 = show_json(fresh_db, "B1")["action"]
    assert (b1["status"], b1["rag"], b1["rag_reason"]) == ("closed", "green", "Done")
    run("verify", db=fresh_db)  # exits 0: the log replays to what is shown


def test_close_without_any_evidence_is_refused(run, fresh_db, db_state):
    before = db_state(fresh_db)
    result = run("close", "A1", db=fresh_db, check_exit=1)
    assert "evidence" in result.stderr
    assert db_state(fresh_db) == before


def test_closing_twice_is_refused(run, fresh_db, db_state):
    run("close", "A1", "--evidence", "Audit report 7", db=fresh_db)
    before = db_state(fresh_db)
    result = run("close", "A1", "--evidence", "Audit report 8", db=fresh_db, check_exit=1)
    assert "already closed" in result.stderr
    assert db_state(fresh_db) == before


def test_update_cannot_close_an_action_without_evidence(run, fresh_db, db_state):
    before = db_state(fresh_db)
    result = run("update", "A1", "--status", "closed", db=fresh_db, check_exit=1)
    assert "evidence" in result.stderr
    assert db_state(fresh_db) == before


def test_correct_a_note_appends_a_correction(run, fresh_db, show_json, list_json):
    run("update", "A1", "--note", "Polcy draftd", db=fresh_db)
    note = show_json(fresh_db, "A1")["log"][0]
    assert note["kind"] == "note"
    run("correct", note["uuid"], "--value", "Policy drafted", "--reason", "typos", db=fresh_db)
    log = show_json(fresh_db, "A1")["log"]
    correction = log[0]
    assert correction["kind"] == "correction"
    assert correction["supersedes"] == note["uuid"]
    assert correction["commentary"] == "typos"
    assert correction["new_value"] == "Policy drafted"
    # the corrected entry is still there, unchanged
    assert log[1] == note
    assert list_json(fresh_db)[0]["last_commentary"] == "Policy drafted"
    run("verify", db=fresh_db)


def test_correcting_a_re_date_back_takes_back_its_revision(run, fresh_db, show_json, list_json):
    run("update", "A1", "--target", "2026-01-31", "--reason", "wrong action", db=fresh_db)
    redate = show_json(fresh_db, "A1")["log"][0]
    assert redate["kind"] == "target_date"
    run("correct", redate["uuid"], "--value", "2025-06-30", "--reason", "undo", db=fresh_db)
    (row,) = list_json(fresh_db)
    assert row["target_date"] == "2025-06-30"
    assert row["target_revisions"] == 0
    assert row["slipped"] is False
    run("verify", db=fresh_db)


def test_correcting_a_mistyped_re_date_keeps_one_revision(run, fresh_db, show_json, list_json):
    run("update", "A1", "--target", "2026-07-31", "--reason", "delay", db=fresh_db)
    redate = show_json(fresh_db, "A1")["log"][0]
    run("correct", redate["uuid"], "--value", "2025-07-31", "--reason", "year typo", db=fresh_db)
    (row,) = list_json(fresh_db)
    assert row["target_date"] == "2025-07-31"
    assert row["target_revisions"] == 1
    assert row["original_target_date"] == "2025-06-30"
    run("verify", db=fresh_db)


def test_correcting_a_close_reopens_the_action(run, fresh_db, show_json, list_json):
    run("close", "A1", "--evidence", "Audit report 7", db=fresh_db)
    closing = next(e for e in show_json(fresh_db, "A1")["log"] if e["kind"] == "status")
    run("correct", closing["uuid"], "--value", "in progress", "--reason", "no", db=fresh_db)
    (row,) = list_json(fresh_db)
    assert row["status"] == "in_progress"
    assert row["completed_date"] is None
    run("verify", db=fresh_db)


def test_correcting_the_creation_fixes_a_mistyped_original_target(
    run, fresh_db, show_json, list_json
):
    created = show_json(fresh_db, "A1")["log"][-1]
    assert created["kind"] == "created"
    run("correct", created["uuid"], "--value", "2025-05-31", "--reason", "typo", db=fresh_db)
    (row,) = list_json(fresh_db)
    assert row["original_target_date"] == row["target_date"] == "2025-05-31"
    assert row["target_revisions"] == 0
    run("verify", db=fresh_db)


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        pytest.param(["00000000-0000-0000-0000-000000000000", "--reason", "r"], "no log entry",
                     id="unknown-entry"),
        pytest.param(["{note}", "--reason", "r"], "value", id="note-without-text"),
        pytest.param(["{note}", "--value", "x", "--reason", " "], "reason", id="blank-reason"),
    ],
)  # fmt: skip
def test_bad_corrections_are_refused(run, fresh_db, db_state, show_json, args, needle):
    run("update", "A1", "--note", "to be corrected", db=fresh_db)
    note_uuid = show_json(fresh_db, "A1")["log"][0]["uuid"]
    before = db_state(fresh_db)
    result = run("correct", *[a.format(note=note_uuid) for a in args], db=fresh_db, check_exit=1)
    assert needle in result.stderr
    assert db_state(fresh_db) == before


# --- bad input changes nothing -----------------------------------------------


@pytest.mark.parametrize(
    ("args", "needles"),
    [
        pytest.param(["add", "--ref", "B1", "--title", "t", "--owner", "o", "--target",
                      "2023-02-31"], ["target date", "not a real date"], id="feb-31"),
        pytest.param(["add", "--ref", "B1", "--title", "t", "--owner", "o", "--target",
                      "12/31/2023"], ["target date", "read day first"], id="mm/dd/yyyy"),
        pytest.param(["add", "--ref", "B1", "--title", "t", "--owner", "o", "--target",
                      "20230101"], ["target date", "2027-02-28 (day first)"], id="yyyymmdd"),
        pytest.param(["update", "A1", "--target", "2023-02-31", "--reason", "r"],
                     ["target date", "not a real date"], id="update-feb-31"),
        pytest.param(["add", "--ref", "a1", "--title", "t", "--owner", "o", "--target",
                      "2025-01-01"], ["ref", "already used", "A1"], id="duplicate-ref-case"),
        pytest.param(["add", "--ref", "A 1", "--title", "t", "--owner", "o", "--target",
                      "2025-01-01"], ["ref"], id="ref-with-space"),
        pytest.param(["update", "A1", "--status", "finished"], ["status", "not one of"],
                     id="unknown-status"),
        pytest.param(["update", "A1", "--rag", "purple", "--reason", "r"], ["rag", "not one of"],
                     id="unknown-rag"),
        pytest.param(["update", "A1", "--percent", "150"], ["percent", "between 0 and 100"],
                     id="percent-150"),
        pytest.param(["update", "A1", "--percent", "-5"], ["percent"], id="percent-negative"),
        pytest.param(["update", "A1", "--percent", "lots"], ["percent", "whole number"],
                     id="percent-text"),
        pytest.param(["add", "--ref", "B1", "--title", "Esc\x1bape", "--owner", "o", "--target",
                      "2025-01-01"], ["title", "control character"], id="title-escape"),
        pytest.param(["add", "--ref", "B1", "--title", "   ", "--owner", "o", "--target",
                      "2025-01-01"], ["title", "empty"], id="title-blank"),
        pytest.param(["add", "--ref", "B1", "--title", "t" * 301, "--owner", "o", "--target",
                      "2025-01-01"], ["title", "300"], id="title-too-long"),
        pytest.param(["add", "--ref", "B1", "--title", "t", "--owner", "o", "--target",
                      "2025-01-01", "--priority", "urgent"], ["priority"], id="bad-priority"),
        pytest.param(["update", "A1", "--status", "in progress", "--percent", "150"],
                     ["percent"], id="one-bad-part-refuses-all"),
        pytest.param(["update", "A1", "--status", "not started"], ["status", "already"],
                     id="unchanged-status"),
        pytest.param(["evidence", "A1", "  "], ["evidence", "empty"], id="blank-evidence"),
        pytest.param(["evidence", "Z9", "Minute 3"], ["no action", "Z9"], id="evidence-no-action"),
        pytest.param(["close", "Z9", "--evidence", "Minute 3"], ["no action"],
                     id="close-no-action"),
    ],
)  # fmt: skip
def test_bad_input_is_refused_specifically_and_changes_nothing(
    run, fresh_db, db_state, args, needles
):
    before = db_state(fresh_db)
    result = run(*args, db=fresh_db, check_exit=1)
    for needle in needles:
        assert needle in result.stderr
    assert db_state(fresh_db) == before


def test_add_reports_every_bad_field_at_once(run, fresh_db, db_state):
    before = db_state(fresh_db)
    result = run(
        *["add", "--ref", "B 1", "--title", "", "--owner", "o", "--target", "12/31/2023"],
        db=fresh_db,
        check_exit=1,
    )
    for field in ("ref", "title", "target date"):
        assert field in result.stderr
    assert db_state(fresh_db) == before


@pytest.mark.parametrize("status", ["superseded", "cancelled", "in progress", "implemented"])
def test_every_status_change_out_of_closed_needs_a_reason(run, fresh_db, db_state, status):
    run("close", "A1", "--evidence", "Minute 12/2025", db=fresh_db)
    before = db_state(fresh_db)
    refused = run("update", "A1", "--status", status, db=fresh_db, check_exit=1)
    assert "reason: is required to change the status of a closed action" in refused.stderr
    assert db_state(fresh_db) == before
    run("update", "A1", "--status", status, "--reason", "Replaced by A7", db=fresh_db)
    log = run("show", "A1", "--format", "json", db=fresh_db).json()["log"]
    status_entry = next(e for e in log if e["field"] == "status")
    assert (status_entry["old_value"], status_entry["commentary"]) == ("closed", "Replaced by A7")
