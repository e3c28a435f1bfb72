"""The home screen: the table, search, quick filters, sort, and the global keys."""

from __future__ import annotations

import threading

import pytest
from textual import events
from textual.screen import Screen
from textual.widgets import Static

from db.cycles import meetings
from db.store import register as writes
from db.store.connection import open_register
from tests.tui.tui_helpers import run_async, settle
from tui.app.app import ActregApp
from tui.screens import register
from tui.screens.action import ActionScreen
from tui.screens.form_screen import FormScreen
from tui.screens.help import HelpScreen
from tui.screens.register import next_meeting_part
from tui.text.formatting import OVERDUE_STYLE, SLIPPED_STYLE
from tui.widgets import action_table
from tui.widgets.action_table import ActionTable
from tui.widgets.register_bar import RegisterBar


def count_text(app) -> str:
    return app.screen.query_one(RegisterBar).count_text


def first_style(strip):
    return next(iter(strip)).style


def notifications(app) -> list[str]:
    return [n.message for n in app._notifications]


@run_async
async def test_home_lists_every_action_in_natural_ref_order(mat_conn):
    app = ActregApp(mat_conn, author="tester")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(ActionTable)
        assert table.total == 6
        assert [table.row_at(i)["ref"] for i in range(6)] == ["A1", "A2", "A3", "A4", "A5", "A10"]
        assert count_text(app) == "6 actions"
        header = app.screen.query_one(RegisterBar).title_text
        assert "Lessons Learned MAT" in header and "In progress 2" in header


def first_frame_of(monkeypatch) -> list[tuple]:
    """(title, count, total, first row, cursor style) as the first frame painted them."""
    first: list[tuple] = []
    paint = Screen._compositor_refresh

    def noted(screen) -> None:
        paint(screen)
        if not first:
            bar, table = screen.query_one(RegisterBar), screen.query_one(ActionTable)
            cursor_style = first_style(table.render_line(1))  # focused, from the start
            first.append(
                (bar.title_text, bar.count_text, table.total, table.row_at(0), cursor_style)
            )

    monkeypatch.setattr(Screen, "_compositor_refresh", noted)
    return first


@run_async
async def test_the_first_frame_has_the_whole_header_the_count_and_the_rows(mat_conn, monkeypatch):
    app = ActregApp(mat_conn, author="tester")
    first = first_frame_of(monkeypatch)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        [(title, count, total, row, cursor_style)] = first
        # Small enough to count at start-up: the header never grows under the table.
        assert title == app.screen.query_one(RegisterBar).title_text
        assert title.startswith("Lessons Learned MAT · 6 actions ·") and "In progress 2" in title
        assert count == "6 actions" and total == 6 and row["ref"] == "A1"
        table = app.screen.query_one(ActionTable)
        assert table.has_focus and cursor_style == first_style(table.render_line(1))
        table.blur()
        await settle(pilot)
        assert cursor_style != first_style(table.render_line(1))  # (focus shows)


@run_async
async def test_a_big_register_has_its_name_and_total_first_and_the_counts_after(
    mat_conn, monkeypatch
):
    monkeypatch.setattr(register, "COUNT_AT_START", 5)  # (6 actions: "big")
    app = ActregApp(mat_conn, author="tester")
    first = first_frame_of(monkeypatch)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        [(title, count, total, row, _)] = first
        assert title == "Lessons Learned MAT · 6 actions"  # counts by status and RAG follow
        assert count == "6 actions" and total == 6 and row["ref"] == "A1"
        assert "In progress 2" in app.screen.query_one(RegisterBar).title_text


@run_async
async def test_the_header_names_the_next_meeting_and_days_to_its_paper_deadline(mat_conn):
    app = ActregApp(mat_conn, author="tester")
    async with app.run_test(size=(200, 40)) as pilot:
        await settle(pilot)
        assert "Next:" not in app.screen.query_one(RegisterBar).title_text  # no meetings yet
        meetings.add_meeting(mat_conn, "2026-07-15", committee="Audit", deadline="2026-06-05")
        await pilot.press("m")  # (as if added on the meetings screen) and back home
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        bar = app.screen.query_one(RegisterBar)
        assert "· Next: Audit 2026-07-15, papers due 2026-06-05 (in 4 days)" in bar.title_text
        part = bar.title[-1]
        assert part.plain.startswith("· Next:") and part.style == SLIPPED_STYLE  # 4 days: close


