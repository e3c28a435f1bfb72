"""The update round's rows are in the chain (upgrade 6): rewriting an owner's
submission, an extension request's reason or date, a decision, or removing a
returned workbook's record with the plain sqlite3 shell (its append-only
triggers dropped first) makes `actreg verify` fail, naming the table and the row;
a register with a whole round verifies OK.

The register is the one the migration fixtures are made from
(tests/db/make_register_fixtures.build_source): a round for the March meeting with
two returns (Jo Bloggs' new date went to the committee, which refused it; Siân
Evans' update was rejected) and Ali Khan chased.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from db.store.events import EVENT_TABLES, ROUND_KINDS
from tests.db.make_register_fixtures import build_source


@pytest.fixture(scope="module")
def round_template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("round-chain") / "register.db"
    build_source(path)
    return path


@pytest.fixture
def round_register(round_template: Path, tmp_path: Path) -> Path:
    path = tmp_path / "register.db"
    shutil.copyfile(round_template, path)
    return path


def tamper(path: Path, *statements: str) -> None:
    """What someone with the sqlite3 shell does: drop every append-only trigger, then write."""
    plain = sqlite3.connect(path)
    try:
        triggers = [
            name
            for (name,) in plain.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE '%\\_no\\_%'"
                " ESCAPE '\\'"
            )
        ]
        assert "submission_no_update" in triggers and "round_no_delete" in triggers
        for name in triggers:
            plain.execute(f"DROP TRIGGER {name}")
        for statement in statements:
            assert plain.execute(statement).rowcount == 1, statement
        plain.commit()
    finally:
        plain.close()


def test_a_register_with_a_whole_round_verifies(run, round_register: Path):
    plain = sqlite3.connect(round_register)
    try:
        recorded = dict(
            plain.execute(
                "SELECT kind, count(*) FROM progress_log WHERE action_id IS NULL GROUP BY kind"
            ).fetchall()
        )
        held = {
            kind: plain.execute(f"SELECT count(*) FROM {EVENT_TABLES[kind].table}").fetchone()[0]
            for kind in ROUND_KINDS
        }
    finally:
        plain.close()
    # One entry per row of every table of the round (none is ever changed).
    assert held == {kind: recorded.get(kind) for kind in ROUND_KINDS}
    assert all(held.values()), held
    assert "Register OK" in run("verify", db=round_register).stdout


TAMPERING = {
    "an extension request's reason": (
        "UPDATE extension_request SET reason = 'Owner asked for it' WHERE id = 1",
        "the extension_request table does not match the log: extension_request #1 (asked by "
        "Jo Bloggs) differs from the log (reason is 'Owner asked for it' in the table, "
        "'Council meets in December' in the log)",
    ),
    "an extension request's proposed date": (
        "UPDATE extension_request SET proposed_date = '2026-09-30' WHERE id = 1",
        "extension_request #1 (asked by Jo Bloggs) differs from the log (proposed_date is "
        "'2026-09-30' in the table, '2026-12-31' in the log)",
    ),
    "an owner's submitted cells": (
        "UPDATE submission SET cells = json_set(cells, '$.\"Progress update\"', 'All done')"
        " WHERE id = 1",
        "the submission table does not match the log: submission #1 (returned by Jo Bloggs) "
        "differs from the log (cells is '{\"",
    ),
    "the officer's decision on a submission": (
        "UPDATE submission_decision SET decision = 'accepted', reason = NULL"
        " WHERE submission_id = 2",
        "the submission_decision table does not match the log: submission_decision #2 differs "
        "from the log (decision is 'accepted' in the table, 'rejected' in the log, reason is "
        "None in the table, 'No training record yet' in the log)",
    ),
    "the committee's decision on an extension": (
        "UPDATE extension_decision SET decision = 'approved' WHERE extension_id = 1",
        "the extension_decision table does not match the log: extension_decision #1 differs "
        "from the log (decision is 'approved' in the table, 'refused' in the log)",
    ),
    "a returned workbook's record, deleted": (
        "DELETE FROM round_return WHERE id = 2",
        "the round_return table does not match the log: round_return #2 is in the log but "
        "missing from the round_return table",
    ),
    "a chase, deleted": (
        "DELETE FROM round_chase WHERE id = 1",
        "round_chase #1 is in the log but missing from the round_chase table",
    ),
    "an action taken out of a request": (
        "DELETE FROM round_request_action WHERE request_id = 1",
        "the round_request_action table does not match the log: round_request_action #1/",
    ),
    "the round's reply-by date": (
        "UPDATE round SET return_by = '2026-03-19' WHERE id = 1",
        "the round table does not match the log: round #1 differs from the log (return_by is "
        "'2026-03-19' in the table",
    ),
    "a submission slipped in": (
        "INSERT INTO submission (id, return_id, action_id, owner, received_at, sent_version,"
        " version_at_receipt, cells, proposed, problems)"
        " SELECT 9, return_id, action_id, 'Jo Bloggs', received_at, sent_version,"
        " version_at_receipt, '{}', '{}', '[]' FROM submission WHERE id = 1",
        "submission #9 (returned by Jo Bloggs) is in the submission table but the log never "
        "recorded it",
    ),
}


@pytest.mark.parametrize(("statement", "named"), TAMPERING.values(), ids=list(TAMPERING.keys()))
def test_verify_names_a_round_row_changed_behind_actregs_back(
    run, round_register: Path, statement: str, named: str
):
    tamper(round_register, statement)
    result = run("verify", db=round_register, check_exit=1)
    assert "verify FAILED" in result.stderr
    assert named in result.stderr, result.stderr


def test_removing_the_entry_that_recorded_a_submission_breaks_the_chain(run, round_register: Path):
    tamper(
        round_register,
        "DELETE FROM progress_log WHERE kind = 'submission_decision' AND field = '2'",
        "DELETE FROM submission_decision WHERE submission_id = 2",
    )
    result = run("verify", db=round_register, check_exit=1)
    assert "are missing from the log" in result.stderr, result.stderr


def test_the_chain_covers_every_column_of_every_table_it_records(round_register: Path):
    """A column added to one of these tables later must be added to its EventTable too,
    or a change to it would go unnoticed."""
    plain = sqlite3.connect(round_register)
    try:
        for kind, spec in EVENT_TABLES.items():
            columns = tuple(r[1] for r in plain.execute(f"PRAGMA table_info({spec.table})"))
            assert spec.columns == columns, kind
    finally:
        plain.close()
