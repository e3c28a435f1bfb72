"""The filter menu: status, RAG, owner, directorate and theme, chosen from lists."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, Select, Static

from db.read.queries import ActionFilter
from tui.base.command import Command, bindings
from tui.screens.action_forms import RAG_OPTIONS, STATUS_OPTIONS
from tui.screens.dialog import DIALOG_CSS, FIELD_COMMANDS
from tui.widgets.choice_select import ChoiceSelect
from tui.widgets.key_bar import KeyBar

#: The filters chosen from the values in use (distinct_values), in the menu's order.
NAMED_COLUMNS = ("owner", "directorate", "theme")


#: A list's value when the filter holds several values the list cannot show as one
#: (RAG red and amber, set with 1 and 2): applying keeps them as they are.
KEEP = "(as it is)"


def _choices(options, chosen: tuple[str, ...]) -> tuple[list, str | object]:
    """A list's options and value for `chosen`: one value, none, or several kept."""
    if len(chosen) > 1:
        labels = dict((value, label) for label, value in options)
        kept = " or ".join(str(labels.get(value, value)) for value in chosen)
        return [(kept, KEEP), *options], KEEP
    return list(options), chosen[0] if chosen else Select.NULL


class FilterMenu(ModalScreen[ActionFilter | None]):
    """Pick filters; ctrl+s (or enter on the last list) applies, esc leaves them as they were."""

    SCOPED_CSS = False
    DEFAULT_CSS = DIALOG_CSS

    COMMAND_LIST: ClassVar[tuple[Command, ...]] = (
        Command("ctrl+s", "apply", "Apply", "Apply", priority=True),
        Command("escape", "cancel", "Cancel", "Cancel"),
        *FIELD_COMMANDS,
    )
    BINDINGS: ClassVar[list[BindingType]] = bindings(COMMAND_LIST)

    def __init__(
        self, flt: ActionFilter, values: dict[str, list[str]], *, opened: str | None = None
    ) -> None:
        """`values`: the owners, directorates and themes in use, to choose from;
        `opened`: the list to open at once ("status", "owner", …), from its own key."""
        super().__init__()
        self.flt = flt
        self.values = values
        self.opened = opened

    def on_mount(self) -> None:
        if self.opened is not None:
            select = self.query_one(f"#f-{self.opened}", Select)
            select.focus()
            select.expanded = True  # its choices shown: arrows and enter pick one

    def compose(self) -> ComposeResult:
        flt = self.flt
        with Vertical(id="filter-box", classes="dialog"):
            yield Static("Filters", id="form-heading")
            for label, wid, (options, value) in (
                ("Status", "f-status", _choices(STATUS_OPTIONS, flt.statuses)),
                ("RAG", "f-rag", _choices(RAG_OPTIONS, flt.rags)),
            ):
                yield Label(label, classes="field-label")
                yield ChoiceSelect(options, value=value, id=wid, prompt="(any)")
            for column in NAMED_COLUMNS:
                chosen = getattr(flt, column)
                known = self.values.get(column, [])
                yield Label(column.capitalize(), classes="field-label")
                yield ChoiceSelect(
                    [(v, v) for v in known],
                    value=chosen if chosen in known else Select.NULL,
                    id=f"f-{column}",
                    prompt="(any)",
                )
            yield Static("ctrl+s apply · esc cancel", id="form-hint")
        yield KeyBar()  # its own keys, not those of the screen beneath

    def _value(self, wid: str) -> str | None:
        select = self.query_one(wid, Select)
        return None if select.is_blank() else str(select.value)

    def _several(self, wid: str, kept: tuple[str, ...]) -> tuple[str, ...]:
        value = self._value(wid)
        if value == KEEP:
            return kept
        return (value,) if value else ()

    def action_apply(self) -> None:
        # ctrl+s is a priority binding, handled before the focused list has processed
        # the keys typed just before it: read the choices after them, from inside that
        # list's own message queue (as the forms do).
        target = self.focused if self.focused is not None else self
        target.call_later(self._apply_now)

    def _apply_now(self) -> None:
        self.dismiss(
            self.flt._replace(
                statuses=self._several("#f-status", self.flt.statuses),
                rags=self._several("#f-rag", self.flt.rags),
                **{column: self._value(f"#f-{column}") for column in NAMED_COLUMNS},
            )
        )

    def action_cancel(self) -> None:
        self.dismiss(None)
