"""A triage session starts on its first cards while the rest of the queue is read.

The fixed register's queue is A3, A1, A5 (see test_triage). The reads are held back
by wrapping the functions the screen calls, so each test sees the screen exactly
while a read is under way: a session started on the first two cards, and keys typed
before the first card came.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import threading
import time

import pytest
from textual.widgets import Static

from tests.tui.tui_helpers import run_async, settle
from tui.app.app import ActregApp
from tui.screens import triage as triage_screen
from tui.screens.register import RegisterScreen
from tui.screens.triage import TriageScreen, TriageSummary


def title_text(app) -> str:
    return str(app.screen.query_one("#triage-title", Static).render())


def entries_by(path, author: str) -> list[tuple[str, str]]:
    """What `author` has written, read on a connection of its own (the app's own one is
    busy with the read the test holds)."""
    with contextlib.closing(sqlite3.connect(path)) as conn:
        rows = conn.execute(
            "SELECT a.ref, p.kind FROM progress_log p JOIN action a ON a.id = p.action_id"
            " WHERE p.author = ? ORDER BY p.id",
            (author,),
        )
        return rows.fetchall()


async def until(pilot, predicate, timeout: float = 10.0) -> None:
    """Wait for what the screen shows (settle would wait for the held read)."""
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "the screen never showed it"
        await pilot.pause(0.01)


def shown_ref(app) -> str | None:
    screen = app.screen
    return screen.row["ref"] if isinstance(screen, TriageScreen) and screen.row else None


def hold_in_sql(conn, release: threading.Event) -> None:
    """A read that runs in SQLite until `release` is set, as a long read would: the
    screen's interrupt stops it (sqlite3.OperationalError), as it stops a real one."""
    conn.set_progress_handler(release.is_set, 1000)
    try:
        conn.execute(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*) FROM n"
        ).fetchone()
    except sqlite3.OperationalError:
        if not release.is_set():
            raise  # interrupted by the screen
    finally:
        conn.set_progress_handler(None, 0)


@pytest.fixture
def rest_held(monkeypatch):
    """The whole queue's read runs until the test sets the event; the session starts
    on two cards of the three. Each read of it is counted."""
    release = threading.Event()
    release.reads = []  # type: ignore[attr-defined]
    real = triage_screen.queue_ids

    def held(conn, flt, *, overdue_only=False, limit=None):
        if limit is None:  # the whole order, read behind the first cards
            release.reads.append(time.monotonic())  # type: ignore[attr-defined]
            hold_in_sql(conn, release)
        return real(conn, flt, overdue_only=overdue_only, limit=limit)

    monkeypatch.setattr(triage_screen, "queue_ids", held)
    monkeypatch.setattr(triage_screen, "FIRST_CARDS", 2)
    yield release
    release.set()  # (a failed test leaves no read running)


@run_async
async def test_the_first_card_shows_and_takes_decisions_before_the_queue_is_counted(
    mat_conn, mat_path, rest_held
):
    app = ActregApp(mat_conn, author="tester")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("t")
        await until(pilot, lambda: shown_ref(app) == "A3")
        assert "1 of … (counting)" in title_text(app)  # never a count not yet known
        assert "overdue by 32 days" in str(app.screen.query_one("#triage-card", Static).render())

        await pilot.press("x")  # a decision on the first card, the rest still unread
        await until(pilot, lambda: entries_by(mat_path, "tester") == [("A3", "chased")])
        await until(pilot, lambda: "1 decision so far" in title_text(app))
        # The read gave way to the decision (it holds the one connection) and began again.
        await until(pilot, lambda: len(rest_held.reads) >= 2)
        await pilot.press("space")  # the second card is among the first read
        await until(pilot, lambda: shown_ref(app) == "A1")
        assert "2 of … (counting)" in title_text(app)

        await pilot.press("space", "x")  # the third is not known yet: both keys wait
        await asyncio.sleep(0.2)
        assert shown_ref(app) == "A1" and len(entries_by(mat_path, "tester")) == 1

        rest_held.set()
        await settle(pilot)
        assert shown_ref(app) == "A5" and "3 of 3" in title_text(app), [
            n.message for n in app._notifications
        ] + [
            title_text(app),
            app.screen.session.ids,
            app.screen.session.complete,
            app.screen._next_when_counted,
        ]
        # The chase typed after space waited for A5's card, and landed on it.
        assert entries_by(mat_path, "tester") == [("A3", "chased"), ("A5", "chased")]
        ids = dict(mat_conn.execute("SELECT ref, id FROM action"))
        assert app.screen.session.ids == [ids["A3"], ids["A1"], ids["A5"]]
        await pilot.press("space")  # after the last card: the summary, as before
        await settle(pilot)
        assert isinstance(app.screen, TriageSummary)
        assert app.screen.counts["reviewed"] == 3 and app.screen.counts["chased"] == 2


@run_async
async def test_ending_the_session_while_the_rest_is_read(mat_conn, rest_held):
    app = ActregApp(mat_conn, author="tester")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("t")
        await until(pilot, lambda: shown_ref(app) == "A3")
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, TriageSummary))
        rest_held.set()  # the read comes back to a session that has ended
        await settle(pilot)
        assert isinstance(app.screen, TriageSummary)
        assert app.screen.counts["reviewed"] == 1
        assert not [n for n in app._notifications if n.severity == "error"]
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, RegisterScreen)


@run_async
async def test_keys_typed_before_the_first_card_act_on_it(mat_conn, mat_path, monkeypatch):
    release = threading.Event()
    real = triage_screen._first_cards

    def held(conn, flt, size):
        assert release.wait(10), "the test never let the read go"
        return real(conn, flt, size)

    monkeypatch.setattr(triage_screen, "_first_cards", held)
    app = ActregApp(mat_conn, author="tester")
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            await pilot.press("t", "x", "space")
            await until(pilot, lambda: isinstance(app.screen, TriageScreen))
            await asyncio.sleep(0.2)
            assert "reading the queue" in title_text(app)
            assert entries_by(mat_path, "tester") == []
            release.set()
            await settle(pilot)
            # x chased the first card once it came; space then moved on to the second.
            assert entries_by(mat_path, "tester") == [("A3", "chased")]
            assert shown_ref(app) == "A1" and "2 of 3" in title_text(app)
    finally:
        release.set()
