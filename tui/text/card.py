"""The action card as lines: every field, the derived flags, and the timeline.

Pure functions from a row (with flags) and its log entries to Rich Text lines,
newest entry first, each correction shown under the entry it supersedes.
"""

from __future__ import annotations

import io
import json
import textwrap
from functools import lru_cache

from rich.console import Console
from rich.text import Text

from db.plural import plural
from db.store.log import LogEntry
from db.store.values import label
from tui.text.formatting import (
    OVERDUE_STYLE,
    SLIPPED_STYLE,
    day,
    rag_badge,
    rag_word,
    status_label,
    target_text,
    when,
)
from tui.text.output import late_mark
from tui.text.round_text import submission_lines, submissions_heading

HEADING = "bold underline"
KEY = "bold"


def wrap(text: str, width: int, indent: str = "") -> list[str]:
    out: list[str] = []
    room = max(10, width - len(indent))
    for para in (text or "").split("\n"):
        if len(para) <= room:
            out.append(indent + para)
        else:
            out.extend(textwrap.wrap(para, room, initial_indent=indent, subsequent_indent=indent))
    return out


def _pair(name: str, value: Text | str) -> Text:
    return Text.assemble((f"{name}: ", KEY), value if isinstance(value, Text) else str(value))


@lru_cache(maxsize=1)
def _console() -> Console:
    """A console for Text.wrap, which needs one (for its tab size only)."""
    return Console(width=1000, file=io.StringIO())


def _fitted(parts: list[Text], width: int) -> list[Text]:
    """Parts side by side, three spaces apart, on as many lines as `width` needs.

    Never cut: a part wider than a line wraps within itself, its later lines
    indented, so a long owner or recommendation hides nothing beside it.
    """
    lines: list[Text] = [Text()]
    for part in parts:
        line = lines[-1]
        if line and line.cell_len + 3 + part.cell_len > width:
            lines.append(line := Text())
        if part.cell_len > width:
            first, *rest = part.wrap(_console(), max(1, width - 2))
            line.append_text(first)
            lines.extend(Text("  ").append_text(more) for more in rest)
            continue
        if line:
            line.append("   ")
        line.append_text(part)
    for line in lines:
        line.rstrip()
    return lines


def flags_text(row: dict) -> Text:
    flags: list[Text] = []
    if row.get("overdue"):
        days = row.get("days_overdue", 0)
        flags.append(Text(f"! OVERDUE by {days} day{'s' if days != 1 else ''}", OVERDUE_STYLE))
    revisions = int(row.get("target_revisions") or 0)
    if row.get("slipped") or revisions:
        times = f"{revisions} time{'s' if revisions != 1 else ''}"
        flags.append(Text(f"↻ SLIPPED {times}", SLIPPED_STYLE))
    if row.get("stale"):
        flags.append(Text("⌛ STALE: no update this cycle", "bold yellow"))
    if row.get("rag") == "green" and row.get("overdue"):
        flags.append(Text("green but overdue: check the RAG", "italic"))
    return Text(" · ").join(flags) if flags else Text("none", "dim")


def field_lines(row: dict, width: int) -> list[Text]:
    rows: list[list[Text]] = [
        [Text.assemble((f"{row['ref']}  ", "bold reverse"), (f" {row['title']}", "bold"))],
        [],
        [
            _pair("Status", status_label(row["status"])),
            _pair("RAG", rag_word(row.get("rag"))),
            _pair("Complete", f"{row.get('percent_complete') or 0}%"),
            _pair("Priority", row.get("priority") or ""),
        ],
        [
            _pair("Owner", row.get("owner") or "—"),
            _pair("Directorate", row.get("directorate") or "—"),
            _pair("Theme", row.get("theme") or "—"),
        ],
        [
            _pair("Target date", target_text(row)),
            _pair("Original target", row.get("original_target_date") or "—"),
            _pair("Completed", row.get("completed_date") or "—"),
        ],
        [_pair("Flags", flags_text(row))],
        [
            _pair("Source", row.get("source") or "—"),
            _pair("Recommendation", row.get("recommendation") or "—"),
            _pair("Acceptance", label(row.get("acceptance") or "")),
        ],
    ]
    if row.get("target_date_text"):
        rows.append([_pair("Target as first written", row["target_date_text"])])
    if row.get("rag_reason"):
        rows.append([_pair("RAG reason", row["rag_reason"].split("\n")[0])])
    lines = [line for parts in rows for line in _fitted(parts, width)]
    for name in ("description", "completion_criterion", "evidence", "last_commentary"):
        value = row.get(name)
        caption = {"last_commentary": "Latest commentary"}.get(name, label(name).capitalize())
        if not value:
            lines.append(_pair(caption, Text("—", "dim")))
            continue
        lines.append(Text(f"{caption}:", KEY))
        lines.extend(Text(line) for line in wrap(value, width, "  "))
    version = Text(
        f"Version {row['version']} · created {day(row.get('created_at'))}"
        f" · last update {day(row.get('last_update_at'))}",
        "dim",
    )
    lines.extend(_fitted([version], width))
    return lines


