"""Filter menu, errors from db shown (never raised), and forms opened from the table."""

from __future__ import annotations

from textual.widgets import Select, Static

from db.read.queries import ActionFilter, count_actions
from db.store.register import edit_field
from tests.tui.tui_helpers import run_async, settle
from tui.app.app import ActregApp
from tui.screens.filter_menu import FilterMenu
from tui.screens.form_screen import FormScreen
from tui.screens.register import RegisterScreen
from tui.widgets.action_table import ActionTable
from tui.widgets.register_bar import RegisterBar


@run_async
async def test_filter_menu_narrows_by_owner_and_status(mat_conn):
    app = ActregApp(mat_conn, author="tester")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f")
        await settle(pilot)
        menu = app.screen
        assert isinstance(menu, FilterMenu)
        owners = menu.query_one("#f-owner", Select)
        assert [str(label) for label, _ in owners._options if _ is not Select.NULL] == [
            "Ali Khan",
            "Jo Smith",
            "Mia Chen",
            "Sam Patel",
        ]
        owners.value = "Jo Smith"
        menu.query_one("#f-status", Select).value = "closed"
        await pilot.press("ctrl+s")
        await settle(pilot)
        table = app.screen.query_one(ActionTable)
        assert [table.row_at(i)["ref"] for i in range(table.total)] == ["A4"]
        chips = app.screen.query_one(RegisterBar).chips_text
        assert "owner: Jo Smith" in chips and "Closed" in chips
        await pilot.press("f")
        await settle(pilot)
        await pilot.press("escape")  # cancel leaves the filters as they were
        await settle(pilot)
        assert table.total == 1


@run_async
async def test_filter_menu_keeps_filters_it_cannot_show_as_one_choice(mat_conn):
    app = ActregApp(mat_conn, author="tester")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("1", "2")  # red and amber
        await settle(pilot)
        table = app.screen.query_one(ActionTable)
        assert {table.row_at(i)["ref"] for i in range(table.total)} == {"A1", "A3"}
        await pilot.press("f")
        await settle(pilot)
        rag = app.screen.query_one("#f-rag", Select)
        labels = {value: str(label) for label, value in rag._options}
        assert labels[rag.value] == "R Red or A Amber"  # shown as it is
        await pilot.press("ctrl+s")  # applied unchanged: both stay
        await settle(pilot)
        assert app.screen.flt.rags == ("red", "amber") and table.total == 2
        await pilot.press("f")
        await settle(pilot)
        app.screen.query_one("#f-rag", Select).value = "green"  # one chosen instead
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen.flt.rags == ("green",)
        assert [table.row_at(i)["ref"] for i in range(table.total)] == ["A2"]


@run_async
async def test_filter_menu_narrows_by_theme_and_shows_a_chip(mat_conn):
    edit_field(mat_conn, "A2", "theme", "Procurement", reason="Grouping", author="tester")
    edit_field(mat_conn, "A5", "theme", "Procurement", reason="Grouping", author="tester")
    edit_field(mat_conn, "A3", "theme", "Training", reason="Grouping", author="tester")
    app = ActregApp(mat_conn, author="tester")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f")
        await settle(pilot)
        themes = app.screen.query_one("#f-theme", Select)
        assert [value for _, value in themes._options if value is not Select.NULL] == [
            "Procurement",
            "Training",
        ]
        themes.value = "Procurement"
        await pilot.press("ctrl+s")
        await settle(pilot)
        table = app.screen.query_one(ActionTable)
        assert [table.row_at(i)["ref"] for i in range(table.total)] == ["A2", "A5"]
        assert table.total == count_actions(mat_conn, ActionFilter(theme="Procurement"))
        assert "theme: Procurement" in app.screen.query_one(RegisterBar).chips_text
        await pilot.press("escape")  # clears it with the rest
        await settle(pilot)
        assert table.total == 6 and app.screen.flt.theme is None


@run_async
async def test_capital_letters_open_the_filter_menu_on_their_list(mat_conn):
    app = ActregApp(mat_conn, author="tester")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        for key, name in (("S", "status"), ("O", "owner"), ("D", "directorate"), ("T", "theme")):
            await pilot.press(key)
            await settle(pilot)
            menu = app.screen
            assert isinstance(menu, FilterMenu)
            select = menu.query_one(f"#f-{name}", Select)
            assert select.expanded and select in menu.focused.ancestors_with_self
            await pilot.press("escape", "escape")  # the list, then the menu
            await settle(pilot)
            assert not isinstance(app.screen, FilterMenu)
        await pilot.press("O")
        await settle(pilot)
        await pilot.press("down", "down", "enter", "ctrl+s")  # past "(any)", the first owner
        await settle(pilot)
        table = app.screen.query_one(ActionTable)
        assert app.screen.flt.owner == "Ali Khan"
        assert {table.row_at(i)["owner"] for i in range(table.total)} == {"Ali Khan"}


@run_async
async def test_a_refused_write_is_shown_in_the_form_not_raised(mat_conn):
    app = ActregApp(mat_conn, author="tester")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("down", "down", "down")  # A4, already closed
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, FormScreen)
        await pilot.press(*"minute")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, FormScreen)
        error = str(app.screen.query_one("#form-error", Static).render())
        assert error == "status: action A4 is already closed"
        await pilot.press("escape")  # something was typed: it asks first
        await pilot.press("n")  # ... and "no" keeps the form
        await settle(pilot)
        assert isinstance(app.screen, FormScreen)


@run_async
async def test_update_from_the_table_row_and_escape_without_typing(mat_conn):
    app = ActregApp(mat_conn, author="tester")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("down", "u")  # A2
        await settle(pilot)
        assert isinstance(app.screen, FormScreen)
        assert "Action A2" in str(app.screen.query_one("#form-intro", Static).render())
        await pilot.press("escape")  # nothing typed: closes at once
        await settle(pilot)
        assert isinstance(app.screen, RegisterScreen)
        await pilot.press("u")
        await settle(pilot)
        await pilot.press(*"half", "space", *"done")
        app.screen.query_one("#field-percent_complete").value = "50"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, RegisterScreen)
        table = app.screen.query_one(ActionTable)
        assert table.current_row["ref"] == "A2"
        assert table.current_row["percent_complete"] == 50
    row = mat_conn.execute(
        "SELECT commentary, author FROM progress_log WHERE kind = 'note' ORDER BY id DESC LIMIT 1"
    ).fetchone()
    assert row == ("half done", "tester")
