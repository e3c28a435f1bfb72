"""The lines above the register table: its name and counts, then search, filters, count."""

from __future__ import annotations

from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Input

from db.plural import plural
from db.read.queries import ActionFilter
from tui.text.formatting import RAG_LETTERS, RAG_STYLES, status_label

CHIP = "bold reverse"
# The count is bold. A constant, not a CSS component class: each of those costs
# start-up a styled node of its own every time the bar's styles are applied.
BOLD = Style(bold=True)
SEARCH_WIDTH = 28  # the search box, and the hint that holds its place until "/"
SEARCH_HINT = "/ to search"


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
    if flt.theme:
        parts.append(Text(f" theme: {flt.theme} ", CHIP))
    if not parts:
        return Text("no filters", "dim")
    return Text(" ").join(parts)


def count_text(flt: ActionFilter, shown: int | None, total: int | None) -> str:
    """'counting…', '120 actions' or '12 of 120 actions'."""
    if shown is None:
        return "counting…"
    if total is None or (shown == total and flt == ActionFilter()):
        return plural(shown, "action")
    return f"{shown:,} of {plural(total, 'action')}"


class SearchBox(Input):
    """The search box: a one-line (compact) Input over the filter line's hint.

    A class of its own so that its CSS is parsed when it is mounted, after the
    first frame, not at start-up.
    """

    DEFAULT_CSS = """
    SearchBox {
        dock: bottom; width: 28; margin-left: 1;
        background: $boost;
        &:focus { background: $accent 30%; }
    }
    """


class RegisterBar(Widget):
    """The title (register name, counts by status and RAG), then the filter line.

    The filter line holds the search hint (or box), the active filters as chips and
    the count. All of it is drawn by this one widget, not a widget per part: it is
    on the first frame, and every widget mounted before that frame costs start-up
    time. The search box (Textual's Input, the dearest widget on the screen) is
    mounted just after the first frame, hidden, as a child docked over the hint's
    cells, so "/" only has to show and focus it and no letter typed straight after
    "/" can go astray.
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "register-bar--title",
        "register-bar--hint",
    }

    DEFAULT_CSS = """
    RegisterBar { height: auto; }
    RegisterBar > .register-bar--title { background: $primary 40%; }
    RegisterBar > .register-bar--hint { color: $text-muted; background: $boost; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.title: list[Text] = []  # its parts: a narrow screen wraps between them
        self.flt = ActionFilter()
        self.count = count_text(self.flt, None, None)
        self.hint = True  # False once the search box is shown over the hint
        self._wrapped: tuple[int, list[list[Segment]]] | None = None  # (width, title lines)
        self._styles: tuple[Style, Style, Style] | None = None

    def on_mount(self) -> None:
        self.call_after_refresh(self._mount_search)

    def _mount_search(self):
        if self.search_input is None:
            search = SearchBox(placeholder="search…", id="search", compact=True)
            search.display = False
            return self.mount(search)
        return None

    @property
    def search_input(self) -> Input | None:
        found = self.query("#search")
        return found.first(Input) if found else None

    async def open_search(self) -> Input:
        """The search box, shown over the hint (mounted now if "/" beat the first frame)."""
        pending = self._mount_search()
        if pending is not None:
            await pending
        search = self.search_input
        assert search is not None  # (just mounted)
        search.display = True
        self.hint = False
        self.refresh()
        return search

    def show_title(self, parts: list[Text]) -> None:
        self.title = parts
        self._wrapped = None
        self.refresh(layout=True)  # a longer title may wrap onto another line

    def show(self, flt: ActionFilter, shown: int | None, total: int | None) -> None:
        self.flt, self.count = flt, count_text(flt, shown, total)
        self.refresh()

    @property
    def title_text(self) -> str:
        return " ".join(part.plain for part in self.title)

    @property
    def chips_text(self) -> str:
        return chips(self.flt).plain

    @property
    def count_text(self) -> str:
        return self.count

    # --- drawing ----------------------------------------------------------------
    # Segments from render_line, not Text from render(): Textual's path from Text to
    # the screen costs several times more than building the lines.

    def _title_lines(self, width: int) -> list[list[Segment]]:
        """The title's parts packed into lines of `width` less a margin each side."""
        if self._wrapped is None or self._wrapped[0] != width:
            room = max(1, width - 2)
            console = self.app.console
            lines: list[Text] = [Text()]
            for part in self.title:
                line = lines[-1]
                if line and line.cell_len + 1 + part.cell_len > room:
                    lines.append(line := Text())
                if part.cell_len > room:  # longer than a line on its own: wrap inside it
                    pieces = list(part.wrap(console, room))
                    for piece in pieces:
                        piece.rstrip()
                    line.append_text(pieces[0])  # (line is empty: the part did not fit)
                    lines.extend(pieces[1:])
                    continue
                if line:
                    line.append(" ")
                line.append_text(part)
            self._wrapped = (width, [list(line.render(console)) for line in lines])
        return self._wrapped[1]

    def get_content_height(self, container, viewport, width: int) -> int:
        return len(self._title_lines(width)) + 1

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles = None  # theme or CSS changed: look the styles up again

    def _bar_styles(self) -> tuple[Style, Style, Style]:
        """(base, title, hint): looked up once, not once per line (each walks the DOM)."""
        if self._styles is None:
            base = self.rich_style
            component = self.get_component_rich_style
            title, hint = component("register-bar--title"), component("register-bar--hint")
            self._styles = (base, base + title, base + hint)
        return self._styles

    def render_line(self, y: int) -> Strip:
        base, title_style, hint_style = self._bar_styles()
        width = self.size.width
        titles = self._title_lines(width)
        if y < len(titles):
            line = [Segment(" ", title_style), *Segment.apply_style(titles[y], title_style)]
            return Strip(line).crop_extend(0, width, title_style)
        if y > len(titles):
            return Strip.blank(width, base)
        return self._filter_line(width, base, hint_style)

    def _filter_line(self, width: int, base: Style, hint_style: Style) -> Strip:
        hint = f" {SEARCH_HINT}" if self.hint else ""
        segments = [
            Segment(" ", base),
            Segment(hint.ljust(SEARCH_WIDTH), hint_style),
            Segment(" ", base),
        ]
        segments.extend(Segment.apply_style(chips(self.flt).render(self.app.console), base))
        line = Strip(segments)
        count_style = base + BOLD
        count = Strip([Segment(f" {self.count} ", count_style)])
        room = max(0, width - count.cell_length)
        if line.cell_length > room:  # too many chips: cut, and say so
            line = Strip.join([line.crop(0, max(0, room - 1)), Strip([Segment("…", base)])])
        return Strip.join([line.crop_extend(0, room, base), count]).crop_extend(0, width, base)
