"""The command palette (ctrl+p) and the key bar offer, on each screen, what works there."""

from __future__ import annotations

import pytest

from tests.tui.tui_helpers import run_async, settle
from tui.app.app import ActregApp, key_sections
from tui.app.commands import APP_COMMANDS, COMMANDS, SCREEN_COMMANDS, ActregCommands
from tui.base.command import bindings
from tui.screens.action import ActionScreen
from tui.screens.help import HelpScreen
from tui.screens.meetings import MeetingsScreen
from tui.screens.register import RegisterScreen
from tui.screens.round_review import RoundReviewScreen
from tui.widgets.key_bar import KeyBar

SCREENS = (RegisterScreen, ActionScreen, MeetingsScreen, RoundReviewScreen)


def test_every_screen_with_commands_is_listed():
    assert set(SCREEN_COMMANDS) == set(SCREENS)


@pytest.mark.parametrize("cls", SCREENS, ids=lambda cls: cls.__name__)
def test_every_command_runs_an_action_its_screen_has(cls):
    for name, _, action in SCREEN_COMMANDS[cls]:
        owner, _, call = action.partition(".")
        method = f"action_{call.split('(')[0]}"
        assert hasattr(cls if owner == "screen" else ActregApp, method), (cls.__name__, name)


def test_every_key_a_screen_shows_has_a_command_there():
    for cls in SCREENS:
        offered = {action.split(".", 1)[1] for _, _, action in SCREEN_COMMANDS[cls]}
        for binding in cls.BINDINGS:
            if binding.show and binding.action not in ("back",):
                assert binding.action in offered, (cls.__name__, binding.key, binding.action)
    app_actions = {action.split(".", 1)[1] for _, _, action in APP_COMMANDS}
    for binding in ActregApp.BINDINGS:
        if binding.show and binding.action not in ("quit", "triage"):  # quit: Textual's own
            assert binding.action in app_actions, binding.key


def test_no_command_is_listed_twice_or_still_coming_soon():
    names = [name for name, _, _ in COMMANDS]
    assert len(names) == len(set(names))
    assert not any("coming soon" in help_text for _, help_text, _ in COMMANDS)
    assert "Quit" not in names  # Textual's system commands have it


async def offered(app) -> list[str]:
    provider = ActregCommands(app.screen)
    return [name for name, _, _ in provider._available()]


async def palette_help(app) -> dict[str, str]:
    provider = ActregCommands(app.screen)
    return {name: help_text for name, help_text, _ in provider._available()}


def test_no_command_types_its_key_into_its_help():
    # The palette adds the keys from the bindings; a key typed here would go stale.
    for name, help_text, _ in COMMANDS:
        assert not help_text.endswith(")"), name


@run_async
async def test_the_palette_shows_the_keys_each_screen_binds(mat_conn):
    app = ActregApp(mat_conn, author="tester")
    async with app.run_test(size=(200, 40)) as pilot:
        await settle(pilot)
        home = await palette_help(app)
        assert home["Toggle overdue filter"] == "Only actions past their target (o)"
        assert home["Cycle sort column"] == "Sort by the next column (>)"
        assert home["Clear filters"] == "Show every action (esc)"
        assert home["Triage"].endswith(" (t)")  # an app key
        assert home["Verify the register: hash chain, projection, snapshots"].endswith(" (V)")
        assert home["Help"].endswith(" (?)")
        await pilot.press("m")
        await settle(pilot)
        assert isinstance(app.screen, MeetingsScreen)
        meetings = await palette_help(app)
        assert meetings["Open the snapshot"] == "The selected meeting's frozen table (o, ⏎)"
        assert meetings["Take a snapshot"].endswith(" (s)")


@run_async
async def test_one_declaration_gives_the_binding_key_bar_help_line_and_palette_entry(mat_conn):
    app = ActregApp(mat_conn, author="tester")
    async with app.run_test(size=(240, 40)) as pilot:
        await settle(pilot)
        assert bindings(RegisterScreen.COMMAND_LIST) == RegisterScreen.BINDINGS
        bar = {key.key: key.tooltip for key in app.screen.query_one(KeyBar)._keys}
        palette = await palette_help(app)
        for command in RegisterScreen.COMMAND_LIST:
            if command.show:
                assert bar[command.key] == command.help, command.key
            if command.name is not None:
                key = app.get_key_display(command.binding())
                assert palette[command.name] == f"{command.palette_line} ({key})", command.name
        lines = dict(key_lines(HelpScreen(key_sections())))
        assert lines["o"] == "Only overdue actions (toggle)"


def key_lines(help_screen: HelpScreen):
    for _, section in help_screen.sections:
        for binding in section:
            yield binding.key, binding.tooltip or binding.description


@run_async
async def test_each_screen_offers_its_own_commands_and_keys(mat_conn):
    app = ActregApp(mat_conn, author="tester")
    async with app.run_test(size=(200, 40)) as pilot:
        await settle(pilot)
        home = await offered(app)
        assert "Open action" in home and "Triage" in home and "Take a snapshot" not in home
        assert "t" in [key.key for key in app.screen.query_one(KeyBar)._keys]
        await pilot.press("enter")  # the card: no triage (it starts from the register)
        await settle(pilot)
        assert isinstance(app.screen, ActionScreen)
        card = await offered(app)
        assert "Progress update" in card and "Triage" not in card and "New action" not in card
        assert "t" not in [key.key for key in app.screen.query_one(KeyBar)._keys]
        await pilot.press("escape", "m")
        await settle(pilot)
        assert isinstance(app.screen, MeetingsScreen)
        meetings = await offered(app)
        assert "Open the snapshot" in meetings and "Open action" not in meetings
        assert "Meetings and snapshots" not in meetings  # (already here)
        assert "Add a meeting" in meetings and "Export the snapshot" in meetings


@run_async
async def test_help_and_the_filter_menu_show_their_own_keys(mat_conn):
    app = ActregApp(mat_conn, author="tester")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        assert [key.key for key in app.screen.query_one(KeyBar)._keys] == ["escape"]
        await pilot.press("escape", "f")
        await settle(pilot)
        keys = [key.key for key in app.screen.query_one(KeyBar)._keys]
        assert keys == ["ctrl+s", "escape"]
