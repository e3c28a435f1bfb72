"""A yes/no question as a modal screen that returns its answer."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from tui.base.command import Command, bindings
from tui.screens.dialog import DIALOG_CSS
from tui.widgets.key_bar import KeyBar


class ConfirmScreen(ModalScreen[bool]):
    """Ask a question; dismiss with True (y) or False (n / esc)."""

    SCOPED_CSS = False
    DEFAULT_CSS = DIALOG_CSS

    COMMAND_LIST: ClassVar[tuple[Command, ...]] = (
        Command("y", "answer(True)", "Yes", "Yes"),
        Command("n", "answer(False)", "No", "No"),
        Command("escape", "answer(False)", "No", "No"),
    )
    BINDINGS: ClassVar[list[BindingType]] = bindings(COMMAND_LIST)

    def __init__(self, question: str, *, yes: str = "Yes", no: str = "No") -> None:
        super().__init__()
        self.question = question
        self.yes, self.no = yes, no

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box", classes="dialog"):
            yield Static(self.question, id="confirm-question")
            with Horizontal(id="confirm-buttons"):
                yield Button(f"{self.yes} (y)", id="yes", variant="error")
                yield Button(f"{self.no} (n)", id="no", variant="primary")
        yield KeyBar()  # its own keys, not those of the screen beneath

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)
