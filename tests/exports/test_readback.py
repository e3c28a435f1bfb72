"""Each export read back with the library a user's tool would use, against the snapshot rows."""

from __future__ import annotations

import csv
import datetime as dt
import re

import pytest

from db.cycles.diffs import CATEGORIES
from db.exporting import exporter
from db.exporting.charts import charts, series
from db.exporting.csv_table import restore
from db.exporting.layouts import LAYOUTS, PAPER_COLUMNS, layout_cells
from db.exporting.markdown import escape
from db.exporting.table import FULL_COLUMNS, change_counts
from tests.exports.conftest import (
    ACCENTED_TITLE,
    APOSTROPHE_TITLE,
    FORMULA_TITLE,
    PIPE_NOTE,
    QUOTES,
    SCRIPT_TITLE,
)
from tests.exports.extract import docx_content, read_csv, read_html

DATE_KEYS = ("original_target_date", "target_date", "completed_date")


def _paper(table, row: dict) -> list[str]:
    """The PAPER_COLUMNS texts of one row as the paper formats show them."""
    return ["" if v is None else str(v) for v in layout_cells(table, LAYOUTS["paper"], row)]


# --- CSV ---------------------------------------------------------------------


def test_csv_reads_back_exactly_with_the_csv_module(table, second_rows, tmp_path):
    path = exporter.export(table, "csv", tmp_path / "out.csv", layout="full")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM that tells Excel it is UTF-8
    # CRLF ends each record; the new lines inside quoted cells stay bare LF.
    assert raw.endswith(b"\r\n")
    preamble, header, read = read_csv(path)
    assert len(raw.split(b"\r\n")) == len(preamble) + 1 + 1 + len(second_rows) + 1
    assert header == [c.header for c in FULL_COLUMNS]  # no provenance column on each row...
    assert f"# Snapshot SHA-256: {table.rows_hash}" in preamble  # ...it is above the table
    assert f"# Log head hash: {table.log_head_hash}" in preamble
    assert len(read) == len(second_rows)
    for got, row in zip(read, second_rows, strict=True):
        for key in ("ref", "title", "description", "source", "theme", "directorate", "owner",
                    "rag_reason", "completion_criterion", "evidence", "last_commentary",
                    *DATE_KEYS):  # fmt: skip
            header = next(c.header for c in FULL_COLUMNS if c.key == key)
            assert restore(got[header]) == (row[key] or ""), (row["ref"], key)
        assert int(got["% complete"]) == row["percent_complete"]
        assert int(got["Target revisions"]) == row["target_revisions"]
        assert got["Overdue"] == ("Yes" if row["overdue"] else "No")
    by_ref = {r["Ref"]: r for r in read}
    assert by_ref["A1"]["Action"] == "'" + FORMULA_TITLE  # neutralised for Excel...
    assert by_ref["A2"]["Action"] == "'" + APOSTROPHE_TITLE  # ...and an apostrophe doubled
    assert by_ref["A1"]["Theme"] == "-5"  # a plain number is left alone
    assert by_ref["A2"]["Theme"] == "+3.5"
    assert by_ref["A3"]["Latest update"] == PIPE_NOTE  # the new line survives, quoted
    assert by_ref["A3"]["Action"] == ACCENTED_TITLE
    assert by_ref["A4"]["Action"] == SCRIPT_TITLE


# --- XLSX --------------------------------------------------------------------


def test_xlsx_reads_back_with_openpyxl(table, second_rows, tmp_path):
    from openpyxl import load_workbook

    path = exporter.export(table, "xlsx", tmp_path / "out.xlsx")
    wb = load_workbook(path)
    assert wb.sheetnames == ["Actions", "Summary", "Overdue", "Ageing", "Completed",
                             "Extensions", "Sources", "About"]  # fmt: skip
    ws = wb["Actions"]
    assert ws.freeze_panes in ("A2", "B2")
    assert ws.auto_filter.ref == f"A1:X{len(second_rows) + 1}"
    header = [c.value for c in ws[1]]
    assert header == [c.header for c in FULL_COLUMNS]
    assert all(c.font.bold for c in ws[1])
    col = {c.key: i for i, c in enumerate(FULL_COLUMNS)}
    rows = list(ws.iter_rows(min_row=2))
    assert len(rows) == len(second_rows)
    for cells, row in zip(rows, second_rows, strict=True):
        for key in ("ref", "title", "description", "source", "theme", "owner", "evidence",
                    "last_commentary", "completion_criterion"):  # fmt: skip
            cell = cells[col[key]]
            assert cell.value == row[key], (row["ref"], key)
            if row[key] is not None:
                assert cell.data_type == "s", (row["ref"], key)
        for key in DATE_KEYS:
            cell = cells[col[key]]
            if row[key] is None:
                assert cell.value is None
            else:
                assert isinstance(cell.value, dt.date)
                got = cell.value.date() if isinstance(cell.value, dt.datetime) else cell.value
                assert got == dt.date.fromisoformat(row[key])
                assert cell.number_format in ("yyyy-mm-dd", "dd/mm/yyyy")
        assert cells[col["percent_complete"]].value == row["percent_complete"]
        assert cells[col["target_revisions"]].value == row["target_revisions"]
        rag = cells[col["rag"]]
        if row["rag"]:
            assert rag.value == row["rag"].title()  # the word is kept...
            assert rag.fill.fill_type == "solid"  # ...and the cell filled
    formula = rows[0][col["title"]]
    assert formula.value == FORMULA_TITLE
    assert formula.data_type == "s"  # text, never a formula
    about = {r[0]: r[1] for r in wb["About"].iter_rows(values_only=True) if r[0]}
    for label, value in table.provenance():
        assert about[label] == value
    for key, count in table.diff.counts().items():  # (late entries only when there are)
        assert about[CATEGORIES[key]] == count


