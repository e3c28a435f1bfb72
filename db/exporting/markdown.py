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
from pathlib import Path

from db.exporting.table import PAPER_COLUMNS, ExportTable, change_counts

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


def render(table: ExportTable) -> str:
    from tabulate import tabulate

    lines = [f"# {escape(table.title())}", ""]
    lines += [f"- **{label}:** {escape(value)}" for label, value in table.provenance()]
    lines += ["", "## Changes since last meeting", ""]
    counts = change_counts(table)
    if counts is None:
        lines.append("No earlier snapshot: there is nothing to compare with.")
    else:
        lines.append(f"Compared with {escape(table.compared_with)}.")
        lines.append("")
        lines += [f"- {label}: {n}" for label, n in counts]
    lines += ["", f"## Actions ({len(table.rows)})", ""]
    body = []
    for row in table.rows:
        cells = table.cells(row)
        cells["rag"] = cells["rag"] or "Not rated"
        body.append([escape(cells[c.key]) for c in PAPER_COLUMNS])
    lines.append(
        tabulate(
            body,
            headers=[c.header for c in PAPER_COLUMNS],
            tablefmt="github",
            disable_numparse=True,
            missingval="",
        )
    )
    return "\n".join(lines) + "\n"


def write(table: ExportTable, path: Path) -> None:
    with open(path, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(render(table))
