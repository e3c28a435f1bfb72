"""XLSX for Excel: the appendix on "Actions", a sheet for each summary table, "About".

Dates are real dates and counts real numbers, so the committee clerk can sort
and filter; the header row is frozen and filtered; RAG cells are filled and
keep their word. Every text cell is stored as a string, whatever it starts
with: a commentary that begins with "=" stays text and is never run as a
formula (XLSX marks a cell's type, so no apostrophe is needed, unlike CSV).
The "Summary" sheet carries native Excel charts (status, RAG, overdue by
directorate) whose series point at the summary tables' own cells.

The workbook is written in openpyxl's write-only mode (rows streamed to the
file, each cell's style copied from a prototype), so a big register's pack
costs little more than its values.
"""

from __future__ import annotations

import datetime as dt
from copy import copy
from functools import cache
from pathlib import Path

from db.exporting import charts as pack_charts
from db.exporting.format_names import TABLE_KEYS
from db.exporting.layouts import DATE_KEYS, NOT_RATED, Layout, WriteOptions, target_wording
from db.exporting.summary import Count, Percent, SummaryTable
from db.exporting.table import ExportTable, change_counts
from db.store.dates import parse_utc_text

_NUMBERS = frozenset({"percent_complete", "target_revisions"})
_WRAPPED = frozenset({"title", "description", "source", "recommendation", "rag_reason",
                      "completion_criterion", "evidence", "last_commentary", "change",
                      "directorate", "owner"})  # fmt: skip
_WIDTHS = {"ref": 8, "title": 40, "description": 50, "source": 28, "recommendation": 28,
           "theme": 16, "directorate": 22, "owner": 22, "priority": 10, "acceptance": 13,
           "status": 14, "rag": 10, "rag_reason": 36, "percent_complete": 11,
           "original_target_date": 15, "target_date": 15, "target_revisions": 10,
           "overdue": 9, "completion_criterion": 36, "evidence": 36, "completed_date": 15,
           "last_commentary": 50, "last_commentary_date": 15, "change": 40}  # fmt: skip
_RAG_FILLS = {"red": "F4B6B6", "amber": "FFD98A", "green": "B9DFAE"}
DATE_FORMAT = "yyyy-mm-dd"
LONG_DATE_FORMAT = "d mmmm yyyy"
PERCENT_FORMAT = "0%"
#: Excel's limit on the characters in one cell; longer text would corrupt the file.
CELL_LIMIT = 32_767
#: The sheet each summary table goes on.
SHEETS = {"summary": "Summary", "overdue": "Overdue", "ageing": "Ageing",
          "completed": "Completed", "extensions": "Extensions", "sources": "Sources"}  # fmt: skip


def _fit(value: str) -> str:
    if len(value) > CELL_LIMIT:  # only a very long evidence list can get here
        note = f" … [cut: {len(value):,} characters in all; the CSV export has them all]"
        value = value[: CELL_LIMIT - len(note)] + note
    return value


class _Styles:
    """Prototype style arrays: a cell takes a copy of one (cheap) instead of being styled
    attribute by attribute (which looks each style up in the workbook every time)."""

    def __init__(self, ws, date_format: str) -> None:
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Alignment, Font, PatternFill

        def style(**attrs):
            cell = WriteOnlyCell(ws)
            for name, value in attrs.items():
                setattr(cell, name, value)
            return cell._style

        wrap = Alignment(wrap_text=True, vertical="top")
        top = Alignment(vertical="top")
        self.head = style(font=Font(bold=True, color="FFFFFF"), alignment=wrap,
                          fill=PatternFill("solid", fgColor="1F3B57"))  # fmt: skip
        self.wrap = style(alignment=wrap)
        self.top = style(alignment=top)
        self.date = style(alignment=top, number_format=date_format)
        self.rag = {k: style(alignment=top, font=Font(bold=True),
                             fill=PatternFill("solid", fgColor=v))
                    for k, v in _RAG_FILLS.items()}  # fmt: skip
        self.bold = style(font=Font(bold=True))
        self.heading = style(font=Font(bold=True, size=12))
        self.note = style(font=Font(italic=True, color="555555"))
        self.percent = style(number_format=PERCENT_FORMAT)
        self.signed = style(number_format="+0;-0;0")
        self.summary_date = style(number_format=date_format)


