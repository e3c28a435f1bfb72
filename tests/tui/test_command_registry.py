"""One command registry: every key in tui/ is declared once, as a Command in a COMMAND_LIST.

A key's binding, key-bar label, narrow-bar rank, help line and palette entry all come
from that one declaration (tui.base.command). These tests walk every screen, widget and
app class in tui/ so that a key declared any other way (a hand-made BINDINGS list, a
Binding built outside the registry, a key-bar priority list beside it) fails here.
"""

from __future__ import annotations

import ast
import importlib
import inspect
from pathlib import Path

import pytest
from textual.dom import DOMNode
from textual.screen import Screen

from tests.tui.tui_helpers import run_async, settle
from tui.app.app import ActregApp, key_sections
from tui.base.command import Command, bindings

ROOT = Path(__file__).resolve().parents[2]
TUI = ROOT / "tui"


def _module_names() -> list[str]:
    names = []
    for path in sorted(TUI.rglob("*.py")):
        if path.name == "__main__.py":  # importing it runs the app
            continue
        parts = path.relative_to(ROOT).with_suffix("").parts
        names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


MODULES = [importlib.import_module(name) for name in _module_names()]

#: Every screen, widget and app class defined in tui/.
NODES: list[type[DOMNode]] = [
    cls
    for module in MODULES
    for _, cls in inspect.getmembers(module, inspect.isclass)
    if cls.__module__ == module.__name__ and issubclass(cls, DOMNode)
]
SCREENS = [cls for cls in NODES if issubclass(cls, Screen)]
#: The classes that declare keys of their own.
DECLARING = [cls for cls in NODES if "BINDINGS" in vars(cls) or "COMMAND_LIST" in vars(cls)]


