"""Where to write a file: a folder and a name, offered before anything is written.

Used by the triage summary's `w` (the export dialog has its own, with the format).
The dialog only chooses: it checks the folder exists and the name is a plain file
name, then dismisses with the path; the caller writes the file.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from tui.base.command import Command, bindings
from tui.screens.dialog import DIALOG_CSS, FIELD_COMMANDS
from tui.widgets.key_bar import KeyBar


def chosen_path(folder: str, name: str) -> Path:
    """The file a folder and a name mean; ValueError (naming the field) if they cannot be used."""
    folder, name = folder.strip(), name.strip()
    if not folder:
        raise ValueError("folder: give a folder")
    where = Path(folder).expanduser()
    where = (where if where.is_absolute() else Path.cwd() / where).resolve()
    if not where.is_dir():
        raise ValueError(f"folder: {where} does not exist")
    if not name:
        raise ValueError("file name: give a file name")
    if Path(name).name != name or name in (".", ".."):
        raise ValueError("file name: a name only (put the folder in the folder field)")
    return where / name


class SaveAsScreen(ModalScreen[Path | None]):
    """Dismisses with the path to write, or None if cancelled."""

    SCOPED_CSS = False
    DEFAULT_CSS = DIALOG_CSS

    COMMAND_LIST: ClassVar[tuple[Command, ...]] = (
        Command("ctrl+s", "save", "Write", "Write the file here", priority=True),
        Command("escape", "cancel", "Cancel", "Write nothing"),
        *FIELD_COMMANDS,
    )
    BINDINGS: ClassVar[list[BindingType]] = bindings(COMMAND_LIST)

    def __init__(self, heading: str, folder: Path, name: str) -> None:
        super().__init__()
        self.heading, self.folder, self.file_name = heading, folder, name

    def compose(self) -> ComposeResult:
        with Vertical(id="save-as-box", classes="dialog"):
            yield Static(self.heading, id="form-heading")
            yield Label("Folder", classes="field-label")
            yield Input(str(self.folder), id="save-folder")
            yield Label("File name", classes="field-label")
            yield Input(self.file_name, id="save-name")
            yield Static("", id="form-error")
            yield Static("enter / ctrl+s write · tab next field · esc cancel", id="form-hint")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#save-name", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.action_save()

    def action_save(self) -> None:
        folder = self.query_one("#save-folder", Input).value
        name = self.query_one("#save-name", Input).value
        try:
            path = chosen_path(folder, name)
        except ValueError as exc:
            self.query_one("#form-error", Static).update(str(exc))
            return
        self.dismiss(path)

    def action_cancel(self) -> None:
        self.dismiss(None)
