"""A quarter rebuilt from the past: three editions of a tracker imported in turn with
`import --as-of`, meetings added after the fact and snapshotted from that history,
and `diff` between them naming exactly what the editions differ by. And `--on`."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

HEADER = "Ref,Action,Owner,Target date,Status,RAG,Progress\n"
EDITIONS = {
    # The appendix of the March paper...
    "2026-03-31": HEADER
    + "A1,Publish the risk register,Ann Archer,2026-06-30,In progress,Amber,Drafting\n"
    + "A2,Train the committee,Bob Brown,2026-05-31,Not started,Green,\n"
    + "A3,Review the constitution,Cat Cole,2026-12-31,In progress,Green,Scoping\n",
    # ... of the June paper: A1 done, A2 late and red, A3 changed hands, A4 new ...
    "2026-06-30": HEADER
    + "A1,Publish the risk register,Ann Archer,2026-06-30,Implemented,Green,Published\n"
    + "A2,Train the committee,Bob Brown,2026-08-31,In progress,Red,Trainer delayed\n"
    + "A3,Review the constitution,Dan Dale,2026-12-31,In progress,Green,Scoping\n"
    + "A4,Refresh the audit plan,Eve Evans,2026-11-30,Not started,,\n",
    # ... and of the September paper: A2 slipped again, A4 started.
    "2026-09-30": HEADER
    + "A1,Publish the risk register,Ann Archer,2026-06-30,Implemented,Green,Published\n"
    + "A2,Train the committee,Bob Brown,2026-10-31,In progress,Amber,Trainer booked\n"
    + "A3,Review the constitution,Dan Dale,2026-12-31,In progress,Green,Scoping\n"
    + "A4,Refresh the audit plan,Eve Evans,2026-11-30,In progress,Green,Started\n",
}
MEETINGS = {"2026-04-14": "2026-04-03", "2026-07-14": "2026-07-03", "2026-10-13": "2026-10-02"}


@pytest.fixture(scope="module")
def quarter(tmp_path_factory, sandbox) -> Path:
    from tests.cli.conftest import run_actreg

    folder = tmp_path_factory.mktemp("quarter")
    db = folder / "r.db"
    run_actreg(sandbox, "init", "--name", "Quarter", db=db)
    for day, text in EDITIONS.items():
        edition = folder / f"edition-{day}.csv"
        edition.write_text(text, encoding="utf-8")
        run_actreg(sandbox, "import", edition, "--as-of", day, db=db)
    for meeting, deadline in MEETINGS.items():
        run_actreg(sandbox, "meeting", "add", meeting, "--deadline", deadline, db=db)
        run_actreg(sandbox, "snapshot", "--meeting", meeting, db=db)
    return db


def changes(run, db, first: str, second: str) -> list[tuple[str, str, str]]:
    """(category, ref, detail) of each change; the detail without the reason that may follow
    it (" (Imported from FILE)" after a RAG, ": why" after a re-date)."""
    found = run("diff", "--from", first, "--to", second, "--format", "json", db=db).json()
    return [
        (c["category"], c["ref"], c["detail"].split(" (Imported")[0].split(": Imported")[0])
        for c in found["changes"]
    ]


def test_the_first_two_reconstructed_meetings_differ_exactly_by_the_editions(run, quarter):
    assert changes(run, quarter, "2026-04-14", "2026-07-14") == [
        ("new", "A4", "New action"),
        ("completed", "A1", "Status: In progress → Implemented"),
        ("status_changed", "A2", "Status: Not started → In progress"),
        ("rag_up", "A1", "RAG: Amber → Green"),
        ("rag_down", "A2", "RAG: Green → Red"),
        ("target_moved", "A2", "Target moved 2026-05-31 → 2026-08-31 (revised 1 time in all)"),
        ("field_changed", "A3", "Owner: Cat Cole → Dan Dale"),
    ]


def test_the_second_and_third_meetings_differ_exactly_by_the_editions(run, quarter):
    assert changes(run, quarter, "2026-07-14", "2026-10-13") == [
        ("status_changed", "A4", "Status: Not started → In progress"),
        ("rag_up", "A2", "RAG: Red → Amber"),
        ("rag_up", "A4", "RAG: None → Green"),
        ("target_moved", "A2",
         "Target moved 2026-08-31 → 2026-10-31 (revised 2 times in all; slipped more than once)"),
        ("no_update", "A3", "No update since the last snapshot"),
    ]  # fmt: skip


def test_an_older_edition_after_a_newer_one_is_refused_and_changes_nothing(run, quarter):
    head = run("verify", db=quarter).stdout
    edition = quarter.parent / "edition-2026-06-30.csv"
    refused = run("import", edition, "--as-of", "2026-06-30", db=quarter, check_exit=1)
    assert (
        "this edition (as of 2026-06-30) is older than what the register already holds for "
        "2 actions: A2 (effective 2026-09-30), A4 (effective 2026-09-30)." in refused.stderr
    )
    assert "Import editions oldest first; nothing was imported." in refused.stderr
    assert run("verify", db=quarter).stdout == head


def test_list_and_show_as_at_read_the_editions(run, quarter):
    rows = run("list", "--as-at", "2026-05-01", "--format", "json", db=quarter).json()
    assert [(r["ref"], r["status"], r["rag"]) for r in rows] == [
        ("A1", "in_progress", "amber"), ("A2", "not_started", "green"),
        ("A3", "in_progress", "green"),
    ]  # fmt: skip
    shown = run("show", "A2", "--as-at", "2026-07-01", "--format", "json", db=quarter).json()
    assert shown["action"]["target_date"] == "2026-08-31"
    assert {e["effective_date"] for e in shown["log"]} == {"2026-03-31", "2026-06-30"}
    text = run("show", "A2", "--as-at", "2026-07-01", db=quarter).stdout
    assert "effective 2026-06-30 (recorded late)" in text
    missing = run("show", "A4", "--as-at", "2026-05-01", db=quarter, check_exit=1)
    assert "action A4 did not exist yet on 2026-05-01" in missing.stderr


def test_a_reconstructed_meeting_says_so_beside_its_hashes(run, quarter, tmp_path):
    out = tmp_path / "pack.csv"
    run("export", "--meeting", "2026-07-14", "-o", out, db=quarter)
    cells = [r[0] for r in csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig"))) if r]
    provenance = next(cell for cell in cells if cell.startswith("# Snapshot: #2"))
    assert "; reconstructed from history recorded on 20" in provenance
    md = tmp_path / "pack.md"
    run("export", "--meeting", "2026-07-14", "--format", "md", "-o", md, db=quarter)
    assert "reconstructed from history recorded on" in md.read_text(encoding="utf-8")
    assert "Register OK" in run("verify", db=quarter).stdout


def test_on_records_a_late_update_and_refuses_a_bad_day(run, quarter, tmp_path):
    db = tmp_path / "r.db"
    db.write_bytes(quarter.read_bytes())
    run("update", "A4", "--note", "Kick-off held", "--on", "2026-10-05", db=db)
    log = run("show", "A4", "--format", "json", db=db).json()["log"]
    assert log[0]["effective_date"] == "2026-10-05"
    early = run("update", "A4", "--note", "x", "--on", "2026-09-01", db=db, check_exit=1)
    assert "effective date: 2026-09-01 is before entry" in early.stderr
    assert "of action A4; an action's history is recorded in date order" in early.stderr
    bad = run("close", "A4", "--evidence", "r", "--on", "31/02/2026", db=db, check_exit=1)
    assert bad.stderr.startswith("actreg: effective date:")
    future = run("evidence", "A4", "Minute", "--on", "2999-01-01", db=db, check_exit=1)
    assert "is later than" in future.stderr
    run("add", "--ref", "B1", "--title", "Late one", "--owner", "Jo", "--target", "2026-12-31",
        "--on", "2026-10-01", db=db)  # fmt: skip
    run("edit", "B1", "owner", "Sam", "--reason", "handover", "--on", "2026-10-02", db=db)
    assert run("show", "B1", "--format", "json", db=db).json()["action"]["owner"] == "Sam"