def test_xlsx_formula_cells_stay_text_in_the_file_itself(table, tmp_path):
    import zipfile

    path = exporter.export(table, "xlsx", tmp_path / "out.xlsx")
    with zipfile.ZipFile(path) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet and "<f " not in sheet  # no formula element anywhere


# --- DOCX --------------------------------------------------------------------


def test_docx_reads_back_with_python_docx(table, second_rows, tmp_path):
    import docx
    from docx.enum.section import WD_ORIENT

    path = exporter.export(table, "docx", tmp_path / "out.docx")
    doc = docx.Document(str(path))
    section = doc.sections[0]
    assert section.orientation == WD_ORIENT.LANDSCAPE
    assert section.page_width > section.page_height
    assert doc.paragraphs[0].text == table.pack_title()
    headers = [c.header for c in PAPER_COLUMNS]
    at = next(i for i, t in enumerate(doc.tables) if [c.text for c in t.rows[0].cells] == headers)
    grid = doc.tables[at]
    assert len(grid.rows) == 1 + len(second_rows)
    assert [c.text for c in grid.rows[0].cells] == [c.header for c in PAPER_COLUMNS]
    for docx_row, row in zip(grid.rows[1:], second_rows, strict=True):
        assert [c.text for c in docx_row.cells] == _paper(table, row)
    content = docx_content(path)
    assert content["tables"][at][0]["header"] is True  # repeated on every page
    rag_at = [c.key for c in PAPER_COLUMNS].index("rag")
    for cells, row in zip(content["tables"][at][1:], second_rows, strict=True):
        if row["rag"]:
            assert cells[rag_at][0] == row["rag"].title() and cells[rag_at][1]  # word + shade
    footer = " ".join(content["footer"])
    assert table.log_head_hash in footer and table.rows_hash in footer
    sizes = {p.style.font.size.pt for r in grid.rows for c in r.cells for p in c.paragraphs}
    assert sizes == {8.0}


# --- HTML --------------------------------------------------------------------


def test_html_reads_back_with_html_parser(table, second_rows, tmp_path):
    path = exporter.export(table, "html", tmp_path / "out.html")
    page = read_html(path)
    actions = next(t for t in page.tables if t and t[0] == [c.header for c in PAPER_COLUMNS])
    assert len(actions) == 1 + len(second_rows)
    for cells, row in zip(actions[1:], second_rows, strict=True):
        assert cells == _paper(table, row)
    tags = {tag for tag, _ in page.tags}
    assert "script" not in tags and "iframe" not in tags and "object" not in tags
    assert not [a for _, attrs in page.tags for a in attrs if a.startswith("on")]
    text = "".join(page.text)
    for value in (SCRIPT_TITLE, QUOTES, ACCENTED_TITLE, FORMULA_TITLE, table.register_name,
                  table.organisation, table.rows_hash, table.log_head_hash):  # fmt: skip
        assert value in text
    source = path.read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in source
    assert "<script" not in source
    assert "Audit &amp; Risk &quot;Test&quot; Register" in source


def test_html_is_standalone_and_printable(table, tmp_path):
    source = exporter.export(table, "html", tmp_path / "out.html").read_text(encoding="utf-8")
    assert source.startswith("<!DOCTYPE html>")
    assert "@media print" in source and "@page" in source
    # Nothing to fetch: no stylesheet links, images, fonts or imports (the SVG namespace
    # is an identifier, not a request).
    assert not re.search(r"<link|<img|<a |src=|href=|url\(|@import", source)
    assert not re.search(r"<[^>]*http", source.replace('xmlns="http://www.w3.org/2000/svg"', ""))
    assert source.count("<svg") == 3  # status, RAG, directorate


def test_html_summary_charts_and_changes_read_without_colour(table, tmp_path):
    page = read_html(exporter.export(table, "html", tmp_path / "out.html"))
    text = "".join(page.text)
    for chart in charts(table):
        for label, n in series(table, chart):
            assert f"{label}: {n}" in text  # each bar's title, and its label and number
    assert "1 overdue" in text
    changes = next(t for t in page.tables if t and t[0] == ["Change", "Actions"])
    counts_by_label = dict(changes[1:])
    assert {k: int(v) for k, v in counts_by_label.items()} == {
        CATEGORIES[k]: n for k, n in table.diff.counts().items()
    }
    assert "New actions (1)" in text and "RAG worsened (1)" in text


