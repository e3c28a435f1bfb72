"""What an owner does to a request workbook, with openpyxl as Excel would leave it.

Cells are found by their heading, never by a fixed position, as an owner who
moved columns about would still see them.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from openpyxl import load_workbook

SHEET = "Update request"
HEADING_ROW = 4


def headings(ws) -> dict[str, int]:
    return {str(c.value): c.column for c in ws[HEADING_ROW] if c.value is not None}


def refs(path: Path) -> list[str]:
    ws = load_workbook(path)[SHEET]
    col = headings(ws)["Ref"]
    return [
        ws.cell(r, col).value
        for r in range(HEADING_ROW + 1, ws.max_row + 1)
        if ws.cell(r, col).value
    ]


def fill(path: Path, answers: dict[str, dict[str, object]], *, save_as: Path | None = None) -> Path:
    """Type `answers` ({ref: {heading: value}}) into the rows of those refs; a heading
    the sheet lacks becomes a new column at the end (an owner's own notes)."""
    wb = load_workbook(path)
    ws = wb[SHEET]
    cols = headings(ws)
    rows = {
        ws.cell(r, cols["Ref"]).value: r
        for r in range(HEADING_ROW + 1, ws.max_row + 1)
        if ws.cell(r, cols["Ref"]).value
    }
    for ref, cells in answers.items():
        for heading, value in cells.items():
            if heading not in cols:
                cols[heading] = ws.max_column + 1
                ws.cell(HEADING_ROW, cols[heading], heading)
            ws.cell(rows[ref], cols[heading], value)
    target = save_as or path
    wb.save(target)
    return target


def resort(path: Path, *, save_as: Path | None = None) -> Path:
    """Reverse the action rows, as sorting by a column would (values move with their row)."""
    wb = load_workbook(path)
    ws = wb[SHEET]
    last = max(r for r in range(HEADING_ROW + 1, ws.max_row + 1) if ws.cell(r, 1).value is not None)
    rows = [
        [ws.cell(r, c).value for c in range(1, ws.max_column + 1)]
        for r in range(HEADING_ROW + 1, last + 1)
    ]
    for offset, values in enumerate(reversed(rows)):
        for c, value in enumerate(values, start=1):
            # (.value, not ws.cell(r, c, value): that leaves a cell alone when value is None)
            ws.cell(HEADING_ROW + 1 + offset, c).value = value
    target = save_as or path
    wb.save(target)
    return target


def resave(path: Path, *, save_as: Path) -> Path:
    """Open and save again (with openpyxl), as a spreadsheet program does on Save."""
    load_workbook(path).save(save_as)
    return save_as


def soffice() -> str | None:
    """LibreOffice, if it is installed with Calc (a Writer-only install cannot open .xlsx)."""
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        return None
    program = Path(found).resolve().parent
    return found if any(program.glob("libsclo*")) else None


def resave_with_libreoffice(path: Path, folder: Path) -> Path:
    """Convert through LibreOffice headless (xlsx -> xlsx): its own writer, its own quirks."""
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            soffice(),
            "--headless",
            f"-env:UserInstallation=file://{folder / 'profile'}",
            "--convert-to",
            "xlsx:Calc MS Excel 2007 XML",
            "--outdir",
            str(folder),
            str(path),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    return folder / path.name
