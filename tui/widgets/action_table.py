"""The register table: a virtualised line-API view fed a page at a time from SQLite.

Only the lines on screen are rendered (``render_line``). The table knows how many
actions match (one ``count(*)``) and keeps a few pages of rows; a line whose page
is not loaded yet shows a placeholder and asks a thread worker for that page.
Nothing here ever touches the database on the event loop.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache, partial
from typing import ClassVar

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual.binding import BindingType
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from db.read.paging import (
    count_and_page,
    matching_ids,
    page_actions,
    rows_by_ids,
)
from db.read.queries import ActionFilter, ActionRow
from tui.base.background import run_db
from tui.base.command import Command, bindings
from tui.text.formatting import (
    OVERDUE_STYLE,
    RAG_LETTERS,
    RAG_STYLES,
    SLIPPED_STYLE,
    day,
    status_label,
)

PAGE_SIZE = 100
MAX_PAGES = 40
RELOAD = "table-reload"  # the worker group (and interruptible read) of a reload


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    width: int  # 0: takes the room left over; else the least it is given
    drop: int = 0  # columns with a higher number are hidden first when space is short
    grows_to: int = 0  # up to this many cells for longer names, while the title keeps enough


COLUMNS = (
    Column("ref", "Ref", 9),
    Column("title", "Title", 0),
    Column("owner", "Owner", 14, drop=1, grows_to=32),
    Column("directorate", "Directorate", 13, drop=3, grows_to=32),
    Column("status", "Status", 11),
    Column("rag", "RAG", 3),
    Column("target_date", "Target", 16),
    Column("last_update", "Updated", 10, drop=2),
)
SORTABLE = tuple(c.key for c in COLUMNS)
MIN_TITLE = 18
#: The title keeps this much before a column that grows (owner, directorate) takes more.
TITLE_KEEPS = 40
#: The columns that grow to fit the names shown in them.
GROWING = tuple(c.key for c in COLUMNS if c.grows_to)
#: How wide the names shown in each growing column are (in GROWING's order).
Wanted = tuple[int, ...]


@dataclass(frozen=True)
class TableQuery:
    """What the table shows: a filter and an order."""

    flt: ActionFilter = field(default_factory=ActionFilter)
    sort: str = "ref"
    descending: bool = False


def first_page(
    gateway, query: TableQuery, page: int = 0
) -> tuple[int, list[ActionRow], list[int] | None]:
    """:func:`read_first_page` through the gateway, as a read a newer one may cut short."""
    return gateway.read(RELOAD, read_first_page, query, page)


def read_first_page(
    conn, query: TableQuery, page: int = 0, rows: int = PAGE_SIZE
) -> tuple[int, list[ActionRow], list[int] | None]:
    """(how many match, the first `rows` rows of `page`, the ids of all matches or None).

    A search reads the matching ids once (the full-text match is the slow part) and
    pages by id: here the actions' own text only, so the first rows show at once;
    the table then widens it to the commentary in the background (:func:`all_matches`).
    Any other query counts and pages with LIMIT/OFFSET on an indexed order. Fewer
    rows than a page (start-up reads only what fits on the screen) make a short
    page, which the table completes when a line past its end is wanted.
    """
    rows = min(rows, PAGE_SIZE)
    start = page * PAGE_SIZE
    if query.flt.search:
        ids = matching_ids(
            conn, query.flt, sort=query.sort, descending=query.descending, commentary=False
        )
        return len(ids), rows_by_ids(conn, ids[start : start + rows]), ids
    total, found = count_and_page(
        conn,
        query.flt,
        sort=query.sort,
        descending=query.descending,
        limit=rows,
        offset=start,
    )
    return total, found, None


def all_matches(conn, query: TableQuery) -> tuple[list[int], list[ActionRow]]:
    """Every action a search matches, commentary included (in table order), and the
    rows of the first page."""
    ids = matching_ids(conn, query.flt, sort=query.sort, descending=query.descending)
    return ids, rows_by_ids(conn, ids[:PAGE_SIZE])


@lru_cache(maxsize=64)
def layout(width: int, wanted: Wanted = ()) -> list[tuple[Column, int]]:
    """The columns that fit in `width` cells, with their widths (title takes the rest).

    The width is shared by content: a growing column (owner, directorate) takes what
    its longest name shown needs (`wanted`, up to its `grows_to`) out of the title's
    room beyond TITLE_KEEPS, so "Director of Adult Social Care" is not cut to 14
    cells while the title has 77.
    """
    shown = list(COLUMNS)

    def fixed(cols: list[Column]) -> int:
        return sum(c.width for c in cols) + len(cols)  # one space after each column

    while fixed(shown) + MIN_TITLE > width and any(c.drop for c in shown):
        shown.remove(max((c for c in shown if c.drop), key=lambda c: c.drop))
    widths = {c.key: c.width for c in shown}
    spare = width - fixed(shown) - max(MIN_TITLE, TITLE_KEEPS)
    for key, need in zip(GROWING, wanted, strict=False):
        if key in widths and spare > 0:
            column = next(c for c in shown if c.key == key)
            extra = max(0, min(spare, min(need, column.grows_to) - column.width))
            widths[key] += extra
            spare -= extra
    title = max(MIN_TITLE, width - sum(widths.values()) - len(shown))
    return [(c, widths[c.key] or title) for c in shown]


class ActionTable(ScrollView, can_focus=True):
    """Actions, one per line, with a fixed header line and a cursor."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "action-table--header",
        "action-table--cursor",
    }

    COMMAND_LIST: ClassVar[tuple[Command, ...]] = (
        Command("up", "cursor(-1)", "Up", "Previous action", show=False),
        Command("down", "cursor(1)", "Down", "Next action", show=False),
        Command("pageup", "page(-1)", "Page up", "Page up", show=False),
        Command("pagedown", "page(1)", "Page down", "Page down", show=False),
        Command("home", "jump(0)", "First", "First action", show=False),
        Command("end", "jump(-1)", "Last", "Last action", show=False),
    )
    BINDINGS: ClassVar[list[BindingType]] = bindings(COMMAND_LIST)

    DEFAULT_CSS = """
    ActionTable {
        height: 1fr;
        scrollbar-size-vertical: 1;
        overflow-x: hidden;
    }
    ActionTable > .action-table--header { text-style: bold; background: $primary 30%; }
    ActionTable > .action-table--cursor { background: $accent 40%; }
    ActionTable:focus > .action-table--cursor { background: $accent; color: $text; }
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
        self._ids: list[int] | None = None  # every match, in order (searches only)
        self.widening = False  # a search's commentary match is running in the background
        self._paint: _PaintStyles | None = None
        #: The widest names seen in the growing columns: they only grow, so the
        #: columns do not jump about as the filter or the page changes.
        self.wanted: Wanted = (0,) * len(GROWING)

    # --- data ---------------------------------------------------------------

    def _measure(self, rows: list[dict]) -> None:
        wanted = tuple(
            max([seen, *(cell_len(str(row.get(key) or "")) for row in rows)])
            for key, seen in zip(GROWING, self.wanted, strict=True)
        )
        if wanted != self.wanted:
            self.wanted = wanted
            self.refresh()

    @property
    def gateway(self):
        return self.app.gateway

    def reload(self, query: TableQuery | None = None, *, keep_cursor: bool = False) -> None:
        """Count and fetch the first needed page for `query` (or the current one again)."""
        if query is not None:
            self.query = query
        self.generation += 1
        # A reload still counting for the previous query (a search one key ago) is stopped.
        self.gateway.interrupt(RELOAD)
        cursor = self.cursor if keep_cursor else 0
        page = cursor // PAGE_SIZE
        run_db(
            self,
            partial(first_page, self.gateway, self.query, page),
            on_done=partial(self._reloaded, self.generation, page, cursor),
            group=RELOAD,
            exclusive=True,
        )

    def show_loaded(self, query: TableQuery, result: tuple) -> None:
        """Show a first page read elsewhere (at start-up, before the screen was up)."""
        self.query = query
        self.generation += 1
        self._reloaded(self.generation, 0, 0, result)

    def _reloaded(self, generation: int, page: int, cursor: int, result) -> None:
        if generation != self.generation:
            return
        total, rows, self._ids = result
        self._show(total, {page: rows}, cursor)
        self.loaded_generation = generation
        if cursor == 0:
            self.scroll_to(y=0, animate=False, immediate=True)
        self._keep_cursor_visible()
        self.post_message(self.Loaded(self, total))
        self.widening = bool(self.query.flt.search)
        if self.widening:  # the rows shown matched in the actions' text: now the commentary
            run_db(
                self,
                partial(self.gateway.read, RELOAD, all_matches, self.query),
                on_done=partial(self._widened, generation),
                group=RELOAD,
                exclusive=True,
            )

    def _show(self, total: int, pages: dict[int, list[dict]], cursor: int) -> None:
        self.total = total
        self._pages.clear()
        self._pending.clear()
        self._pages.update(pages)
        for rows in pages.values():
            self._measure(rows)
        self.cursor = max(0, min(cursor, total - 1))
        self.virtual_size = Size(self.size.width, total + 1)
        self.refresh()

    def _widened(self, generation: int, result: tuple[list[int], list[dict]]) -> None:
        """Every match of the search has come: the cursor stays on its action."""
        if generation != self.generation:
            return
        ids, rows = result
        here = self.current_row
        self._ids, self.widening = ids, False
        cursor = ids.index(here["id"]) if here and here["id"] in ids else 0
        self._show(len(ids), {0: rows}, cursor)
        self._keep_cursor_visible()
        self.post_message(self.Loaded(self, len(ids)))

    def _has_page(self, page: int) -> bool:
        """Whether every row of `page` is here (start-up may have read only a screenful)."""
        rows = self._pages.get(page)
        if rows is None or self.total is None:
            return False
        return len(rows) >= min(PAGE_SIZE, self.total - page * PAGE_SIZE)

    def _request_page(self, page: int) -> None:
        if self._has_page(page) or page in self._pending or self.total is None:
            return
        if page * PAGE_SIZE >= self.total:
            return
        self._pending.add(page)
        q, gateway, ids = self.query, self.gateway, self._ids
        if ids is not None:
            chunk = ids[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
            work = partial(gateway.call, rows_by_ids, chunk)
        else:
            work = partial(
                gateway.call,
                page_actions,
                q.flt,
                sort=q.sort,
                descending=q.descending,
                limit=PAGE_SIZE,
                offset=page * PAGE_SIZE,
            )
        run_db(
            self,
            work,
            on_done=partial(self._page_loaded, self.generation, page),
            group="table-page",
        )

    def _page_loaded(self, generation: int, page: int, rows: list[dict]) -> None:
        if generation != self.generation:
            return
        self._pending.discard(page)
        self._pages[page] = rows
        self._measure(rows)
        while len(self._pages) > MAX_PAGES:
            self._pages.popitem(last=False)
        self.refresh()

    def row_at(self, index: int) -> dict | None:
        """The row at `index` if its page is loaded (else None, and the page is asked for)."""
        page, offset = divmod(index, PAGE_SIZE)
        rows = self._pages.get(page)
        if rows is None or offset >= len(rows):
            self.call_later(self._request_page, page)
            return None
        self._pages.move_to_end(page)
        return rows[offset]

    @property
    def current_row(self) -> dict | None:
        if not self.total:
            return None
        return self.row_at(self.cursor)

    @property
    def is_current(self) -> bool:
        """True when the rows shown answer the newest query (the last reload has arrived)."""
        return self.loaded_generation == self.generation

    @property
    def is_settled(self) -> bool:
        """True when the last reload has arrived (a search's commentary too) and no page
        is being fetched."""
        current = self.loaded_generation == self.generation
        return current and not self._pending and not self.widening

    # --- cursor and scrolling --------------------------------------------------

    @property
    def _body_height(self) -> int:
        return max(1, self.scrollable_content_region.height - 1)

    def _move_to(self, index: int) -> None:
        if not self.total:
            return
        old, top = self.cursor, round(self.scroll_y)
        self.cursor = max(0, min(index, self.total - 1))
        self._keep_cursor_visible()
        if round(self.scroll_y) == top:
            # Only the two lines whose highlight changed (the header is line 0).
            self.refresh_line(old + 1)
            self.refresh_line(self.cursor + 1)
        else:
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

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._paint = None  # focus, theme or CSS changed: look the styles up again

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        # The styles are looked up once, not once per line (or per paint): on a full
        # screen that lookup was a third of the cost of drawing the table.
        if self._paint is None:
            self._paint = _PaintStyles(self)
        paint = self._paint
        if y == 0:
            return self._line(self._header_segments(width, paint.header), width, paint.header)
        top = round(self.scroll_y)
        index = top + y - 1
        if y == 1:
            self._prefetch(top)
        if self.total is None or self.total == 0:
            if self.total is None:
                message = "Loading…"
            elif self.query.flt == ActionFilter():
                message = "This register has no actions yet: press n to add one."
            else:
                message = "No actions match these filters (esc clears them)."
            style = paint.placeholder
            return self._line([Segment(message if y == 1 else "", style)], width, style)
        if index >= self.total:
            return Strip.blank(width, paint.base)
        row = self.row_at(index)
        cursor = index == self.cursor
        if row is None:
            style = paint.cursor_placeholder if cursor else paint.placeholder
            return self._line([Segment("…", style)], width, style)
        style = paint.cursor_row if cursor else paint.row
        segments, cells = _row_segments(row, width, style, self.wanted)
        return self._line(segments, width, None, cells)

    def _prefetch(self, top: int) -> None:
        """Ask for the pages a screen above and below, so paging finds its rows ready."""
        height = self._body_height
        first = max(0, top - height) // PAGE_SIZE
        last = min((self.total or 0) - 1, top + 2 * height) // PAGE_SIZE
        for page in range(first, last + 1):
            if not self._has_page(page) and page not in self._pending:
                self.call_later(self._request_page, page)

    def _header_segments(self, width: int, style: Style) -> list[Segment]:
        titles = []
        for column, w in layout(width, self.wanted):
            title = column.title
            if column.key == self.query.sort:
                arrow = "▼" if self.query.descending else "▲"
                # A narrow column ("RAG") gives its last letter to the arrow, never the arrow.
                title = f"{title} {arrow}" if len(title) + 2 <= w else f"{title[: w - 1]}{arrow}"
            titles.append(fit(title, w) + " ")
        return [Segment("".join(titles), style)]

    def _line(
        self, segments: list[Segment], width: int, style: Style | None, used: int | None = None
    ) -> Strip:
        if used is None:
            used = sum(segment.cell_length for segment in segments)
        if used < width:
            segments.append(Segment(" " * (width - used), style or segments[-1].style))
            return Strip(segments, width)
        return Strip(segments, used).crop(0, width)


class _RowStyles:
    """The styles of one kind of row (plain, or under the cursor), combined once."""

    def __init__(self, style: Style) -> None:
        self.plain = style
        self.rag = {rag: style + rag_style for rag, rag_style in RAG_STYLES.items()}
        self.unrated = style + DIM
        self.overdue = style + OVERDUE_STYLE
        self.slipped = style + SLIPPED_STYLE


class _PaintStyles:
    """The table's Rich styles for one paint."""

    def __init__(self, table: ActionTable) -> None:
        base = table.rich_style
        component = table.get_component_rich_style
        self.base = base
        self.header = base + component("action-table--header")
        self.cursor = base + component("action-table--cursor")
        # Placeholders ("Loading…", "…") are dim text, not a CSS component: every
        # component class costs start-up a styled node per widget, per style update.
        self.placeholder = base + DIM
        self.cursor_placeholder = self.cursor + DIM
        self.row = _RowStyles(base)
        self.cursor_row = _RowStyles(self.cursor)


def _text_of(key: str):
    """How a plain column's cell reads from a row."""
    if key == "status":
        return lambda row: status_label(row.get("status"))
    if key == "last_update":
        return lambda row: day(row.get("last_update"))
    return lambda row: str(row.get(key) or "")


#: A run of plain cells, joined into one segment: [(text of a row, width), ...].
_Run = list[tuple[Callable[[dict], str], int]]


@lru_cache(maxsize=64)
def _plan(width: int, wanted: Wanted = ()) -> tuple[list[tuple[str, int | _Run]], int]:
    """The steps that draw a row `width` wide, and the cells a row takes.

    Runs of plain columns are one step each, drawn as one segment: every segment
    is carried through Textual's filters and cut at region edges, so a row of ~5
    segments draws several times faster than one of ~20.
    """
    steps: list[tuple[str, int | _Run]] = []
    columns = layout(width, wanted)
    for column, w in columns:
        if column.key in ("rag", "target_date"):
            steps.append((column.key, w))
        elif steps and steps[-1][0] == "plain":
            steps[-1][1].append((_text_of(column.key), w))  # type: ignore[union-attr]
        else:
            steps.append(("plain", [(_text_of(column.key), w)]))
    return steps, sum(w + 1 for _, w in columns)  # one space after each column


def _row_segments(
    row: dict, width: int, styles: _RowStyles, wanted: Wanted = ()
) -> tuple[list[Segment], int]:
    """One row's segments, and the cells they take (`width` unless a target overflows).

    Text in the row's own style is gathered into one segment until a coloured one
    comes (a RAG badge, an overdue date): a typical row is three segments.
    """
    steps, cells = _plan(width, wanted)
    segments: list[Segment] = []
    plain = styles.plain
    text = ""  # in the row's own style, not yet made a segment

    def coloured(part: str, style: Style) -> None:
        nonlocal text
        if text:
            segments.append(Segment(text, plain))
            text = ""
        segments.append(Segment(part, style))

    for step, how in steps:
        if step == "plain":
            text += " ".join([fit(text_of(row), w) for text_of, w in how])  # type: ignore[union-attr]
        elif step == "rag":
            rag = row.get("rag")
            if rag:
                coloured(f" {RAG_LETTERS[rag]} ", styles.rag[rag])
            else:
                coloured(" - ", styles.unrated)
        else:  # the target date: '2025-06-30 ↻2 !', revisions when slipped, '!' when overdue
            overdue = bool(row.get("overdue"))
            date = row.get("target_date") or "—"
            used = len(date)  # an ISO date, or the one-cell dash
            if overdue:
                coloured(date, styles.overdue)
            else:
                text += date
            revisions = int(row.get("target_revisions") or 0)
            if revisions:
                mark = f" ↻{revisions}"
                coloured(mark, styles.slipped)
                used += len(mark)
            if overdue:
                coloured(" !", styles.overdue)
                used += 2
            text += " " * (how - used)  # type: ignore[operator]
            cells += max(0, used - how)  # type: ignore[operator]
        text += " "
    segments.append(Segment(text, plain))
    return segments, cells


DIM = Style(dim=True)


def fit(text: str, width: int) -> str:
    """Pad or cut `text` to exactly `width` cells, with '…' when cut."""
    if text.isascii() and "\n" not in text:
        return text.ljust(width) if len(text) <= width else text[: width - 1] + "…"
    text = " ".join(text.split())
    if cell_len(text) <= width:
        return set_cell_size(text, width)
    return set_cell_size(text, width - 1) + "…"
