"""The review screen (R): each returned update beside the action as it stands, and a key
per decision: a accept, e edit then accept, r reject with a reason."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, Static

from db.cycles.meetings import add_meeting
from db.read.queries import action_log, get_action
from db.rounds.collect import collect_files
from db.rounds.extensions import pending_extensions
from db.rounds.review import action_submissions, waiting_submissions
from db.rounds.start import start_round
from tests.rounds import owner as owner_does
from tests.tui.tui_helpers import run_async, settle
from tui.app.app import ActregApp
from tui.screens.action import ActionScreen
from tui.screens.form_screen import FormScreen
from tui.screens.round_review import RoundReviewScreen
from tui.widgets.key_bar import KeyBar
from tui.widgets.lines_view import LinesView

MEETING = "2026-07-14"


def returned_round(conn, folder: Path) -> None:
    """A round for the fixed register, answered by two owners and collected."""
    add_meeting(conn, MEETING)
    started = start_round(conn, folder=folder / "out", author="officer")
    books = {r.owner: r.path for r in started.requests}
    (folder / "back").mkdir()
    sam = owner_does.fill(
        books["Sam Patel"],
        {
            "A2": {"Progress update": "Register drafted", "% complete": 60},
            "A10": {"New RAG": "Red", "Reason for RAG": "Legal advice awaited"},
        },
        save_as=folder / "back" / books["Sam Patel"].name,
    )
    ali = owner_does.fill(
        books["Ali Khan"],
        {"A3": {"Proposed new target date": "31/07/2026", "Reason for new date": "No trainer"}},
        save_as=folder / "back" / books["Ali Khan"].name,
    )
    collect_files(conn, [sam, ali], author="officer")


def pane(app, name: str) -> str:
    view = app.screen.query_one(f"#review-{name}", LinesView)
    return "\n".join(str(line) for line in view.lines)


def title(app) -> str:
    return str(app.screen.query_one("#review-title", Static).render())


async def on_submission(pilot, ref: str) -> RoundReviewScreen:
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, RoundReviewScreen)
    assert screen.current is not None and screen.current.ref == ref, title(pilot.app)
    return screen


@run_async
async def test_every_decision_key(mat_conn, tmp_path):
    returned_round(mat_conn, tmp_path)
    assert [s.ref for s in waiting_submissions(mat_conn)] == ["A2", "A10", "A3"]
    app = ActregApp(mat_conn, author="tester")
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        await pilot.press("R")
        await on_submission(pilot, "A2")
        assert "1 of 3 waiting" in title(app)
        keys = app.screen.query_one(KeyBar).render_line(0).text
        for words in ("a Accept", "e Edit & accept", "r Reject", "esc Back"):
            assert words in keys, keys
        left, right = pane(app, "returned"), pane(app, "standing")
        assert "Progress update: Register drafted" in left and "% complete: 60" in left
        assert "As it stands now" in right and "Complete: 40%" in right

        # a: accept as returned.
        await pilot.press("a")
        await on_submission(pilot, "A10")
        row = get_action(mat_conn, "A2")
        assert row["percent_complete"] == 60 and row["last_commentary"] == "Register drafted"
        assert action_log(mat_conn, row["id"])[1].author == "Sam Patel"
        decision, *_ = action_log(mat_conn, row["id"])
        assert decision.author == "tester"
        assert decision.commentary.startswith("Accepted the update Sam Patel returned on")

        # r: reject with a reason.
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, FormScreen)
        app.focused.insert("Discussed at DMT: stays green")
        await pilot.press("ctrl+s")
        await on_submission(pilot, "A3")
        assert get_action(mat_conn, "A10")["rag"] is None
        (rejected,) = action_submissions(mat_conn, get_action(mat_conn, "A10")["id"])
        assert (
            rejected.decision == "rejected" and rejected.reason == "Discussed at DMT: stays green"
        )

        # e: edit, then accept.
        assert "Proposed new target date: 31/07/2026" in pane(app, "returned")
        await pilot.press("e")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, FormScreen)
        date = form.query_one("#field-target_date", Input)
        assert date.value == "2026-07-31"
        date.value = "2026-09-30"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, RoundReviewScreen)
        assert "none waiting" in title(app)
        assert "No submission is waiting for review." in pane(app, "returned")
        # Four months' move: the default policy sends it to the committee, not the register.
        assert get_action(mat_conn, "A3")["target_date"] == "2026-04-30"
        (extension,) = pending_extensions(mat_conn, MEETING)
        assert extension["ref"] == "A3" and extension["proposed_date"] == "2026-09-30"
        assert extension["reason"] == "No trainer" and extension["requested_by"] == "Ali Khan"
        app.push_screen(ActionScreen("A3"))
        await settle(pilot)
        card = "\n".join(str(line) for line in app.screen.query_one(LinesView).lines)
        flowing = " ".join(card.split())  # (the card wraps long lines)
        assert "accepted by tester" in flowing
        assert "new target date 2026-09-30 went to the committee" in flowing
        await pilot.press("escape")
        await settle(pilot)

        # The rejected update stays on the action's card.
        await pilot.press("escape")
        await settle(pilot)
        app.push_screen(ActionScreen("A10"))
        await settle(pilot)
        card = "\n".join(str(line) for line in app.screen.query_one(LinesView).lines)
        assert "Returned updates (1 submission" in card
        assert "rejected by tester" in card and "New RAG: Red" in card
        assert isinstance(app.screen, ActionScreen)


@run_async
async def test_accept_refused_while_a_cell_is_unreadable_then_edited(mat_conn, tmp_path):
    add_meeting(mat_conn, MEETING)
    started = start_round(mat_conn, folder=tmp_path / "out", author="officer")
    book = next(r.path for r in started.requests if r.owner == "Mia Chen")
    returned = owner_does.fill(
        book,
        {"A5": {"Proposed new target date": "after the summer", "Reason for new date": "Staff"}},
        save_as=tmp_path / book.name,
    )
    collect_files(mat_conn, [returned], author="officer", with_problems=True)
    app = ActregApp(mat_conn, author="tester")
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        await pilot.press("R")
        await on_submission(pilot, "A5")
        assert "problem in 'Proposed new target date'" in pane(app, "returned")
        await pilot.press("a")
        await settle(pilot)
        assert any("--set target_date" in n.message for n in app._notifications)
        assert waiting_submissions(mat_conn)
        await pilot.press("e")
        await settle(pilot)
        date = app.screen.query_one("#field-target_date", Input)
        assert date.value == "after the summer"  # what the owner typed, to correct
        date.value = "31/01/2027"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "none waiting" in title(app)
        (sub,) = action_submissions(mat_conn, get_action(mat_conn, "A5")["id"])
        assert sub.decision == "accepted" and sub.cells["Proposed new target date"] == (
            "after the summer"
        )
