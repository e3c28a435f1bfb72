"""A DataTable of whole rows (the meetings): Home and End go to the first and last row.

Textual's DataTable sends Home and End sideways when its cursor is a row, which at
80 columns scrolled the meetings table right and hid the meeting dates. Here they
move the cursor, as they do in the register table, and the first column (what
names the row) stays in view when the table is scrolled sideways.
"""

from __future__ import annotations

from typing import ClassVar

from textual.binding import BindingType
from textual.widgets import DataTable

from tui.base.command import Command, bindings


class RowTable(DataTable):
    """A row-cursor DataTable whose first column stays put (see the module)."""

    COMMAND_LIST: ClassVar[tuple[Command, ...]] = (
        Command("home", "first_row", "First", "First row", show=False),
        Command("end", "last_row", "Last", "Last row", show=False),
    )
    BINDINGS: ClassVar[list[BindingType]] = bindings(COMMAND_LIST)

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True, fixed_columns=1)

    def action_first_row(self) -> None:
        self.move_cursor(row=0)

    def action_last_row(self) -> None:
        if self.row_count:
            self.move_cursor(row=self.row_count - 1)
