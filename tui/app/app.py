"""The actreg TUI: the App, its global keys and the command palette."""

from __future__ import annotations

from typing import ClassVar

from textual.app import App
from textual.binding import BindingType
from textual.screen import Screen

from db.store.connection import RegisterConnection
from tui.app.commands import APP_COMMAND_BY_ACTION, APP_COMMAND_LIST, ActregCommands
from tui.app.malloc_arenas import share_one_arena
from tui.base.command import Command, bindings
from tui.base.gateway import RegisterGateway
from tui.base.held_keys import KeyHolding
from tui.screens.action import ActionScreen
from tui.screens.confirm import ConfirmScreen
from tui.screens.editing import EDIT_BINDINGS
from tui.screens.export_dialog import ExportScreen
from tui.screens.filter_menu import FilterMenu
from tui.screens.form_screen import FormScreen
from tui.screens.help import HelpScreen
from tui.screens.import_dialog import ImportScreen
from tui.screens.meetings import MeetingsScreen
from tui.screens.register import SEARCH_BOX_KEYS, RegisterScreen, start_first_read
from tui.screens.round_review import RoundReviewScreen
from tui.screens.snapshot_view import SnapshotScreen
from tui.screens.triage import TriageScreen, TriageSummary, start_triage
from tui.screens.verify_screen import VerifyScreen
from tui.widgets.action_table import ActionTable
from tui.widgets.lines_view import SCROLL_KEYS


class ActregApp(KeyHolding):
    """One register, opened by the caller; writes are made as `author`."""

    TITLE = "actreg"
    COMMANDS = App.COMMANDS | {ActregCommands}
    ENABLE_COMMAND_PALETTE = True

    COMMAND_LIST: ClassVar[tuple[Command, ...]] = APP_COMMAND_LIST
    BINDINGS: ClassVar[list[BindingType]] = bindings(COMMAND_LIST)

    def __init__(self, conn: RegisterConnection, *, author: str) -> None:
        super().__init__()
        share_one_arena()  # (before the first worker thread starts)
        self.gateway = RegisterGateway(conn, author=author)

    @property
    def conn(self) -> RegisterConnection:
        return self.gateway.conn

    def on_unmount(self) -> None:
        # Worker threads may still be reading: let them finish (or cut a read short)
        # so the caller can close the connection safely once the app has gone.
        self.gateway.shutdown()

    def get_default_screen(self) -> RegisterScreen:
        # The terminal's size is known by now: read just the rows it can show.
        return RegisterScreen(self.gateway, start_first_read(self.gateway, self.size.height))

    async def action_quit(self) -> None:
        """Quit (q, ctrl+q): at once, unless a form holds something typed and not saved."""
        unsaved = [s for s in self.screen_stack if isinstance(s, FormScreen) and s.changed]
        if not unsaved or isinstance(self.screen, ConfirmScreen):  # (a second ctrl+q: quit)
            self.exit()
            return

        def answered(quit_anyway: bool | None) -> None:
            if quit_anyway:
                self.exit()

        self.push_screen(
            ConfirmScreen("Quit? What you typed in the form has not been saved.", yes="Quit"),
            answered,
        )

    def allows(self, action: str, screen: Screen) -> bool:
        """Whether an app-wide action does anything on `screen` (its command's
        `works_on`): the key bar and the palette offer it only where it does."""
        command = APP_COMMAND_BY_ACTION.get(action)
        return command is None or command.works_on is None or command.works_on(self, screen)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return self.allows(action, self.screen)

    def action_help(self) -> None:
        if isinstance(self.screen, HelpScreen):
            return
        self.push_screen(HelpScreen(key_sections()))

    def action_triage(self) -> None:
        if self.allows("triage", self.screen):
            start_triage(self.screen, self.screen.flt)

    def action_meetings(self) -> None:
        if self.allows("meetings", self.screen):
            self.push_screen(MeetingsScreen())

    def action_review(self) -> None:
        if self.allows("review", self.screen):
            self.push_screen(RoundReviewScreen())

    def action_verify(self) -> None:
        if self.allows("verify", self.screen):  # (the palette runs it once it has closed)
            self.push_screen(VerifyScreen())


def key_sections():
    """Every screen's keys, for the help screen: the bindings their COMMAND_LIST gives."""
    return [
        ("Everywhere", ActregApp.BINDINGS),
        ("Register (home)", RegisterScreen.BINDINGS),
        ("Register table", ActionTable.BINDINGS),
        ("Search box", bindings(SEARCH_BOX_KEYS)),
        ("Action card", [*ActionScreen.BINDINGS, *bindings(SCROLL_KEYS)]),
        ("Edit keys (on the card or the selected row)", EDIT_BINDINGS),
        ("Filter menu (f)", FilterMenu.BINDINGS),
        ("Triage session (t)", TriageScreen.BINDINGS),
        ("Triage summary", TriageSummary.BINDINGS),
        ("Meetings & snapshots (m)", MeetingsScreen.BINDINGS),
        ("Snapshot (read-only) and changes views", SnapshotScreen.BINDINGS),
        ("Export dialog", ExportScreen.BINDINGS),
        ("Import dialog (i)", ImportScreen.BINDINGS),
        ("Verify the register (V)", VerifyScreen.BINDINGS),
        ("Questions (discard what you typed?)", ConfirmScreen.BINDINGS),
        ("Review returned updates (R)", RoundReviewScreen.BINDINGS),
    ]


def run_app(conn: RegisterConnection, *, author: str) -> None:
    """Run the TUI on an open register until the user quits."""
    ActregApp(conn, author=author).run()
