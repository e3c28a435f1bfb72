"""The two layouts of the appendix table: the paper a committee reads, or every field.

``paper`` is the columns a committee appendix carries and nothing else, with
dates as a paper writes them ("31 March 2027"); ``full`` is every field with
ISO dates, which is what actreg's import reads back.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from db.errors import InputError
from db.exporting.table import FULL_COLUMNS, Column, ExportTable

#: The appendix columns of a committee paper (the issue's list, in this order).
PAPER_COLUMNS = (
    Column("Ref", "ref"),
    Column("Action", "title"),
    Column("Owner", "owner"),
    Column("Lead directorate", "directorate"),
    Column("Original target date", "original_target_date"),
    Column("Current target date", "target_date"),
    Column("Status", "status"),
    Column("RAG", "rag"),
    Column("Latest update", "last_commentary"),
)
#: The columns that hold a date (ISO in the register).
DATE_KEYS = frozenset({"original_target_date", "target_date", "completed_date",
                       "last_commentary_date"})  # fmt: skip
NOT_RATED = "Not rated"


@dataclass(frozen=True)
class Layout:
    name: str
    columns: tuple[Column, ...]
    long_dates: bool
    """Dates written "31 March 2027" (paper) rather than 2027-03-31 (full)."""


LAYOUTS = {
    "paper": Layout("paper", PAPER_COLUMNS, long_dates=True),
    "full": Layout("full", FULL_COLUMNS, long_dates=False),
}
#: The layout each format uses unless told: XLSX is the clerk's sortable working copy.
DEFAULT_LAYOUT = {"csv": "paper", "md": "paper", "html": "paper", "docx": "paper",
                  "xlsx": "full"}  # fmt: skip


@dataclass(frozen=True)
class WriteOptions:
    """How a writer writes the pack: its layout and, for a CSV, which one table."""

    layout: Layout
    part: str = "appendix"


def get_layout(name: str | None, fmt: str) -> Layout:
    name = name or DEFAULT_LAYOUT.get(fmt, "paper")
    if name not in LAYOUTS:
        raise InputError(f"layout: {name!r} is not one of: {', '.join(LAYOUTS)}")
    return LAYOUTS[name]


def long_date(value: object) -> object:
    """'2027-03-31' -> '31 March 2027'; anything that is not an ISO date stays as it is."""
    if isinstance(value, dt.date):
        return f"{value.day} {value:%B %Y}"
    if isinstance(value, str) and len(value) == 10:
        try:
            day = dt.date.fromisoformat(value)
        except ValueError:
            return value
        return f"{day.day} {day:%B %Y}"
    return value


def target_wording(row: dict) -> str | None:
    """On paper, a target with no date shows what was written instead ("TBC", "ongoing"):
    an empty cell would tell the committee the action has no target at all."""
    return None if row["target_date"] else row.get("target_date_text") or None


def layout_column(table: ExportTable, layout: Layout, key: str, rows: list[dict]
                  ) -> list[object]:  # fmt: skip
    """One column of the layout for each of `rows` (the column-at-a-time path, for CSV)."""
    values = table.column(key, rows)
    if key == "rag" and layout.name == "paper":
        return [NOT_RATED if v is None else v for v in values]
    if layout.long_dates and key == "target_date":
        return [long_date(v) if v else target_wording(r) for v, r in zip(values, rows, strict=True)]
    if layout.long_dates and key in DATE_KEYS:
        return list(map(long_date, values))
    return values


def layout_cells(table: ExportTable, layout: Layout, row: dict) -> list[object]:
    """One row's cells in the layout's column order."""
    cells = table.cells(row)
    out = []
    for column in layout.columns:
        value = cells[column.key]
        if column.key == "rag" and layout.name == "paper" and value is None:
            value = NOT_RATED
        elif layout.long_dates and column.key == "target_date" and not value:
            value = target_wording(row)
        elif layout.long_dates and column.key in DATE_KEYS:
            value = long_date(value)
        out.append(value)
    return out


def summary_cell(cell: object, column: int, date_columns: frozenset[int],
                 layout: Layout) -> str:  # fmt: skip
    """A summary table's cell as text ("3 (+1)", "67% (2 of 3)", a date as the layout writes
    it; "" for none)."""
    if cell is None:
        return ""
    if column in date_columns and layout.long_dates:
        return str(long_date(cell))
    return str(cell)
