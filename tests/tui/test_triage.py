"""The triage session (t): a card at a time, a key per decision, undo by correction, summary.

With ACTREG_TODAY=2026-06-01 the fixed register's queue is A3 (overdue, red),
A1 (overdue, slipped twice), A5 (stale), in that order.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from textual.widgets import Input, Select, Static, TextArea

from db.integrity.verifier import verify
from db.read.queries import action_log, get_action
from db.store.connection import open_register
from db.store.register import set_rag
from tests.tui.tui_helpers import TODAY, build_register, run_async, settle
from tui.app.app import ActregApp
from tui.base.triage_session import UNDO_REASON, WITHDRAWN_TEXT
from tui.screens.confirm import ConfirmScreen
from tui.screens.form_screen import FormScreen
from tui.screens.register import RegisterScreen
from tui.screens.save_as import SaveAsScreen
from tui.screens.triage import TriageScreen, TriageSummary

ACTREG = Path(sys.executable).parent / "actreg"


def messages(app) -> list[str]:
    return [n.message for n in app._notifications]


def card_text(app) -> str:
    return str(app.screen.query_one("#triage-card", Static).render())


def title_text(app) -> str:
    return str(app.screen.query_one("#triage-title", Static).render())


def entries_by(conn, author: str) -> list:
    rows = conn.execute(
        "SELECT a.ref, p.kind, p.field, p.old_value, p.new_value, p.commentary, p.supersedes,"
        " p.uuid FROM progress_log p JOIN action a ON a.id = p.action_id"
        " WHERE p.author = ? ORDER BY p.id",
        (author,),
    )
    return rows.fetchall()


async def start(pilot) -> TriageScreen:
    await settle(pilot)
    await pilot.press("t")
    await settle(pilot)
    assert isinstance(pilot.app.screen, TriageScreen)
    return pilot.app.screen


async def on_card(pilot, ref: str) -> None:
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, TriageScreen)
    assert screen.row is not None and screen.row["ref"] == ref, title_text(pilot.app)


async def fill(pilot, text: str) -> None:
    """Put text in the focused field of the open form."""
    focused = pilot.app.focused
    if isinstance(focused, TextArea):
        focused.insert(text)
    else:
        focused.value = text
    await pilot.pause()


async def decide(pilot, key: str, *texts: str) -> None:
    """Press a decision key, fill the form's fields in order (tab between), save."""
    await pilot.press(key)
    await settle(pilot)
    assert isinstance(pilot.app.screen, FormScreen)
    for i, text in enumerate(texts):
        if i:
            await pilot.press("tab")
        await fill(pilot, text)
    await pilot.press("ctrl+s")
    await settle(pilot)
    assert isinstance(pilot.app.screen, TriageScreen), messages(pilot.app)


