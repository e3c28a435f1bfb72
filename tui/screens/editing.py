"""The keys that open an action's forms, shared by the register and the action card."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from tui.base.command import Command, bindings
from tui.screens.action_forms import ACTION_FORMS
from tui.screens.form_screen import FormResult, Saved, Stale

#: The forms that act on one action: the register's selected row, or the card's action.
#: Their bar_rank is the card's (after its Back, 1); the register ranks its own.
EDIT_COMMANDS = (
    Command(
        "u",
        "form('update')",
        "Update",
        "Progress update: note, status, RAG, percent",
        name="Progress update",
        palette_help="Record a note, status, RAG or percent",
        bar_rank=2,
    ),
    Command(
        "e",
        "form('edit')",
        "Edit",
        "Edit a field (with a reason)",
        name="Edit a field",
        palette_help="Change a descriptive field, with a reason",
    ),
    Command(
        "d",
        "form('redate')",
        "Re-date",
        "Move the target date (with a reason)",
        name="Move target date",
        palette_help="Re-date the action, with a reason",
        bar_rank=4,
    ),
    Command(
        "s",
        "form('status')",
        "Status",
        "Change the status",
        name="Change status",
        palette_help="Set the status",
        bar_rank=6,
    ),
    Command(
        "r",
        "form('rag')",
        "RAG",
        "Set the RAG rating (with a reason)",
        name="Set RAG",
        palette_help="Re-rate the action, with a reason",
        bar_rank=5,
    ),
    Command(
        "c",
        "form('close')",
        "Close",
        "Close as verified, with evidence",
        name="Close action",
        bar_rank=3,
    ),
)
EDIT_BINDINGS = bindings(EDIT_COMMANDS)


class ActionEditing:
    """Mixin for a Screen: `target_action()` picks the action, `after_write()` reloads.

    A key typed while the action is still loading (a fast typist, a script, keys sent
    in one write) waits for it: `when_ready` keeps it, in order, until the screen
    calls `run_waiting()` once its data has arrived. No key is dropped or applied to
    the action as it was before the load.
    """

    _waiting: list[Callable[[], None]] | None = None

    def target_action(self) -> dict | None:
        raise NotImplementedError

    def target_ready(self) -> bool:
        """Whether what the screen shows is loaded (no read of it is still on its way)."""
        raise NotImplementedError

    def when_ready(self, then: Callable[[], None]) -> None:
        if self.target_ready() and not self._waiting:
            then()
        else:
            self._waiting = [*(self._waiting or []), then]
            # the keys after this one wait their turn (tui.base.held_keys)
            self.app.hold_keys(give_up=self.give_up_waiting)

    def give_up_waiting(self) -> None:
        """What waited never became ready (its read failed): drop it."""
        self._waiting = None

    def run_waiting(self) -> None:
        """(After a load.) Run what waited for it, then the keys typed meanwhile."""
        if not self._waiting or not self.target_ready():
            return
        while self._waiting:
            self._waiting.pop(0)()
        self.app.release_keys()

    def after_write(self, row: dict | None) -> None:
        raise NotImplementedError

    def writable(self) -> bool:
        gateway = self.app.gateway
        if gateway.readonly:
            self.app.notify(gateway.readonly_message(), title="Read-only", severity="warning")
            return False
        return True

    def action_form(self, kind: str) -> None:
        self.when_ready(partial(self._open_form, kind))

    def _open_form(self, kind: str) -> None:
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
