"""Counts read right: "1 log entry", "1 action", "overdue by 1 day", "1 revision"."""

from __future__ import annotations

import re

import pytest

from db.plural import plural

#: What no message may ever say: a count of one with a plural noun.
ONE_PLURAL = re.compile(
    r"(?<![\d,.])1 (log entries|entries|actions|rows|blank rows|days|revisions|times|cells"
    r"|errors|snapshots|months)\b"
)


@pytest.mark.parametrize(
    ("count", "noun", "words"),
    [
        (0, "action", "0 actions"),
        (1, "action", "1 action"),
        (2, "log entry", "2 log entries"),
        (1, "log entry", "1 log entry"),
        (1200, "entry", "1,200 entries"),
        (3, "blank row", "3 blank rows"),
        (2, "box", "2 boxes"),
        (2, "day", "2 days"),
    ],
)
def test_plural(count, noun, words):
    assert plural(count, noun) == words


def test_one_of_everything_reads_in_the_singular(run, fresh_db, tmp_path, add_args):
    """One revision, one day overdue, one blank row, one action in a list or snapshot."""
    outputs = []
    # TODAY is 2025-06-30 in the CLI sandbox: a target moved once, to 2025-06-29, has
    # slipped with 1 revision and is 1 day overdue.
    run(*add_args("S1", target="2025-06-01"), db=fresh_db)
    run("update", "S1", "--target", "2025-06-29", "--reason", "Later", db=fresh_db)
    outputs.append(run("show", "S1", db=fresh_db).stdout)
    outputs.append(run("list", "--owner", "Nobody at all", db=fresh_db).stdout)
    outputs.append(run("list", "--overdue", db=fresh_db).stdout)
    outputs.append(run("verify", db=fresh_db).stdout)
    outputs.append(run("backup", tmp_path / "copy.db", db=fresh_db).stdout)
    csv = tmp_path / "one.csv"
    csv.write_text("Ref,Action,Owner\nB1,One,Ann\n\n", encoding="utf-8")
    outputs.append(run("import", csv, db=fresh_db).stdout)
    run("meeting", "add", "2099-01-12", db=fresh_db)
    outputs.append(run("snapshot", "--meeting", "2099-01-12", db=fresh_db).stdout)
    outputs.append(run("export", "--meeting", "2099-01-12", "-o", tmp_path / "p.csv",
                       db=fresh_db).stdout)  # fmt: skip
    text = "\n".join(outputs)
    assert not ONE_PLURAL.findall(text), ONE_PLURAL.findall(text)
    assert "overdue by 1 day" in text
    assert "1 revision" in text
    assert "1 blank row skipped" in text
    assert "1 action, 1 overdue." in text


def test_a_fresh_register_verifies_in_the_singular(run, tmp_path, add_args):
    db = tmp_path / "one.db"
    run("init", db=db)
    run(*add_args("A1"), db=db)
    out = run("verify", db=db).stdout
    # (Two entries: the register's first entry records its settings, then A1's creation.)
    assert "2 log entries and 1 action checked" in out
    shown = run("show", "A1", db=db).stdout
    assert "Progress log (1 entry, newest first)" in shown


def test_the_extension_policy_of_one_month_reads_in_the_singular():
    from db.rounds.policy import ExtensionPolicy, why_committee

    policy = ExtensionPolicy(from_revision=None, high_priority=False, months=1)
    row = {"target_revisions": 0, "priority": "low", "target_date": "2026-01-31"}
    assert why_committee(policy, row, "2026-06-30") == "it moves the date by more than 1 month"
    assert "1 month" in policy.describe() and "1 months" not in policy.describe()