@run_async
async def test_a_whole_session_with_every_key(mat_conn, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    app = ActregApp(mat_conn, author="tester")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await start(pilot)
        await on_card(pilot, "A3")
        assert "1 of 3" in title_text(app)
        text = card_text(app)
        assert "overdue by 32 days" in text and "rated red: No trainer booked" in text
        assert "Ali Khan" in text and "Resources" in text and " R " in text
        assert "Latest log entries" in text and "Procurement team asked for dates" in text

        # A3: amber then undo it; chase; a note then undo it (withdrawn).
        await decide(pilot, "a", "Trainer booked for July")
        assert screen.row["rag"] == "amber" and " A " in card_text(app)
        await pilot.press("z")
        await settle(pilot)
        assert screen.row["rag"] == "red"
        await pilot.press("x")
        await settle(pilot)
        assert "Owner chased for an update." in card_text(app)
        await decide(pilot, "u", "Trainer confirmed by email")
        assert "Trainer confirmed by email" in card_text(app)
        await pilot.press("z")
        await settle(pilot)
        assert WITHDRAWN_TEXT["note"] in card_text(app)

        # A1: green, re-date, status implemented; on to A5 with j.
        await pilot.press("space")
        await on_card(pilot, "A1")
        assert "2 of 3" in title_text(app)
        await decide(pilot, "g", "Consultation closed")
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, FormScreen)
        app.screen.query_one("#field-target_date", Input).value = "2026-07-31"
        await pilot.press("tab")
        await fill(pilot, "Board meets in July")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert screen.row["target_date"] == "2026-07-31"
        await pilot.press("s")
        await settle(pilot)
        app.screen.query_one("#field-status", Select).value = "implemented"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert screen.row["status"] == "implemented"
        await pilot.press("j")
        await on_card(pilot, "A5")
        assert "no update this cycle" in card_text(app)

        # A5: red; back to A1 with k; verify and close, then undo the close.
        await decide(pilot, "r", "No response from the owner")
        await pilot.press("k")
        await on_card(pilot, "A1")
        await decide(pilot, "v", "Cabinet minute 7/2026")
        assert screen.row["status"] == "closed"
        await pilot.press("z")
        await settle(pilot)
        assert screen.row["status"] == "implemented" and not screen.row["evidence"]

        await pilot.press("space")
        await on_card(pilot, "A5")
        await pilot.press("space")  # after the last card: the summary
        await settle(pilot)
        assert isinstance(app.screen, TriageSummary)
        # One summary: what stands (undone decisions count once, as undone)
        assert app.screen.counts == {
            "reviewed": 3,
            "added": 0,
            "updated": 0,
            "re-rated": 2,
            "re-dated": 1,
            "chased": 1,
            "undone or corrected": 3,
            "evidence recorded": 0,
            "closed": 0,
            "status changed": 1,
            "skipped": 0,
        }
        shown = str(app.screen.query_one("#summary-counts", Static).render())
        assert "Re-rated" in shown and "Time taken" in shown

        await pilot.press("w")
        await settle(pilot)
        assert isinstance(app.screen, SaveAsScreen)  # offers the folder and name first
        await pilot.press("ctrl+s")
        await settle(pilot)
        written = app.screen.written
        assert written is not None and written.parent == tmp_path
        assert written.name.startswith("triage-") and written.suffix == ".md"
        assert any(str(written) in m for m in messages(app))
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, RegisterScreen)

    markdown = written.read_text(encoding="utf-8")
    assert markdown.startswith("# Triage summary: Lessons Learned MAT")
    # the Markdown is the summary the screen showed, count for count
    for line in ("- Re-rated: 2", "- Re-dated: 1", "- Chased: 1", "- Closed: 0"):
        assert line in markdown
    assert "- Status changed: 1" in markdown and "- Undone or corrected: 3" in markdown
    assert not markdown.endswith("\n\n")
    assert "- A3: " in markdown and "- A1: " in markdown and "- A5: " in markdown

    log = entries_by(mat_conn, "tester")
    by_uuid = {e[7]: e for e in log}
    assert [e[:3] for e in log] == [
        ("A3", "rag", "rag"),
        ("A3", "correction", "rag"),
        ("A3", "chased", None),
        ("A3", "note", None),
        ("A3", "correction", "commentary"),
        ("A1", "rag", "rag"),
        ("A1", "target_date", "target_date"),
        ("A1", "status", "status"),
        ("A1", "field_edit", "completed_date"),
        ("A5", "rag", "rag"),
        ("A1", "evidence", "evidence"),
        ("A1", "status", "status"),
        ("A1", "correction", "status"),
        ("A1", "correction", "evidence"),
    ]
    rag_fix = log[1]  # the RAG goes back with the reason it had, not the undo's words
    assert (rag_fix[3], rag_fix[4], rag_fix[5]) == ("amber", "red", "No trainer booked")
    assert get_action(mat_conn, "A3")["rag_reason"] == "No trainer booked"
    assert log[12][5] == UNDO_REASON  # (the status put back says it was undone)
    assert by_uuid[rag_fix[6]][1:5] == ("rag", "rag", "red", "amber")
    note_fix = log[4]
    assert note_fix[4] == WITHDRAWN_TEXT["note"] and by_uuid[note_fix[6]][1] == "note"
    assert log[3][5] == "Trainer confirmed by email"
    assert log[6][4] == "2026-07-31" and log[6][5] == "Board meets in July"
    assert log[9][4] == "red" and log[9][5] == "No response from the owner"
    status_fix, evidence_fix = log[12], log[13]
    assert status_fix[4] == "implemented" and by_uuid[status_fix[6]][4] == "closed"
    assert evidence_fix[4] is None and by_uuid[evidence_fix[6]][4] == "Cabinet minute 7/2026"
    a1 = get_action(mat_conn, "A1")
    assert (a1["status"], a1["rag"], a1["evidence"]) == ("implemented", "green", None)
    assert verify(mat_conn).ok


