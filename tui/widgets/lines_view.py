"""A read-only, virtualised view of prepared lines (the action card and its timeline).

A wide view (the changes between snapshots) keeps each line whole and scrolls
sideways instead: right/left move along the lines, End and Home go to their end
and their start, ctrl+end and ctrl+home to the last and the first line.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.binding import BindingType
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui.base.command import Command, bindings

#: Cells a right or left moves a wide view by.
SIDE_STEP = 10


#: The keys every Textual ScrollView has (bound by Textual, not here): for the help screen.
SCROLL_KEYS = (
    Command("up", "scroll_up", "Scroll up", "Scroll up"),
    Command("down", "scroll_down", "Scroll down", "Scroll down"),
    Command("pageup", "page_up", "Page up", "Page up"),
    Command("pagedown", "page_down", "Page down", "Page down"),
)


class LinesView(ScrollView, can_focus=True):
    """Renders only the visible lines of a list of Rich Text lines."""

    DEFAULT_CSS = """
    LinesView { scrollbar-size-vertical: 1; overflow-x: hidden; }
    LinesView.-wide { overflow-x: auto; scrollbar-size-horizontal: 1; }
    """

    #: In a view that is not wide, End and Home go to the last and first line.
    COMMAND_LIST: ClassVar[tuple[Command, ...]] = (
        Command("right", "side(1)", "Scroll right", "Along the lines", show=False),
        Command("left", "side(-1)", "Scroll left", "Back along the lines", show=False),
        Command("end", "line_end", "Line ends", "The ends of the lines", show=False),
        Command("home", "line_start", "Line starts", "The starts", show=False),
        Command("ctrl+end", "scroll_end", "Last line", "Last line", show=False),
        Command("ctrl+home", "scroll_home", "First line", "First line", show=False),
    )
    BINDINGS: ClassVar[list[BindingType]] = bindings(COMMAND_LIST)

    def __init__(self, *, id: str | None = None, wide: bool = False) -> None:
        super().__init__(id=id, classes="-wide" if wide else None)
        self.wide = wide
        self.lines: list[Text] = []

    def set_lines(self, lines: list[Text]) -> None:
        self.lines = lines
        width = max((line.cell_len for line in lines), default=0) if self.wide else 0
        self.virtual_size = Size(max(width, self.size.width), len(lines))
        self.refresh()

    def action_side(self, direction: int) -> None:
        self.scroll_to(x=self.scroll_x + direction * SIDE_STEP, animate=False)

    def action_line_end(self) -> None:
        if self.wide:
            self.scroll_to(x=self.max_scroll_x, animate=False)
        else:
            self.scroll_end(animate=False)

    def action_line_start(self) -> None:
        if self.wide:
            self.scroll_to(x=0, animate=False)
        else:
            self.scroll_home(animate=False)

    def render_line(self, y: int) -> Strip:
        index = round(self.scroll_y) + y
        width = self.size.width
        style = self.rich_style
        if index >= len(self.lines):
            return Strip.blank(width, style)
        text = Text(style=style)
        text.append_text(self.lines[index])
        segments = list(text.render(self.app.console))
        left = round(self.scroll_x) if self.wide else 0
        return Strip(segments, text.cell_len).crop_extend(left, left + width, style)
