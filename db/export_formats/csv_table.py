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
from pathlib import Path

from db.exporting import FULL_COLUMNS, ExportTable

_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "'")
_FIRST = frozenset(_TRIGGERS)  # one-character set lookup: this runs for every cell
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")

#: The provenance columns after the table's own: the same on every row, so the
#: file stays one header row and every row says where it came from.
PROVENANCE_HEADERS = ("Register", "Committee", "Meeting date", "Cut-off (UTC)", "Snapshot",
                      "Snapshot SHA-256", "Log head hash")  # fmt: skip


def neutralise(value: str) -> str:
    """Make a cell safe to open in a spreadsheet; :func:`restore` undoes it exactly."""
    if value[:1] in _FIRST and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def restore(value: str) -> str:
    """Undo :func:`neutralise` (for actreg's import)."""
    return value[1:] if value.startswith("'") else value


def _text(value: object) -> str:
    if value is None:
        return ""
    if type(value) is not str:  # counts and percentages: numbers are never formulas
        return str(value)
    return neutralise(value) if value[:1] in _FIRST else value


def _row_texts(values: list) -> list[str]:
    """_text over a whole row, inlined: this loop runs for every cell of the export."""
    out = []
    for value in values:
        if value is None:
            out.append("")
        elif type(value) is not str:
            out.append(str(value))
        elif value[:1] in _FIRST and not _NUMBER.fullmatch(value):
            out.append("'" + value)
        else:
            out.append(value)
    return out


def write(table: ExportTable, path: Path) -> None:
    provenance = [table.register_name, table.committee, table.meeting_date, table.cut_off,
                  str(table.snapshot_id), table.rows_hash, table.log_head_hash]  # fmt: skip
    # newline="" lets the csv module write CRLF row ends (RFC 4180) and keep the
    # new lines inside commentary cells as they are, quoted.
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, dialect="excel")
        writer.writerow([c.header for c in FULL_COLUMNS] + list(PROVENANCE_HEADERS))
        tail = [_text(v) for v in provenance]  # the same on every row: neutralised once
        keys = [c.key for c in FULL_COLUMNS]
        writer.writerows(
            _row_texts([cells[k] for k in keys]) + tail for cells in map(table.cells, table.rows)
        )