def _cell(ws, value, style=None, *, text: bool = False):
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(ws, _fit(value) if text else value)
    if text:
        cell.data_type = "s"  # never a formula, whatever it starts with
    if style is not None:
        cell._style = copy(style)
    return cell


def _reused_cell(ws, style):
    """A styled cell the appendix writes row after row with new values: its style's index
    is looked up once, not for each of its 100,000 rows (openpyxl hashes the style each
    time it writes a cell: 1.5 s of a 25 s export, bench/README.md)."""
    cell = _reused_cell_class()(ws, row=1, column=1)  # (as WriteOnlyCell makes them)
    cell._style = copy(style)
    cell._style_index = ws.parent._cell_styles.add(cell._style)
    return cell


@cache
def _reused_cell_class():
    from openpyxl.cell.cell import Cell  # (openpyxl loads with the first XLSX export)

    class ReusedCell(Cell):
        __slots__ = ("_style_index",)

        @property
        def style_id(self) -> int:
            return self._style_index

        @property
        def has_style(self) -> bool:
            return True

    return ReusedCell


def _print_setup(ws, table: ExportTable, title_rows: str | None = None) -> None:
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = "9"  # A4 (Worksheet.PAPERSIZE_A4)
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    if title_rows:
        ws.print_title_rows = title_rows
    ws.oddFooter.left.text = f"Snapshot #{table.snapshot_id} SHA-256 {table.rows_hash}"
    ws.oddFooter.left.size = 7
    ws.oddFooter.right.text = "Page &P of &N"


def _actions(wb, table: ExportTable, layout: Layout, styles_for) -> None:
    from openpyxl.utils import get_column_letter

    ws = wb.create_sheet("Actions")
    styles = styles_for(ws)
    columns = layout.columns
    for i, column in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(i)].width = _WIDTHS.get(column.key, 14)
    last = get_column_letter(len(columns))
    ws.freeze_panes = "B2"
    ws.auto_filter.ref = f"A1:{last}{len(table.rows) + 1}"
    _print_setup(ws, table, "1:1")
    ws.append([_cell(ws, c.header, styles.head, text=True) for c in columns])
    keys = [c.key for c in columns]
    plain = [styles.wrap if k in _WRAPPED else styles.top for k in keys]
    # The write-only sheet writes a row out as it is appended, so each column reuses its
    # few styled cells row after row: only the value and its type change.
    reused: dict[tuple[int, str], object] = {}

    def put(col: int, kind: str, style, value, data_type: str):
        cell = reused.get((col, kind))
        if cell is None:
            cell = reused[(col, kind)] = _reused_cell(ws, style)
        cell._value = value  # type: ignore[attr-defined]
        cell.data_type = data_type  # type: ignore[attr-defined]
        return cell

    for row in table.rows:
        values = table.cells(row)
        out: list[object] = []
        for col, (key, base) in enumerate(zip(keys, plain, strict=True)):
            value = values[key]
            if key == "rag" and layout.name == "paper" and value is None:
                value = NOT_RATED
            if key == "target_date" and layout.long_dates and not value:
                value = target_wording(row)  # (text: no date to write)
                out.append(put(col, "text", base, _fit(value), "s") if value else None)
                continue
            if value is None or value == "":
                out.append(None)
            elif key in DATE_KEYS:
                out.append(put(col, "date", styles.date, dt.date.fromisoformat(str(value)), "d"))
            elif key in _NUMBERS and isinstance(value, int):
                out.append(put(col, "number", base, value, "n"))
            elif key == "rag" and row["rag"] in styles.rag:
                out.append(put(col, row["rag"], styles.rag[row["rag"]], str(value), "s"))
            else:
                out.append(put(col, "text", base, _fit(str(value)), "s"))
        ws.append(out)


