"""The actreg TUI: the App, its global keys and the command palette."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual.app import App
from textual.binding import Binding, BindingType

from db.connection import RegisterConnection
from tui.commands import ActregCommands
from tui.gateway import RegisterGateway
from tui.screens.action import ActionScreen
from tui.screens.editing import EDIT_BINDINGS
from tui.screens.help import HelpScreen
from tui.screens.register import RegisterScreen


class ActregApp(App):
    """One register, opened by the caller; writes are made as `author`."""

    CSS_PATH = Path(__file__).with_name("app.tcss")
    TITLE = "actreg"
    COMMANDS = App.COMMANDS | {ActregCommands}
    ENABLE_COMMAND_PALETTE = True

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit"),
        Binding("question_mark", "help", "Help"),
        Binding("t", "triage", "Triage", show=False),
        Binding("m", "meetings", "Meetings", show=False),
        Binding("ctrl+p", "command_palette", "Commands", show=False),
    ]

    def __init__(self, conn: RegisterConnection, *, author: str) -> None:
        super().__init__()
        self.gateway = RegisterGateway(conn, author=author)

    @property
    def conn(self) -> RegisterConnection:
        return self.gateway.conn

    def on_mount(self) -> None:
        self.push_screen(RegisterScreen())

    def action_help(self) -> None:
        if isinstance(self.screen, HelpScreen):
            return
        self.push_screen(HelpScreen(key_sections()))

    def action_triage(self) -> None:
        self.notify("Triage sessions are coming soon.", title="Coming soon")

    def action_meetings(self) -> None:
        self.notify("Meetings and snapshots are coming soon.", title="Coming soon")


def key_sections():
    """Every screen's keys, for the help screen (read from the bindings themselves)."""
    return [
        ("Everywhere", [*ActregApp.BINDINGS, Binding("ctrl+p", "", "Command palette")]),
        ("Register (home)", RegisterScreen.BINDINGS),
        (
            "Register table",
            [
                Binding("up", "", "Previous action"),
                Binding("down", "", "Next action"),
                Binding("pageup", "", "Page up"),
                Binding("pagedown", "", "Page down"),
                Binding("home", "", "First action"),
                Binding("end", "", "Last action"),
            ],
        ),
        ("Search box", [Binding("enter", "", "Back to the table"), Binding("escape", "", "Clear")]),
        ("Action card", [*ActionScreen.BINDINGS, Binding("up,down,pageup,pagedown", "", "Scroll")]),
        ("Edit keys (on the card or the selected row)", EDIT_BINDINGS),
    ]


def run_app(conn: RegisterConnection, *, author: str) -> None:
    """Run the TUI on an open register until the user quits."""
    ActregApp(conn, author=author).run()
