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

    def wait_for(self, text: str, timeout: float = 20.0) -> str:
        deadline = time.monotonic() + timeout
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


def test_search_open_update_and_quit_in_a_real_terminal(tmp_path):
    path = tmp_path / "register.db"
    build_register(path)
    term = Terminal(f"ACTREG_TODAY={TODAY} ACTREG_AUTHOR='Terry Terminal' {ACTREG} --db {path}")
    try:
        term.wait_for("Agree the committee")  # the table has its rows
        term.keys("/safeguarding", literal=True)  # in one write, as a paste or a script sends it
        term.wait_for("1 of 6 actions")
        term.keys("Enter")  # back to the table
        term.keys("Enter")  # open the one action found
        term.wait_for("Review the safeguarding escalation route")
        term.wait_for("Progress log")
        term.keys("u")
        term.wait_for("Progress update")
        term.keys("Route agreed with the police and health partners.", literal=True)
        term.keys("C-s")
        term.wait_for("Saved: action A5")
        term.keys("Escape")
        term.wait_for("1 of 6 actions")  # home again, the search still applied
        term.keys("q")
        deadline = time.monotonic() + 10
        while term.alive() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not term.alive(), f"actreg did not quit on q:\n{term.screen()}"
    finally:
        term.close()
    conn = open_register(path)
    action = get_action(conn, "A5")
    newest = action_log(conn, action["id"])[0]
    assert (newest.kind, newest.author) == ("note", "Terry Terminal")
    assert newest.commentary == "Route agreed with the police and health partners."
    assert action["last_commentary"] == newest.commentary
    assert verify(conn).ok
    conn.close()