@run_async
async def test_a_title_part_wider_than_the_screen_wraps_instead_of_being_cut(mat_conn):
    meetings.add_meeting(mat_conn, "2026-07-15", committee="Governance and Audit Committee")
    app = ActregApp(mat_conn, author="tester")
    async with app.run_test(size=(60, 24)) as pilot:
        await settle(pilot)
        bar = app.screen.query_one(RegisterBar)
        lines = [bar.render_line(y).text.rstrip() for y in range(bar.size.height - 1)]
        assert all(len(line) <= 60 for line in lines)
        shown = " ".join(line.strip() for line in lines)
        part = next_meeting_part(meetings.next_update_due(mat_conn)).plain
        assert len(part) > 60 and part in shown  # whole, over two lines


@pytest.mark.parametrize(
    ("days", "phrase", "style"),
    [
        (30, "in 30 days", ""),
        (7, "in 7 days", SLIPPED_STYLE),
        (0, "today", SLIPPED_STYLE),
        (-2, "2 days ago", OVERDUE_STYLE),
    ],
)
def test_the_next_meeting_is_marked_as_its_paper_deadline_nears(days, phrase, style):
    nxt = {
        "committee": "Audit",
        "meeting_date": "2026-07-15",
        "paper_deadline": "2026-07-01",
        "days_to_deadline": days,
    }
    part = next_meeting_part(nxt)
    assert part.plain == f"· Next: Audit 2026-07-15, papers due 2026-07-01 ({phrase})"
    assert part.style == style


@run_async
async def test_search_narrows_the_count_as_you_type(mat_conn):
    app = ActregApp(mat_conn, author="tester")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"procure")
        await pilot.pause(0.2)
        await settle(pilot)
        table = app.screen.query_one(ActionTable)
        assert table.total == 1
        assert table.row_at(0)["ref"] == "A3"
        assert count_text(app) == "1 of 6 actions"
        # Commentary is searched too: "drafted" is only in A10's note.
        await pilot.press(*("backspace",) * 7, *"drafted")
        await pilot.pause(0.2)
        await settle(pilot)
        assert table.total == 1 and table.row_at(0)["ref"] == "A10"
        await pilot.press("escape")
        await settle(pilot)
        assert table.total == 6 and count_text(app) == "6 actions"


@run_async
async def test_search_typed_the_moment_the_app_starts_loses_no_letter(mat_conn):
    # The search box is mounted just after the first frame: "/" pressed before then
    # mounts it at once, and the letters after it still land in it.
    app = ActregApp(mat_conn, author="tester")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("slash", *"procure")
        await pilot.pause(0.2)
        await settle(pilot)
        assert app.screen.query_one(RegisterBar).search_input.value == "procure"
        table = app.screen.query_one(ActionTable)
        assert table.total == 1 and table.row_at(0)["ref"] == "A3"


@run_async
async def test_letters_that_arrive_with_the_slash_all_reach_the_search_box(mat_conn):
    # As tmux, a paste or a fast typist delivers them: queued before "/" is handled.
    app = ActregApp(mat_conn, author="tester")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        for key, character in [("slash", "/"), *((c, c) for c in "procure")]:
            app.post_message(events.Key(key, character))
        await pilot.pause(0.2)
        await settle(pilot)
        assert app.screen.query_one(RegisterBar).search_input.value == "procure"
        assert app.screen.flt.search == "procure" and not app.screen.flt.overdue


