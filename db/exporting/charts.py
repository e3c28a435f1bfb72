"""The pack's three charts, and which summary-table cells each one shows.

A chart is a slice of a summary table, so the XLSX chart can point at the very
cells the committee reads beside it, and the DOCX image and the HTML SVG draw
the same numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

from db.exporting.summary import Count, SummaryTable
from db.exporting.table import ExportTable

#: Bar colours: RAG bars in their colour (each bar also carries its label and number).
RAG_COLOURS = {"Red": "C62828", "Amber": "E69500", "Green": "2E7D32", "Not rated": "9E9E9E"}
DEFAULT_COLOUR = "3B6A96"


@dataclass(frozen=True)
class Chart:
    title: str
    part: str
    """The summaries key of the table it draws (ExportTable.summaries)."""
    index: int
    """Which table of that key."""
    across: bool
    """True: the values are one row (the last, Total) across columns first..last;
    False: one column (value_col) down rows first..last, labelled by column 0."""
    first: int
    last: int
    value_at: int


def charts(table: ExportTable) -> list[Chart]:
    """Status, RAG and overdue-by-directorate, as the pack's tables give them."""
    if not table.summaries:
        return []
    status_rag = table.summaries["summary"][1]
    overdue = table.summaries["overdue"][0]
    width = len(status_rag.headers)
    drawn = [
        # The Total column, down the status rows (the last row is the Total row).
        Chart("Actions by status", "summary", 1, False, 0, len(status_rag.rows) - 2, width - 1),
        # The Total row, across the RAG columns (column 0 is the label, the last Total).
        Chart("Actions by RAG", "summary", 1, True, 1, width - 2, len(status_rag.rows) - 1),
        Chart("Overdue actions by directorate", "overdue", 0, False, 0,
              len(overdue.rows) - 2, len(overdue.headers) - 1),
    ]  # fmt: skip
    # No directorate (an empty register): nothing to draw, and an empty cell range would
    # make an XLSX chart Excel refuses to open.
    return [chart for chart in drawn if chart.last >= chart.first]


def _number(cell: object) -> int:
    if isinstance(cell, Count):
        return cell.n
    return cell if isinstance(cell, int) else 0


def source(table: ExportTable, chart: Chart) -> SummaryTable:
    return table.summaries[chart.part][chart.index]


def series(table: ExportTable, chart: Chart) -> list[tuple[str, int]]:
    """(label, value) of each bar."""
    drawn = source(table, chart)
    if chart.across:
        row = drawn.rows[chart.value_at]
        return [(drawn.headers[i], _number(row[i])) for i in range(chart.first, chart.last + 1)]
    return [(str(drawn.rows[i][0]), _number(drawn.rows[i][chart.value_at]))
            for i in range(chart.first, chart.last + 1)]  # fmt: skip


def colour(chart: Chart, label: str) -> str:
    return RAG_COLOURS.get(label, DEFAULT_COLOUR) if chart.across else DEFAULT_COLOUR
