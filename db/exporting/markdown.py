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
from collections.abc import Sequence
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


def render(table: ExportTable, layout: Layout) -> str:
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
    body = [layout_cells(table, layout, row) for row in table.rows]
    lines.append(_grid([c.header for c in layout.columns], body))
    return "\n".join(lines) + "\n"


def write(table: ExportTable, path: Path, options: WriteOptions) -> None:
    with open(path, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(render(table, options.layout))
