"""The committee-cycle commands through the real `actreg`: meeting, snapshot, diff."""

from __future__ import annotations

import re

HASH = re.compile(r"[0-9a-f]{64}")


def test_meeting_add_and_list(run, fresh_db):
    out = run("meeting", "add", "2025-07-15", "--cadence", "every-other", db=fresh_db).stdout
    assert "meeting on 2025-07-15 (paper deadline 2025-07-05; due an update)" in out
    run("meeting", "add", "2025-09-16", "--deadline", "2025-09-01", db=fresh_db)
    run("meeting", "add", "2025-11-18", db=fresh_db)
    meetings = run("meeting", "list", "--format", "json", db=fresh_db).json()
    assert [(m["meeting_date"], m["paper_deadline"], m["due"]) for m in meetings] == [
        ("2025-07-15", "2025-07-05", True),
        ("2025-09-16", "2025-09-01", False),
        ("2025-11-18", "2025-11-08", True),
    ]
    table = run("meeting", db=fresh_db).stdout  # `list` is the default
    # TODAY in the CLI sandbox is 2025-06-30: five days to the first deadline.
    assert "Next update due: Governance and Audit Committee on 2025-07-15" in table
    assert "papers by 2025-07-05 (in 5 days)" in table


def test_meeting_refusals(run, fresh_db):
    result = run("meeting", "add", "07/15/2025", db=fresh_db, check_exit=1)
    assert (
        "meeting date: '07/15/2025' is not a real date (dates are read day first" in result.stderr
    )
    result = run("meeting", "add", db=fresh_db, check_exit=2)
    assert "meeting add needs a DATE" in result.stderr
    result = run("meeting", "add", "2025-07-15", "--cadence", "weekly", db=fresh_db, check_exit=1)
    assert "cadence: 'weekly' is not one of" in result.stderr


def test_snapshot_diff_and_verify(run, fresh_db):
    # Snapshots cut by the real clock: a meeting far ahead is cut off at "now".
    run("meeting", "add", "2099-07-14", db=fresh_db)
    out = run("snapshot", "--meeting", "2099-07-14", db=fresh_db).stdout
    assert (
        "Snapshot #1 of the Governance and Audit Committee 2099-07-14 meeting: 1 action as at"
        in out
    )
    assert HASH.search(out)
    again = run("snapshot", "--meeting", "2099-07-14", db=fresh_db, check_exit=1)
    assert "already has snapshot #1. Use --replace" in again.stderr
    run("update", "A1", "--rag", "red", "--reason", "Stalled", db=fresh_db)
    run(
        "add",
        "--ref",
        "A2",
        "--title",
        "Second",
        "--owner",
        "Bo",
        "--target",
        "2025-12-31",
        db=fresh_db,
    )
    diff = run("diff", "--format", "json", db=fresh_db).json()
    assert diff["to"] == "now"
    assert diff["counts"]["new"] == 1
    assert diff["counts"]["rag_down"] == 1
    assert {(c["category"], c["ref"]) for c in diff["changes"]} == {
        ("new", "A2"),
        ("rag_down", "A1"),
    }
    table = run("diff", db=fresh_db).stdout
    assert "RAG worsened" in table and "RAG: None → Red" in table
    replaced = run("snapshot", "--meeting", "2099-07-14", "--replace", db=fresh_db).stdout
    assert "supersedes snapshot #1" in replaced
    listed = run("snapshot", "list", "--format", "json", db=fresh_db).json()
    assert [(s["id"], s["superseded"]) for s in listed] == [(1, True), (2, False)]
    assert run("verify", db=fresh_db).returncode == 0


def test_snapshot_before_any_entry_says_so(run, fresh_db):
    run("meeting", "add", "2001-01-16", db=fresh_db)
    out = run("snapshot", "--meeting", "2001-01-16", db=fresh_db).stdout
    assert "0 actions as at 2001-01-06T23:59:59.999999Z" in out
    assert "the register had no actions at that cut-off" in out


def test_diff_without_a_snapshot_is_explained(run, fresh_db):
    result = run("diff", db=fresh_db, check_exit=1)
    assert "no earlier snapshot to compare with" in result.stderr


