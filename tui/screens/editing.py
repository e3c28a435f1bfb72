"""The keys that open an action's forms, shared by the register and the action card."""

from __future__ import annotations

from textual.binding import Binding

from tui.screens.action_forms import ACTION_FORMS
from tui.screens.form_screen import FormResult, Saved, Stale

EDIT_BINDINGS = [
    Binding("u", "form('update')", "Update", tooltip="Progress update: note, status, RAG, percent"),
    Binding("e", "form('edit')", "Edit", tooltip="Edit a field (with a reason)"),
    Binding("d", "form('redate')", "Re-date", tooltip="Move the target date (with a reason)"),
    Binding("s", "form('status')", "Status", tooltip="Change the status"),
    Binding("r", "form('rag')", "RAG", tooltip="Set the RAG rating (with a reason)"),
    Binding("c", "form('close')", "Close", tooltip="Close as verified, with evidence"),
]


class ActionEditing:
    """Mixin for a Screen: `target_action()` picks the action, `after_write()` reloads."""

    def target_action(self) -> dict | None:
        raise NotImplementedError

    def after_write(self, row: dict | None) -> None:
        raise NotImplementedError

    def writable(self) -> bool:
        gateway = self.app.gateway
        if gateway.readonly:
            self.app.notify(gateway.readonly_message(), title="Read-only", severity="warning")
            return False
        return True

    def action_form(self, kind: str) -> None:
        if not self.writable():
            return
        row = self.target_action()
        if row is None:
            self.app.notify("No action is selected (or it is still loading).", severity="warning")
            return
        self.app.push_screen(ACTION_FORMS[kind](self.app.gateway, row), self._form_closed)

    def _form_closed(self, result: FormResult) -> None:
        if isinstance(result, Saved):
            row = result.row
            self.app.notify(f"Saved: action {row['ref']} (version {row['version']}).")
            self.after_write(row)
        elif isinstance(result, Stale):
            self.app.notify(result.message, title="Changed elsewhere", severity="error", timeout=10)
            self.after_write(None)
