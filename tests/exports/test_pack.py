"""The committee pack of a scripted register (pack_register.py), checked cell by cell in every
format, each read back with the library a user's tool would use.

The expected tables below were worked out by hand from the script, not from the code.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest

from db.exporting import exporter
from db.exporting.filters import Filters
from db.store.connection import open_register
from tests.exports.extract import read_csv, read_html
from tests.exports.pack_register import SECOND, build_pack_register

HEADLINE = [
    ["Measure", "Actions"],
    ["Actions in the register", "10"],
    ["Open (not closed, superseded or cancelled)", "9"],
    ["Due since the last meeting", "4"],
    ["Implemented or closed since the last meeting", "2"],
    ["Implemented by their original target date, of those due so far", "13% (1 of 8)"],
    ["Overdue now", "4"],
]
STATUS_RAG = [
    ["Status", "Red", "Amber", "Green", "Not rated", "Total"],
    ["Not started", "0 (±0)", "1 (±0)", "0 (-1)", "1 (±0)", "2 (-1)"],
    ["In progress", "1 (+1)", "2 (±0)", "3 (±0)", "0 (-1)", "6 (±0)"],
    ["Implemented", "0 (±0)", "0 (±0)", "0 (±0)", "1 (+1)", "1 (+1)"],
    ["Closed", "0 (±0)", "0 (±0)", "1 (+1)", "0 (±0)", "1 (+1)"],
    ["Superseded", "0 (±0)", "0 (±0)", "0 (±0)", "0 (±0)", "0 (±0)"],
    ["Cancelled", "0 (±0)", "0 (±0)", "0 (±0)", "0 (±0)", "0 (±0)"],
    ["Total", "1 (+1)", "3 (±0)", "4 (±0)", "2 (±0)", "10 (+1)"],
]
OVERDUE = [
    ["Lead directorate", "High", "Medium", "Low", "Total"],
    ["Children's Services", "1", "0", "0", "1"],
    ["Finance", "1", "0", "1", "2"],
    ["Resources", "0", "1", "0", "1"],
    ["Total", "2", "1", "1", "4"],
]
AGEING = [
    ["Days past target", "Past current target", "Past original target"],
    ["1–30 days", "1", "2"],  # P4 (10 days); P4 and P7 (16 days past its original)
    ["31–90 days", "1", "2"],  # P3 (45); P3 and P8 (61)
    ["91–180 days", "1", "1"],  # P2 (120)
    ["Over 180 days", "1", "1"],  # P1 (200)
    ["Total", "4", "6"],
]
COMPLETED = [
    ["Ref", "Action", "Owner", "Lead directorate", "Status", "Completed date", "Evidence"],
    ["P5", "Action P5", "Olu Owner", "Resources", "Closed", "20 April 2025",
     "Policy approved by Cabinet"],
    ["P6", "Action P6", "Olu Owner", "Children's Services", "Implemented", "10 May 2025",
     "Training records"],
]  # fmt: skip
EXTENSIONS = [
    ["Ref", "Action", "Owner", "Original target date", "Previous target date", "New target date",
     "Revisions", "Reason"],
    ["P7", "Action P7", "Olu Owner", "15 May 2025", "15 May 2025", "30 September 2025", "1",
     "Awaiting system upgrade"],
    ["P8", "Action P8", "Olu Owner", "31 March 2025", "30 April 2025", "31 August 2025", "2",
     "Consultation extended"],
]  # fmt: skip
SOURCES = [
    ["Source", "Actions", "Open", "Overdue", "Complete"],
    ["Internal Audit review", "5", "4", "2", "20% (1 of 5)"],
    ["Peer challenge", "5", "5", "2", "20% (1 of 5)"],
    ["Total", "10", "9", "4", "20% (2 of 10)"],
]
#: --table name -> the tables that file holds (the summary: headline, then status x RAG).
TABLES = {"summary": [HEADLINE, STATUS_RAG], "overdue": [OVERDUE], "ageing": [AGEING],
          "completed": [COMPLETED], "extensions": [EXTENSIONS], "sources": [SOURCES]}  # fmt: skip
EVERY = [t for tables in TABLES.values() for t in tables]
PAPER_HEADER = ["Ref", "Action", "Owner", "Lead directorate", "Original target date",
                "Current target date", "Status", "RAG", "Latest update"]  # fmt: skip


@pytest.fixture(scope="module")
def pack_db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("pack") / "pack.db"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ACTREG_TODAY", "2025-06-30")
        build_pack_register(path)
    return path


@pytest.fixture(scope="module")
def pack(pack_db):
    conn = open_register(pack_db, readonly=True)
    try:
        yield exporter.build_table(conn, SECOND)
    finally:
        conn.close()


def _find(tables: list[list[list[str]]], expected: list[list[str]]) -> list[list[str]]:
    """The table among `tables` whose header row is `expected`'s."""
    found = [t for t in tables if t and t[0] == expected[0]]
    assert found, f"no table headed {expected[0]}"
    return found[0]


