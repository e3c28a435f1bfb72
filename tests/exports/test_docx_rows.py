"""The DOCX appendix's rows are written as text into the saved document (docx_rows), not
built in python-docx's tree: read back cell by cell, they hold what the CSV holds."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import pytest

from bench.make_register import build
from db.cycles import meetings, snapshots
from db.exporting import docx_rows, exporter
from db.exporting.csv_table import restore
from db.store import register
from db.store.connection import open_register
from tests.conftest import FakeClock
from tests.exports.extract import docx_content, read_csv

#: Texts the row writer must escape or turn into breaks and tabs, as python-docx would.
AWKWARD = {
    "X1": " Leading and trailing spaces ",
    "X2": "Tab\there & <angle> \"quotes\" 'too'",
    "X3": "Lines\none\n\ntwo\tthree",
}


@pytest.fixture(scope="module")
def big_table(tmp_path_factory):
    """A register of 2,000 generated actions and three awkward ones, snapshotted twice."""
    path = tmp_path_factory.mktemp("docx-rows") / "big.db"
    build(path, 2_000, 6_000, big_log=10)
    conn = open_register(path)
    clock = FakeClock(dt.datetime(2026, 6, 15, 9, tzinfo=dt.UTC))  # after the generated log
    try:
        for ref, text in AWKWARD.items():
            register.add_action(conn, {"ref": ref, "title": f"{ref} & <b>'s \"title\"",
                                       "owner": "Owner & co", "target_date": "2026-01-31",
                                       "rag": "red"},
                                author="Tester", commentary=text, clock=clock)  # fmt: skip
        for meeting, deadline in (("2026-09-01", "2026-08-20"), ("2026-11-30", "2026-11-20")):
            meetings.add_meeting(conn, meeting, deadline=deadline)
            snapshots.take_snapshot(conn, meeting, author="Tester")
        return exporter.build_table(conn, "2026-11-30")
    finally:
        conn.close()


def _appendix(path: Path):
    """The DOCX's appendix table (its biggest), as python-docx reads it."""
    import docx

    return max(docx.Document(str(path)).tables, key=lambda t: len(t.rows))


def test_every_docx_cell_holds_what_the_csv_holds(big_table, tmp_path):
    from docx.oxml.ns import qn

    csv_path = exporter.export(big_table, "csv", tmp_path / "out.csv")
    _, header, csv_rows = read_csv(csv_path)
    grid = _appendix(exporter.export(big_table, "docx", tmp_path / "out.docx"))
    assert len(csv_rows) == len(big_table.rows) > 2_000
    rows = grid.rows
    assert [c.text for c in rows[0].cells] == header
    assert len(rows) == len(csv_rows) + 1
    rag_at, target_at = header.index("RAG"), header.index("Current target date")
    for row, expected, source in zip(rows[1:], csv_rows, big_table.rows, strict=True):
        cells = row.cells
        for cell, name in zip(cells, header, strict=True):
            assert cell.text == restore(expected[name]), (expected["Ref"], name)
        shade = cells[rag_at]._tc.tcPr.find(qn("w:shd"))
        if source["rag"]:
            assert shade is not None and shade.get(qn("w:fill")), expected["Ref"]
        else:
            assert shade is None, expected["Ref"]
        run = cells[target_at].paragraphs[0].runs[0]
        assert run.bold is (True if source["overdue"] else None), expected["Ref"]
        assert cells[rag_at].paragraphs[0].runs[0].bold is True  # the RAG word, always
    note_at = header.index("Latest update")
    awkward = {r.cells[0].text: r.cells[note_at].text for r in rows[1:]
               if r.cells[0].text in AWKWARD}  # fmt: skip
    assert awkward == AWKWARD


def test_the_rows_are_streamed_not_built_in_python_docx(big_table, tmp_path, monkeypatch):
    """The saved skeleton holds a marker for each streamed table (the summary tables, then
    the appendix) and none of their rows; the export holds the rows and no marker."""
    seen = {}
    splice = docx_rows.splice

    def spy(skeleton, out, tables):
        with zipfile.ZipFile(skeleton) as z:
            seen["skeleton"] = z.read("word/document.xml")
        seen["tables"] = len(tables)
        splice(skeleton, out, tables)

    monkeypatch.setattr(docx_rows, "splice", spy)
    path = exporter.export(big_table, "docx", tmp_path / "out.docx")
    with_rows = [s for part in big_table.summaries.values() for s in part if s.rows]
    assert seen["tables"] == len(with_rows) + 1
    markers = [f"<!--{docx_rows.marker(n)}-->".encode() for n in range(seen["tables"])]
    at = [seen["skeleton"].index(m) for m in markers]
    assert at == sorted(at)  # in the document's order
    assert all(seen["skeleton"].count(m) == 1 for m in markers)
    assert seen["skeleton"].count(b"<w:tr>") + seen["skeleton"].count(b"<w:tr ") < 100
    with zipfile.ZipFile(path) as z:
        document = z.read("word/document.xml")
    assert b"<!--actreg" not in document
    listed = sum(len(s.rows) for s in with_rows)
    assert document.count(b"<w:tr>") > len(big_table.rows) + listed
    assert not list(tmp_path.glob(".actreg-*"))  # the skeleton is gone


def test_a_document_too_big_for_a_plain_zip_member_is_written_as_zip64(
    big_table, tmp_path, monkeypatch
):
    expected = docx_content(exporter.export(big_table, "docx", tmp_path / "plain.docx"))
    monkeypatch.setattr(zipfile, "ZIP64_LIMIT", 1 << 20)  # 1 MiB: the document is bigger
    path = exporter.export(big_table, "docx", tmp_path / "zip64.docx")
    with zipfile.ZipFile(path) as z:
        info = z.getinfo("word/document.xml")
        assert info.file_size > 1 << 20
        assert info.extract_version >= zipfile.ZIP64_VERSION
    assert docx_content(path) == expected
