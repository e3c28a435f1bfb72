"""Export a meeting's snapshot: pick a format and a file name; the writing runs in a worker."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, LoadingIndicator, Select, Static

from db.errors import ActregError, InputError
from db.exporting.exporter import FORMATS, build_table, default_filename, export
from db.exporting.table import ExportTable
from db.plural import plural
from tui.app.background import run_db
from tui.screens.dialog import DIALOG_CSS, FIELD_KEYS
from tui.widgets.choice_select import ChoiceSelect
from tui.widgets.key_bar import KeyBar

FORMAT_NAMES = {
    "csv": "CSV (opens in Excel)",
    "md": "Markdown",
    "html": "HTML",
    "xlsx": "Excel workbook (XLSX)",
    "docx": "Word document (DOCX)",
}

EXPORT_CSS = """
#export-busy { height: 1; }
#export-status { margin-top: 1; height: auto; }
#export-status.-error { color: $error; text-style: bold; }
"""


def write_export(table: ExportTable, fmt: str, path: Path) -> Path:
    """Write the file; any failure becomes a message (never a traceback on screen)."""
    try:
        return export(table, fmt, path)
    except ActregError:
        raise
    except Exception as exc:  # a writer's bug: say what happened, keep the app alive
        raise ActregError(f"export failed ({type(exc).__name__}): {exc}") from None


class ExportScreen(ModalScreen[Path | None]):
    """Dismisses with the path written (or None)."""

    SCOPED_CSS = False
    DEFAULT_CSS = DIALOG_CSS + EXPORT_CSS

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "export", "Export", priority=True, tooltip="Write the file"),
        Binding("escape", "close", "Close"),
        *FIELD_KEYS,
    ]

    def __init__(self, meeting: dict) -> None:
        super().__init__()
        self.meeting = meeting
        self.table: ExportTable | None = None
        self.busy = False
        self.written: Path | None = None

    def compose(self) -> ComposeResult:
        m = self.meeting
        with Vertical(id="export-box", classes="dialog"):
            heading = Text(f"Export the {m['committee']} {m['meeting_date']} snapshot")
            yield Static(heading, id="form-heading")
            yield Label("Format", classes="field-label")
            options = [(FORMAT_NAMES.get(f, f), f) for f in FORMATS]
            yield ChoiceSelect(options, value="csv", allow_blank=False, id="export-format")
            yield Label("File (in this folder unless a path is given)", classes="field-label")
            yield Input(id="export-file")
            yield LoadingIndicator(id="export-busy")
            yield Static("Reading the snapshot…", id="export-status")
            yield Static("enter / ctrl+s export · tab next field · esc close", id="form-hint")
        yield KeyBar()

    @property
    def fmt(self) -> str:
        return str(self.query_one("#export-format", Select).value)

    @property
    def file_input(self) -> Input:
        return self.query_one("#export-file", Input)

    def on_mount(self) -> None:
        self.query_one("#export-busy").display = False
        gateway, m = self.app.gateway, self.meeting
        run_db(
            self,
            lambda: gateway.call(build_table, m["meeting_date"], m["committee"]),
            on_done=self._table_ready,
            on_error=self._failed,
            group="export-read",
        )

    def _table_ready(self, table: ExportTable) -> None:
        if not self.is_attached:  # closed while the snapshot was being read
            return
        self.table = table
        self.file_input.value = default_filename(table, self.fmt)
        self._status(f"Snapshot #{table.snapshot_id}: {plural(len(table.rows), 'action')}.")
        self.file_input.focus()

    def on_select_changed(self, event: Select.Changed) -> None:
        # Follow the format with the default name, unless the user typed their own.
        if self.table is None:
            return
        defaults = {default_filename(self.table, f) for f in FORMATS}
        if self.file_input.value in defaults:
            self.file_input.value = default_filename(self.table, self.fmt)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.action_export()

    def action_export(self) -> None:
        if self.busy:
            return
        if self.table is None:
            self._status("The snapshot is not ready to export.", error=True)
            return
        name = self.file_input.value.strip()
        if not name:
            self._status("file: give a file name", error=True)
            return
        path = Path(name).expanduser()
        path = (path if path.is_absolute() else Path.cwd() / path).resolve()
        table, fmt = self.table, self.fmt
        self.busy = True
        self.query_one("#export-busy").display = True
        self._status(f"Exporting {plural(len(table.rows), 'action')} as {fmt.upper()}…")
        run_db(
            self,
            lambda: write_export(table, fmt, path),
            on_done=self._written,
            on_error=self._failed,
            group="export-write",
        )

    def _written(self, path: Path) -> None:
        self.busy = False
        if not self.is_attached:
            return
        self.written = path
        self.query_one("#export-busy").display = False
        table = self.table
        self._status(
            f"Wrote {path} ({plural(len(table.rows), 'action')}, {self.fmt.upper()}).\n"
            f"Snapshot #{table.snapshot_id} SHA-256: {table.rows_hash}"
        )
        self.notify(f"Wrote {path}", title="Exported", timeout=8)

    def _failed(self, exc: ActregError) -> None:
        self.busy = False
        if not self.is_attached:
            return
        self.query_one("#export-busy").display = False
        self._status(str(exc), error=True)
        title = "Not exported" if isinstance(exc, InputError) else "Export failed"
        self.notify(str(exc), title=title, severity="error", timeout=8)

    def _status(self, text: str, *, error: bool = False) -> None:
        status = self.query_one("#export-status", Static)
        status.update(Text(text))
        status.set_class(error, "-error")

    def action_close(self) -> None:
        if self.busy:  # the file is being written: its outcome must be seen
            self.notify("Still exporting: wait for it to finish.", severity="warning")
            return
        self.dismiss(self.written)