def test_html_first_meeting_says_there_is_no_earlier_snapshot(first_table, tmp_path):
    text = "".join(read_html(exporter.export(first_table, "html", tmp_path / "a.html")).text)
    assert "No earlier snapshot" in text


# --- Markdown ----------------------------------------------------------------


def _cells(line: str) -> list[str]:
    """Split a pipe-table line on its unescaped pipes (GFM: a backslash escapes one char)."""
    cells, current, i = [], "", 1
    while i < len(line) - 1:
        if line[i] == "\\":
            current += line[i : i + 2]
            i += 2
            continue
        if line[i] == "|":
            cells.append(current.strip())
            current = ""
        else:
            current += line[i]
        i += 1
    cells.append(current.strip())
    return cells


def _unescape(cell: str) -> str:
    out = re.sub(r"\\(.)", r"\1", cell.replace("<br>", "\n"))
    return out.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def test_markdown_table_keeps_its_shape_and_its_text(table, second_rows, tmp_path):
    text = exporter.export(table, "md", tmp_path / "out.md").read_text(encoding="utf-8")
    appendix = text[text.index("## Actions (") :]  # the summary tables come first
    lines = [line for line in appendix.splitlines() if line.startswith("|")]
    assert len(lines) == 2 + len(second_rows)
    widths = {len(_cells(line)) for line in lines}
    assert widths == {len(PAPER_COLUMNS)}
    assert _cells(lines[0]) == [c.header for c in PAPER_COLUMNS]
    for line, row in zip(lines[2:], second_rows, strict=True):
        expected = [v.replace("\t", " ") for v in _paper(table, row)]
        assert [_unescape(c) for c in _cells(line)] == expected
    assert "Line one \\| with a pipe<br>Line two" in text
    assert "<script>" not in text
    for label, value in table.provenance():
        assert f"- **{label}:** {escape(value)}\n" in text
    for key, count in table.diff.counts().items():  # (late entries only when there are)
        assert f"- {CATEGORIES[key]}: {count}" in text


@pytest.mark.parametrize(
    ("value", "escaped"),
    [
        ("a|b", "a\\|b"),
        ("a\\|b", "a\\\\\\|b"),
        ("one\ntwo", "one<br>two"),
        ("<b>", "&lt;b&gt;"),
        ("R&D", "R&D"),
        ("&amp;", "&amp;amp;"),
        (None, ""),
    ],
)
def test_markdown_escape(value, escaped):
    assert escape(value) == escaped


# --- every format ------------------------------------------------------------


def _strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def _all_text(fmt: str, path) -> str:
    """Every text a reader of the file sees, read with the format's usual library."""
    if fmt == "html":
        return "".join(read_html(path).text)
    if fmt == "xlsx":
        from openpyxl import load_workbook

        wb = load_workbook(path)
        return "\n".join(str(v) for ws in wb for r in ws.iter_rows(values_only=True) for v in r)
    if fmt == "docx":
        return "\n".join(_strings(docx_content(path)))
    if fmt == "csv":
        with open(path, encoding="utf-8-sig", newline="") as handle:
            return "\n".join(v for row in csv.reader(handle) for v in row)
    return path.read_text(encoding="utf-8")


@pytest.mark.parametrize("fmt", exporter.FORMATS)
def test_every_export_carries_its_provenance(table, fmt, tmp_path):
    text = _all_text(fmt, exporter.export(table, fmt, tmp_path / f"out.{fmt}"))
    for value in (table.register_name, table.committee, table.meeting_date,
                  "2025-05-31 23:59:59 UTC", table.rows_hash, table.log_head_hash,
                  str(table.snapshot_id)):  # fmt: skip
        assert value in text, (fmt, value)


def test_change_counts_follow_the_diff(table, first_table):
    assert change_counts(first_table) is None
    labels = dict(change_counts(table))
    assert labels == {CATEGORIES[k]: n for k, n in table.diff.counts().items()}


@pytest.mark.parametrize("fmt", exporter.FORMATS)
def test_an_empty_snapshot_exports_in_every_format(conn, clock, fmt, tmp_path):
    from db.cycles import meetings, snapshots

    meetings.add_meeting(conn, "2025-01-10", deadline="2025-01-03", clock=clock)
    snapshots.take_snapshot(conn, "2025-01-10", author="Officer", clock=clock)
    empty = exporter.build_table(conn, "2025-01-10")
    path = exporter.export(empty, fmt, tmp_path / f"empty.{fmt}")
    text = _all_text(fmt, path)
    assert "Ref" in text
    assert empty.rows_hash in text  # every format says where it came from, even empty
