"""Meetings & snapshots (m): the committee cycle from the keyboard.

The list of meetings (due an update or not, with their snapshots) and the next
update due; keys add a meeting, freeze a snapshot, open one, show what changed
and export a snapshot for the committee paper.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.screen import Screen
from textual.widgets import DataTable, Static

from db.cycles.meetings import list_meetings, next_update_due
from db.cycles.snapshots import get_snapshot, snapshot_preview, take_snapshot
from db.exporting.exporter import build_table
from db.exporting.table import ExportTable
from db.plural import plural
from db.store.clock import utc_now
from tui.base.background import run_db
from tui.base.command import Command, bindings
from tui.screens.confirm import ConfirmScreen
from tui.screens.diff_view import DiffScreen
from tui.screens.export_dialog import ExportScreen
from tui.screens.form_screen import FormResult, Saved
from tui.screens.meeting_form import new_meeting_form
from tui.screens.snapshot_view import SnapshotScreen
from tui.text.meeting_text import moment, next_update_line, snapshot_question
from tui.text.pack_text import pack_preview
from tui.widgets.banner import Banner
from tui.widgets.key_bar import KeyBar
from tui.widgets.row_table import RowTable
from tui.widgets.title_bar import TitleBar

COLUMNS = ("Meeting", "Committee", "Paper deadline", "Update", "Cadence", "Snapshot", "Title")


def meeting_cells(m: dict) -> tuple:
    due = Text("due", style="bold") if m["due"] else Text("not due", style="dim")
    return (
        m["meeting_date"],
        m["committee"],
        m["paper_deadline"],
        due,
        m["cadence"].replace("_", " "),
        f"#{m['snapshot_id']}" if m["snapshot_id"] else "none",
        m["title"] or "",
    )


class MeetingsScreen(Screen):
    """Every meeting, oldest first, and the keys of the committee cycle."""

    DEFAULT_CSS = """
    #next-update { height: auto; padding: 0 1; text-style: bold; }
    #meetings { height: 1fr; }
    #meetings-empty { padding: 1 2; color: $text-muted; }
    #pack-preview { height: auto; max-height: 60%; padding: 0 1; border-top: solid $primary; }
    """

    # bar_rank: the keys the key bar keeps when it is narrow (80 columns); the rest go to `?`.
    COMMAND_LIST: ClassVar[tuple[Command, ...]] = (
        Command("escape", "back", "Back", "Back to the register", bar_rank=1),
        Command(
            "a",
            "add",
            "Add meeting",
            "Add a committee meeting",
            name="Add a meeting",
            bar_rank=6,
            palette_help="Schedule a committee meeting",
        ),
        Command(
            "s",
            "snapshot",
            "Snapshot",
            "Freeze the register for the selected meeting",
            name="Take a snapshot",
            bar_rank=5,
        ),
        Command(
            "o,enter",
            "open",
            "Open",
            "Open the meeting's snapshot",
            name="Open the snapshot",
            bar_rank=2,
            palette_help="The selected meeting's frozen table",
        ),
        Command(
            "c",
            "changes",
            "Changes",
            "What changed since the previous snapshot",
            name="Changes since the last snapshot",
            bar_rank=3,
            palette_help="What changed before this meeting",
        ),
        Command(
            "e",
            "export",
            "Export",
            "Export the meeting's snapshot (CSV, XLSX, …)",
            name="Export the snapshot",
            bar_rank=4,
            palette_help="CSV, Markdown, HTML, XLSX or DOCX",
        ),
    )
    BINDINGS: ClassVar[list[BindingType]] = bindings(COMMAND_LIST)

    AUTO_FOCUS = "#meetings"

    def __init__(self) -> None:
        super().__init__()
        self.meetings: list[dict] = []
        self.loads = 0  # completed loads (tests wait on it)
        self._select_id: int | None = None  # the meeting to put the cursor on once loaded
        self.previewed: ExportTable | None = None  # the pack the preview shows (tests wait)
        self._previews: dict[int, tuple[ExportTable, list[str]]] = {}  # by snapshot id

    def compose(self) -> ComposeResult:
        yield TitleBar("Meetings & snapshots")
        yield from Banner.for_notices(self.app.gateway.notices)
        yield Static("", id="next-update")
        table = RowTable(id="meetings")
        table.add_columns(*COLUMNS)
        yield table
        yield Static(
            "No meetings yet: press a to add the committee's next meeting.", id="meetings-empty"
        )
        yield Static("", id="pack-preview")
        yield KeyBar()

    @property
    def table(self) -> DataTable:
        return self.query_one("#meetings", DataTable)

    def on_mount(self) -> None:
        self.query_one("#meetings-empty").display = False
        self.load()

    def on_screen_resume(self) -> None:
        if self.loads:
            self.load()

    # --- data ------------------------------------------------------------------

    def load(self, select_id: int | None = None) -> None:
        if select_id is not None:
            self._select_id = select_id
        gateway = self.app.gateway

        def work():
            return gateway.call(list_meetings), gateway.call(next_update_due)

        run_db(
            self,
            work,
            on_done=self._loaded,
            group="meetings-load",
            exclusive=True,
        )

    def _loaded(self, answer) -> None:
        if not self.is_attached:  # left before the list arrived
            return
        meetings, nxt = answer
        table = self.table
        keep = self._select_id if self._select_id is not None else (self.selected or {}).get("id")
        self._select_id = None
        self.meetings = meetings
        table.clear()
        for m in meetings:
            table.add_row(*meeting_cells(m), key=str(m["id"]))
        self.query_one("#next-update", Static).update(Text(next_update_line(nxt)))
        self.query_one("#meetings-empty").display = not meetings
        index = next((i for i, m in enumerate(meetings) if m["id"] == keep), None)
        if index is None and nxt is not None:
            index = next((i for i, m in enumerate(meetings) if m["id"] == nxt["id"]), None)
        if index is not None:
            table.move_cursor(row=index, animate=False)
        self.preview(self.selected)  # the snapshot may be new, though the row is the same
        self.loads += 1

    @property
    def selected(self) -> dict | None:
        if not self.meetings:
            return None
        row = self.table.cursor_row
        return self.meetings[row] if 0 <= row < len(self.meetings) else None

    def _chosen(self) -> dict | None:
        meeting = self.selected
        if meeting is None:
            self.notify("No meeting is selected: press a to add one.", severity="warning")
        return meeting

    def _writable(self) -> bool:
        gateway = self.app.gateway
        if gateway.readonly:
            self.notify(gateway.readonly_message(), title="Read-only", severity="warning")
            return False
        return True

    # --- keys ------------------------------------------------------------------

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self.preview(self.selected)

    def preview(self, meeting: dict | None) -> None:
        """Show the selected meeting's pack headline and status × RAG, read in a worker."""
        shown = self.query_one("#pack-preview", Static)
        if meeting is None:
            shown.update("")
            return
        if meeting["snapshot_id"] is None:
            self.previewed = None
            words = (f"The {meeting['meeting_date']} meeting has no snapshot yet: press s to "
                     "take one, then its pack's headline shows here.")  # fmt: skip
            shown.update(Text(words))
            return
        snapshot_id = meeting["snapshot_id"]
        if snapshot_id in self._previews:  # a snapshot never changes: read each pack once
            self.previewed, lines = self._previews[snapshot_id]
            shown.update(Text("\n".join(lines)))
            return
        shown.update(Text(f"Reading the pack of snapshot #{snapshot_id}…"))
        gateway = self.app.gateway

        def done(table: ExportTable) -> None:
            self._previews[snapshot_id] = (table, pack_preview(table))
            if self.is_attached and (self.selected or {}).get("id") == meeting["id"]:
                self.preview(meeting)

        def read() -> None:
            # Still on this meeting a moment later? (Arrowing past meetings reads none.)
            if self.is_attached and (self.selected or {}).get("id") == meeting["id"]:
                run_db(
                    self,
                    lambda: gateway.call(
                        build_table, meeting["meeting_date"], meeting["committee"]
                    ),
                    on_done=done,
                    group="pack-preview",
                    exclusive=True,
                )

        self.set_timer(0.15, read)

    def action_back(self) -> None:
        self.dismiss()

    def action_add(self) -> None:
        if self._writable():
            self.app.push_screen(new_meeting_form(self.app.gateway, self.meetings), self._added)

    def _added(self, result: FormResult) -> None:
        if isinstance(result, Saved):
            m = result.row
            due = "due an update" if m["due"] else "not due an update"
            self.notify(
                f"Added the {m['committee']} meeting on {m['meeting_date']} "
                f"(papers by {m['paper_deadline']}; {due})."
            )
            self.load(select_id=m["id"])

    def action_snapshot(self) -> None:
        if not self._writable():
            return
        meeting = self._chosen()
        if meeting is None:
            return
        gateway = self.app.gateway
        now = utc_now()
        run_db(
            self,
            lambda: gateway.call(snapshot_preview, meeting, now),
            on_done=lambda preview: self._ask_snapshot(meeting, preview),
            group="snapshot-preview",
            exclusive=True,
        )

    def _ask_snapshot(self, meeting: dict, preview: dict) -> None:
        if not self.is_attached:
            return
        replace = meeting["snapshot_id"] is not None
        question = Text(snapshot_question(meeting, preview))

        def answered(yes: bool | None) -> None:
            if yes:
                self._take_snapshot(meeting, preview["cut_off"], replace)

        yes = "Replace" if replace else "Freeze"
        self.app.push_screen(ConfirmScreen(question, yes=yes, no="Cancel"), answered)

    def _take_snapshot(self, meeting: dict, cut_off: str, replace: bool) -> None:
        gateway = self.app.gateway

        def work():
            return gateway.call(
                take_snapshot,
                meeting["meeting_date"],
                author=gateway.author,
                committee=meeting["committee"],
                as_at=cut_off,  # exactly what the question said would be frozen
                replace=replace,
            )

        run_db(self, work, on_done=self._snapshot_taken, group="snapshot-take", exclusive=True)

    def _snapshot_taken(self, snap: dict) -> None:
        replaced = f"; it supersedes #{snap['supersedes']}" if snap["supersedes"] else ""
        self.notify(
            f"Snapshot #{snap['id']}: {plural(snap['row_count'], 'action')} as at "
            f"{moment(snap['cut_off'])}{replaced}.\nSHA-256 {snap['rows_hash']}",
            title="Snapshot taken",
            timeout=10,
        )
        self.load()

    def _with_snapshot(self) -> dict | None:
        meeting = self._chosen()
        if meeting is not None and meeting["snapshot_id"] is None:
            self.notify(
                f"The {meeting['meeting_date']} meeting has no snapshot yet: press s to take one.",
                severity="warning",
            )
            return None
        return meeting

    def action_open(self) -> None:
        meeting = self._with_snapshot()
        if meeting is None:
            return
        gateway = self.app.gateway
        run_db(
            self,
            lambda: gateway.call(get_snapshot, meeting["snapshot_id"]),
            on_done=lambda snap: self.app.push_screen(SnapshotScreen(snap)),
            group="snapshot-open",
            exclusive=True,
        )

    def action_changes(self) -> None:
        meeting = self._chosen()
        if meeting is not None:
            self.app.push_screen(DiffScreen(meeting))

    def action_export(self) -> None:
        meeting = self._with_snapshot()
        if meeting is not None:
            self.app.push_screen(ExportScreen(meeting))
