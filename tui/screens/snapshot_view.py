"""One snapshot, read-only: its frozen rows, and a header naming it, its cut-off and hash."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.screen import Screen
from textual.widgets import Static

from db.cycles.snapshots import snapshot_rows
from db.plural import plural
from tui.base.background import run_db
from tui.base.command import Command, bindings
from tui.text.formatting import when
from tui.text.meeting_text import moment
from tui.widgets.frozen_table import FrozenTable
from tui.widgets.key_bar import KeyBar


def snapshot_heading(snap: dict) -> str:
    state = "superseded" if snap["superseded"] else "current"
    return (
        f"Snapshot #{snap['id']} ({state}, read-only) · {snap['committee']} "
        f"{snap['meeting_date']} · cut-off {moment(snap['cut_off'])} · "
        f"{plural(snap['row_count'], 'action')} · "
        f"taken {when(snap['taken_at'])} by {snap['taken_by']}\n"
        f"SHA-256 {snap['rows_hash']}"
    )


class SnapshotScreen(Screen):
    """The rows a snapshot froze; nothing here can change them."""

    COMMAND_LIST: ClassVar[tuple[Command, ...]] = (
        Command("escape", "back", "Back", "Back to the meetings"),
    )
    BINDINGS: ClassVar[list[BindingType]] = bindings(COMMAND_LIST)

    DEFAULT_CSS = """
    #snapshot-heading { height: auto; background: $primary 40%; padding: 0 1; }
    """

    AUTO_FOCUS = "#snapshot-rows"

    def __init__(self, snap: dict) -> None:
        super().__init__()
        self.snap = snap
        self.loaded = False

    def compose(self) -> ComposeResult:
        yield Static(Text(snapshot_heading(self.snap)), id="snapshot-heading")
        yield FrozenTable(id="snapshot-rows")
        yield KeyBar()

    @property
    def table(self) -> FrozenTable:
        return self.query_one(FrozenTable)

    def on_mount(self) -> None:
        gateway, snapshot_id = self.app.gateway, self.snap["id"]
        run_db(
            self,
            lambda: gateway.call(snapshot_rows, snapshot_id),
            on_done=self._loaded,
            group="snapshot-rows",
            exclusive=True,
        )

    def _loaded(self, rows: list[dict]) -> None:
        if not self.is_attached:  # closed before the rows arrived
            return
        self.table.set_rows(rows)
        self.loaded = True

    def action_back(self) -> None:
        self.dismiss()
