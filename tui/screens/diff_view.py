"""What changed for a meeting: since the previous snapshot, to its own (or to now)."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.screen import Screen

from db.cycles.diffs import diff
from db.errors import ActregError
from tui.base.background import run_db
from tui.base.command import Command, bindings
from tui.text.meeting_text import diff_lines
from tui.widgets.key_bar import KeyBar
from tui.widgets.lines_view import LinesView
from tui.widgets.title_bar import TitleBar


class DiffScreen(Screen):
    """Counts per category, then each change grouped by category (ref, title, detail)."""

    COMMAND_LIST: ClassVar[tuple[Command, ...]] = (
        Command("escape", "back", "Back", "Back to the meetings"),
    )
    BINDINGS: ClassVar[list[BindingType]] = bindings(COMMAND_LIST)

    AUTO_FOCUS = "#diff"
    DEFAULT_CSS = """
    DiffScreen #diff-heading { height: auto; }
    """

    def __init__(self, meeting: dict) -> None:
        super().__init__()
        self.meeting = meeting
        self.result = None
        self.loaded = False

    def compose(self) -> ComposeResult:
        m = self.meeting
        to = f"snapshot #{m['snapshot_id']}" if m["snapshot_id"] else "now (no snapshot yet)"
        yield TitleBar(
            Text(f"Changes · {m['committee']} {m['meeting_date']} · previous snapshot → {to}"),
            id="diff-heading",
        )
        view = LinesView(id="diff", wide=True)  # whole lines; right/End scroll along them
        yield view
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one(LinesView).set_lines([Text("Comparing…", style="dim")])
        gateway, m = self.app.gateway, self.meeting
        to = m["meeting_date"] if m["snapshot_id"] else "now"

        def work():
            result = gateway.call(diff, to_meeting=to, committee=m["committee"])
            return result, diff_lines(result)

        run_db(self, work, on_done=self._loaded, on_error=self._failed, group="diff")

    def _loaded(self, answer) -> None:
        if not self.is_attached:  # closed before the comparison finished
            return
        self.result, lines = answer
        self.query_one(LinesView).set_lines(lines)
        self.loaded = True

    def _failed(self, exc: ActregError) -> None:
        if not self.is_attached:
            return
        self.query_one(LinesView).set_lines([Text(str(exc), style="bold")])
        self.loaded = True

    def action_back(self) -> None:
        self.dismiss()
