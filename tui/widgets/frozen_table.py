"""A snapshot's frozen rows in the register table's look, read-only and all in memory.

It is the :class:`ActionTable` (same columns, cursor and keys, only visible lines
rendered) fed from a list instead of pages from the database.
"""

from __future__ import annotations

from rich.segment import Segment
from textual.geometry import Size
from textual.strip import Strip

from tui.widgets.action_table import DIM, ActionTable


class FrozenTable(ActionTable):
    """Rows given once (a snapshot's); never reads the register."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.rows: list[dict] = []

    def set_rows(self, rows: list[dict]) -> None:
        # Frozen rows carry last_update_at; the table's "Updated" column reads last_update.
        self.rows = [{**row, "last_update": row.get("last_update_at")} for row in rows]
        self.total = len(rows)
        self.generation += 1
        self.loaded_generation = self.generation
        self.cursor = 0
        self.virtual_size = Size(self.size.width, self.total + 1)
        self.scroll_to(y=0, animate=False, immediate=True)
        self.refresh()

    def reload(self, query=None, *, keep_cursor: bool = False) -> None:
        self.refresh()

    def row_at(self, index: int) -> dict | None:
        return self.rows[index] if 0 <= index < len(self.rows) else None

    def _request_page(self, page: int) -> None:  # everything is here already
        return

    def _prefetch(self, top: int) -> None:
        return

    def render_line(self, y: int) -> Strip:
        if self.total is not None and self.total == 0 and y >= 1:
            style = self.rich_style + DIM
            text = "This snapshot holds no actions." if y == 1 else ""
            return self._line([Segment(text, style)], self.size.width, style)
        return super().render_line(y)
