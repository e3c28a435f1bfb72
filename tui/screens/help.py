"""Every key of every screen, read from the screens' own bindings (their COMMAND_LIST)."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from tui.base.command import Command, bindings
from tui.screens.dialog import DIALOG_CSS
from tui.screens.form_screen import FormScreen
from tui.text.keys import describe_key
from tui.widgets.key_bar import KeyBar


class HelpScreen(ModalScreen[None]):
    SCOPED_CSS = False
    DEFAULT_CSS = DIALOG_CSS
    COMMAND_LIST: ClassVar[tuple[Command, ...]] = (
        Command("escape", "dismiss", "Close", "Close"),
        Command("q", "dismiss", "Close", "Close", show=False),
        Command("question_mark", "dismiss", "Close", "Close", show=False),
    )
    BINDINGS: ClassVar[list[BindingType]] = bindings(COMMAND_LIST)

    def __init__(self, sections: list[tuple[str, list[Binding]]]) -> None:
        super().__init__()
        self.sections = sections

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box", classes="dialog"):
            yield Static("Keys  (esc closes)", id="help-heading")
            # Every form's keys come last, from the form's own declaration.
            forms = ("Forms", [c.binding() for c in FormScreen.COMMAND_LIST])
            for title, keys in (*self.sections, forms):
                yield Static(_section(title, keys), classes="help-section")
        yield KeyBar()  # its own keys, not those of the screen beneath

    async def action_dismiss(self, result=None) -> None:
        self.dismiss(None)


def _section(title: str, keys: list[Binding]) -> Table:
    """One section of the help: each key once, with its help line."""
    table = Table(title=title, title_justify="left", show_header=False, box=None)
    table.add_column("key", style="bold", min_width=16)
    table.add_column("what it does")
    seen: set[str] = set()
    for binding in keys:
        key = describe_key(binding.key)
        if key in seen or not binding.description:
            continue
        seen.add(key)
        table.add_row(key, binding.tooltip or binding.description)
    return table