# --- CSV: one table a file ---------------------------------------------------


@pytest.mark.parametrize("part", list(TABLES))
def test_csv_holds_each_summary_table_cell_by_cell(pack, part, tmp_path):
    import csv

    path = exporter.export(pack, "csv", tmp_path / f"{part}.csv", part=part)
    with open(path, encoding="utf-8-sig", newline="") as handle:
        records = list(csv.reader(handle))
    blank = records.index([])
    assert f"# Snapshot SHA-256: {pack.rows_hash}" in [r[0] for r in records[:blank]]
    # Below the preamble: each table under its "# title" line, a blank row between them.
    body, tables = records[blank + 1 :], []
    for record in body:
        if record and record[0].startswith("# "):
            tables.append([])
        elif record:
            tables[-1].append(record)
    assert tables == TABLES[part]


def test_csv_appendix_is_the_paper_layout_by_default(pack, tmp_path):
    _, header, rows = read_csv(exporter.export(pack, "csv", tmp_path / "a.csv"))
    assert header == PAPER_HEADER
    by_ref = {r["Ref"]: r for r in rows}
    assert by_ref["P1"]["Original target date"] == "12 November 2024"
    assert by_ref["P8"]["Current target date"] == "31 August 2025"
    assert by_ref["P6"]["RAG"] == "Not rated"
    assert by_ref["P3"]["Latest update"] == "Supplier meeting held"


def test_table_is_for_csv_only(pack, tmp_path):
    from db.errors import InputError

    with pytest.raises(InputError, match="--table is for CSV"):
        exporter.export(pack, "xlsx", tmp_path / "x.xlsx", part="overdue")
    assert list(tmp_path.iterdir()) == []


# --- Markdown ----------------------------------------------------------------


def _md_tables(text: str) -> list[list[list[str]]]:
    tables, current = [], None
    for line in text.splitlines():
        if line.startswith("|"):
            if current is None:
                current = []
                tables.append(current)
            if not re.fullmatch(r"\|[-|]+\|", line):
                cells = re.split(r"(?<!\\)\|", line)[1:-1]
                current.append([c.strip().replace("\\|", "|") for c in cells])
        else:
            current = None
    return tables


def test_markdown_holds_every_summary_table_cell_by_cell(pack, tmp_path):
    text = exporter.export(pack, "md", tmp_path / "p.md").read_text(encoding="utf-8")
    tables = _md_tables(text)
    for expected in EVERY:
        assert _find(tables, expected) == expected
    assert _find(tables, [PAPER_HEADER])[0] == PAPER_HEADER
    assert "## Extension requests" in text


# --- HTML --------------------------------------------------------------------


def test_html_holds_every_summary_table_and_the_three_charts(pack, tmp_path):
    page = read_html(exporter.export(pack, "html", tmp_path / "p.html"))
    for expected in EVERY:
        assert _find(page.tables, expected) == expected
    text = "".join(page.text)
    for bar in ("Not started: 2", "In progress: 6", "Implemented: 1", "Closed: 1", "Red: 1",
                "Amber: 3", "Green: 4", "Not rated: 2", "Children's Services: 1",
                "Finance: 2", "Resources: 1"):  # fmt: skip
        assert bar in text, bar
    svgs = [attrs for tag, attrs in page.tags if tag == "svg"]
    assert len(svgs) == 3


# --- DOCX --------------------------------------------------------------------


def test_docx_holds_every_summary_table_an_image_of_each_chart_and_the_hashes(pack, tmp_path):
    import docx

    path = exporter.export(pack, "docx", tmp_path / "p.docx")
    doc = docx.Document(str(path))
    tables = [[[c.text for c in row.cells] for row in t.rows] for t in doc.tables]
    for expected in EVERY:
        assert _find(tables, expected) == expected
    appendix = _find(tables, [PAPER_HEADER])
    assert len(appendix) == 11
    assert doc.paragraphs[0].text == (
        "Appendix 1: Management Action Table — Pack Test Register — "
        "Governance and Audit Committee, 10 June 2025"
    )
    pictures = doc.inline_shapes
    assert len(pictures) == 3  # status, RAG, overdue by directorate
    with zipfile.ZipFile(path) as z:
        images = [n for n in z.namelist() if n.startswith("word/media/")]
        assert len(images) == 3
        assert all(z.read(n).startswith(b"\x89PNG") for n in images)
        footer_xml = "".join(z.read(n).decode() for n in z.namelist() if "footer" in n)
    footer = " ".join(p.text for p in doc.sections[0].footer.paragraphs)
    assert pack.rows_hash in footer and pack.log_head_hash in footer
    assert 'w:instr="PAGE"' in footer_xml and 'w:instr="NUMPAGES"' in footer_xml
    last = doc.tables[-1]  # the last page: every provenance fact
    facts = {row.cells[0].text: row.cells[1].text for row in last.rows}
    assert facts["Cut-off"] == "2025-05-31 23:59:59 UTC"
    assert facts["Snapshot SHA-256"] == pack.rows_hash