@run_async
async def test_overdue_filter_key_toggles_and_shows_a_chip(mat_conn):
    app = ActregApp(mat_conn, author="tester")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
        table = app.screen.query_one(ActionTable)
        # A1 (2026-05-15) and A3 (2026-04-30) are open and past target; A4 is closed.
        assert {table.row_at(i)["ref"] for i in range(table.total)} == {"A1", "A3"}
        assert count_text(app) == "2 of 6 actions"
        assert "overdue" in app.screen.query_one(RegisterBar).chips_text
        await pilot.press("3")  # and green: none is both
        await settle(pilot)
        assert table.total == 0
        await pilot.press("escape")
        await settle(pilot)
        assert table.total == 6
        assert "no filters" in app.screen.query_one(RegisterBar).chips_text


@run_async
async def test_stale_filter_and_sort_key(mat_conn):
    app = ActregApp(mat_conn, author="tester")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("w")
        await settle(pilot)
        table = app.screen.query_one(ActionTable)
        assert [table.row_at(i)["ref"] for i in range(table.total)] == ["A5"]
        await pilot.press("escape", "greater_than_sign")  # sort by title
        await settle(pilot)
        titles = [table.row_at(i)["title"] for i in range(6)]
        assert titles == sorted(titles, key=str.casefold)
        await pilot.press("less_than_sign")
        await settle(pilot)
        assert [table.row_at(i)["title"] for i in range(6)] == titles[::-1]


@run_async
async def test_enter_opens_the_card_and_escape_comes_back(mat_conn):
    app = ActregApp(mat_conn, author="tester")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ActionScreen)
        text = "\n".join(line.plain for line in app.screen.query_one("#card").lines)
        assert "Refresh the governance framework" in text
        assert "OVERDUE by 17 days" in text and "SLIPPED 2 times" in text
        assert "Original target: 2026-03-31" in text
        assert "Progress log (6 entries, newest first)" in text
        # newest first: the RAG change comes before the creation
        assert text.index("Consultation running late") < text.index("created with target")
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, ActionScreen)


@run_async
async def test_help_lists_the_keys_of_every_screen(mat_conn):
    app = ActregApp(mat_conn, author="tester")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        titles = [title for title, _ in app.screen.sections]
        assert "Register (home)" in titles and "Action card" in titles
        keys = {b.key for _, bindings in app.screen.sections for b in bindings}
        assert {"slash", "o", "w", "f", "n", "u", "e", "d", "s", "r", "c", "t", "m", "q"} <= keys
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


@run_async
async def test_read_only_register_shows_a_banner_and_refuses_edits(mat_path):
    conn = open_register(mat_path, readonly=True)
    try:
        app = ActregApp(conn, author="tester")
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            banner = app.screen.query_one("#banner", Static)
            assert banner.display and "Read-only" in str(banner.render())
            await pilot.press("n")
            await pilot.press("u")
            await pilot.pause()
            assert not isinstance(app.screen, FormScreen)
            assert sum("read-only" in m for m in notifications(app)) == 2
            before = conn.execute("SELECT count(*) FROM progress_log").fetchone()[0]
            for key in ("enter", "escape", "m"):  # the card and the meetings screen say so too
                await pilot.press(key)
                await settle(pilot)
                if key != "escape":
                    banner = app.screen.query_one("#banner", Static)
                    assert "Read-only" in str(banner.render()), type(app.screen).__name__
        assert conn.execute("SELECT count(*) FROM progress_log").fetchone()[0] == before
    finally:
        conn.close()


@run_async
async def test_the_sorted_column_shows_its_arrow_even_when_narrow(mat_conn):
    app = ActregApp(mat_conn, author="tester")
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(ActionTable)
        assert "Ref ▲" in table.render_line(0).text
        while table.query.sort != "rag":
            await pilot.press("greater_than_sign")
            await settle(pilot)
        assert "RA▲" in table.render_line(0).text
        await pilot.press("less_than_sign")
        await settle(pilot)
        assert "RA▼" in table.render_line(0).text


@run_async
async def test_command_palette_runs_an_app_command(mat_conn):
    app = ActregApp(mat_conn, author="tester")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p", *"overdue")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.query_one(ActionTable).total == 2


