"""Markdown for a committee paper or a wiki: a GitHub pipe table with its provenance.

The table is tabulate's "github" format. A cell's own pipes and new lines would
break the table's shape, so they are escaped (``|`` becomes ``\\|``, a new line
``<br>``), as is a backslash (so ``\\|`` in the text cannot unescape a pipe)
and the characters that would start HTML (``<``, ``>``, and ``&`` before an
entity name), so every row has exactly the table's number of cells and a
renderer shows the text as it was typed, never as markup.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import partial
from itertools import islice
from pathlib import Path

from db.exporting.format_names import TABLE_KEYS
from db.exporting.layouts import Layout, WriteOptions, layout_cells, summary_cell
from db.exporting.table import ExportTable, change_counts

_SPECIAL = re.compile(r"[\\|\n<>]|&(?=#?\w+;)")
_REPLACE = {"\\": "\\\\", "|": "\\|", "\n": "<br>", "<": "&lt;", ">": "&gt;", "&": "&amp;"}


def escape(value: object) -> str:
    """One cell's text, safe inside a pipe table (None becomes an empty cell)."""
    if value is None:
        return ""
    text = str(value)
    if "\t" in text:
        text = text.replace("\t", " ")
    return _SPECIAL.sub(lambda m: _REPLACE[m.group()], text)


def _grid(headers: list[str], body: Sequence[Sequence[object]]) -> str:
    from tabulate import tabulate

    return tabulate([[escape(c) for c in row] for row in body], headers=headers,
                    tablefmt="github", disable_numparse=True, missingval="")  # fmt: skip


def _summaries(table: ExportTable, layout: Layout) -> list[str]:
    lines = []
    for part in TABLE_KEYS:
        for summary in table.summaries.get(part, ()):
            lines += ["", f"## {escape(summary.title)}", ""]
            if summary.note:
                lines += [escape(summary.note), ""]
            if not summary.rows:
                lines.append("None.")
                continue
            body = [[summary_cell(c, i, summary.date_columns, layout) for i, c in enumerate(r)]
                    for r in summary.rows]  # fmt: skip
            lines.append(_grid(list(summary.headers), body))
    return lines


#: How many actions go to tabulate at once (see _chunked_grid).
_CHUNK = 5_000


def _chunked_grid(headers: list[str], rows: Iterable[dict],
                  cells: Callable[[dict], list[object]]) -> Iterator[str]:  # fmt: skip
    """The lines of `_grid(headers, [cells(r) for r in rows])`, `_CHUNK` rows at a time.

    tabulate holds the whole table, and its text, at once: at 100,000 actions that was
    most of the export's peak memory. A pipe table pads every column to its widest cell,
    so the first pass reads the widths off each chunk's separator line; the second gives
    each chunk one more row whose cells are exactly those widths, and drops that row.
    `rows` is gone through twice (an AppendixRows reads the snapshot again).
    """
    widths = [0] * len(headers)
    for chunk in _chunks(rows):
        separator = _grid(headers, [cells(r) for r in chunk]).split("\n", 2)[1]
        found = [len(dashes) - 2 for dashes in separator.strip("|").split("|")]
        widths = list(map(max, widths, found))
    widest = ["x" * width for width in widths]
    for number, chunk in enumerate(_chunks(rows)):
        lines = _grid(headers, [*map(cells, chunk), widest]).split("\n")
        yield from lines[0 if number == 0 else 2 : -1]


def _chunks(rows: Iterable[dict]) -> Iterator[list[dict]]:
    """`rows` `_CHUNK` at a time; one empty chunk when there are none (the header still
    goes out)."""
    rows = iter(rows)
    chunk = list(islice(rows, _CHUNK))
    yield chunk
    while chunk := list(islice(rows, _CHUNK)):
        yield chunk


def _head(table: ExportTable, layout: Layout) -> list[str]:
    """Every line above the actions table."""
    lines = [f"# {escape(table.pack_title())}", ""]
    lines += [f"- **{label}:** {escape(value)}" for label, value in table.provenance()]
    lines += _summaries(table, layout)
    lines += ["", "## Changes since last meeting", ""]
    counts = change_counts(table)
    if counts is None:
        lines.append("No earlier snapshot: there is nothing to compare with.")
    else:
        lines.append(f"Compared with {escape(table.compared_with)}.")
        lines.append("")
        lines += [f"- {label}: {n}" for label, n in counts]
    lines += ["", f"## Actions ({len(table.rows)})", ""]
    return lines


def write(table: ExportTable, path: Path, options: WriteOptions) -> None:
    layout = options.layout
    headers = [c.header for c in layout.columns]
    with open(path, "w", encoding="utf-8", newline="\n") as handle:
        for line in _head(table, layout):
            handle.write(line + "\n")
        for line in _chunked_grid(headers, table.rows, partial(layout_cells, table, layout)):
            handle.write(line + "\n")