@run_async
async def test_writing_the_summary_asks_for_the_folder_and_name(mat_conn, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    minutes = tmp_path / "minutes"
    minutes.mkdir()
    app = ActregApp(mat_conn, author="tester")
    async with app.run_test(size=(80, 24)) as pilot:
        await start(pilot)
        await pilot.press("escape")  # end the session at once: the summary
        await settle(pilot)
        summary = app.screen
        assert isinstance(summary, TriageSummary)

        await pilot.press("w")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, SaveAsScreen)
        folder = dialog.query_one("#save-folder", Input)
        name = dialog.query_one("#save-name", Input)
        assert folder.value == str(tmp_path) and name.value.startswith("triage-")
        await pilot.press("escape")  # cancel: nothing is written
        await settle(pilot)
        assert app.screen is summary and summary.written is None
        assert list(tmp_path.glob("*.md")) == []

        await pilot.press("w")
        await settle(pilot)
        dialog = app.screen
        dialog.query_one("#save-folder", Input).value = str(tmp_path / "nowhere")
        dialog.query_one("#save-name", Input).value = "gac-minutes.md"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is dialog  # a folder that does not exist: said, and kept open
        error = str(dialog.query_one("#form-error", Static).render())
        assert "folder:" in error and "does not exist" in error
        dialog.query_one("#save-folder", Input).value = str(minutes)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is summary
        assert summary.written == minutes / "gac-minutes.md"
    assert (minutes / "gac-minutes.md").read_text(encoding="utf-8").startswith("# Triage summary")
    assert list(tmp_path.glob("*.md")) == []


@run_async
async def test_writing_the_summary_over_an_existing_file_asks_first(mat_conn, tmp_path,
                                                                   monkeypatch):  # fmt: skip
    monkeypatch.chdir(tmp_path)
    minutes = tmp_path / "gac-minutes.md"
    minutes.write_text("the clerk's own minutes", encoding="utf-8")
    app = ActregApp(mat_conn, author="tester")
    async with app.run_test(size=(80, 24)) as pilot:
        await start(pilot)
        await pilot.press("escape")
        await settle(pilot)
        summary = app.screen
        for answer in ("n", "y"):
            await pilot.press("w")
            await settle(pilot)
            app.screen.query_one("#save-name", Input).value = minutes.name
            await pilot.press("ctrl+s")
            await settle(pilot)
            question = app.screen
            assert isinstance(question, ConfirmScreen)
            assert f"{minutes} exists already" in question.question
            await pilot.press(answer)
            await settle(pilot)
            assert app.screen is summary
            if answer == "n":
                assert summary.written is None
                assert minutes.read_text(encoding="utf-8") == "the clerk's own minutes"
        assert summary.written == minutes
    assert minutes.read_text(encoding="utf-8").startswith("# Triage summary")