def _summary_value(ws, styles, cell, column: int, summary: SummaryTable):
    if isinstance(cell, Count):
        return cell.n
    if isinstance(cell, Percent):
        if cell.value is None:
            return _cell(ws, "—", text=True)
        return _cell(ws, cell.value, styles.percent)
    if column in summary.date_columns and isinstance(cell, str) and cell:
        return _cell(ws, dt.date.fromisoformat(cell), styles.summary_date)
    if isinstance(cell, str):
        return _cell(ws, cell, text=True)
    return cell


class _Sheet:
    """A write-only sheet that knows the number of the next row it appends."""

    def __init__(self, ws) -> None:
        self.ws = ws
        self.row = 1

    def append(self, cells: list) -> None:
        self.ws.append(cells)
        self.row += 1


def _summary_table(sheet: _Sheet, styles, summary: SummaryTable) -> int:
    """Write one summary table (and, for counts with a change, the changes below it);
    return the row number of its header row."""
    ws = sheet.ws
    sheet.append([_cell(ws, summary.title, styles.heading, text=True)])
    if summary.note:
        sheet.append([_cell(ws, summary.note, styles.note, text=True)])
    header_row = sheet.row
    sheet.append([_cell(ws, h, styles.head, text=True) for h in summary.headers])
    for row in summary.rows:
        sheet.append([_summary_value(ws, styles, c, i, summary) for i, c in enumerate(row)])
    if not summary.rows:
        sheet.append([_cell(ws, "None.", text=True)])
    changes: list[list] = [[c.change if isinstance(c, Count) else c for c in row]
                           for row in summary.rows]  # fmt: skip
    if any(isinstance(c, Count) and c.change is not None for row in summary.rows for c in row):
        sheet.append([])
        sheet.append([_cell(ws, f"{summary.title}: change since the last meeting",
                            styles.heading, text=True)])  # fmt: skip
        sheet.append([_cell(ws, h, styles.head, text=True) for h in summary.headers])
        for row in changes:
            sheet.append([_cell(ws, c, styles.signed) if isinstance(c, int)
                          else _summary_value(ws, styles, c, 0, summary) for c in row])  # fmt: skip
    sheet.append([])
    return header_row


def _add_chart(ws, chart: pack_charts.Chart, sheet_ws, header_row: int, anchor: str,
               bars: list[tuple[str, int]]) -> None:  # fmt: skip
    from openpyxl.chart import BarChart, Reference
    from openpyxl.chart.data_source import AxDataSource, StrRef
    from openpyxl.chart.series import DataPoint

    bar = BarChart()
    bar.type = "bar"  # horizontal bars: long directorate names stay readable
    bar.title = chart.title
    bar.legend = None
    bar.height, bar.width = 7.5, 14
    bar.y_axis.majorGridlines = None
    bar.x_axis.scaling.orientation = "maxMin"  # first row at the top, as in the table
    bar.y_axis.delete = True  # each bar is labelled with its count: no value axis to read
    bar.x_axis.delete = False
    if chart.across:
        row = header_row + 1 + chart.value_at
        data = Reference(sheet_ws, min_col=chart.first + 1, max_col=chart.last + 1,
                         min_row=row, max_row=row)  # fmt: skip
        cats = Reference(sheet_ws, min_col=chart.first + 1, max_col=chart.last + 1,
                         min_row=header_row, max_row=header_row)  # fmt: skip
        bar.add_data(data, from_rows=True, titles_from_data=False)
    else:
        first, last = header_row + 1 + chart.first, header_row + 1 + chart.last
        col = chart.value_at + 1
        data = Reference(sheet_ws, min_col=col, max_col=col, min_row=first, max_row=last)
        cats = Reference(sheet_ws, min_col=1, max_col=1, min_row=first, max_row=last)
        bar.add_data(data, titles_from_data=False)
    series = bar.series[0]
    # Text labels: a string reference (set_categories would make it a number reference).
    series.cat = AxDataSource(strRef=StrRef(f=str(cats)))
    series.graphicalProperties.solidFill = pack_charts.DEFAULT_COLOUR
    for i, (label, _) in enumerate(bars):
        fill = pack_charts.colour(chart, label)
        if fill != pack_charts.DEFAULT_COLOUR:
            point = DataPoint(idx=i)
            point.graphicalProperties.solidFill = fill
            series.dPt.append(point)
    from openpyxl.chart.label import DataLabelList

    series.dLbls = DataLabelList()
    series.dLbls.showVal = True
    for name in ("showSerName", "showCatName", "showLegendKey", "showPercent"):
        setattr(series.dLbls, name, False)
    ws.add_chart(bar, anchor)