def test_diff_without_arguments_compares_the_two_latest_snapshots(run, fresh_db):
    # Both meetings lie far ahead, so each snapshot is cut off at the moment it is taken.
    run("meeting", "add", "2099-07-14", db=fresh_db)
    run("meeting", "add", "2099-09-15", db=fresh_db)
    run("snapshot", "--meeting", "2099-07-14", db=fresh_db)
    run("edit", "A1", "owner", "Bob Baker", "--reason", "Restructure", db=fresh_db)
    run("snapshot", "--meeting", "2099-09-15", db=fresh_db)

    diff = run("diff", "--format", "json", db=fresh_db).json()
    assert diff["from"] == "Governance and Audit Committee 2099-07-14 (snapshot #1)"
    assert diff["to"] == "Governance and Audit Committee 2099-09-15 (snapshot #2)"
    assert [(c["category"], c["ref"], c["old"], c["new"]) for c in diff["changes"]] == [
        ("field_changed", "A1", "Ann Archer", "Bob Baker")
    ]
    table = run("diff", db=fresh_db).stdout
    assert "comparing the two latest meetings' snapshots" in table
    assert "Other fields changed" in table and "Owner: Ann Archer → Bob Baker" in table


def test_every_field_an_officer_edits_is_in_the_changes_since_last_meeting(run, fresh_db, tmp_path):
    from tests.exports.extract import read_csv

    run("meeting", "add", "2099-07-14", db=fresh_db)
    run("meeting", "add", "2099-09-15", db=fresh_db)
    run("snapshot", "--meeting", "2099-07-14", db=fresh_db)
    edits = {
        "owner": ("Bob Baker", "Owner: Ann Archer → Bob Baker"),
        "directorate": ("Resources", "Lead directorate: Finance → Resources"),
        "theme": ("Audit", "Theme: Governance → Audit"),
        "priority": ("high", "Priority: medium → high"),
        "title": ("Publish the policy", "Title: Publish the SEND transport policy → Publish"),
        "description": ("Now with a description", "Description: — → Now with a description"),
    }
    for name, (value, _) in edits.items():
        run("edit", "A1", name, value, "--reason", "Tidy", db=fresh_db)
    run("update", "A1", "--percent", "40", db=fresh_db)
    run("snapshot", "--meeting", "2099-09-15", db=fresh_db)
    out = tmp_path / "pack.csv"
    run("export", "--meeting", "2099-09-15", "--layout", "full", "-o", out, db=fresh_db)
    _, _, (row,) = read_csv(out)  # the full layout keeps the change column
    change = row["Change since last meeting"]
    for _, words in edits.values():
        assert words in change
    assert "% complete: 0 → 40" in change
    assert "No update since the last snapshot" not in change


def test_the_pack_shows_the_progress_note_and_the_redate_reason_apart(run, fresh_db, tmp_path):
    from tests.exports.extract import read_csv

    run("meeting", "add", "2099-07-14", db=fresh_db)
    run("meeting", "add", "2099-09-15", db=fresh_db)
    run("snapshot", "--meeting", "2099-07-14", db=fresh_db)
    run("update", "A1", "--note", "Draft policy with legal", db=fresh_db)
    run("update", "A1", "--target", "2025-09-30", "--reason", "Legal review slipped", db=fresh_db)
    run("update", "A1", "--rag", "amber", "--reason", "One month behind", db=fresh_db)
    run("snapshot", "--meeting", "2099-09-15", db=fresh_db)
    out = tmp_path / "pack.csv"
    run("export", "--meeting", "2099-09-15", "--layout", "full", "-o", out, db=fresh_db)
    _, _, (row,) = read_csv(out)
    assert row["Latest update"] == "Draft policy with legal"
    assert row["RAG reason"] == "One month behind"
    change = row["Change since last meeting"]
    assert "Target moved 2025-06-30 → 2025-09-30 (revised 1 time in all): Legal review slipped" in (
        change
    )
    assert "RAG: None → Amber (One month behind)" in change
    md = tmp_path / "pack.md"
    run("export", "--meeting", "2099-09-15", "--format", "md", "-o", md, db=fresh_db)
    text = md.read_text(encoding="utf-8")
    assert "Draft policy with legal" in text and "Legal review slipped" in text
