"""How the command line prints: tables for people, CSV and JSON for scripts.

Kept free of Textual so that `actreg list` starts fast; tabulate is imported
only when a short table is printed. The register table, the CSV and the JSON of
`actreg list` are written a row at a time, so memory stays flat on any register.
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from itertools import islice
from typing import TextIO

from db.plural import plural
from db.store.log import LogEntry
from db.store.values import STATUS_LABELS

#: The columns of `list --format csv|json`, in order: a contract for scripts.
LIST_FIELDS = (
    "ref",
    "title",
    "owner",
    "directorate",
    "theme",
    "priority",
    "acceptance",
    "status",
    "rag",
    "percent_complete",
    "original_target_date",
    "target_date",
    "target_revisions",
    "slipped",
    "overdue",
    "days_overdue",
    "stale",
    "completed_date",
    "source",
    "recommendation",
    "last_update",
    "last_commentary",
    "version",
)

RAG_LETTER = {"red": "R", "amber": "A", "green": "G", None: "-"}


def machine_row(row: dict) -> dict:
    return {key: row.get(key) for key in LIST_FIELDS}


def write_json(data, out: TextIO = sys.stdout) -> None:
    json.dump(data, out, ensure_ascii=False, indent=2, default=_json_value)
    out.write("\n")


def _json_value(value):
    if isinstance(value, bytes):  # a BLOB from `actreg query`: its bytes in hex
        return value.hex()
    raise TypeError(f"{type(value).__name__} cannot be written as JSON")


def write_json_list(items: Iterable, out: TextIO = sys.stdout) -> None:
    """A JSON array written an item at a time: the same text as :func:`write_json` of
    the list, without holding the list."""
    first = True
    for item in items:
        out.write("[\n  " if first else ",\n  ")
        text = json.dumps(item, ensure_ascii=False, indent=2, default=_json_value)
        out.write(text.replace("\n", "\n  "))
        first = False
    out.write("[]\n" if first else "\n]\n")


def write_csv(
    rows: Iterable[Mapping[str, object]], fields: Sequence[str], out: TextIO = sys.stdout
) -> None:
    write_csv_rows(fields, ([row.get(k) for k in fields] for row in rows), out)


def write_csv_rows(
    columns: Sequence[str], rows: Iterable[Sequence], out: TextIO = sys.stdout
) -> None:
    """A header line, then one line per row (None as an empty cell, booleans as true/false)."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    special = _SPECIAL_TYPES  # (most rows are written as they are: no call per cell)
    writerow = writer.writerow
    for row in rows:
        if special.isdisjoint(map(type, row)):
            writerow(row)
        else:
            writerow([_csv_value(v) if v.__class__ in special else v for v in row])


def write_csv_lines(columns: Sequence[str], lines: Iterable[str], out: TextIO = sys.stdout) -> None:
    """The header line as write_csv_rows writes it, then `lines` (already CSV, each ending
    in a line feed: queries.list_csv_lines) as they are."""
    csv.writer(out, lineterminator="\n").writerow(columns)
    out.writelines(lines)


_SPECIAL_TYPES = frozenset({bool, bytes})


def _csv_value(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, bytes):
        return value.hex()
    return value


def shorten(text: str | None, width: int) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= width else text[: width - 1] + "…"


def target_cell(row: dict) -> str:
    """The target date with its marks: ↻N when re-dated, ! when overdue."""
    cell = row["target_date"] or ""
    if row.get("target_revisions"):
        cell += f" ↻{row['target_revisions']}"
    if row.get("overdue"):
        cell += " !"
    return cell


PEOPLE_HEADERS = ("Ref", "Title", "Owner", "Directorate", "Status", "RAG", "Target", "Last update")

#: Rows read before the column widths are fixed: a list this long looks exactly as a
#: table fitted to every row would; in a longer one, a later cell wider than its
#: column (only Ref and Target are not cut to a width) widens its own line.
_WIDTH_SAMPLE = 1000


def _people_cells(r: dict) -> tuple[str, ...]:
    return (
        r["ref"],
        shorten(r["title"], 44),
        shorten(r["owner"], 18),
        shorten(r["directorate"], 18),
        STATUS_LABELS[r["status"]],
        RAG_LETTER[r["rag"]],
        target_cell(r),
        (r["last_update"] or "")[:10],
    )


def write_people_table(rows: Iterable[dict], out: TextIO = sys.stdout) -> tuple[int, int]:
    """`actreg list`'s table, streamed; returns (rows written, of which overdue).

    Columns are as wide as their widest cell among the first rows (or their header and
    two spaces), two apart, headers underlined with dashes; nothing for no rows.
    """
    rows = iter(rows)
    counted = [0, 0]

    def cells(batch: Iterable[dict]) -> Iterator[tuple[str, ...]]:
        for r in batch:
            counted[0] += 1
            counted[1] += bool(r["overdue"])
            yield _people_cells(r)

    first = list(cells(islice(rows, _WIDTH_SAMPLE)))
    if not first:
        return 0, 0
    # Each header gets two spaces beyond its text, as tabulate's "simple" table had.
    widths = [
        max(len(header) + 2, *(len(c[i]) for c in first)) for i, header in enumerate(PEOPLE_HEADERS)
    ]

    def line(values: Sequence[str]) -> str:
        return "  ".join(v.ljust(w) for v, w in zip(values, widths, strict=True)).rstrip() + "\n"

    out.write(line(PEOPLE_HEADERS))
    out.write("  ".join("-" * w for w in widths) + "\n")
    out.writelines(map(line, first))
    out.writelines(map(line, cells(rows)))
    return counted[0], counted[1]