def _about(wb, table: ExportTable, styles_for) -> None:
    ws = wb.create_sheet("About")
    styles = styles_for(ws)
    ws.column_dimensions["A"].width = 36
    ws.column_dimensions["B"].width = 90
    wrap = styles.wrap
    ws.append([_cell(ws, table.pack_title(), styles.heading, text=True)])
    ws.append([])
    for label, value in table.provenance():
        ws.append([_cell(ws, label, styles.bold, text=True), _cell(ws, value, wrap, text=True)])
    ws.append([])
    ws.append([_cell(ws, "Changes since last meeting", styles.heading, text=True)])
    counts = change_counts(table)
    if counts is None:
        ws.append([_cell(ws, "No earlier snapshot", text=True)])
    else:
        for label, n in counts:
            ws.append([_cell(ws, label, text=True), n])
    _print_setup(ws, table)


def write(table: ExportTable, path: Path, options: WriteOptions) -> None:
    from openpyxl import Workbook

    layout = options.layout
    wb = Workbook(write_only=True)
    wb.properties.title = table.pack_title()
    wb.properties.creator = "actreg"
    taken = parse_utc_text(table.taken_at)  # the file's "created" is the snapshot's time
    wb.properties.created = taken.replace(tzinfo=None, microsecond=0)
    date_format = LONG_DATE_FORMAT if layout.long_dates else DATE_FORMAT

    def styles_for(ws) -> _Styles:
        return _Styles(ws, date_format)

    _actions(wb, table, layout, styles_for)
    where: dict[tuple[str, int], tuple[object, int]] = {}
    summary_ws = None
    for part in TABLE_KEYS:
        if part not in table.summaries:
            continue
        ws = wb.create_sheet(SHEETS[part])
        summary_ws = summary_ws or ws
        styles = styles_for(ws)
        widest = max(len(s.headers) for s in table.summaries[part])
        ws.column_dimensions["A"].width = 44 if part in ("summary", "overdue", "sources") else 10
        for i in range(2, widest + 1):
            ws.column_dimensions[chr(64 + i)].width = 16
        if part in ("completed", "extensions"):
            ws.column_dimensions["B"].width = 40
            ws.column_dimensions[chr(64 + widest)].width = 50
        _print_setup(ws, table)
        sheet = _Sheet(ws)
        for index, summary in enumerate(table.summaries[part]):
            where[(part, index)] = (ws, _summary_table(sheet, styles, summary))
    if summary_ws is not None:
        for number, chart in enumerate(pack_charts.charts(table)):
            sheet_ws, header_row = where[(chart.part, chart.index)]
            bars = pack_charts.series(table, chart)
            _add_chart(summary_ws, chart, sheet_ws, header_row, f"I{2 + 16 * number}", bars)
    _about(wb, table, styles_for)
    wb.save(path)