def _value(field: str | None, value: str | None) -> Text:
    if value is None:
        return Text("—", "dim")
    if field == "rag":
        return rag_badge(value)
    if field == "status":
        return Text(status_label(value))
    return Text(value if len(value) <= 40 else value[:39] + "…")


def change_text(entry: LogEntry) -> Text:
    """'amber → red', 'title: old → new', or what was created/added."""
    if entry.kind == "created":
        try:
            values = json.loads(entry.new_value or "{}")
        except ValueError:
            values = {}
        return Text(f"created with target {values.get('target_date') or '—'}")
    if entry.kind == "evidence":
        return Text.assemble("evidence: ", entry.new_value or "")
    if entry.field is None or (entry.kind == "note" and entry.new_value is None):
        return Text("")
    prefix = "" if entry.kind in ("rag", "status", "target_date") else f"{label(entry.field)}: "
    return Text.assemble(
        prefix,
        _value(entry.field, entry.old_value),
        " → ",
        _value(entry.field, entry.new_value),
    )


def _kind_word(entry: LogEntry) -> str:
    if entry.kind == "field_edit" and entry.field is None:
        return "decision"  # an officer's or committee's decision that changes no field
    return label(entry.kind)


def entry_lines(entry: LogEntry, width: int, indent: str = "") -> list[Text]:
    head = Text.assemble(
        indent,
        (when(entry.recorded_at), "bold"),
        "  ",
        (entry.author, "cyan"),
        "  ",
        (_kind_word(entry), "magenta"),
        "  ",
        change_text(entry),
    )
    lines = [head]
    if late_mark(entry):
        lines.append(Text(f"{indent}    {late_mark(entry)}", "yellow"))
    if entry.commentary:
        body = wrap(entry.commentary, width, indent + "    ")
        lines.extend(Text(line, "italic") for line in body)
    return lines


def timeline_lines(entries: list[LogEntry], width: int) -> list[Text]:
    """Newest first; a correction is shown under the entry it supersedes."""
    corrections: dict[str, list[LogEntry]] = {}
    for entry in entries:
        if entry.supersedes:
            corrections.setdefault(entry.supersedes, []).append(entry)
    lines = [Text(f"Progress log ({plural(len(entries), 'entry')}, newest first)", HEADING)]
    for entry in entries:
        block = entry_lines(entry, width)
        if entry.uuid in corrections:
            block[0].append("  (corrected)", "bold yellow")
            for fix in corrections[entry.uuid]:
                fixed = entry_lines(fix, width, indent="  ↳ ")
                fixed[0].stylize("yellow", 0, 4)
                block.extend(fixed)
        if entry.supersedes:
            block[0].append("  (corrects an earlier entry)", "yellow")
        lines.extend(block)
    return lines


def submission_block(submissions: list, width: int) -> list[Text]:
    """The owner's returned updates, kept whatever became of them (none: no lines)."""
    if not submissions:
        return []
    lines = [Text(submissions_heading(submissions), HEADING)]
    for sub in submissions:
        first, *cells = submission_lines(sub)
        lines.extend(Text(line, "bold") for line in wrap(first, width))
        for cell in cells:
            lines.extend(Text(line) for line in wrap(cell, width))
    return [*lines, Text("")]


def card_lines(
    row: dict, entries: list[LogEntry], width: int, submissions: list | None = None
) -> list[Text]:
    return [
        *field_lines(row, width),
        Text(""),
        *submission_block(submissions or [], width),
        *timeline_lines(entries, width),
    ]