@run_async
async def test_an_empty_register_says_how_to_start(tmp_path):
    from db.store.connection import create_register

    conn = create_register(tmp_path / "empty.db", name="Empty")
    try:
        app = ActregApp(conn, author="tester")
        async with app.run_test(size=(100, 20)) as pilot:
            await settle(pilot)
            table = app.screen.query_one(ActionTable)
            assert table.total == 0 and count_text(app) == "0 actions"
            line = "".join(seg.text for seg in table.render_line(1))
            assert "no actions yet: press n" in line
            await pilot.press("enter", "u")
            await pilot.pause()
            assert sum("No action is selected" in m for m in notifications(app)) == 2
            await pilot.press("o")
            await settle(pilot)
            line = "".join(seg.text for seg in table.render_line(1))
            assert "No actions match these filters" in line
    finally:
        conn.close()


@run_async
async def test_a_new_theme_repaints_the_bar_and_the_table_in_its_colours(mat_conn):
    # Both look their styles up once, not per line: a theme change must reach them.
    app = ActregApp(mat_conn, author="tester")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        bar, table = app.screen.query_one(RegisterBar), app.screen.query_one(ActionTable)

        def painted() -> tuple:
            return tuple(first_style(strip) for strip in (bar.render_line(0), table.render_line(0)))

        before = painted()
        app.theme = "solarized-light" if app.theme != "solarized-light" else "nord"
        await settle(pilot)
        after = painted()
        assert all(a.bgcolor != b.bgcolor for a, b in zip(before, after, strict=True))
        assert (
            after[0].bgcolor
            == (bar.rich_style + bar.get_component_rich_style("register-bar--title")).bgcolor
        )


@run_async
async def test_owner_and_directorate_share_the_width_by_content(mat_conn):
    from db.store.register import add_action

    owner, directorate = "Director of Corporate Resources", "Adult Social Care and Health"
    add_action(
        mat_conn,
        {
            "ref": "A11",
            "title": "Agree a single escalation route for every safeguarding concern raised",
            "owner": owner,
            "directorate": directorate,
            "target_date": "2026-12-31",
        },
        author="officer",
    )
    app = ActregApp(mat_conn, author="tester")
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(ActionTable)
        lines = [table.render_line(y).text for y in range(table.total + 1)]
        row = next(line for line in lines if line.startswith("A11 "))
        assert owner in row and directorate in row, row
        assert "Agree a single escalation route" in row  # the title keeps its room
        assert "Owner" in lines[0] and "Directorate" in lines[0]
    app = ActregApp(mat_conn, author="tester")
    async with app.run_test(size=(80, 24)) as pilot:  # narrow: the title is not squeezed
        await settle(pilot)
        table = app.screen.query_one(ActionTable)
        row = next(
            table.render_line(y).text
            for y in range(1, table.total + 1)
            if table.render_line(y).text.startswith("A11 ")
        )
        assert "Agree a single escal" in row and "Director of C" in row, row


@run_async
async def test_a_search_shows_action_text_matches_first_then_the_commentary(mat_conn, monkeypatch):
    # "procurement" is in A3's title, and (after this note) in A1's commentary only.
    writes.record_note(mat_conn, "A1", "Procurement route agreed", author="tester")
    gate = threading.Event()
    whole = action_table.all_matches

    def held(conn, query):  # the commentary search, held until the test has looked
        if query.flt.search == "procurement":  # (not one a letter typed earlier)
            gate.wait(30)
        return whole(conn, query)

    monkeypatch.setattr(action_table, "all_matches", held)
    app = ActregApp(mat_conn, author="tester")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(ActionTable)
        try:
            await pilot.press("slash", *"procurement")
            for _ in range(500):
                shown = table.is_current and table.query.flt.search == "procurement"
                if shown and count_text(app) != "counting…":
                    break
                await pilot.pause(0.02)
            assert table.widening and not table.is_settled
            assert table.total == 1 and table.row_at(0)["ref"] == "A3"
            assert count_text(app) == "1 of 6 actions"
        finally:
            gate.set()
        await settle(pilot)
        assert not table.widening and table.total == 2
        assert [table.row_at(i)["ref"] for i in range(2)] == ["A1", "A3"]
        assert table.current_row["ref"] == "A3"  # the cursor stayed on its action
