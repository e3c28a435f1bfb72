"""Reading a returned update request workbook, tolerating what owners do to it.

Rows are matched to actions by their Ref and the hidden ``_actreg`` sheet (so
re-sorting is harmless); columns by heading (so added, moved or hidden columns
are harmless, and an added column's cells are kept too); a file resaved by
Excel or LibreOffice reads the same. Dates may be real date cells or typed as
text ("31/03/2027", "31 March 2027"), read by the one date parser every input uses.
Every cell the owner filled is kept verbatim as text; each cell that cannot be
read as what its column asks for is a problem naming its row and column.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from db.errors import InputError
from db.rounds.columns import BY_HEADING, COLUMNS, OWNER_STATUSES
from db.store.dates import parse_day
from db.store.values import clean_long, clean_percent, parse_rag, parse_status

#: How far down the sheet the heading row may have moved (rows inserted above it).
_HEADING_SEARCH_ROWS = 30


@dataclass(frozen=True)
class Problem:
    row: int | None
    column: str | None
    why: str
    key: str | None = None  # the proposed field it concerns

    def text(self) -> str:
        where = []
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column {self.column!r}")
        return f"{', '.join(where)}: {self.why}" if where else self.why


@dataclass
class ReturnedRow:
    row: int
    ref: str
    action_id: int
    sent_version: int
    cells: dict[str, str] = field(default_factory=dict)
    proposed: dict[str, object] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def cells_keys(self) -> set[str]:
        """The fields the owner filled a cell for."""
        return {BY_HEADING[h.casefold()].key for h in self.cells if h.casefold() in BY_HEADING}


@dataclass
class ReturnedWorkbook:
    path: Path
    register_id: str
    round_token: str
    owner: str
    rows: list[ReturnedRow]
    problems: list[Problem]

    @property
    def content_hash(self) -> str:
        """The same for a re-sorted or resaved copy of the same answers."""
        canonical = [
            self.round_token,
            self.owner,
            sorted([r.ref.casefold(), sorted(r.cells.items())] for r in self.rows),
        ]
        text = json.dumps(canonical, ensure_ascii=False, sort_keys=True)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


def verbatim(value: object) -> str | None:
    """A cell as text, as the owner typed it: dates as YYYY-MM-DD, numbers without '.0'."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        if value.time() == dt.time():
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value)
    return text if text.strip() else None


def read_return(path: Path) -> ReturnedWorkbook:
    """Read one returned workbook; a file actreg cannot use at all raises InputError."""
    # openpyxl (and the request workbook's layout, written with it) load only when a
    # workbook is read: the TUI's card imports this module, and starts without them.
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        why = getattr(exc, "strerror", None) or "it is not an Excel workbook (.xlsx)"
        raise InputError(f"{path.name}: cannot be read: {why}") from None
    try:
        return _read(path, wb)
    finally:
        wb.close()


