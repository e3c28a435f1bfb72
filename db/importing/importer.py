"""Importing the registers people already keep: CSV and Excel, as messy as they are.

:func:`plan_import` reads a file (files.py), finds its header row and
maps its columns to fields (columns.py, headers.py), reads
target dates as people write them (dates.py), checks every cell and
reports each problem with the row number a person sees in Excel, the column and
the reason. :func:`import_file` then applies the plan with
:func:`db.importing.apply_plan.apply_import`, which decides each action's entries
(changes.py) inside one transaction: all or nothing. A ref already in
the register is an update: the changed fields are appended as 'import' entries
naming the file, so importing a newer copy of the same table records what moved,
and the same file twice changes nothing the second time. Actions missing from the
file are reported, never deleted.
"""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from db.exporting.csv_table import restore
from db.importing import headers
from db.importing.apply_plan import apply_import, check_edition
from db.importing.changes import plan_operations
from db.importing.columns import (
    Problem,
    cell_text,
    choose_table,
    header_names,
    is_blank,
    map_columns,
)
from db.importing.dates import parse_target
from db.importing.files import Cell, read_table
from db.importing.plan import ImportPlan, ImportRow
from db.plural import plural
from db.store.chain import parse_effective
from db.store.clock import Clock, utc_now
from db.store.values import (
    LIMITS,
    clean_line,
    clean_long,
    clean_percent,
    clean_ref,
    clean_required_line,
    parse_acceptance,
    parse_priority,
    parse_rag,
    parse_status,
)

#: Status and RAG wordings of published trackers, beyond what `actreg update` accepts.
IMPORT_STATUS_ALIASES = {
    "complete": "implemented", "completed": "implemented", "done": "implemented",
    "implemented": "implemented", "closed": "closed", "verified": "closed",
    "not started": "not_started", "not yet started": "not_started", "open": "not_started",
    "ongoing": "in_progress", "in progress": "in_progress", "underway": "in_progress",
    "started": "in_progress", "on going": "in_progress",
    "achieved": "implemented", "complete awaiting evidence": "implemented",
    "completed awaiting evidence": "implemented", "on hold": "in_progress",
    "delayed": "in_progress", "not yet due": "not_started",
}  # fmt: skip
#: Tracker statuses that say more than the status they are read as: their wording is
#: kept in the action's log ("On hold" is in progress, but the committee should see why).
STATUS_WORDS_KEPT = frozenset({
    "on hold", "delayed", "not yet due", "complete awaiting evidence",
    "completed awaiting evidence",
})  # fmt: skip
#: How trackers record a recommendation's acceptance ("Agreed", "In full", "Noted").
IMPORT_ACCEPTANCE_ALIASES = {
    "in full": "accepted", "accepted in full": "accepted", "agreed": "accepted",
    "yes": "accepted", "fully accepted": "accepted",
    "in principle": "in_principle", "partially accepted": "in_principle",
    "accepted in part": "in_principle", "partly accepted": "in_principle",
    "in part": "in_principle", "partially": "in_principle",
    "rejected": "not_accepted", "not accepted": "not_accepted", "no": "not_accepted",
    "noted": "not_accepted", "not agreed": "not_accepted",
}  # fmt: skip
IMPORT_RAG_ALIASES = {
    "on track": "green", "green": "green", "g": "green",
    "at risk": "amber", "amber": "amber", "a": "amber",
    "off track": "red", "red": "red", "r": "red",
}  # fmt: skip
UNASSIGNED = "Unassigned"
_LONG = {"description", "completion_criterion", "evidence", "rag_reason", "progress", "next_steps"}
_DATES = {"target_date", "original_target_date", "revised_target_date"}


def _fold(value: str) -> str:
    """'Complete – awaiting evidence' -> 'complete awaiting evidence' (dashes of any width)."""
    return " ".join(re.sub(r"[-_/\u2013\u2014]", " ", value).lower().split())


def _status(value: str) -> str:
    return IMPORT_STATUS_ALIASES.get(_fold(value)) or parse_status(value)


def _acceptance(value: str) -> str:
    return IMPORT_ACCEPTANCE_ALIASES.get(_fold(value)) or parse_acceptance(value)


def _rag(value: str) -> str:
    return IMPORT_RAG_ALIASES.get(_fold(value)) or parse_rag(value)


_CHECKS = {
    "ref": clean_ref,
    "title": lambda v: clean_required_line(v, LIMITS["title"]),
    "priority": parse_priority,
    "acceptance": _acceptance,
    "status": _status,
    "rag": _rag,
    "percent_complete": clean_percent,
}


