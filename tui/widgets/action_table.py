"""The register table: a virtualised line-API view fed a page at a time from SQLite.

Only the lines on screen are rendered (``render_line``). The table knows how many
actions match (one ``count(*)``) and keeps a few pages of rows; a line whose page
is not loaded yet shows a placeholder and asks a thread worker for that page.
Nothing here ever touches the database on the event loop.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from functools import lru_cache, partial
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from db.paging import page_actions
from db.queries import ActionFilter, count_actions
from tui.background import run_db
from tui.formatting import day, rag_badge, status_label, target_text

PAGE_SIZE = 100
MAX_PAGES = 40


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    width: int  # 0: takes the room left over
    drop: int = 0  # columns with a higher number are hidden first when space is short


COLUMNS = (
    Column("ref", "Ref", 9),
    Column("title", "Title", 0),
    Column("owner", "Owner", 14, drop=3),
    Column("directorate", "Directorate", 13, drop=1),
    Column("status", "Status", 11),
    Column("rag", "RAG", 3),
    Column("target_date", "Target", 15),
    Column("last_update", "Updated", 10, drop=2),
)
SORTABLE = tuple(c.key for c in COLUMNS)
MIN_TITLE = 18


@dataclass(frozen=True)
class TableQuery:
    """What the table shows: a filter and an order."""

    flt: ActionFilter = field(default_factory=ActionFilter)
    sort: str = "ref"
    descending: bool = False


@lru_cache(maxsize=16)
def layout(width: int) -> list[tuple[Column, int]]:
    """The columns that fit in `width` cells, with their widths (title takes the rest)."""
    shown = list(COLUMNS)

    def fixed(cols: list[Column]) -> int:
        return sum(c.width for c in cols) + len(cols)  # one space after each column

    while fixed(shown) + MIN_TITLE > width and any(c.drop for c in shown):
        shown.remove(max((c for c in shown if c.drop), key=lambda c: c.drop))
    title = max(MIN_TITLE, width - fixed(shown))
    return [(c, c.width or title) for c in shown]


def cell(row: dict, key: str) -> Text:
    if key == "rag":
        return rag_badge(row.get("rag"))
    if key == "status":
        return Text(status_label(row.get("status")))
    if key == "target_date":
        return target_text(row)
    if key == "last_update":
        return Text(day(row.get("last_update")))
    return Text(str(row.get(key) or ""))


class ActionTable(ScrollView, can_focus=True):
    """Actions, one per line, with a fixed header line and a cursor."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "action-table--header",
        "action-table--cursor",
        "action-table--placeholder",
    }

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "cursor(-1)", "Up", show=False),
        Binding("down", "cursor(1)", "Down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("home", "jump(0)", "First", show=False),
        Binding("end", "jump(-1)", "Last", show=False),
    ]

    DEFAULT_CSS = """
    ActionTable {
        scrollbar-size-vertical: 1;
        overflow-x: hidden;
    }
    ActionTable > .action-table--header { text-style: bold; background: $primary 30%; }
    ActionTable > .action-table--cursor { background: $accent 40%; }
    ActionTable:focus > .action-table--cursor { background: $accent; color: $text; }
    ActionTable > .action-table--placeholder { color: $text-muted; }
    """

    class Loaded(Message):
        """A new query's first page arrived: `total` actions match."""

        def __init__(self, table: ActionTable, total: int) -> None:
            super().__init__()
            self.table = table
            self.total = total

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.query = TableQuery()
        self.total: int | None = None
        self.cursor = 0
        self.generation = 0  # bumped by every reload; older answers are dropped
        self.loaded_generation = -1
        self._pages: OrderedDict[int, list[dict]] = OrderedDict()
        self._pending: set[int] = set()

    # --- data ---------------------------------------------------------------

    @property
    def gateway(self):
        return self.app.gateway

    def reload(self, query: TableQuery | None = None, *, keep_cursor: bool = False) -> None:
        """Count and fetch the first needed page for `query` (or the current one again)."""
        if query is not None:
            self.query = query
        self.generation += 1
        generation, q = self.generation, self.query
        cursor = self.cursor if keep_cursor else 0
        page = cursor // PAGE_SIZE
        gateway = self.gateway

        def work():
            total = gateway.call(count_actions, q.flt)
            rows = gateway.call(
                page_actions,
                q.flt,
                sort=q.sort,
                descending=q.descending,
                limit=PAGE_SIZE,
                offset=page * PAGE_SIZE,
            )
            return total, rows

        run_db(
            self,
            work,
            on_done=partial(self._reloaded, generation, page, cursor),
            group="table-reload",
            exclusive=True,
        )

    def _reloaded(self, generation: int, page: int, cursor: int, result) -> None:
        if generation != self.generation:
            return
        total, rows = result
        self.total = total
        self._pages.clear()
        self._pending.clear()
        self._pages[page] = rows
        self.loaded_generation = generation
        self.cursor = max(0, min(cursor, total - 1))
        self.virtual_size = Size(self.size.width, total + 1)
        if cursor == 0:
            self.scroll_to(y=0, animate=False, immediate=True)
        self._keep_cursor_visible()
        self.refresh()
        self.post_message(self.Loaded(self, total))

    def _request_page(self, page: int) -> None:
        if page in self._pages or page in self._pending or self.total is None:
            return
        if page * PAGE_SIZE >= self.total:
            return
        self._pending.add(page)
        generation, q, gateway = self.generation, self.query, self.gateway
        run_db(
            self,
            lambda: gateway.call(
                page_actions,
                q.flt,
                sort=q.sort,
                descending=q.descending,
                limit=PAGE_SIZE,
                offset=page * PAGE_SIZE,
            ),
            on_done=partial(self._page_loaded, generation, page),
            group="table-page",
        )

    def _page_loaded(self, generation: int, page: int, rows: list[dict]) -> None:
        if generation != self.generation:
            return
        self._pending.discard(page)
        self._pages[page] = rows
        while len(self._pages) > MAX_PAGES:
            self._pages.popitem(last=False)
        self.refresh()

    def row_at(self, index: int) -> dict | None:
        """The row at `index` if its page is loaded (else None, and the page is asked for)."""
        page, offset = divmod(index, PAGE_SIZE)
        rows = self._pages.get(page)
        if rows is None:
            self.call_later(self._request_page, page)
            return None
        self._pages.move_to_end(page)
        return rows[offset] if offset < len(rows) else None

    @property
    def current_row(self) -> dict | None:
        if not self.total:
            return None
        return self.row_at(self.cursor)

    @property
    def is_settled(self) -> bool:
        """True when the last reload has arrived and no page is being fetched."""
        return self.loaded_generation == self.generation and not self._pending

    # --- cursor and scrolling --------------------------------------------------

    @property
    def _body_height(self) -> int:
        return max(1, self.scrollable_content_region.height - 1)

    def _move_to(self, index: int) -> None:
        if not self.total:
            return
        self.cursor = max(0, min(index, self.total - 1))
        self._keep_cursor_visible()
        self.refresh()

    def _keep_cursor_visible(self) -> None:
        top = round(self.scroll_y)
        height = self._body_height
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True)
        elif self.cursor >= top + height:
            self.scroll_to(y=self.cursor - height + 1, animate=False, immediate=True)

    def action_cursor(self, delta: int) -> None:
        self._move_to(self.cursor + delta)

    def action_page(self, direction: int) -> None:
        if not self.total:
            return
        height = self._body_height
        self.scroll_to(y=round(self.scroll_y) + direction * height, animate=False, immediate=True)
        self._move_to(self.cursor + direction * height)

    def action_jump(self, index: int) -> None:
        self._move_to(index if index >= 0 else (self.total or 0) - 1)

    def on_click(self, event) -> None:
        if event.y >= 1 and self.total:
            self._move_to(round(self.scroll_y) + event.y - 1)

    def on_resize(self) -> None:
        if self.total is not None:
            self.virtual_size = Size(self.size.width, self.total + 1)

    # --- rendering -------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        base = self.rich_style
        if y == 0:
            style = base + self.get_component_rich_style("action-table--header")
            return self._strip(self._header(width), width, style)
        index = round(self.scroll_y) + y - 1
        if self.total is None:
            text = Text("Loading…") if y == 1 else Text()
            return self._strip(text, width, base)
        if self.total == 0:
            text = Text("No actions match these filters.") if y == 1 else Text()
            placeholder = self.get_component_rich_style("action-table--placeholder")
            return self._strip(text, width, base + placeholder)
        if index >= self.total:
            return Strip.blank(width, base)
        row = self.row_at(index)
        style = base
        if index == self.cursor:
            style = base + self.get_component_rich_style("action-table--cursor")
        if row is None:
            placeholder = self.get_component_rich_style("action-table--placeholder")
            return self._strip(Text("…"), width, style + placeholder)
        return self._strip(self._row(row, width), width, style)

    def _header(self, width: int) -> Text:
        text = Text()
        for column, w in layout(width):
            title = column.title
            if column.key == self.query.sort:
                title += " ▼" if self.query.descending else " ▲"
            text.append(title[:w].ljust(w) + " ")
        return text

    def _row(self, row: dict, width: int) -> Text:
        text = Text()
        for column, w in layout(width):
            value = cell(row, column.key)
            value.truncate(w, overflow="ellipsis", pad=True)
            text.append_text(value)
            text.append(" ")
        return text

    def _strip(self, text: Text, width: int, style: Style) -> Strip:
        text.style = style  # the line's own spans (RAG badge, overdue) stay on top
        segments = list(text.render(self.app.console))
        return Strip(segments, text.cell_len).crop_extend(0, width, style)