def query_table(columns: Sequence[str], rows: Sequence[Sequence]) -> str:
    """`actreg query`'s rows as a plain table: every value as SQLite gave it, NULL blank."""
    from tabulate import tabulate

    body = [["" if v is None else _csv_value(v) for v in row] for row in rows]
    return tabulate(body, headers=list(columns), tablefmt="simple", disable_numparse=True)


def when(recorded_at: str) -> str:
    """'2026-11-28T18:13:16.605496Z' -> '2026-11-28 18:13 UTC'."""
    return f"{recorded_at[:10]} {recorded_at[11:16]} UTC"


def late_mark(entry: LogEntry) -> str:
    """'' for an entry recorded on the day it took effect; else when it took effect."""
    if entry.effective_date == entry.recorded_at[:10]:
        return ""
    return f"effective {entry.effective_date} (recorded late)"


def describe_entry(entry: LogEntry) -> str:
    """One line for what an entry changed: 'status: in_progress → closed'."""
    if entry.kind == "created":
        return "created"
    if entry.kind in ("note", "chased") or (entry.kind == "import" and entry.field is None):
        return "imported update" if entry.kind == "import" else entry.kind
    if entry.kind == "evidence":
        return f"evidence: {entry.new_value}"
    if entry.kind == "field_edit" and entry.field is None:
        return "decision"  # an officer's or committee's decision that changes no field
    what = entry.field or entry.kind
    old = entry.old_value if entry.old_value is not None else "—"
    new = entry.new_value if entry.new_value is not None else "—"
    if entry.kind == "correction" and entry.field == "commentary":
        return f"correction of {entry.supersedes}: note text"
    prefix = f"correction of {entry.supersedes}: " if entry.kind == "correction" else ""
    return f"{prefix}{what}: {shorten(old, 40)} → {shorten(new, 40)}"


def action_text(row: dict, entries: Sequence[LogEntry]) -> str:
    """`actreg show`: every field, the derived flags, then the log newest first."""
    flags = [
        f"overdue by {plural(row['days_overdue'], 'day')}" if row["overdue"] else "",
        f"slipped ({plural(row['target_revisions'], 'revision')})" if row["slipped"] else "",
        "stale (no update this cycle)" if row["stale"] else "",
    ]
    target = row["target_date"] or "—"
    if row["original_target_date"] != row["target_date"]:
        target += f" (original {row['original_target_date'] or '—'})"
    if row.get("target_date_text"):  # the source's own words ("TBC", "Q3 2026/27")
        if not row["target_date"]:
            target = "no date"
        target += f" (as written: {row['target_date_text']!r})"
    rag = RAG_LETTER[row["rag"]]
    if row["rag"]:
        rag += f" {row['rag']}" + (f": {row['rag_reason']}" if row["rag_reason"] else "")
    fields = [
        ("Status", f"{STATUS_LABELS[row['status']]} ({row['percent_complete']}% complete)"),
        ("RAG", rag),
        ("Owner", row["owner"]),
        ("Directorate", row["directorate"]),
        ("Theme", row["theme"]),
        ("Priority", row["priority"]),
        ("Acceptance", (row["acceptance"] or "").replace("_", " ")),
        ("Source", row["source"]),
        ("Recommendation", row["recommendation"]),
        ("Target date", target),
        ("Completed", row["completed_date"]),
        ("Completion criterion", row["completion_criterion"]),
        ("Evidence", row["evidence"]),
        ("Flags", ", ".join(f for f in flags if f) or "none"),
        ("Version", str(row["version"])),
    ]
    lines = [f"{row['ref']}  {row['title']}", ""]
    if row["description"]:
        lines += [row["description"], ""]
    for name, value in fields:
        if value:
            text = str(value).replace("\n", "\n" + " " * 22)
            lines.append(f"{name:<21} {text}")
    lines += ["", f"Progress log ({plural(len(entries), 'entry')}, newest first)"]
    for entry in entries:
        lines.append(f"  {when(entry.recorded_at)}  {entry.author}  {describe_entry(entry)}")
        if late_mark(entry):
            lines.append(f"      {late_mark(entry)}")
        if entry.commentary:
            lines += [f"      {line}" for line in entry.commentary.splitlines()]
        lines.append(f"      id {entry.uuid}")
    return "\n".join(lines)


def entry_json(entry: LogEntry) -> dict:
    return {
        "uuid": entry.uuid,
        "sequence": entry.id,
        "kind": entry.kind,
        "field": entry.field,
        "old_value": entry.old_value,
        "new_value": entry.new_value,
        "commentary": entry.commentary,
        "author": entry.author,
        "recorded_at": entry.recorded_at,
        "effective_date": entry.effective_date,
        "supersedes": entry.supersedes,
        "prev_hash": entry.prev_hash,
        "hash": entry.hash,
    }