@dataclass
class ImportResult:
    plan: ImportPlan
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    applied: bool = False
    refused: bool = False
    dry_run: bool = False

    @property
    def skipped(self) -> list[int]:
        return self.plan.error_rows

    def as_dict(self) -> dict:
        plan = self.plan
        return {
            "file": plan.file_name,
            "sheet": plan.sheet,
            "header_row": plan.header_row,
            "columns": [{"header": h, "field": f} for h, f in plan.columns],
            "new": self.new,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "skipped_rows": self.skipped,
            "applied": self.applied,
            "refused": self.refused,
            "dry_run": self.dry_run,
            "problems": [p.as_dict() for p in plan.problems],
        }


def plan_import(
    conn: sqlite3.Connection,
    path: str | Path,
    *,
    sheet: str | None = None,
    mapping: dict[str, str] | None = None,
    keep_unmapped: bool = False,
) -> ImportPlan:
    """Read and check a file; raise InputError if it cannot be read as a table at all."""
    mapping = mapping or {}
    table, index = choose_table(read_table(Path(path), sheet), mapping)
    header_number, header_cells = table.rows[index]
    while header_cells and isinstance(header_cells[-1], str) and not header_cells[-1].strip():
        header_cells = header_cells[:-1]
    export = headers.looks_like_actreg_export(
        header_names(header_cells), [cells for _, cells in table.rows[:index]]
    )
    problems: list[Problem] = []

    def note(level: str, row: int | None, column: str | None, message: str) -> None:
        problems.append(Problem(level, row, column, message))

    if index:
        above = [n for n, cells in table.rows[:index] if not is_blank(cells)]
        if above:
            note(
                "info",
                None,
                None,
                f"rows {above[0]}–{header_number - 1} "
                f"above the header row ({header_number}) were skipped"
                + (" (actreg export provenance; ignored)" if export else ""),
            )
    data_rows = [cells for _, cells in table.rows[index + 1 :]]
    columns = map_columns(header_cells, mapping, export, problems, header_number, data_rows)
    if keep_unmapped:  # the unknown columns are not dropped: say what happens to them
        problems[:] = [
            Problem(
                "info", p.row, p.column, "unknown column: kept as commentary on each new action"
            )
            if p.level == "warning" and p.message.startswith("unknown column")
            else p
            for p in problems
        ]
    plan = ImportPlan(
        table.file_name, table.sheet, header_number, columns, [], problems, actreg_export=export
    )
    existing = {r.lower(): r for (r,) in conn.execute("SELECT ref FROM action ORDER BY ref_key")}
    if not plan.has("owner"):
        note("warning", None, None, f"no owner column: new actions get the owner {UNASSIGNED!r}")
    ref_at = next(i for i, (_, f) in enumerate(columns) if f == "ref")
    seen: dict[str, int] = {}
    blank_rows: list[int] = []
    restore_cells = export and table.delimiter is not None  # CSV export: formula cells marked
    width = len(columns)
    for number, cells in table.rows[index + 1 :]:
        if is_blank(cells):
            blank_rows.append(number)
            continue
        if restore_cells:
            cells = [restore(c) if isinstance(c, str) else c for c in cells]
        filled = [i for i, c in enumerate(cells) if not (isinstance(c, str) and not c.strip())]
        if len(filled) == 1 and (filled[0] != ref_at or not _valid_ref(cells[ref_at])):
            note(
                "info",
                number,
                None,
                f"section heading {cell_text(cells[filled[0]]).strip()!r} skipped",
            )
            continue
        if len(cells) > width:
            extra = [i for i in filled if i >= width]
            if extra:
                note(
                    "error",
                    number,
                    f"(column {extra[0] + 1})",
                    f"this row has {plural(len(cells), 'cell')} but the header has "
                    f"{width}: a value beyond the last column "
                    f"({cell_text(cells[extra[0]]).strip()[:40]!r})",
                )
                continue
            cells = cells[:width]
        elif len(cells) < width and table.delimiter is not None:
            note(
                "warning",
                number,
                None,
                f"this row has {plural(len(cells), 'cell')} but the header has "
                f"{width}: the missing cells are taken as empty",
            )
        row = _check_row(plan, number, cells, existing, keep_unmapped)
        if row is None:
            continue
        key = row.ref.lower()
        if key in seen:
            note(
                "error",
                number,
                _column(plan, "ref"),
                f"duplicate ref {row.ref!r}: row {seen[key]} has it too",
            )
            continue
        seen[key] = number
        plan.rows.append(row)
    if table.broken is not None:
        number, why = table.broken
        note("error", number, None, why)
        plan.unreadable = True
    if blank_rows:
        shown = ", ".join(map(str, blank_rows[:10])) + (", ..." if len(blank_rows) > 10 else "")
        note(
            "info",
            None,
            None,
            f"{plural(len(blank_rows), 'blank row')} skipped "
            f"(row{'s' * (len(blank_rows) != 1)} {shown})",
        )
    missing = [ref for key, ref in existing.items() if key not in seen]
    if missing:
        shown = ", ".join(missing[:10]) + (", ..." if len(missing) > 10 else "")
        note(
            "info",
            None,
            None,
            f"{plural(len(missing), 'action')} in the register "
            f"{'are' if len(missing) != 1 else 'is'} not in this file ({shown}); "
            "left as they are",
        )
    return plan