def _read(path: Path, wb) -> ReturnedWorkbook:
    from db.rounds.workbook import HIDDEN_SHEET, MARKER, REQUEST_SHEET

    if HIDDEN_SHEET not in wb.sheetnames:
        raise InputError(
            f"{path.name}: is not an actreg update request (its hidden {HIDDEN_SHEET} sheet is "
            "missing): collect only the workbooks `actreg round start` wrote"
        )
    hidden = [list(r) for r in wb[HIDDEN_SHEET].iter_rows(values_only=True)]
    if not hidden or hidden[0][:1] != [MARKER] or len(hidden) < 5:
        raise InputError(f"{path.name}: its {HIDDEN_SHEET} sheet is damaged")
    register_id, token, owner = (str(hidden[i][1]) for i in (1, 2, 3))
    sent: dict[str, tuple[int, int]] = {}
    for line in hidden[5:]:
        if line and line[1] is not None:
            sent[str(line[1]).strip().casefold()] = (int(line[2]), int(line[3]))
    ws = wb[REQUEST_SHEET] if REQUEST_SHEET in wb.sheetnames else _first_visible(wb)
    result = ReturnedWorkbook(path, register_id, token, owner, [], [])
    rows = ws.iter_rows()
    heading_row, headings = _find_headings(rows)
    if heading_row is None:
        result.problems.append(Problem(None, "Ref", "no heading row with a 'Ref' column"))
        return result
    seen: set[str] = set()
    for cells in rows:
        if not cells:
            continue
        number = getattr(cells[0], "row", None)
        values = {headings[i]: c for i, c in enumerate(cells) if i in headings}
        ref_cell = values.get("Ref")
        ref = verbatim(ref_cell.value) if ref_cell is not None else None
        # The owner's cells with something in them, each with its text as typed.
        filled = {
            heading: (cell, text)
            for heading, cell in values.items()
            if _is_input(heading) and (text := verbatim(cell.value)) is not None
        }
        if ref is None:
            if filled:
                result.problems.append(
                    Problem(number, "Ref", "is empty, so this row matches no action")
                )
            continue
        key = ref.strip().casefold()
        if key not in sent:
            result.problems.append(
                Problem(
                    number, "Ref", f"{ref!r} is not one of the actions this request asked about"
                )
            )
            continue
        if key in seen:
            result.problems.append(Problem(number, "Ref", f"{ref!r} appears twice"))
            continue
        seen.add(key)
        if not filled:
            continue
        action_id, version = sent[key]
        returned = ReturnedRow(number, ref.strip(), action_id, version)
        for heading, (cell, text) in filled.items():
            returned.cells[heading] = text
            column = BY_HEADING.get(heading.casefold())
            if column is None:
                continue  # an owner's own column: kept verbatim, proposes nothing
            try:
                returned.proposed[column.key] = _read_cell(column.kind, cell)
            except ValueError as exc:
                returned.problems.append(Problem(number, heading, str(exc), column.key))
        _check_reasons(returned)
        result.rows.append(returned)
    return result


def _first_visible(wb):
    for ws in wb.worksheets:
        if getattr(ws, "sheet_state", "visible") == "visible":
            return ws
    return wb.worksheets[0]


def _find_headings(rows) -> tuple[int | None, dict[int, str]]:
    for _ in range(_HEADING_SEARCH_ROWS):
        cells = next(rows, None)
        if cells is None:
            break
        texts = [verbatim(c.value) for c in cells]
        if any(t and t.strip().casefold() == "ref" for t in texts):
            headings = {}
            for i, text in enumerate(texts):
                if not text:
                    continue
                known = BY_HEADING.get(text.strip().casefold())
                headings[i] = known.heading if known else text.strip()
            return cells[0].row, headings
    return None, {}


def _is_input(heading: str) -> bool:
    column = BY_HEADING.get(heading.casefold())
    return column is None or not column.locked


def _read_cell(kind: str, cell) -> object:
    value = cell.value
    if kind == "date" and isinstance(value, dt.datetime | dt.date):
        return parse_day(value.date() if isinstance(value, dt.datetime) else value)
    if kind == "percent" and isinstance(value, float):
        if "%" in (cell.number_format or "") and value <= 1:
            value = round(value * 100, 6)  # 50% typed into a percent-formatted cell is 0.5
        if not value.is_integer():
            raise ValueError(f"{value:g} is not a whole number from 0 to 100")
    return read_value(kind, verbatim(value) or "")


def read_value(kind: str, text: str) -> object:
    """What a cell's text proposes for a column of this kind; ValueError says why not."""
    if kind == "date":
        return parse_day(text)
    if kind == "percent":
        return clean_percent(text)
    if kind == "status":
        status = parse_status(text)
        if status not in OWNER_STATUSES:
            raise ValueError(
                "closing an action is the officer's step after verification: choose Implemented"
            )
        return status
    if kind == "rag":
        return parse_rag(text)
    return clean_long(text)


def _check_reasons(row: ReturnedRow) -> None:
    """A new RAG or target date needs its reason, as it does everywhere in actreg."""
    pairs = (("rag", "rag_reason"), ("target_date", "target_reason"))
    for key, reason in pairs:
        if key in row.cells_keys() and reason not in row.cells_keys():
            column = next(c for c in COLUMNS if c.key == reason)
            row.problems.append(
                Problem(row.row, column.heading, "is empty: say why (it goes in the log)", reason)
            )
