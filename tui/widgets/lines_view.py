"""A read-only, virtualised view of prepared lines (the action card and its timeline)."""

from __future__ import annotations

from rich.text import Text
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip


class LinesView(ScrollView, can_focus=True):
    """Renders only the visible lines of a list of Rich Text lines."""

    DEFAULT_CSS = """
    LinesView { scrollbar-size-vertical: 1; overflow-x: hidden; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.lines: list[Text] = []

    def set_lines(self, lines: list[Text]) -> None:
        self.lines = lines
        self.virtual_size = Size(self.size.width, len(lines))
        self.refresh()

    def render_line(self, y: int) -> Strip:
        index = round(self.scroll_y) + y
        width = self.size.width
        style = self.rich_style
        if index >= len(self.lines):
            return Strip.blank(width, style)
        text = Text(style=style)
        text.append_text(self.lines[index])
        segments = list(text.render(self.app.console))
        return Strip(segments, text.cell_len).crop_extend(0, width, style)
