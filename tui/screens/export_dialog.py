"""Export a meeting's committee pack: format, layout, table (CSV), filters and a file name.

The pack is built (with the filters) and written in a worker; the dialog shows
how many actions the snapshot holds until then.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Checkbox, Input, Label, LoadingIndicator, Select, Static

from db.errors import ActregError, InputError, OutputExists
from db.exporting.exporter import FORMATS, PARTS, build_table, default_filename, export
from db.exporting.filters import Filters
from db.exporting.layouts import DEFAULT_LAYOUT
from db.exporting.table import ExportTable
from db.plural import plural
from tui.base.background import run_db
from tui.base.command import Command, bindings
from tui.screens.confirm import ConfirmScreen
from tui.screens.dialog import DIALOG_CSS, FIELD_COMMANDS
from tui.widgets.choice_select import ChoiceSelect
from tui.widgets.key_bar import KeyBar

FORMAT_NAMES = {
    "csv": "CSV (opens in Excel)",
    "md": "Markdown",
    "html": "HTML",
    "xlsx": "Excel workbook (XLSX)",
    "docx": "Word document (DOCX)",
}

LAYOUT_NAMES = {
    "paper": "Paper: the committee appendix's columns, dates as 31 March 2027",
    "full": "Full: every field (what import reads back)",
}
PART_NAMES = {
    "appendix": "Appendix (the actions)",
    "summary": "Summary: headline, status × RAG",
    "overdue": "Overdue by directorate × priority",
    "ageing": "Ageing of overdue actions",
    "completed": "Completed since the last meeting",
    "extensions": "Extension requests",
    "sources": "One line per source",
}

EXPORT_CSS = """
#export-fields { height: auto; max-height: 60vh; }
#export-busy { height: 1; }
#export-status { margin-top: 1; height: auto; }
#export-status.-error { color: $error; text-style: bold; }
.export-row { height: auto; }
.export-row > Vertical { width: 1fr; height: auto; }
.export-row Checkbox, .export-row Input { width: 1fr; }
"""


def write_export(table: ExportTable, fmt: str, path: Path, layout: str | None = None,
                 part: str = "appendix", *, force: bool = False) -> Path:  # fmt: skip
    """Write the file; any failure becomes a message (never a traceback on screen)."""
    try:
        return export(table, fmt, path, layout=layout, part=part, force=force)
    except ActregError:
        raise
    except Exception as exc:  # a writer's bug: say what happened, keep the app alive
        raise ActregError(f"export failed ({type(exc).__name__}): {exc}") from None


class ExportScreen(ModalScreen[Path | None]):
    """Dismisses with the path written (or None)."""

    SCOPED_CSS = False
    DEFAULT_CSS = DIALOG_CSS + EXPORT_CSS

    COMMAND_LIST: ClassVar[tuple[Command, ...]] = (
        Command("ctrl+s", "export", "Export", "Write the file", priority=True),
        Command("escape", "close", "Close", "Close"),
        *FIELD_COMMANDS,
    )
    BINDINGS: ClassVar[list[BindingType]] = bindings(COMMAND_LIST)

    def __init__(self, meeting: dict) -> None:
        super().__init__()
        self.meeting = meeting
        self.table: ExportTable | None = None
        self.busy = False
        self.written: Path | None = None

    def compose(self) -> ComposeResult:
        m = self.meeting
        with Vertical(id="export-box", classes="dialog"):
            heading = Text(f"Export the {m['committee']} {m['meeting_date']} committee pack")
            yield Static(heading, id="form-heading")
            with VerticalScroll(id="export-fields"):
                with Horizontal(classes="export-row"):
                    with Vertical():
                        yield Label("Format", classes="field-label")
                        options = [(FORMAT_NAMES.get(f, f), f) for f in FORMATS]
                        yield ChoiceSelect(options, value="csv", allow_blank=False,
                                           id="export-format")  # fmt: skip
                    with Vertical():
                        yield Label("Layout", classes="field-label")
                        layouts = [(text, key) for key, text in LAYOUT_NAMES.items()]
                        yield ChoiceSelect(layouts, value="paper", allow_blank=False,
                                           id="export-layout")  # fmt: skip
                yield Label("Table (a CSV holds one; the other formats hold them all)",
                            classes="field-label")  # fmt: skip
                parts = [(PART_NAMES.get(p, p), p) for p in PARTS]
                yield ChoiceSelect(parts, value="appendix", allow_blank=False, id="export-table")
                with Horizontal(classes="export-row"):
                    yield Checkbox("Open actions only", id="export-open-only")
                    yield Checkbox("Changed ones only", id="export-changed")
                yield Label("Only one source, lead directorate or owner (blank: all)",
                            classes="field-label")  # fmt: skip
                with Horizontal(classes="export-row"):
                    yield Input(placeholder="Source", id="export-source")
                    yield Input(placeholder="Directorate", id="export-directorate")
                    yield Input(placeholder="Owner", id="export-owner")
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
    def layout_name(self) -> str:
        return str(self.query_one("#export-layout", Select).value)

    @property
    def part(self) -> str:
        if self.fmt != "csv":
            return "appendix"
        return str(self.query_one("#export-table", Select).value)

    @property
    def filters(self) -> Filters:
        def text(name: str) -> str | None:
            return self.query_one(f"#export-{name}", Input).value.strip() or None

        return Filters(
            source=text("source"),
            directorate=text("directorate"),
            owner=text("owner"),
            open_only=self.query_one("#export-open-only", Checkbox).value,
            changed_since_last=self.query_one("#export-changed", Checkbox).value,
        )

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
        if event.select.id == "export-format":
            # Each format's own layout (XLSX: full), and a table to choose only for CSV.
            self.query_one("#export-layout", Select).value = DEFAULT_LAYOUT[self.fmt]
            self.query_one("#export-table", Select).disabled = self.fmt != "csv"
        # Follow the format and table with the default name, unless the user typed their own.
        if self.table is None or event.select.id == "export-layout":
            return
        defaults = {default_filename(self.table, f, p) for f in FORMATS for p in PARTS}
        if self.file_input.value in defaults:
            self.file_input.value = default_filename(self.table, self.fmt, self.part)

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
        self._write((path if path.is_absolute() else Path.cwd() / path).resolve())

    def _write(self, path: Path, *, force: bool = False) -> None:
        """Write the pack to `path`; a file there is replaced only with `force` (asked first)."""
        table, fmt, layout, part = self.table, self.fmt, self.layout_name, self.part
        filters = self.filters
        gateway, m = self.app.gateway, self.meeting
        self.busy = True
        self.query_one("#export-busy").display = True
        self._status(f"Exporting the pack as {fmt.upper()}…")

        def work() -> tuple[ExportTable, Path]:
            chosen = table
            if filters != Filters():  # the pack of the chosen actions, built afresh
                chosen = gateway.call(build_table, m["meeting_date"], m["committee"], filters)
            return chosen, write_export(chosen, fmt, path, layout, part, force=force)

        run_db(
            self,
            work,
            on_done=self._written,
            on_error=lambda exc: self._failed(exc, path),
            group="export-write",
        )

    def _written(self, answer: tuple[ExportTable, Path]) -> None:
        self.busy = False
        if not self.is_attached:
            return
        table, path = answer
        self.written = path
        self.query_one("#export-busy").display = False
        what = plural(len(table.rows), "action")
        if self.part != "appendix":
            what = f"the {self.part} table"
        self._status(
            f"Wrote {path} ({what}, {self.fmt.upper()}).\n"
            f"Snapshot #{table.snapshot_id} SHA-256: {table.rows_hash}"
        )
        self.notify(f"Wrote {path}", title="Exported", timeout=8)

    def _failed(self, exc: ActregError, path: Path | None = None) -> None:
        self.busy = False
        if not self.is_attached:
            return
        self.query_one("#export-busy").display = False
        if isinstance(exc, OutputExists) and path is not None:
            self._status(f"{path} exists already.")
            question = (
                f"{path} exists already.\n\nReplace it with this export? "
                "The file there now will be lost."
            )

            def answered(replace: bool | None) -> None:
                if replace:
                    self._write(path, force=True)
                else:
                    self._status("Not exported: give another file name.")

            self.app.push_screen(ConfirmScreen(question, yes="Replace"), answered)
            return
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
