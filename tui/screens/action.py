"""The action card: every field, the derived flags and the progress log, newest first."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.screen import Screen
from textual.widgets import Static

from db.plural import plural
from db.read.queries import action_log, get_action
from db.rounds.review import action_submissions
from tui.base.background import run_db
from tui.base.command import Command, bindings
from tui.screens.editing import EDIT_COMMANDS, ActionEditing
from tui.text.card import card_lines
from tui.widgets.banner import Banner
from tui.widgets.key_bar import KeyBar
from tui.widgets.lines_view import LinesView
from tui.widgets.title_bar import TitleBar


class ActionScreen(ActionEditing, Screen):
    """One action, read from the register; edits reload it."""

    DEFAULT_CSS = """
    ActionScreen #card { height: 1fr; padding: 0 1; }
    """

    # bar_rank: the keys the key bar keeps when it is narrow (80 columns): Edit, Quit go to `?`.
    COMMAND_LIST: ClassVar[tuple[Command, ...]] = (
        Command("escape", "back", "Back", "Back to the register", bar_rank=1),
        *EDIT_COMMANDS,
    )
    BINDINGS: ClassVar[list[BindingType]] = bindings(COMMAND_LIST)

    def __init__(self, ref: str) -> None:
        super().__init__()
        self.ref = ref
        self.row: dict | None = None
        self.entries: list = []
        self.submissions: list = []
        self.loads = 0  # completed loads (tests and the bench wait on it)
        self._to_top = False  # after a write, show the top again
        self._loading = False

    def compose(self) -> ComposeResult:
        yield TitleBar(f"Action {self.ref}", id="card-title")
        yield from Banner.for_notices(self.app.gateway.notices)
        yield LinesView(id="card")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one(LinesView).focus()
        self.load()

    def load(self) -> None:
        gateway, ref = self.app.gateway, self.ref
        self._loading = True

        def work():
            row = gateway.call(get_action, ref)
            entries = gateway.call(action_log, row["id"])
            return row, entries, gateway.call(action_submissions, row["id"])

        run_db(self, work, on_done=self._loaded, group="card-load", exclusive=True)

    def _loaded(self, result) -> None:
        self.row, self.entries, self.submissions = result
        self.ref = self.row["ref"]
        self.query_one("#card-title", Static).update(
            f"Action {self.ref} · version {self.row['version']} · "
            f"{plural(len(self.entries), 'log entry')}"
        )
        self.render_card()
        if self._to_top:
            self._to_top = False
            self.query_one(LinesView).scroll_home(animate=False)
        self._loading = False
        self.loads += 1
        self.run_waiting()

    def render_card(self) -> None:
        if self.row is None:
            return
        view = self.query_one(LinesView)
        width = max(20, view.size.width - 1)
        view.set_lines(card_lines(self.row, self.entries, width, self.submissions))

    def on_resize(self) -> None:
        self.render_card()

    def target_action(self) -> dict | None:
        return self.row

    def target_ready(self) -> bool:
        return self.row is not None and not self._loading

    def after_write(self, row: dict | None) -> None:
        if row is not None:
            self.ref = row["ref"]
        self._to_top = True  # where the new entry is: the timeline is newest first
        self.load()

    def action_back(self) -> None:
        self.dismiss()