# --- XLSX --------------------------------------------------------------------


def _numbers(table: list[list[str]]) -> list[list[object]]:
    """The expected text table as Excel holds it: counts as numbers, a "n (+c)" as n."""
    out = []
    for row in table[1:]:
        cells: list[object] = [row[0]]
        for cell in row[1:]:
            head = cell.split(" ")[0]
            if head.endswith("%"):
                cells.append(int(head[:-1]))  # checked as a rounded percentage below
            else:
                cells.append(int(head) if head.lstrip("-").isdigit() else cell)
        out.append(cells)
    return out


def _sheet_table(ws, header: list[str]) -> tuple[int, list[list[object]]]:
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    at = next(i for i, r in enumerate(rows) if [c for c in r if c is not None] == header)
    body = []
    for row in rows[at + 1 :]:
        if all(c is None for c in row):
            break
        body.append(row[: len(header)])
    return at + 1, body


def test_xlsx_has_a_sheet_for_each_summary_table_with_numbers_cell_by_cell(pack, tmp_path):
    from openpyxl import load_workbook

    wb = load_workbook(exporter.export(pack, "xlsx", tmp_path / "p.xlsx"))
    assert wb.sheetnames == ["Actions", "Summary", "Overdue", "Ageing", "Completed",
                             "Extensions", "Sources", "About"]  # fmt: skip
    sheets = {"summary": "Summary", "overdue": "Overdue", "ageing": "Ageing",
              "sources": "Sources"}  # fmt: skip
    for part, sheet in sheets.items():
        for expected in TABLES[part]:
            _, body = _sheet_table(wb[sheet], expected[0])
            got = [[int(c * 100 + 0.5) if isinstance(c, float) else c for c in row] for row in body]
            assert got == _numbers(expected), (sheet, expected[0])
    # The changes since the last meeting, as signed numbers under the counts.
    ws = wb["Summary"]
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    at = rows.index(
        next(r for r in rows if r[0] == "Status and RAG: change since the last meeting")
    )
    changes = [r[:6] for r in rows[at + 2 : at + 2 + 7]]

    def change(cell: str) -> int:
        return int(cell.split("(")[1].strip(")").replace("±", ""))

    assert changes == [[row[0], *map(change, row[1:])] for row in STATUS_RAG[1:]]
    for sheet, expected in (("Completed", COMPLETED), ("Extensions", EXTENSIONS)):
        _, body = _sheet_table(wb[sheet], expected[0])
        texts = [[_long(c) for c in row] for row in body]
        assert texts == expected[1:], sheet


def _long(value: object) -> str:
    import datetime as dt

    if isinstance(value, dt.datetime | dt.date):
        return f"{value.day} {value:%B %Y}"
    return "" if value is None else str(value)


def test_xlsx_charts_point_at_the_summary_cells(pack, tmp_path):
    path = exporter.export(pack, "xlsx", tmp_path / "p.xlsx")
    with zipfile.ZipFile(path) as z:
        charts = sorted(n for n in z.namelist() if re.fullmatch(r"xl/charts/chart\d+\.xml", n))
        xml = [z.read(n).decode() for n in charts]
    assert len(xml) == 3

    def refs(chart: str) -> list[str]:
        return re.findall(r"<(?:c:)?f>([^<]+)</(?:c:)?f>", chart)

    from openpyxl import load_workbook

    wb = load_workbook(path)
    header_row, _ = _sheet_table(wb["Summary"], STATUS_RAG[0])
    first, total = header_row + 1, header_row + 7  # the six statuses, then the Total row
    # Status: the Total column (F) down the status rows, labelled by column A.
    assert set(refs(xml[0])) == {f"'Summary'!$F${first}:$F${first + 5}",
                                 f"'Summary'!$A${first}:$A${first + 5}"}  # fmt: skip
    # RAG: the Total row across Red..Not rated, labelled by the header row.
    assert set(refs(xml[1])) == {f"'Summary'!$B${total}:$E${total}",
                                 f"'Summary'!$B${header_row}:$E${header_row}"}  # fmt: skip
    ws = wb["Summary"]
    assert [ws.cell(total, c).value for c in range(2, 6)] == [1, 3, 4, 2]
    assert [ws.cell(r, 6).value for r in range(first, first + 6)] == [2, 6, 1, 1, 0, 0]
    # Overdue by directorate: the Overdue sheet's Total column, one row per directorate.
    o_header, _ = _sheet_table(wb["Overdue"], OVERDUE[0])
    assert set(refs(xml[2])) == {f"'Overdue'!$E${o_header + 1}:$E${o_header + 3}",
                                 f"'Overdue'!$A${o_header + 1}:$A${o_header + 3}"}  # fmt: skip
    assert [wb["Overdue"].cell(r, 5).value for r in range(o_header + 1, o_header + 4)] == [1, 2, 1]


