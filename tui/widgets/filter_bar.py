"""The line above the table: the search box, the active filters as chips, the count."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Input, Static

from db.queries import ActionFilter
from tui.formatting import RAG_LETTERS, RAG_STYLES, status_label

CHIP = "bold reverse"


def chips(flt: ActionFilter) -> Text:
    parts: list[Text] = []
    if flt.search:
        parts.append(Text(f" search: {flt.search} ", CHIP))
    if flt.overdue:
        parts.append(Text(" overdue ", CHIP))
    if flt.stale:
        parts.append(Text(" stale ", CHIP))
    for rag in flt.rags:
        parts.append(Text(f" RAG {RAG_LETTERS[rag]} ", RAG_STYLES[rag]))
    for status in flt.statuses:
        parts.append(Text(f" {status_label(status)} ", CHIP))
    if flt.owner:
        parts.append(Text(f" owner: {flt.owner} ", CHIP))
    if flt.directorate:
        parts.append(Text(f" directorate: {flt.directorate} ", CHIP))
    if not parts:
        return Text("no filters", "dim")
    return Text(" ").join(parts)


class FilterBar(Horizontal):
    """Search input, chips and 'N of M actions'."""

    def compose(self) -> ComposeResult:
        # The search box exists from the start, hidden: "/" only has to show and
        # focus it, so not one letter typed straight after "/" can go astray.
        search = Input(placeholder="search…", id="search")
        search.display = False
        yield search
        yield Static("/ to search", id="search-hint")
        yield Static(chips(ActionFilter()), id="chips")
        yield Static("", id="count")

    @property
    def search_input(self) -> Input:
        return self.query_one("#search", Input)

    def open_search(self) -> Input:
        """The search box, shown in place of the hint."""
        search = self.search_input
        search.display = True
        self.query_one("#search-hint").display = False
        return search

    def show(self, flt: ActionFilter, shown: int | None, total: int | None) -> None:
        self.query_one("#chips", Static).update(chips(flt))
        if shown is None:
            text = "counting…"
        elif total is None or (shown == total and not _active(flt)):
            text = f"{shown:,} actions"
        else:
            text = f"{shown:,} of {total:,} actions"
        self.query_one("#count", Static).update(text)


def _active(flt: ActionFilter) -> bool:
    return flt != ActionFilter()
