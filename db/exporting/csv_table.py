"""CSV for Excel: RFC 4180, UTF-8 with a BOM, one header row, formula-safe cells.

A spreadsheet runs a cell that starts with = + - @ (or a tab or carriage
return) as a formula: a hostile "=HYPERLINK(...)" in a commentary would run in
the committee clerk's Excel. Following OWASP's guidance such cells get a
leading apostrophe. So that actreg's own import can undo this exactly, a cell
that already starts with an apostrophe gets one more, and :func:`restore`
removes exactly one. A plain number ("-5", "+3.5") is left as it is.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterable, Iterator
from itertools import islice, repeat
from pathlib import Path

from db.exporting.layouts import Layout, WriteOptions, layout_column, summary_cell
from db.exporting.table import ExportTable

_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "'")
_FIRST = frozenset(_TRIGGERS)  # one-character set lookup: this runs for every cell
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_CRLF = csv.excel.lineterminator  # how the csv module ends a row for Excel

#: How each line of the provenance preamble starts: a spreadsheet shows it as text in
#: column A, and actreg's import skips the rows above the header row.
PREAMBLE_MARK = "# "


def neutralise(value: str) -> str:
    """Make a cell safe to open in a spreadsheet; :func:`restore` undoes it exactly."""
    if value[:1] in _FIRST and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def restore(value: str) -> str:
    """Undo :func:`neutralise` (for actreg's import)."""
    return value[1:] if value.startswith("'") else value


def _texts(values: list[object]) -> list[object]:
    """The values with formula-looking text neutralised. None and numbers are left to
    the csv module, which writes None as "" and a number as str(number): a number is
    never a formula. One comprehension over a whole column, because it runs for every cell.
    """
    return [neutralise(v) if type(v) is str and v[:1] in _FIRST else v for v in values]


class _Echo:
    """A file for csv.writer whose write() hands back the text it is given.

    writerow() returns what the file's write() returns, so with this file it returns
    the formatted record (the pseudo-buffer of Django's streaming-CSV recipe).
    """

    def write(self, text: str) -> str:
        return text


def _formatter() -> Callable[[Iterable[object]], str]:
    """A function that formats one row as a CSV record, ended by CRLF."""
    return csv.writer(_Echo(), dialect="excel").writerow


def _records(rows: Iterable[Iterable[object]], ending: str, chunk: int = 10_000
             ) -> Iterator[str]:  # fmt: skip
    """The CSV text of `rows`, `chunk` rows at a time, each row ended by `ending` in place
    of CRLF. The csv module quotes each cell on its own, so a row's cells come out as they
    would at the start of a longer row."""
    format_row = _formatter()
    rows = iter(rows)
    while records := list(map(format_row, islice(rows, chunk))):
        yield ending.join(map(str.removesuffix, records, repeat(_CRLF))) + ending


def preamble(table: ExportTable) -> list[str]:
    """The title and provenance, a line each, above the table (not a column on every row)."""
    lines = [table.pack_title(), *(f"{label}: {value}" for label, value in table.provenance())]
    return [PREAMBLE_MARK + " ".join(line.split()) for line in lines]


def _summary_rows(table: ExportTable, part: str, layout: Layout) -> Iterator[list[object]]:
    for number, summary in enumerate(table.summaries[part]):
        if number:
            yield []
        yield [PREAMBLE_MARK + summary.title]
        yield list(summary.headers)
        for row in summary.rows:
            yield _texts([summary_cell(c, i, summary.date_columns, layout)
                          for i, c in enumerate(row)])  # fmt: skip


def write(table: ExportTable, path: Path, options: WriteOptions) -> None:
    layout = options.layout
    # newline="" lets the csv module write CRLF row ends (RFC 4180) and keep the
    # new lines inside commentary cells as they are, quoted.
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        format_row = _formatter()
        for line in preamble(table):
            handle.write(format_row([line]))
        handle.write(format_row([]))
        if options.part != "appendix":
            for row in _summary_rows(table, options.part, layout):
                handle.write(format_row(row))
            return
        # The table is built a column at a time (see ExportTable.column), a chunk of rows
        # at a time; zip() turns the columns into rows.
        handle.write(format_row([c.header for c in layout.columns]))
        rows = iter(table.rows)
        while chunk := list(islice(rows, _CHUNK)):
            columns = [_texts(layout_column(table, layout, c.key, chunk)) for c in layout.columns]
            for text in _records(zip(*columns, strict=True), _CRLF):
                handle.write(text)


#: Rows read and written at a time.
_CHUNK = 10_000
