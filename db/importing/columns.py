"""The header row of an imported sheet, and which field each of its columns holds.

Trackers put a title (often merged across the top) above the real header, so the
header is the first row in which at least two cells are headings actreg knows.
Each column is then mapped through the synonym table (headers.py) or
the user's ``--map``; two columns meaning one field are refused, naming both.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from db.errors import InputError
from db.importing import headers
from db.importing.column_roles import settle_roles
from db.importing.files import Cell, Table

#: The first rows searched for the header row.
HEADER_SEARCH_ROWS = 30


@dataclass(frozen=True)
class Problem:
    level: str
    """'error' (the row is not imported), 'warning' (imported; check it) or 'info'."""
    row: int | None
    column: str | None
    message: str

    def as_dict(self) -> dict:
        return {
            "level": self.level,
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }


def cell_text(cell: Cell) -> str:
    return cell.isoformat() if isinstance(cell, dt.date) else cell


def is_blank(cells: list[Cell]) -> bool:
    return all(isinstance(c, str) and not c.strip() for c in cells)


def _find_header(table: Table, mapping: dict[str, str]) -> int | None:
    for index, (_, cells) in enumerate(table.rows[:HEADER_SEARCH_ROWS]):
        known = sum(
            1
            for c in cells
            if isinstance(c, str)
            and c.strip()
            and (
                headers.fold(c) in mapping
                or headers.known_field(c)
                or headers.is_derived(c)
                or headers.is_provenance(c)
            )
        )
        if known >= 2:
            return index
    return None


def choose_table(table: Table, mapping: dict[str, str]) -> tuple[Table, int]:
    for candidate in getattr(table, "tables", [table]):
        index = _find_header(candidate, mapping)
        if index is not None:
            return candidate, index
    where = f"{table.file_name}" + (f", sheet {table.sheet!r}" if table.sheet else "")
    raise InputError(
        f"header: no header row found in {where}: none of its first {HEADER_SEARCH_ROWS} "
        "rows has two column headings actreg knows (such as Ref, Action, Owner, Target "
        'date, Status). Rename the headings or name them with --map "Column=field".'
    )


def map_columns(
    header_cells: list[Cell],
    mapping: dict[str, str],
    export: bool,
    problems: list[Problem],
    header_row: int,
    data_rows: list[list[Cell]] | None = None,
) -> list[tuple[str, str | None]]:
    """(heading, field or None) of each column; `data_rows` (the rows below the header)
    settle the ref and the title when no heading names them (column_roles)."""
    columns: list[tuple[str, str | None]] = []
    for position, cell in enumerate(header_cells, start=1):
        name = cell_text(cell).strip() or f"(column {position})"
        folded = headers.fold(name)
        if folded in mapping:
            mapped = mapping[folded]
            columns.append((name, None if mapped == "ignore" else mapped))
        elif headers.known_field(name):
            columns.append((name, headers.known_field(name)))
        else:
            columns.append((name, None))
            if headers.is_derived(name):
                reason = "derived by actreg from the log; ignored"
            elif export and headers.is_provenance(name):
                reason = "actreg export provenance; ignored"
            else:
                continue
            problems.append(Problem("info", header_row, name, reason))
    mapped_fields = set(mapping.values())
    given = {f for f in mapped_fields if f != "ignore"}
    for i, (name, chosen) in enumerate(columns):
        if chosen in given and headers.fold(name) not in mapping:
            columns[i] = (name, None)
            problems.append(
                Problem(
                    "info",
                    header_row,
                    name,
                    f"not imported: --map gives {chosen} to another column",
                )
            )
    for folded in mapping:
        if not any(headers.fold(name) == folded for name in header_names(header_cells)):
            listed = ", ".join(repr(n) for n in header_names(header_cells) if n)
            raise InputError(
                f"--map: no column {folded!r} in the header row (row "
                f"{header_row}); the columns are {listed}"
            )
    if data_rows is not None:
        values = [
            [t for row in data_rows if i < len(row) and (t := cell_text(row[i]).strip())]
            for i in range(len(columns))
        ]
        for name, why in settle_roles(columns, values, mapping):
            problems.append(Problem("info", header_row, name, why))
    seen: dict[str, str] = {}
    clashes = []
    for name, chosen in columns:
        if chosen is None:
            continue
        if chosen in seen:
            clashes.append(f"columns {seen[chosen]!r} and {name!r} both hold {chosen}")
        else:
            seen[chosen] = name
    if clashes:
        raise InputError(
            [
                f'header (row {header_row}): {c}; choose one with --map "Column=ignore"'
                for c in clashes
            ]
        )
    for name, chosen in columns:
        if (
            chosen is None
            and not (headers.is_derived(name) or (export and headers.is_provenance(name)))
            and headers.fold(name) not in mapping
            and not any(p.column == name for p in problems)
        ):
            problems.append(
                Problem(
                    "warning",
                    header_row,
                    name,
                    "unknown column: not imported (name it with --map, or "
                    "keep it as commentary with --keep-unmapped)",
                )
            )
    missing = [f for f in ("ref", "title") if f not in seen]
    if missing:
        raise InputError(
            [
                f"header (row {header_row}): no column for the {f} (a heading "
                f"such as {'Ref or No.' if f == 'ref' else 'Action'}); name one with "
                f'--map "Column={f}"'
                for f in missing
            ]
        )
    return columns


def header_names(cells: list[Cell]) -> list[str]:
    return [cell_text(c).strip() for c in cells]
