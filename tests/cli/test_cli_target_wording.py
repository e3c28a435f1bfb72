"""A target with no date ("TBC") reads as written in every paper format, not as an empty cell.

Imported trackers carry targets such as "TBC" or "ongoing": the register keeps the
wording and no date. On the committee's paper an empty "Current target date"
would say the action has no target at all.
"""

from __future__ import annotations

import docx
import pytest
from openpyxl import load_workbook

from tests.exports.extract import read_csv, read_html

CSV = (
    "Ref,Action,Owner,Target date\n"
    "T1,Dated,Ann Archer,31/03/2027\n"
    "T2,Not dated yet,Ann Archer,TBC\n"
)
MEETING = "2027-01-20"


@pytest.fixture
def snapshotted(run, fresh_db, tmp_path):
    tracker = tmp_path / "tracker.csv"
    tracker.write_text(CSV, encoding="utf-8")
    run("import", tracker, db=fresh_db)
    run("meeting", "add", MEETING, db=fresh_db)
    run("snapshot", "--meeting", MEETING, db=fresh_db)
    return fresh_db


def _targets(rows: list[list[str]], header: list[str]) -> dict[str, str]:
    """The imported rows' targets (the fresh register holds an action of its own)."""
    at = header.index("Current target date")
    return {row[0]: row[at] for row in rows if row[0] in ("T1", "T2")}


def test_every_paper_format_shows_the_wording_of_a_target_with_no_date(run, snapshotted, tmp_path):
    paths = {}
    for fmt in ("csv", "md", "html", "docx", "xlsx"):
        paths[fmt] = tmp_path / f"pack.{fmt}"
        run("export", "--meeting", MEETING, "--format", fmt, "--layout", "paper",
            "-o", paths[fmt], db=snapshotted)  # fmt: skip
    wanted = {"T1": "31 March 2027", "T2": "TBC"}

    _, header, rows = read_csv(paths["csv"])
    assert _targets([list(r.values()) for r in rows], header) == wanted

    lines = [line for line in paths["md"].read_text(encoding="utf-8").splitlines()
             if line.startswith(("| T1 ", "| T2 "))]  # fmt: skip
    md_rows = [[c.strip() for c in line.strip("|").split("|")] for line in lines]
    md_header = next(
        [c.strip() for c in line.strip("|").split("|")]
        for line in paths["md"].read_text(encoding="utf-8").splitlines()
        if line.startswith("| Ref")
    )
    assert _targets(md_rows, md_header) == wanted

    appendix = next(t for t in read_html(paths["html"]).tables if t and t[0][0] == "Ref")
    assert _targets(appendix[1:], appendix[0]) == wanted

    word = docx.Document(str(paths["docx"]))
    texts = next(
        [[cell.text for cell in row.cells] for row in t.rows]
        for t in word.tables
        if t.rows[0].cells[0].text == "Ref"
    )
    assert _targets(texts[1:], texts[0]) == wanted

    sheet = load_workbook(paths["xlsx"]).worksheets[0]
    grid = [[c for c in row] for row in sheet.iter_rows(values_only=True)]
    start = next(i for i, row in enumerate(grid) if row and row[0] == "Ref")
    header = list(grid[start])
    cells = {
        row[0]: row[header.index("Current target date")] for row in grid[start + 1 :] if row[0]
    }
    assert cells["T2"] == "TBC"
    assert cells["T1"].date().isoformat() == "2027-03-31"  # a real date Excel can sort


def test_the_full_layout_keeps_the_date_column_a_date(run, snapshotted, tmp_path):
    out = tmp_path / "full.csv"
    run("export", "--meeting", MEETING, "--format", "csv", "--layout", "full", "-o", out,
        db=snapshotted)  # fmt: skip
    _, header, rows = read_csv(out)
    assert _targets([list(r.values()) for r in rows], header) == {"T1": "2027-03-31", "T2": ""}
