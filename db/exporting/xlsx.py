"""XLSX for Excel: the full table on "Actions", provenance and changes on "About".

Dates are real dates and counts real numbers, so the committee clerk can sort
and filter; the header row is frozen and filtered; RAG cells are filled and
keep their word. Every text cell is stored as a string, whatever it starts
with: a commentary that begins with "=" stays text and is never run as a
formula (XLSX marks a cell's type, so no apostrophe is needed, unlike CSV).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from db.exporting.table import FULL_COLUMNS, ExportTable, change_counts, summary_counts
from db.store.dates import parse_utc_text

_DATES = frozenset({"original_target_date", "target_date", "completed_date",
                    "last_commentary_date"})  # fmt: skip
_NUMBERS = frozenset({"percent_complete", "target_revisions"})
_WRAPPED = frozenset({"title", "description", "source", "recommendation", "rag_reason",
                      "completion_criterion", "evidence", "last_commentary", "change",
                      "directorate", "owner"})  # fmt: skip
_WIDTHS = {"ref": 8, "title": 40, "description": 50, "source": 28, "recommendation": 28,
           "theme": 16, "directorate": 22, "owner": 22, "priority": 10, "acceptance": 13,
           "status": 14, "rag": 8, "rag_reason": 36, "percent_complete": 11,
           "original_target_date": 13, "target_date": 13, "target_revisions": 10,
           "overdue": 9, "completion_criterion": 36, "evidence": 36, "completed_date": 13,
           "last_commentary": 50, "last_commentary_date": 13, "change": 40}  # fmt: skip
_RAG_FILLS = {"red": "F4B6B6", "amber": "FFD98A", "green": "B9DFAE"}
DATE_FORMAT = "yyyy-mm-dd"
#: Excel's limit on the characters in one cell; longer text would corrupt the file.
CELL_LIMIT = 32_767


def _text(cell, value: str) -> None:
    """Store `value` as a string exactly, even if it looks like a formula or a number."""
    if len(value) > CELL_LIMIT:  # only a very long evidence list can get here
        note = f" … [cut: {len(value):,} characters in all; the CSV export has them all]"
        value = value[: CELL_LIMIT - len(note)] + note
    cell.value = value
    cell.data_type = "s"


def write(table: ExportTable, path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = "Actions"
    wb.properties.title = table.title()
    wb.properties.creator = "actreg"
    taken = parse_utc_text(table.taken_at)  # the file's "created" is the snapshot's time
    wb.properties.created = taken.replace(tzinfo=None, microsecond=0)
    bold = Font(bold=True, color="FFFFFF")
    head_fill = PatternFill("solid", fgColor="1F3B57")
    head_align = Alignment(wrap_text=True, vertical="top")
    wrap = Alignment(wrap_text=True, vertical="top")
    top = Alignment(vertical="top")
    fills = {k: PatternFill("solid", fgColor=v) for k, v in _RAG_FILLS.items()}

    for col, column in enumerate(FULL_COLUMNS, start=1):
        cell = ws.cell(row=1, column=col)
        _text(cell, column.header)
        cell.font, cell.fill, cell.alignment = bold, head_fill, head_align
        ws.column_dimensions[get_column_letter(col)].width = _WIDTHS.get(column.key, 14)

    for r, row in enumerate(table.rows, start=2):
        cells = table.cells(row)
        for col, column in enumerate(FULL_COLUMNS, start=1):
            value = cells[column.key]
            if value is None or value == "":
                continue
            cell = ws.cell(row=r, column=col)
            if column.key in _DATES:
                cell.value = dt.date.fromisoformat(str(value))
                cell.number_format = DATE_FORMAT
            elif column.key in _NUMBERS and isinstance(value, int):
                cell.value = value
            else:
                _text(cell, str(value))
            cell.alignment = wrap if column.key in _WRAPPED else top
            if column.key == "rag" and row["rag"] in fills:
                cell.fill = fills[row["rag"]]
                cell.font = Font(bold=True)

    last = get_column_letter(len(FULL_COLUMNS))
    ws.freeze_panes = "B2"
    ws.auto_filter.ref = f"A1:{last}{len(table.rows) + 1}"
    ws.print_title_rows = "1:1"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.oddFooter.left.text = f"Snapshot #{table.snapshot_id} SHA-256 {table.rows_hash}"
    ws.oddFooter.right.text = "Page &P of &N"

    about = wb.create_sheet("About")
    heading = Font(bold=True, size=12)
    label_font = Font(bold=True)
    _text(about.cell(row=1, column=1), table.title())
    about.cell(row=1, column=1).font = heading
    r = 3
    for label, value in table.provenance():
        _text(about.cell(row=r, column=1), label)
        about.cell(row=r, column=1).font = label_font
        _text(about.cell(row=r, column=2), value)
        r += 1
    r += 1
    _text(about.cell(row=r, column=1), "Changes since last meeting")
    about.cell(row=r, column=1).font = heading
    r += 1
    counts = change_counts(table)
    if counts is None:
        _text(about.cell(row=r, column=1), "No earlier snapshot")
        r += 1
    else:
        for label, n in counts:
            _text(about.cell(row=r, column=1), label)
            about.cell(row=r, column=2).value = n
            r += 1
    for group, group_counts in summary_counts(table).items():
        r += 1
        name = group if group.isupper() else group.lower()  # "RAG", "status"
        _text(about.cell(row=r, column=1), f"Actions by {name}")
        about.cell(row=r, column=1).font = heading
        r += 1
        for label, n in group_counts:
            _text(about.cell(row=r, column=1), label)
            about.cell(row=r, column=2).value = n
            r += 1
    about.column_dimensions["A"].width = 36
    about.column_dimensions["B"].width = 70
    for row in about.iter_rows(min_col=2, max_col=2):
        row[0].alignment = Alignment(horizontal="left", wrap_text=True, vertical="top")
    wb.save(path)
