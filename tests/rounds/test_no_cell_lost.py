"""Property: no cell an owner returns is ever lost between `collect` and the register.

Owners type arbitrary text into any input cell and into columns of their own;
whatever is collected (readable or not) is kept verbatim on the submission,
and stays exactly so whatever the officer decides: accepted, rejected, or
superseded by a later return. An accepted progress note reaches the log word
for word. And every submission and decision, whatever text it holds, is an entry
in the chain that verify finds equal to its row (upgrade 6).

(Text starting with '=' is left out: a spreadsheet stores that as a formula,
whose value is whatever the spreadsheet computed, not the text typed.)
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from db.cycles.meetings import add_meeting
from db.errors import InputError
from db.integrity.verifier import verify
from db.read.queries import action_log, get_action
from db.rounds.collect import collect_files
from db.rounds.columns import INPUT_COLUMNS
from db.rounds.review import accept_submission, action_submissions, reject_submission
from db.rounds.start import start_round
from db.store.connection import create_register
from db.store.register import add_action
from tests.rounds import owner as owner_does

REFS = ("A1", "A2", "A3")
OWN_COLUMNS = ("My notes", "Checked by", "Ref 2")
HEADINGS = (*(c.heading for c in INPUT_COLUMNS), *OWN_COLUMNS)

_CHARS = st.characters(categories=("L", "N", "P", "S", "Zs"), exclude_characters="\x85\u2028\u2029")
cell_text = (
    st.text(_CHARS | st.just("\n"), min_size=1, max_size=40)
    .filter(lambda t: t.strip() and not t.startswith("="))
    .map(lambda t: t.replace("\n", " ") if t.startswith("\n") else t)
)
row_answers = st.dictionaries(st.sampled_from(HEADINGS), cell_text, max_size=5)
returns = st.dictionaries(st.sampled_from(REFS), row_answers, min_size=1, max_size=3)
decisions = st.lists(st.sampled_from(["accept", "reject"]), min_size=3, max_size=3)


def _register(folder: Path):
    conn = create_register(folder / "r.db", name="Property register")
    for ref in REFS:
        add_action(
            conn,
            {
                "ref": ref,
                "title": f"Action {ref}",
                "owner": "Ann Archer",
                "target_date": "2030-06-30",
            },
            author="officer",
        )
    add_meeting(conn, (dt.date.today() + dt.timedelta(days=60)).isoformat())
    return conn


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(first=returns, second=returns, choices=decisions)
def test_every_returned_cell_is_kept_verbatim(first, second, choices):
    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp)
        conn = _register(folder)
        try:
            (request,) = start_round(conn, folder=folder / "out", author="officer").requests
            sent: dict[int, dict[str, str]] = {}  # submission id -> the cells typed
            for number, answers in enumerate((first, second)):
                returned = owner_does.fill(
                    request.path, answers, save_as=folder / f"back-{number}.xlsx"
                )
                (result,) = collect_files(conn, [returned], author="officer", with_problems=True)
                typed = {ref: cells for ref, cells in answers.items() if cells}
                if result.already:  # the same answers again: kept once, nothing added
                    assert number == 1 and typed == {r: c for r, c in first.items() if c}
                    continue
                ids = dict(zip(sorted(typed, key=REFS.index), result.submissions, strict=True))
                for ref, sub_id in ids.items():
                    sent[sub_id] = typed[ref]
                if number == 0:  # the officer decides some before the second return
                    _decide(conn, list(ids.values()), choices)
            kept = {
                s.id: s
                for ref in REFS
                for s in action_submissions(conn, get_action(conn, ref)["id"])
            }
            assert set(kept) == set(sent)
            for sub_id, cells in sent.items():
                assert kept[sub_id].cells == cells
            notes = {
                e.commentary for ref in REFS for e in action_log(conn, get_action(conn, ref)["id"])
            }
            for sub in kept.values():
                if sub.decision == "accepted" and "Progress update" in sub.cells:
                    assert sub.cells["Progress update"] in notes
            superseded = sum(s.decision == "superseded" for s in kept.values())
            logged = conn.execute(
                "SELECT count(*) FROM progress_log WHERE kind = 'submission_decision'"
                " AND new_value LIKE '%\"superseded\"%'"
            ).fetchone()[0]
            assert logged == superseded
            report = verify(conn)
            assert report.ok, report.problems
        finally:
            conn.close()


def _decide(conn, ids: list[int], choices: list[str]) -> None:
    for sub_id, choice in zip(ids, choices, strict=False):
        try:
            if choice == "accept":
                accept_submission(conn, sub_id, author="officer")
            else:
                reject_submission(conn, sub_id, author="officer", reason="Not this time")
        except InputError:
            reject_submission(conn, sub_id, author="officer", reason="Could not be read")
