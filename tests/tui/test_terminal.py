"""The real `actreg` in a real terminal: tmux types the keys, capture-pane reads the screen.

This is what a person does: search, open the card, type a progress update,
save, quit. The result is then checked in the register file itself.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from db.integrity.verifier import verify
from db.read.queries import action_log, get_action
from db.store.connection import open_register
from tests.tui.tui_helpers import TODAY, build_register

ACTREG = Path(sys.executable).parent / "actreg"

#: How long a screen may take to show what a step waits for: generous, for a machine under
#: load. The tests wait for what the screen shows, never a fixed time.
WAIT_S = 60.0

pytestmark = [
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
    # One tmux server serves every session: under xdist, its tests run on one worker.
    pytest.mark.xdist_group("tmux"),
]


class Terminal:
    """One tmux session running one command, 100x30."""

    def __init__(self, command: str) -> None:
        self.name = f"actreg-test-{uuid.uuid4().hex[:8]}"
        subprocess.run(
            ["tmux", "new-session", "-d", "-s", self.name, "-x", "100", "-y", "30", command],
            check=True,
        )

    def keys(self, *keys: str, literal: bool = False) -> None:
        flags = ["-l"] if literal else []
        subprocess.run(["tmux", "send-keys", "-t", self.name, *flags, *keys], check=True)

    def screen(self) -> str:
        done = subprocess.run(
            ["tmux", "capture-pane", "-p", "-t", self.name],
            capture_output=True,
            text=True,
            check=False,
        )
        return done.stdout

    def wait_for(self, text: str, timeout: float | None = None) -> str:
        deadline = time.monotonic() + (timeout or WAIT_S)
        while time.monotonic() < deadline:
            shown = self.screen()
            if text in shown:
                return shown
            time.sleep(0.1)
        raise AssertionError(f"{text!r} never appeared; the screen shows:\n{self.screen()}")

    def alive(self) -> bool:
        found = subprocess.run(["tmux", "has-session", "-t", self.name], capture_output=True)
        return found.returncode == 0

    def close(self) -> None:
        subprocess.run(["tmux", "kill-session", "-t", self.name], capture_output=True)


@pytest.fixture
def terminal(tmp_path):
    """actreg on the fixed register in a tmux session; yields (terminal, register path)."""
    path = tmp_path / "register.db"
    build_register(path)
    term = Terminal(f"ACTREG_TODAY={TODAY} ACTREG_AUTHOR='Terry Terminal' {ACTREG} --db {path}")
    try:
        yield term, path
    finally:
        term.close()


def quit_and_wait(term: Terminal) -> None:
    term.keys("q")
    deadline = time.monotonic() + WAIT_S
    while term.alive() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not term.alive(), f"actreg did not quit on q:\n{term.screen()}"


def newest_entry(path: Path, ref: str):
    conn = open_register(path)
    try:
        action = get_action(conn, ref)
        assert verify(conn).ok
        return action, action_log(conn, action["id"])[0]
    finally:
        conn.close()


def test_search_open_update_and_quit_in_a_real_terminal(terminal):
    term, path = terminal
    term.wait_for("Agree the committee")  # the table has its rows
    term.keys("/safeguarding", literal=True)  # in one write, as a paste or a script sends it
    term.wait_for("1 of 6 actions")
    term.keys("Enter")  # back to the table
    term.keys("Enter")  # open the one action found
    term.wait_for("Action A5 · version")  # the card's own title, not the table's row
    term.keys("u")
    term.wait_for("Progress update")
    term.keys("Route agreed with the police and health partners.", literal=True)
    term.keys("C-s")
    term.wait_for("Saved: action A5")
    term.wait_for("Action A5 · version 2")  # the card has reloaded the saved action
    term.keys("Escape")
    term.wait_for("1 of 6 actions")  # home again, the search still applied
    term.wait_for("Open")  # (the home key bar, not the card's)
    quit_and_wait(term)
    action, newest = newest_entry(path, "A5")
    assert (newest.kind, newest.author) == ("note", "Terry Terminal")
    assert newest.commentary == "Route agreed with the police and health partners."
    assert action["last_commentary"] == newest.commentary


def test_keys_sent_in_one_write_are_handled_in_order(terminal):
    # "/", the search, enter (back to the table), enter (open the card), u (update):
    # each changes the focus or the screen before the next arrives, all in one write.
    term, path = terminal
    term.wait_for("Agree the committee")
    term.keys("/safeguarding\r\ru", literal=True)
    term.wait_for("Progress update")
    term.wait_for("Action A5:")  # the form is on A5, the one action the search found
    term.keys("Sent in one go.", literal=True)
    term.keys("C-s")
    term.wait_for("Action A5 · version 2")
    quit_and_wait(term)
    _, newest = newest_entry(path, "A5")
    assert (newest.kind, newest.commentary) == ("note", "Sent in one go.")
