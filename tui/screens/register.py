"""Home: the register table, its header counts, search and quick filters."""

from __future__ import annotations

from dataclasses import replace
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Input, Static

from db.models import STATUSES
from db.paging import distinct_values
from db.queries import ActionFilter, register_info
from tui.background import run_db
from tui.formatting import RAG_LETTERS, RAG_STYLES, status_label
from tui.screens.action import ActionScreen
from tui.screens.editing import EDIT_BINDINGS, ActionEditing
from tui.screens.filter_menu import FilterMenu
from tui.screens.form import FormResult, Saved
from tui.screens.forms import new_action_form
from tui.widgets.action_table import SORTABLE, ActionTable, TableQuery
from tui.widgets.filter_bar import FilterBar

SEARCH_DEBOUNCE_S = 0.08


def header_text(info: dict) -> Text:
    """'Name · 120 actions · Not started 3 · … · R 4 A 10 G 80 · unrated 26'."""
    text = Text.assemble((info["name"] or "Register", "bold"), f" · {info['actions']:,} actions")
    for status in STATUSES:
        count = info["by_status"].get(status, 0)
        if count:
            text.append(f" · {status_label(status)} {count:,}")
    text.append(" ·")
    for rag, letter in RAG_LETTERS.items():
        text.append(" ")
        text.append(f" {letter} ", RAG_STYLES[rag])
        text.append(f" {info['by_rag'].get(rag, 0):,}")
    unrated = info["by_rag"].get("", 0)
    if unrated:
        text.append(f" · unrated {unrated:,}", "dim")
    return text


class RegisterScreen(ActionEditing, Screen):
    """The table of actions, filtered and sorted; enter opens one."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "open", "Open"),
        Binding("slash", "search", "Search"),
        Binding("o", "toggle('overdue')", "Overdue"),
        Binding("w", "toggle('stale')", "Stale"),
        Binding("1", "rag('red')", "Red", show=False),
        Binding("2", "rag('amber')", "Amber", show=False),
        Binding("3", "rag('green')", "Green", show=False),
        Binding("f", "filter_menu", "Filter"),
        Binding("escape", "clear", "Clear"),
        Binding("greater_than_sign", "sort", "Sort"),
        Binding("less_than_sign", "reverse", "Reverse", show=False),
        Binding("n", "new", "New"),
        # On the home screen only 'update' is in the footer; the rest act on the row too.
        *(b if b.key == "u" else replace(b, show=False) for b in EDIT_BINDINGS),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.flt = ActionFilter()
        self.sort = "ref"
        self.descending = False
        self.info: dict | None = None
        self.shown: int | None = None
        self._debounce: Timer | None = None

    def compose(self) -> ComposeResult:
        notices = self.app.gateway.notices
        banner = Static(" ⚠ " + "  ".join(notices), id="banner")
        banner.display = bool(notices)
        yield banner
        yield Static("", id="register-header", classes="title-bar")
        yield FilterBar(id="filter-bar")
        yield ActionTable(id="actions")
        yield Footer()

    @property
    def table(self) -> ActionTable:
        return self.query_one(ActionTable)

    def on_mount(self) -> None:
        self.table.focus()
        self.refresh_header()
        self.apply()

    def on_screen_resume(self) -> None:
        if self.table.total is not None:
            self.refresh_header()
            self.table.reload(keep_cursor=True)

    # --- data --------------------------------------------------------------

    def refresh_header(self) -> None:
        gateway = self.app.gateway
        run_db(
            self,
            lambda: gateway.call(register_info),
            on_done=self._header_loaded,
            group="header",
            exclusive=True,
        )

    def _header_loaded(self, info: dict) -> None:
        self.info = info
        self.query_one("#register-header", Static).update(header_text(info))
        self._show_count()

    def apply(self) -> None:
        """Re-query the table for the current filter and sort."""
        self.shown = None
        self._show_count()
        self.table.reload(TableQuery(self.flt, self.sort, self.descending))

    def on_action_table_loaded(self, message: ActionTable.Loaded) -> None:
        self.shown = message.total
        self._show_count()

    def _show_count(self) -> None:
        total = self.info["actions"] if self.info else None
        self.query_one(FilterBar).show(self.flt, self.shown, total)

    # --- search ------------------------------------------------------------

    def action_search(self) -> None:
        self.query_one("#search", Input).focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id != "search":
            return
        if self._debounce is not None:
            self._debounce.stop()
        self._debounce = self.set_timer(SEARCH_DEBOUNCE_S, self._search_now)

    def _search_now(self) -> None:
        text = self.query_one("#search", Input).value.strip() or None
        if text != self.flt.search:
            self.flt = replace(self.flt, search=text)
            self.apply()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "search":
            self._search_now()
            self.table.focus()

    # --- filters and sort ----------------------------------------------------

    def action_toggle(self, name: str) -> None:
        self.flt = replace(self.flt, **{name: not getattr(self.flt, name)})
        self.apply()

    def action_rag(self, rag: str) -> None:
        rags = tuple(r for r in self.flt.rags if r != rag)
        if rag not in self.flt.rags:
            rags = (*rags, rag)
        self.flt = replace(self.flt, rags=rags)
        self.apply()

    def action_clear(self) -> None:
        search = self.query_one("#search", Input)
        if self._debounce is not None:
            self._debounce.stop()
        with search.prevent(Input.Changed):
            search.value = ""
        self.table.focus()
        if self.flt != ActionFilter():
            self.flt = ActionFilter()
            self.apply()

    def action_filter_menu(self) -> None:
        gateway = self.app.gateway

        def work():
            return gateway.call(distinct_values, "owner"), gateway.call(
                distinct_values, "directorate"
            )

        def show(values) -> None:
            owners, directorates = values
            self.app.push_screen(FilterMenu(self.flt, owners, directorates), self._filtered)

        run_db(self, work, on_done=show, group="filter-menu", exclusive=True)

    def _filtered(self, flt: ActionFilter | None) -> None:
        if flt is not None and flt != self.flt:
            self.flt = flt
            self.apply()

    def action_sort(self) -> None:
        self.sort = SORTABLE[(SORTABLE.index(self.sort) + 1) % len(SORTABLE)]
        self.descending = False
        self.notify(f"Sorted by {self.sort.replace('_', ' ')}", timeout=2)
        self.apply()

    def action_reverse(self) -> None:
        self.descending = not self.descending
        self.apply()

    # --- actions -------------------------------------------------------------

    def action_open(self) -> None:
        row = self.table.current_row
        if row is None:
            self.notify("No action is selected.", severity="warning")
            return
        self.app.push_screen(ActionScreen(row["ref"]))

    def action_new(self) -> None:
        if self.writable():
            self.app.push_screen(new_action_form(self.app.gateway), self._created)

    def _created(self, result: FormResult) -> None:
        if isinstance(result, Saved):
            self.notify(f"Added action {result.row['ref']}.")
            self.after_write(result.row)

    def target_action(self) -> dict | None:
        return self.table.current_row

    def after_write(self, row: dict | None) -> None:
        self.refresh_header()
        self.table.reload(keep_cursor=True)