def _valid_ref(cell: Cell) -> bool:
    try:
        clean_ref(cell_text(cell))
        return True
    except ValueError:
        return False


def _column(plan: ImportPlan, name: str) -> str | None:
    return next((h for h, f in plan.columns if f == name), None)


def _check_row(plan, number, cells, existing, keep_unmapped) -> ImportRow | None:
    values: dict[str, object] = {}
    texts: dict[str, str | None] = {}
    extra: list[str] = []
    errors = 0

    def problem(level: str, column: str | None, message: str) -> None:
        nonlocal errors
        errors += level == "error"
        plan.problems.append(Problem(level, number, column, message))

    for (header, name), cell in zip(plan.columns, cells, strict=False):
        if isinstance(cell, str) and not cell.strip():
            continue
        if name is None:
            if keep_unmapped and not headers.is_derived(header):
                extra.append(f"{header}: {cell_text(cell).strip()}")
            continue
        try:
            if name in _DATES or name == "completed_date":
                iso = parse_target(cell)
                raw = cell_text(cell).strip() if not isinstance(cell, dt.date) else None
                if iso is None and name == "completed_date":
                    raise ValueError(f"{raw!r} is not a date")
                if iso is None:
                    problem(
                        "warning",
                        header,
                        f"{raw!r} is not a date: kept as the target's wording, with no target date",
                    )
                    _check_wording(raw)
                values[name] = iso
                if name != "completed_date":
                    texts[name] = raw if raw and raw != iso else None
                continue
            text = cell_text(cell)
            if name in _CHECKS:
                values[name] = _CHECKS[name](text)
                if name == "status" and _fold(text) in STATUS_WORDS_KEPT:
                    texts["status"] = " ".join(text.split())
            elif name in _LONG:
                values[name] = clean_long(text) if text.strip() else None
            else:
                values[name] = clean_line(text) or None
        except ValueError as exc:
            problem("error", header, str(exc))
    if "ref" not in values and not any(
        p.row == number and p.column == _column(plan, "ref") for p in plan.problems
    ):
        problem("error", _column(plan, "ref"), "ref: missing (every action needs one)")
    if "title" not in values and not any(
        p.row == number and p.column == _column(plan, "title") for p in plan.problems
    ):
        problem("error", _column(plan, "title"), "title: missing (every action needs one)")
    if errors or "ref" not in values or "title" not in values:
        return None
    ref = str(values["ref"])
    if plan.has("owner") and "owner" not in values and ref.lower() not in existing:
        problem(
            "warning",
            _column(plan, "owner"),
            f"owner: missing; the new action gets the owner {UNASSIGNED!r}",
        )
    return ImportRow(number, ref, values, texts, extra)


def _check_wording(raw: str | None) -> None:
    if raw is not None:
        clean_line(raw)  # within the length limit, no control characters


# --- the whole import -------------------------------------------------------


def import_file(
    conn: sqlite3.Connection,
    path: str | Path,
    *,
    author: str,
    sheet: str | None = None,
    mapping: dict[str, str] | None = None,
    dry_run: bool = False,
    skip_invalid: bool = False,
    keep_unmapped: bool = False,
    clock: Clock = utc_now,
    as_of: str | None = None,
) -> ImportResult:
    """Plan, then (unless refused or a dry run) apply the import in one transaction.

    `as_of` (a date) imports the table as it stood on that day, a past edition:
    every entry is effective then (see apply_import).
    """
    day = parse_effective(as_of)
    plan = plan_import(conn, path, sheet=sheet, mapping=mapping, keep_unmapped=keep_unmapped)
    result = ImportResult(plan, dry_run=dry_run)
    # Skipping cannot help a file read only part way: the rows after the break are unknown.
    result.refused = bool(plan.errors) and (not skip_invalid or plan.unreadable)
    if dry_run or result.refused:
        ops = plan_operations(conn, plan)
        if day is not None and not result.refused:
            check_edition(ops, day)  # (what the import itself would refuse)
    else:
        ops = apply_import(conn, plan, author=author, clock=clock, as_of=day)
        result.applied = True
    result.new = sum(1 for op in ops if op.existing is None)
    result.updated = sum(1 for op in ops if op.existing is not None and op.changes)
    result.unchanged = sum(1 for op in ops if op.existing is not None and not op.changes)
    return result
