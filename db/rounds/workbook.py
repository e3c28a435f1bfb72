"""Writing an owner's update request workbook (XLSX) with openpyxl.

The request sheet shows each action's current state in locked cells and leaves
the input cells (shaded) open, with drop-down lists for status and RAG, real
date cells and a whole-number check on percent complete; the sheet is
protected except for those cells (without a password: it guards against slips,
not against the owner). A very hidden sheet, ``_actreg``, names the register,
the round and, for each row, the action id and the version sent, so a returned
file is matched to its round and its rows even after the owner re-sorts it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from db.rounds.columns import COLUMNS, FIRST_ROW, HEADING_ROW, RAG_WORDS, status_words
from db.store.values import STATUS_LABELS

HIDDEN_SHEET = "_actreg"
REQUEST_SHEET = "Update request"
#: The marker in the hidden sheet's first cell: this is an actreg request.
MARKER = "actreg update request"
DATE_FORMAT = "dd/mm/yyyy"
_INPUT_FILL = PatternFill("solid", start_color="FFF2CC")
_HEADING_FILL = PatternFill("solid", start_color="D9D9D9")
# One instance of each style, shared by every cell: openpyxl hashes a style each
# time it is set, and building a new one per cell doubled the time to write a book.
_WRAP = Alignment(wrap_text=True, vertical="top")
_UNLOCKED = Protection(locked=False)
_BOLD = Font(bold=True)


@dataclass(frozen=True)
class RequestedAction:
    action_id: int
    version: int
    ref: str
    title: str
    status: str
    rag: str | None
    target_date: str | None
    latest: str | None


@dataclass(frozen=True)
class RequestSheet:
    register_id: str
    register_name: str
    round_token: str
    owner: str
    meeting: str  # "Governance and Audit Committee, 2027-03-16"
    return_by: str
    actions: list[RequestedAction]


def _day(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def write_request(path: Path, sheet: RequestSheet) -> None:
    """Write the workbook to `path` (the caller renames it into place)."""
    wb = Workbook()
    ws = wb.active
    ws.title = REQUEST_SHEET
    ws["A1"] = f"Update request for {sheet.owner}: {sheet.register_name}"
    ws["A1"].font = Font(bold=True, size=14)
    ws["A2"] = (
        f"For {sheet.meeting}. Please fill in the shaded cells and return this file "
        f"by {dt.date.fromisoformat(sheet.return_by).strftime('%d %B %Y')}."
    )
    ws["A3"] = (
        "Leave a cell empty if nothing has changed. A new target date needs a reason; "
        "so does a new RAG rating."
    )
    for index, column in enumerate(COLUMNS, start=1):
        cell = ws.cell(HEADING_ROW, index, column.heading)
        cell.font = _BOLD
        cell.fill = _HEADING_FILL if column.locked else _INPUT_FILL
        cell.alignment = _WRAP
        ws.column_dimensions[get_column_letter(index)].width = column.width
    last = FIRST_ROW + len(sheet.actions) - 1
    for row, action in enumerate(sheet.actions, start=FIRST_ROW):
        values = {
            "ref": action.ref,
            "title": action.title,
            "status_now": STATUS_LABELS[action.status],
            "rag_now": (action.rag or "").capitalize() or None,
            "target_now": _day(action.target_date),
            "latest_now": action.latest,
        }
        for index, column in enumerate(COLUMNS, start=1):
            cell = ws.cell(row, index, values.get(column.key))
            cell.alignment = _WRAP
            if column.kind == "date":
                cell.number_format = DATE_FORMAT
            if not column.locked:
                cell.protection = _UNLOCKED
                cell.fill = _INPUT_FILL
    if sheet.actions:
        _validations(ws, last)
    ws.freeze_panes = ws.cell(FIRST_ROW, 3)
    # Protected, but owners may still sort, filter and resize as they like.
    ws.protection.sheet = True
    ws.protection.sort = False
    ws.protection.autoFilter = False
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    _hidden(wb, sheet)
    wb.save(path)


def _column_range(key: str, last: int) -> str:
    index = next(i for i, c in enumerate(COLUMNS, start=1) if c.key == key)
    letter = get_column_letter(index)
    return f"{letter}{FIRST_ROW}:{letter}{last}"


def _validations(ws, last: int) -> None:
    status = DataValidation(
        type="list",
        formula1='"' + ",".join(status_words()) + '"',
        allow_blank=True,
        errorTitle="New status",
        error="Choose a status from the list.",
    )
    rag = DataValidation(
        type="list",
        formula1='"' + ",".join(RAG_WORDS) + '"',
        allow_blank=True,
        errorTitle="New RAG",
        error="Choose Red, Amber or Green.",
    )
    date = DataValidation(
        type="date",
        operator="greaterThan",
        formula1="1",
        allow_blank=True,
        errorTitle="Proposed new target date",
        error="Type a date, for example 31/03/2027.",
    )
    percent = DataValidation(
        type="whole",
        operator="between",
        formula1="0",
        formula2="100",
        allow_blank=True,
        errorTitle="% complete",
        error="A whole number from 0 to 100.",
    )
    for validation, key in (
        (status, "status"),
        (rag, "rag"),
        (date, "target_date"),
        (percent, "percent_complete"),
    ):
        validation.add(_column_range(key, last))
        ws.add_data_validation(validation)


def _hidden(wb: Workbook, sheet: RequestSheet) -> None:
    ws = wb.create_sheet(HIDDEN_SHEET)
    ws.append([MARKER])
    ws.append(["register", sheet.register_id])
    ws.append(["round", sheet.round_token])
    ws.append(["owner", sheet.owner])
    ws.append(["row", "ref", "action id", "version"])
    for row, action in enumerate(sheet.actions, start=FIRST_ROW):
        ws.append([row, action.ref, action.action_id, action.version])
    ws.sheet_state = "veryHidden"
    ws.protection.sheet = True