def _name(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


def test_the_walk_finds_every_kind_of_class_that_binds_keys():
    # A walk that found nothing would pass everything below.
    names = {cls.__name__ for cls in DECLARING}
    assert {"ActregApp", "RegisterScreen", "FormScreen", "TriageScreen", "HelpScreen"} <= names
    assert {"ActionTable", "LinesView", "RowTable"} <= names
    assert len(SCREENS) >= 15


@pytest.mark.parametrize("cls", DECLARING, ids=_name)
def test_bindings_come_only_from_the_command_list(cls):
    own = vars(cls)
    assert "COMMAND_LIST" in own, f"{_name(cls)} declares BINDINGS by hand, not in COMMAND_LIST"
    assert "BINDINGS" in own, f"{_name(cls)} has a COMMAND_LIST but binds none of it"
    assert own["BINDINGS"] == bindings(own["COMMAND_LIST"]), (
        f"{_name(cls)}: BINDINGS must be bindings(COMMAND_LIST), nothing added or left out"
    )


@pytest.mark.parametrize("cls", SCREENS, ids=_name)
def test_every_screen_declares_its_keys_as_commands(cls):
    # Its own or a parent's (the forms take FormScreen's).
    assert isinstance(getattr(cls, "COMMAND_LIST", None), tuple), _name(cls)
    assert not hasattr(cls, "KEY_BAR_FIRST"), "the key bar's ranks are Command.bar_rank"


def _module_commands() -> list[tuple[str, Command]]:
    """Every Command in tui/: in the classes' COMMAND_LIST and the modules' own tuples."""
    found = []
    for cls in DECLARING:
        found += [(_name(cls), c) for c in vars(cls).get("COMMAND_LIST", ())]
    for module in MODULES:
        for name, value in vars(module).items():
            if isinstance(value, tuple) and value and all(isinstance(c, Command) for c in value):
                found += [(f"{module.__name__}.{name}", c) for c in value]
    return found


COMMANDS = _module_commands()


def test_every_command_has_a_key_bar_label_and_a_help_line():
    assert len(COMMANDS) > 80  # the walk found them
    for where, command in COMMANDS:
        assert command.help.strip(), f"{where}: {command.action} has no help line"
        assert command.label.strip(), f"{where}: {command.action} has no key-bar label"
        assert command.key is not None or command.name is not None, (
            f"{where}: {command.action} has neither a key nor a palette name: unreachable"
        )


@pytest.mark.parametrize("cls", DECLARING, ids=_name)
def test_key_bar_ranks_are_shown_keys_each_ranked_once(cls):
    # (An app command's rank may equal a screen's: the bar then keeps binding order.)
    ranked = [c for c in vars(cls)["COMMAND_LIST"] if c.bar_rank is not None]
    for command in ranked:
        assert command.show and command.key, f"{_name(cls)}: {command.action} ranked, not shown"
    ranks = [c.bar_rank for c in ranked]
    assert len(ranks) == len(set(ranks)), f"{_name(cls)}: two keys share a rank {ranks}"


def test_no_binding_is_built_outside_the_registry():
    # Binding(...) written anywhere but tui/base/command.py is a key declared by hand.
    for path in sorted(TUI.rglob("*.py")):
        if path == TUI / "base" / "command.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Call):
                func = node.func
                called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                assert called != "Binding", f"{path.relative_to(ROOT)}:{node.lineno}"


def test_the_help_screen_lists_each_command_as_declared():
    # Help reads the bindings the declarations give: its line is the command's help.
    sections = dict(key_sections())
    for title, declared in (
        ("Everywhere", ActregApp.COMMAND_LIST),
        ("Triage session (t)", importlib.import_module("tui.screens.triage").TriageScreen),
    ):
        commands = declared if isinstance(declared, tuple) else declared.COMMAND_LIST
        lines = {b.key: b.tooltip for b in sections[title]}
        for command in commands:
            if command.key is not None:
                assert lines[command.key] == command.help, (title, command.key)


def test_only_the_apps_commands_say_where_they_work():
    # A screen's command works on the screens that list it; the app's say which screens.
    app_commands = set(ActregApp.COMMAND_LIST)
    for where, command in COMMANDS:
        if command.works_on is not None:
            assert command in app_commands, f"{where}: {command.action}"
    limited = {c.action for c in ActregApp.COMMAND_LIST if c.works_on is not None}
    assert limited == {"triage", "meetings", "verify", "review"}


@run_async
async def test_each_app_command_works_where_its_declaration_says(mat_conn):
    app = ActregApp(mat_conn, author="tester")
    async with app.run_test(size=(200, 40)) as pilot:
        await settle(pilot)

        def working() -> set[str]:
            return {
                a for a in ("triage", "meetings", "verify", "review") if app.allows(a, app.screen)
            }

        assert working() == {"triage", "meetings", "verify", "review"}  # the register
        await pilot.press("enter")  # the card: no triage (it starts from the register)
        await settle(pilot)
        assert working() == {"meetings", "verify", "review"}
        await pilot.press("escape", "m")  # the meetings screen: not a second one
        await settle(pilot)
        assert working() == {"verify", "review"}
        await pilot.press("question_mark")  # a dialog: none of them
        await settle(pilot)
        assert working() == set()
        await pilot.press("escape", "escape", "R")  # the review: not a second one
        await settle(pilot)
        assert working() == {"meetings", "verify"}


@run_async
async def test_the_help_screens_forms_section_is_the_forms_own_declaration(mat_conn):
    from rich.table import Table

    from tui.screens.form_screen import FormScreen
    from tui.text.keys import describe_key

    app = ActregApp(mat_conn, author="tester")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        forms = list(app.screen.query(".help-section"))[-1].content
        assert isinstance(forms, Table) and forms.title == "Forms"
        keys, lines = (list(column.cells) for column in forms.columns)
        assert keys == [describe_key(c.key) for c in FormScreen.COMMAND_LIST]
        assert lines == [c.help for c in FormScreen.COMMAND_LIST]
        assert "ctrl+s" in keys and "Save (nothing is written before)" in lines