def test_xlsx_and_docx_print_landscape_fitted_with_the_header_repeated(pack, tmp_path):
    import docx
    from docx.enum.section import WD_ORIENT
    from docx.oxml.ns import qn
    from openpyxl import load_workbook

    wb = load_workbook(exporter.export(pack, "xlsx", tmp_path / "p.xlsx"))
    ws = wb["Actions"]
    assert ws.page_setup.orientation == "landscape"
    assert ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_title_rows in ("1:1", "$1:$1")
    doc = docx.Document(str(exporter.export(pack, "docx", tmp_path / "p.docx")))
    assert doc.sections[0].orientation == WD_ORIENT.LANDSCAPE
    appendix = next(t for t in doc.tables if [c.text for c in t.rows[0].cells] == PAPER_HEADER)
    assert appendix.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    widths = sum(c.w for c in appendix._tbl.tblGrid.gridCol_lst)
    section = doc.sections[0]
    usable = section.page_width - section.left_margin - section.right_margin
    assert abs(widths - usable) < usable * 0.01  # fitted to the page width


# --- filters -----------------------------------------------------------------


def _table(pack_db, **filters):
    conn = open_register(pack_db, readonly=True)
    try:
        return exporter.build_table(conn, SECOND, filters=Filters(**filters))
    finally:
        conn.close()


def test_open_only_leaves_closed_rows_out_but_the_headline_counts_them(pack_db):
    table = _table(pack_db, open_only=True)
    assert "P5" not in [r["ref"] for r in table.rows] and len(table.rows) == 9
    headline = table.summaries["summary"][0]
    assert [str(c) for c in headline.rows[0]] == ["Actions in the register", "10"]
    assert table.rows_note.startswith("open actions only")


def test_a_directorate_pack_counts_only_that_directorate(pack_db):
    table = _table(pack_db, directorate="finance")
    assert [r["ref"] for r in table.rows] == ["P1", "P4", "P7", "P10"]
    overdue = table.summaries["overdue"][0]
    expected = [["Finance", "1", "0", "1", "2"], ["Total", "1", "0", "1", "2"]]
    assert [[str(c) for c in r] for r in overdue.rows] == expected
    assert [str(c) for c in table.summaries["summary"][0].rows[0]] == [
        "Actions in the register", "4"]  # fmt: skip


def test_source_owner_and_changed_since_last(pack_db):
    assert len(_table(pack_db, source="Peer challenge").rows) == 5
    assert len(_table(pack_db, owner="olu owner").rows) == 10
    changed = [r["ref"] for r in _table(pack_db, changed_since_last=True).rows]
    # P9 had no update; every other action changed (P2 and P6 by a note or evidence...).
    assert "P9" not in changed and {"P1", "P3", "P4", "P5", "P6", "P7", "P8", "P10"} <= set(changed)


def test_a_filter_that_matches_nothing_names_what_would(pack_db):
    from db.errors import InputError

    with pytest.raises(InputError) as caught:
        _table(pack_db, directorate="Finanse")
    assert "--directorate: no action has the lead directorate 'Finanse'" in str(caught.value)
    assert "Children's Services, Finance, Resources" in str(caught.value)


def test_an_empty_register_draws_no_overdue_chart(conn, clock, tmp_path):
    """No directorate, so no bars: an XLSX chart over an empty range would not open."""
    from db.cycles import meetings, snapshots

    meetings.add_meeting(conn, "2025-01-10", deadline="2025-01-03")
    snapshots.take_snapshot(conn, "2025-01-10", author="Officer", clock=clock)
    empty = exporter.build_table(conn, "2025-01-10")
    path = exporter.export(empty, "xlsx", tmp_path / "empty.xlsx")
    with zipfile.ZipFile(path) as z:
        xml = [
            z.read(n).decode() for n in z.namelist() if re.fullmatch(r"xl/charts/chart\d+\.xml", n)
        ]
    assert len(xml) == 2  # status and RAG, every count 0
    for chart in xml:
        for first, last in re.findall(r"\$(\d+):\$[A-Z]+\$(\d+)<", chart):
            assert int(first) <= int(last)
