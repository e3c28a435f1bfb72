"""The pack preview the meetings screen shows: the headline and the status × RAG table.

Plain text from the pack's own summary tables (db.exporting.summary), so the
preview says exactly what the exported pack will.
"""

from __future__ import annotations

from db.exporting.summary import Count, SummaryTable
from db.exporting.table import ExportTable
from db.plural import plural


def _empty(row: list) -> bool:
    """A status no action has, now or at the last meeting (the pack lists it; the preview,
    kept short, does not)."""
    return all(isinstance(c, Count) and c.n == 0 and not c.change for c in row[1:])


def _grid(table: SummaryTable) -> list[str]:
    kept = [row for row in table.rows if not _empty(row)]
    rows = [list(table.headers), *([str(c) for c in row] for row in kept)]
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return ["  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in
                      enumerate(zip(row, widths, strict=True))).rstrip()
            for row in rows]  # fmt: skip


def pack_preview(table: ExportTable) -> list[str]:
    """The lines of the preview: a title, the headline measures, then status × RAG."""
    headline, status_rag = table.summaries["summary"]
    actions, open_, due, done, on_time, overdue = (row[1] for row in headline.rows)
    since = (
        "since the last meeting"
        if status_rag.rows[-1][-1].change is not None
        else ("so far (no earlier snapshot)")
    )
    return [
        f"Pack preview: snapshot #{table.snapshot_id} ({table.meeting_words()})",
        f"{plural(actions, 'action')}, {open_} open, {overdue} overdue now; {since}: {due} due, "
        f"{done} implemented or closed; {on_time} of those due so far done by their original "
        "target.",
        "Status × RAG (each count's change since the last meeting):"
        if since.startswith("since")
        else "Status × RAG:",
        *("  " + line for line in _grid(status_rag)),
    ]