@run_async
async def test_a_stale_card_refuses_the_decision_and_reloads(mat_conn, mat_path):
    app = ActregApp(mat_conn, author="tester")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await start(pilot)
        await on_card(pilot, "A3")
        shown = screen.row["version"]
        other = open_register(mat_path)
        try:
            set_rag(other, "A3", "amber", reason="Changed at the other desk", author="other")
        finally:
            other.close()
        before = mat_conn.execute("SELECT count(*) FROM progress_log").fetchone()[0]
        loads = screen.loads
        await pilot.press("x")
        await settle(pilot)
        assert any("changed by someone else" in m for m in messages(app)), messages(app)
        assert mat_conn.execute("SELECT count(*) FROM progress_log").fetchone()[0] == before
        assert entries_by(mat_conn, "tester") == []
        assert screen.loads > loads and screen.row["version"] == shown + 1
        assert screen.row["rag"] == "amber" and "Changed at the other desk" in card_text(app)
        # The reloaded card takes the next decision.
        await pilot.press("x")
        await settle(pilot)
        assert [e[1] for e in entries_by(mat_conn, "tester")] == ["chased"]


@run_async
async def test_read_only_shows_the_queue_but_refuses_decisions(mat_path):
    conn = open_register(mat_path, readonly=True)
    try:
        app = ActregApp(conn, author="tester")
        async with app.run_test(size=(120, 40)) as pilot:
            await start(pilot)
            await on_card(pilot, "A3")
            for key in ("x", "g", "z"):
                await pilot.press(key)
                await settle(pilot)
                assert isinstance(app.screen, TriageScreen)
            assert sum("read-only" in m for m in messages(app)) == 3
            await pilot.press("escape")
            await settle(pilot)
            assert app.screen.counts["reviewed"] == 1 and app.screen.counts["skipped"] == 1
    finally:
        conn.close()


@run_async
async def test_an_empty_queue_stays_home(mat_conn):
    app = ActregApp(mat_conn, author="tester")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("3")  # green only: A2 is green and on track
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        assert isinstance(app.screen, RegisterScreen)
        assert any("queue is empty" in m for m in messages(app))


@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")
@pytest.mark.xdist_group("tmux")  # one tmux server: under xdist, with the other tmux tests
def test_decisions_survive_the_terminal_dying(tmp_path):
    path = tmp_path / "register.db"
    build_register(path)
    name = f"actreg-triage-{uuid.uuid4().hex[:8]}"
    command = f"ACTREG_AUTHOR='Tina Triage' ACTREG_TODAY={TODAY} {ACTREG} --db {path}"

    def keys(*sent: str, literal: bool = False) -> None:
        flags = ["-l"] if literal else []
        subprocess.run(["tmux", "send-keys", "-t", name, *flags, *sent], check=True)

    def wait_for(text: str, timeout: float = 20.0) -> None:
        deadline = time.monotonic() + timeout
        shown = ""
        while time.monotonic() < deadline:
            shown = subprocess.run(
                ["tmux", "capture-pane", "-p", "-t", name], capture_output=True, text=True
            ).stdout
            if text in shown:
                return
            time.sleep(0.1)
        raise AssertionError(f"{text!r} never appeared; the screen shows:\n{shown}")

    subprocess.run(
        ["tmux", "new-session", "-d", "-s", name, "-x", "120", "-y", "40", command], check=True
    )
    try:
        wait_for("Lessons Learned MAT")
        keys("t")
        wait_for("1 of 3")
        keys("x")
        wait_for("Saved: A3 chased")
        keys("Space")
        wait_for("2 of 3")
        wait_for("target moved 2 times")
        keys("g")
        wait_for("why?")
        keys("Consultation closed on time", literal=True)
        keys("C-s")
        wait_for("Saved: A1 re-rated")
    finally:
        subprocess.run(["tmux", "kill-session", "-t", name], capture_output=True)
    conn = open_register(path)
    try:
        a3, a1 = get_action(conn, "A3"), get_action(conn, "A1")
        newest3, newest1 = action_log(conn, a3["id"])[0], action_log(conn, a1["id"])[0]
        assert (newest3.kind, newest3.author) == ("chased", "Tina Triage")
        assert (newest1.kind, newest1.new_value, newest1.author) == ("rag", "green", "Tina Triage")
        assert newest1.commentary == "Consultation closed on time"
        assert verify(conn).ok
    finally:
        conn.close()
