"""The key bar at the bottom of every screen: the keys that work here, clickable."""

from __future__ import annotations

from tests.tui.tui_helpers import run_async, settle
from tui.app.app import ActregApp
from tui.screens.form_screen import FormScreen
from tui.widgets.key_bar import KeyBar


def key_line(app) -> str:
    bar = app.screen.query_one(KeyBar)
    return bar.render_line(0).text


@run_async
async def test_home_shows_its_keys_and_the_palette_key_on_the_right(mat_conn):
    app = ActregApp(mat_conn, author="tester")
    async with app.run_test(size=(200, 30)) as pilot:
        await settle(pilot)
        line = key_line(app)
        for words in ("⏎ Open", "/ Search", "o Overdue", "n New", "u Update", "q Quit", "? Help"):
            assert words in line, line
        assert line.rstrip().endswith("^p Commands"), line
        assert len(line) == 200


@run_async
async def test_a_narrow_screen_drops_whole_keys_never_half_a_word(mat_conn):
    app = ActregApp(mat_conn, author="tester")
    async with app.run_test(size=(60, 24)) as pilot:
        await settle(pilot)
        line = key_line(app)
        assert len(line) == 60
        assert line.rstrip().endswith("^p Commands"), line
        shown = [key.key for key in app.screen.query_one(KeyBar)._keys]
        assert shown[0] == "enter" and shown[-2:] == ["question_mark", "ctrl+p"]
        assert "w" not in shown  # no room for it; help (pinned) lists it
        # Every key shown is whole: its description ends where its cells end.
        for key in app.screen.query_one(KeyBar)._keys:
            assert line[key.end - 1] == " " or key.end == len(line.rstrip()), (key, line)


@run_async
async def test_at_80_columns_each_screen_keeps_the_keys_needed_most(mat_conn):
    app = ActregApp(mat_conn, author="tester")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        home = key_line(app)
        for words in ("⏎ Open", "/ Search", "f Filter", "n New", "u Update", "t Triage"):
            assert words in home, home
        await pilot.press("enter")
        await settle(pilot)
        card = key_line(app)
        for words in ("esc Back", "u Update", "c Close", "d Re-date", "r RAG", "s Status"):
            assert words in card, card
        assert "e Edit" not in card  # less used: listed by ?
        await pilot.press("escape", "m")
        await settle(pilot)
        meetings = key_line(app)
        for words in ("esc Back", "o Open", "c Changes", "e Export", "s Snapshot"):
            assert words in meetings, meetings
        for line in (home, card, meetings):
            assert line.rstrip().endswith("? Help  ^p Commands"), line


@run_async
async def test_clicking_a_key_presses_it(mat_conn):
    app = ActregApp(mat_conn, author="tester")
    async with app.run_test(size=(160, 30)) as pilot:
        await settle(pilot)
        bar = app.screen.query_one(KeyBar)
        overdue = next(key for key in bar._keys if key.key == "o")
        await pilot.click(KeyBar, offset=(overdue.start + 1, 0))
        await settle(pilot)
        assert app.screen.flt.overdue


@run_async
async def test_the_key_under_the_mouse_is_highlighted_and_explained(mat_conn):
    app = ActregApp(mat_conn, author="tester")
    async with app.run_test(size=(160, 30)) as pilot:
        await settle(pilot)
        bar = app.screen.query_one(KeyBar)
        overdue = next(key for key in bar._keys if key.key == "o")

        def styles_at(x: int) -> set[bool]:
            return {bool(s.style and s.style.reverse) for s in bar.render_line(0).crop(x, x + 1)}

        assert styles_at(overdue.start) == {False}
        await pilot.hover(KeyBar, offset=(overdue.start + 1, 0))
        await settle(pilot)
        assert styles_at(overdue.start) == {True} and styles_at(overdue.end) == {False}
        assert bar.tooltip == "Only overdue actions (toggle)"


@run_async
async def test_a_form_shows_its_own_keys(mat_conn):
    app = ActregApp(mat_conn, author="tester")
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await pilot.press("u")
        await settle(pilot)
        assert isinstance(app.screen, FormScreen)
        line = key_line(app)
        assert "^s Save" in line and "esc Cancel" in line
        assert "Overdue" not in line  # not the register's keys beneath
