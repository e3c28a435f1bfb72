"""Verify the register in the TUI (V or the palette): progress, OK, FAILED, expected hash."""

from __future__ import annotations

import sqlite3
import threading

from textual.widgets import Input, ProgressBar, Static

from db.integrity.verifier import VerifyReport
from db.store import log
from db.store.connection import open_register
from tests.tui.tui_helpers import run_async, settle
from tui.app.app import ActregApp
from tui.app.commands import COMMANDS
from tui.screens import verify_screen
from tui.screens.verify_screen import VerifyScreen

SIZE = (140, 45)
PALETTE_NAME = "Verify the register: hash chain, projection, snapshots"


def text_of(screen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


async def open_with_key(pilot) -> VerifyScreen:
    await settle(pilot)
    await pilot.press("V")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, VerifyScreen)
    assert screen.focused is screen.query_one("#verify-expect", Input)
    return screen


async def run_check(pilot, expect: str = "") -> VerifyScreen:
    screen = pilot.app.screen
    if expect:
        screen.query_one("#verify-expect", Input).value = expect
    await pilot.press("enter")
    await settle(pilot)
    assert screen.busy is False
    return screen


def head_hash(conn) -> str:
    return log.head(conn)[1]


@run_async
async def test_palette_opens_it_and_a_good_register_is_ok_with_its_head_hash(mat_conn):
    assert any(name == PALETTE_NAME for name, _, _ in COMMANDS)
    want = head_hash(mat_conn)
    app = ActregApp(mat_conn, author="tester")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p", *"verify the register")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, VerifyScreen)
        await run_check(pilot)
        result = text_of(screen, "#verify-result")
        assert "Register OK: 21 entries, 6 actions, 0 snapshots checked" in result
        assert f"head hash {want}" in result
        assert "FAILED" not in result
        assert screen.report.ok and screen.report.head_hash == want
        bar = screen.query_one(ProgressBar)
        assert bar.total == 21 and bar.progress == 21  # (the settings, then 20 entries)
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, VerifyScreen)


@run_async
async def test_expected_hash_found_and_not_found(mat_conn):
    want = head_hash(mat_conn)
    app = ActregApp(mat_conn, author="tester")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_with_key(pilot)
        await run_check(pilot, "f" * 64)
        result = text_of(screen, "#verify-result")
        assert f"The expected hash {'f' * 64} was NOT found" in result
        assert screen.report.expected_found is False and not screen.report.ok
        await run_check(pilot, f"  {want.upper()}  ")
        result = text_of(screen, "#verify-result")
        assert "Register OK" in result
        assert f"The expected hash {want.upper()} was found" in result
        assert "NOT found" not in result


@run_async
async def test_a_tampered_register_fails_and_names_the_entry(mat_path):
    plain = sqlite3.connect(mat_path)
    plain.execute("DROP TRIGGER progress_log_no_update")
    plain.execute("UPDATE progress_log SET commentary = 'Nothing to see' WHERE id = 8")
    plain.commit()
    plain.close()
    conn = open_register(mat_path, readonly=True)
    try:
        app = ActregApp(conn, author="tester")
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_with_key(pilot)
            await run_check(pilot)
            result = text_of(screen, "#verify-result")
            assert "Verify FAILED" in result
            assert "Register OK" not in result
            assert "entry #8" in result
            assert "its content does not match its hash" in result
            assert screen.report.problems
    finally:
        conn.close()


@run_async
async def test_progress_callback_drives_the_bar(mat_conn, monkeypatch):
    calls = []

    def fake_verify(conn, *, expect=None, progress=None):
        for done in (0, 250, 500, 750, 1000):
            progress(done, 1000)
            calls.append(done)
        return VerifyReport(entries=1000, actions=3, head_hash="ab" * 32)

    monkeypatch.setattr(verify_screen, "verify", fake_verify)
    app = ActregApp(mat_conn, author="tester")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_with_key(pilot)
        await run_check(pilot)
        await pilot.pause()
        assert calls == [0, 250, 500, 750, 1000]
        bar = screen.query_one(ProgressBar)
        assert (bar.progress, bar.total) == (1000, 1000)
        assert "Register OK: 1,000 entries, 3 actions" in text_of(screen, "#verify-result")
        assert f"head hash {'ab' * 32}" in text_of(screen, "#verify-result")


@run_async
async def test_escape_while_running_closes_at_once(mat_conn, monkeypatch):
    release = threading.Event()

    def slow_verify(conn, *, expect=None, progress=None):
        progress(1, 10)
        release.wait(5)
        return VerifyReport(entries=10)

    monkeypatch.setattr(verify_screen, "verify", slow_verify)
    app = ActregApp(mat_conn, author="tester")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_with_key(pilot)
        await pilot.press("enter")
        await pilot.pause(0.1)
        assert screen.busy
        assert "1 of 10 entries" in text_of(screen, "#verify-count")
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, VerifyScreen)
        release.set()
        await settle(pilot)
        assert not isinstance(app.screen, VerifyScreen)


@run_async
async def test_help_lists_the_key(mat_conn):
    app = ActregApp(mat_conn, author="tester")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        sections = dict(app.screen.sections)
        assert sections["Verify the register (V)"] is VerifyScreen.BINDINGS
        home = {b.key: b.tooltip for b in sections["Register (home)"]}
        assert "Verify the register" in home["V"]


@run_async
async def test_verify_reads_the_log_once_in_the_tuis_own_process(mat_conn, monkeypatch):
    # One pass: the chain and the replay share one read of the log (they were two
    # reads, and on a big register a second process fed a pickled sys.path).
    import subprocess

    reads = []
    entries = log.entries

    def counted(*args, **kwargs):
        reads.append(kwargs)
        return entries(*args, **kwargs)

    def no_child(*args, **kwargs):
        raise AssertionError("verify started another process")

    monkeypatch.setattr(log, "entries", counted)
    monkeypatch.setattr(subprocess, "Popen", no_child)
    want = head_hash(mat_conn)
    app = ActregApp(mat_conn, author="tester")
    async with app.run_test(size=SIZE) as pilot:
        await open_with_key(pilot)
        screen = await run_check(pilot)
        assert screen.report is not None and screen.report.ok, screen.report
        assert screen.report.head_hash == want
    assert len(reads) == 1, reads
