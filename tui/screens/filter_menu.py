"""The filter menu: status, RAG, owner and directorate, chosen from lists."""

from __future__ import annotations

from dataclasses import replace
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, Select, Static

from db.queries import ActionFilter
from tui.screens.dialog import DIALOG_CSS
from tui.screens.forms import RAG_OPTIONS, STATUS_OPTIONS


class FilterMenu(ModalScreen[ActionFilter | None]):
    """Pick filters; ctrl+s (or enter on the last list) applies, esc leaves them as they were."""

    SCOPED_CSS = False
    DEFAULT_CSS = DIALOG_CSS

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "apply", "Apply", priority=True),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(self, flt: ActionFilter, owners: list[str], directorates: list[str]) -> None:
        super().__init__()
        self.flt = flt
        self.owners = owners
        self.directorates = directorates

    def compose(self) -> ComposeResult:
        flt = self.flt
        with Vertical(id="filter-box", classes="dialog"):
            yield Static("Filters", id="form-heading")
            yield Label("Status", classes="field-label")
            yield Select(
                STATUS_OPTIONS,
                value=flt.statuses[0] if flt.statuses else Select.NULL,
                id="f-status",
                prompt="(any)",
            )
            yield Label("RAG", classes="field-label")
            yield Select(
                RAG_OPTIONS,
                value=flt.rags[0] if len(flt.rags) == 1 else Select.NULL,
                id="f-rag",
                prompt="(any)",
            )
            yield Label("Owner", classes="field-label")
            yield Select(
                [(o, o) for o in self.owners],
                value=flt.owner if flt.owner in self.owners else Select.NULL,
                id="f-owner",
                prompt="(any)",
            )
            yield Label("Directorate", classes="field-label")
            yield Select(
                [(d, d) for d in self.directorates],
                value=flt.directorate if flt.directorate in self.directorates else Select.NULL,
                id="f-directorate",
                prompt="(any)",
            )
            yield Static("ctrl+s apply · esc cancel", id="form-hint")

    def _value(self, wid: str) -> str | None:
        select = self.query_one(wid, Select)
        return None if select.is_blank() else str(select.value)

    def action_apply(self) -> None:
        status, rag = self._value("#f-status"), self._value("#f-rag")
        self.dismiss(
            replace(
                self.flt,
                statuses=(status,) if status else (),
                rags=(rag,) if rag else (),
                owner=self._value("#f-owner"),
                directorate=self._value("#f-directorate"),
            )
        )

    def action_cancel(self) -> None:
        self.dismiss(None)
