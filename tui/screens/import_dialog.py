"""Import a CSV or Excel file: pick it, see the dry run's preview and report, confirm.

enter (or ctrl+s) runs a dry run in a worker and shows what the import would do
(new / updated / unchanged / skipped) and every problem found, with its row,
column and reason. ctrl+s then imports for real, in one transaction, in a
worker; a file with errors is refused unless "skip invalid rows" is ticked.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Checkbox, Input, Label, LoadingIndicator, Static

from db.errors import ActregError, InputError
from tui.base.background import run_db
from tui.base.command import Command, bindings
from tui.base.gateway import RegisterGateway
from tui.screens.dialog import DIALOG_CSS, FIELD_COMMANDS
from tui.widgets.key_bar import KeyBar

if TYPE_CHECKING:  # db.importing.importer is imported when a file is first read, not at start-up
    from db.importing.importer import ImportResult

#: What a file may be called: CSV (and its text cousins) or Excel.
SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx", ".xlsm", ".xls")
_LEVELS = {
    "error": ("ERROR", "bold red"),
    "warning": ("warning", "yellow"),
    "info": ("info", "dim"),
}
_ORDER = {"error": 0, "warning": 1, "info": 2}

IMPORT_CSS = """
#import-box { max-width: 110; }
#import-box .field-label { margin-top: 0; }
#import-options { height: auto; }
#import-sheet { width: 1fr; }
#import-skip { width: auto; margin-left: 2; }
#import-busy { height: 1; }
#import-status { margin-top: 1; height: auto; }
#import-status.-error { color: $error; text-style: bold; }
#import-report { height: auto; max-height: 40vh; border: round $primary-darken-2; }
#import-report:focus { border: round $accent; }
/* With a preview, the dialog takes the screen's height and the report the rest of it. */
#import-box.-previewed { height: 90%; }
#import-box.-previewed #import-report { height: 1fr; max-height: 100%; min-height: 4; }
"""


def resolve(name: str) -> Path:
    """The path typed, `~` expanded, relative to the current folder."""
    path = Path(name).expanduser()
    return path if path.is_absolute() else Path.cwd() / path


def run_import(
    gateway: RegisterGateway, path: Path, sheet: str | None, *, dry_run: bool, skip_invalid: bool
) -> ImportResult:
    """(In a worker.) Plan, or apply, the import; any failure becomes a message."""
    from db.importing import importer

    try:
        return gateway.call(
            importer.import_file,
            path,
            author=gateway.author,
            sheet=sheet,
            dry_run=dry_run,
            skip_invalid=skip_invalid,
        )
    except ActregError as exc:
        message = str(exc)
        if message.startswith("--sheet:"):  # the CLI's wording; here it is the Sheet field
            message = "sheet:" + message.removeprefix("--sheet:")
        raise type(exc)(message) from None
    except UnicodeError as exc:
        raise InputError(f"file: {path.name} cannot be read as text ({exc})") from None
    except Exception as exc:  # a reader's bug: say what happened, keep the app alive
        raise ActregError(f"import failed ({type(exc).__name__}): {exc}") from None


def counts_text(result: ImportResult, *, skip: bool) -> str:
    skipped = len(result.skipped)
    return (
        f"{result.new} new, {result.updated} updated, {result.unchanged} unchanged, "
        f"{skipped if skip else 0} row{'s' * ((skipped if skip else 0) != 1)} skipped"
    )


def _rows(rows: list[int]) -> str:
    shown = ", ".join(map(str, rows[:12])) + (", ..." if len(rows) > 12 else "")
    return f"row{'s' * (len(rows) != 1)} {shown}"


def report_text(result: ImportResult) -> Text:
    """The file and its header row, every problem (errors first), then the columns read."""
    plan = result.plan
    where = plan.file_name + (f", sheet {plan.sheet!r}" if plan.sheet else "")
    text = Text(f"{where}: header on row {plan.header_row}; action rows read: {len(plan.rows)}.")
    if not plan.problems:
        text.append("\nNo problems found.")
    for p in sorted(plan.problems, key=lambda p: (_ORDER[p.level], p.row or 0)):
        label, style = _LEVELS[p.level]
        text.append("\n")
        text.append(f"{label:<7}", style)
        where = " · ".join(x for x in (f"row {p.row}" if p.row else "", p.column or "") if x)
        if where:
            text.append(f" {where}:", "bold")
        text.append(f" {p.message}")
    mapped = [f"{h} → {f}" for h, f in plan.columns if f]
    text.append("\nColumns read: " + "; ".join(mapped), "dim")
    return text


class ImportScreen(ModalScreen["ImportResult | None"]):
    """Dismisses with the applied import's result (or None: nothing was written)."""

    SCOPED_CSS = False
    DEFAULT_CSS = DIALOG_CSS + IMPORT_CSS

    COMMAND_LIST: ClassVar[tuple[Command, ...]] = (
        Command(
            "ctrl+s",
            "confirm",
            "Preview / Import",
            "Dry run first (enter); once the preview is shown, import for real",
            priority=True,
        ),
        Command(
            "ctrl+t",
            "toggle_skip",
            "Skip invalid rows",
            "Import the valid rows, skipping the rows in error (toggle)",
            priority=True,
        ),
        Command("escape", "close", "Cancel", "Close; nothing is imported"),
        *FIELD_COMMANDS,
    )
    BINDINGS: ClassVar[list[BindingType]] = bindings(COMMAND_LIST)

    AUTO_FOCUS = "#import-file"

    def __init__(self, path: str = "") -> None:
        super().__init__()
        self.initial = path
        self.preview: ImportResult | None = None
        self.previewed: tuple[Path, str | None] | None = None
        self.busy: str | None = None  # "preview" or "import" while a worker runs

    def compose(self) -> ComposeResult:
        with Vertical(id="import-box", classes="dialog"):
            yield Static(Text("Import a CSV or Excel file"), id="form-heading")
            yield Label("File (in this folder unless a path is given)", classes="field-label")
            yield Input(self.initial, id="import-file", placeholder="actions.xlsx")
            with Horizontal(id="import-options"):
                yield Input(id="import-sheet", placeholder="Sheet (Excel only)")
                yield Checkbox("Skip invalid rows (ctrl+t)", id="import-skip")
            yield LoadingIndicator(id="import-busy")
            yield Static(
                "Type the file's name, then press enter for a preview.", id="import-status"
            )
            with VerticalScroll(id="import-report"):
                yield Static("", id="import-report-text")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#import-busy").display = False
        self.query_one("#import-report").display = False

    # --- inputs --------------------------------------------------------------

    @property
    def skip(self) -> bool:
        return self.query_one("#import-skip", Checkbox).value

    def target(self) -> tuple[Path, str | None] | None:
        """The file and sheet asked for, or None (with the reason shown)."""
        name = self.query_one("#import-file", Input).value.strip()
        if not name:
            self._status("file: give the name of a .csv or .xlsx file", error=True)
            return None
        path = resolve(name)
        if path.suffix.lower() not in SUFFIXES:
            self._status(
                f"file: {path.name} is not a CSV or Excel file (.csv or .xlsx)", error=True
            )
            return None
        sheet = self.query_one("#import-sheet", Input).value.strip() or None
        return path, sheet

    def on_input_changed(self, event: Input.Changed) -> None:
        # Another file or sheet: the preview shown is not of it any more.
        if self.preview is not None and self.busy is None:
            self.preview = self.previewed = None
            self._status("Press enter for a preview of the new file or sheet.")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.action_preview()

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        if self.preview is not None:
            self._show_preview(self.preview)

    def action_toggle_skip(self) -> None:
        box = self.query_one("#import-skip", Checkbox)
        box.value = not box.value

    # --- the dry run ---------------------------------------------------------

    def action_confirm(self) -> None:
        target = self.target() if self.busy is None else None
        if target is not None and self.preview is not None and target == self.previewed:
            self.action_import()
        else:
            self.action_preview()

    def action_preview(self) -> None:
        if self.busy is not None:
            return
        target = self.target()
        if target is None:
            return
        path, sheet = target
        gateway = self.app.gateway
        self._start("preview", f"Reading {path.name} (dry run: nothing is changed)…")
        run_db(
            self,
            lambda: run_import(gateway, path, sheet, dry_run=True, skip_invalid=False),
            on_done=lambda result: self._previewed(result, target),
            on_error=self._failed,
            group="import-preview",
            exclusive=True,
        )

    def _previewed(self, result: ImportResult, target) -> None:
        if not self._finish():
            return
        self.preview, self.previewed = result, target
        self._show_preview(result)

    def _show_preview(self, result: ImportResult) -> None:
        plan = result.plan
        report = self.query_one("#import-report")
        report.display = True
        self.query_one("#import-box").add_class("-previewed")
        self.query_one("#import-report-text", Static).update(report_text(result))
        errors, rows = plan.errors, plan.error_rows
        if not errors:
            self._status(
                f"Dry run: would import {counts_text(result, skip=True)}.\nPress ctrl+s to import."
            )
        elif self.skip:
            self._status(
                f"{len(errors)} error{'s' * (len(errors) != 1)}: {len(rows)} "
                f"row{'s' * (len(rows) != 1)} will be skipped ({_rows(rows)}).\n"
                f"Dry run: would import {counts_text(result, skip=True)}. Press ctrl+s to import."
            )
        else:
            self._status(
                f"{len(errors)} error{'s' * (len(errors) != 1)} ({_rows(rows)}): the import is "
                f"refused. Fix the file, or tick 'Skip invalid rows' (ctrl+t) to import the "
                f"other rows ({counts_text(result, skip=True)}).",
                error=True,
            )

    # --- the import ------------------------------------------------------------

    def action_import(self) -> None:
        if self.busy is not None:
            return
        target, result = self.previewed, self.preview
        if result is None or target is None:
            self.action_preview()
            return
        gateway = self.app.gateway
        if gateway.readonly:
            self._status(gateway.readonly_message(), error=True)
            self.app.notify(gateway.readonly_message(), title="Read-only", severity="warning")
            return
        if result.plan.errors and not self.skip:
            self._show_preview(result)  # says why, and what to do
            self.app.notify(
                "The file has errors: fix them, or tick 'Skip invalid rows' (ctrl+t).",
                title="Not imported",
                severity="error",
            )
            return
        path, sheet = target
        skip = self.skip
        self._start("import", f"Importing {path.name}…")
        run_db(
            self,
            lambda: run_import(gateway, path, sheet, dry_run=False, skip_invalid=skip),
            on_done=self._imported,
            on_error=self._failed,
            group="import-write",
        )

    def _imported(self, result: ImportResult) -> None:
        attached = self._finish()
        if not result.applied:  # the file changed since the preview and now has errors
            if attached:
                self.preview = result
                self._show_preview(result)
            return
        skipped = len(result.skipped)
        message = (
            f"{result.plan.file_name}: {result.new} created, {result.updated} updated"
            f" ({result.unchanged} unchanged"
            + (f", {skipped} row{'s' * (skipped != 1)} skipped" if skipped else "")
            + ")."
        )
        self.app.notify(message, title="Imported", timeout=8)
        if attached:
            self.dismiss(result)

    # --- state -------------------------------------------------------------------

    def _start(self, what: str, text: str) -> None:
        self.busy = what
        self.query_one("#import-busy").display = True
        self._status(text)

    def _finish(self) -> bool:
        """The worker is done: False if the dialog has been closed meanwhile."""
        self.busy = None
        if not self.is_attached:
            return False
        self.query_one("#import-busy").display = False
        return True

    def _failed(self, exc: ActregError) -> None:
        what = self.busy
        if not self._finish():
            return
        if what == "preview":
            self.preview = self.previewed = None
            self.query_one("#import-report").display = False
            self.query_one("#import-box").remove_class("-previewed")
        self._status(str(exc), error=True)

    def _status(self, text: str, *, error: bool = False) -> None:
        status = self.query_one("#import-status", Static)
        status.update(Text(text))
        status.set_class(error, "-error")

    def action_close(self) -> None:
        if self.busy == "import":  # being written: its outcome must be seen
            self.notify("Still importing: wait for it to finish.", severity="warning")
            return
        self.workers.cancel_group(self, "import-preview")
        self.dismiss(None)
