"""Golden files: every format's export of the fixed register, byte for byte (or, for the
zip formats, content for content). ACTREG_UPDATE_GOLDEN=1 rewrites them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from db.exporting import exporter
from tests.exports.extract import as_json, docx_content, xlsx_content

TEXT_FORMATS = ("csv", "md", "html")


def _export(table, fmt: str, folder: Path, layout: str | None = None) -> bytes:
    path = exporter.export(table, fmt, folder / f"out.{fmt}", layout=layout, force=True)
    if fmt == "xlsx":
        return as_json(xlsx_content(path))
    if fmt == "docx":
        return as_json(docx_content(path))
    return path.read_bytes()


@pytest.mark.parametrize("fmt", exporter.FORMATS)
def test_second_meeting_matches_its_golden(table, fmt, tmp_path, golden):
    suffix = fmt if fmt in TEXT_FORMATS else f"{fmt}.json"
    golden(f"meeting2.{suffix}", _export(table, fmt, tmp_path))


@pytest.mark.parametrize("fmt", ("md", "html", "docx"))
def test_first_meeting_with_no_earlier_snapshot_matches_its_golden(first_table, fmt, tmp_path,
                                                                    golden):  # fmt: skip
    suffix = fmt if fmt in TEXT_FORMATS else f"{fmt}.json"
    golden(f"meeting1.{suffix}", _export(first_table, fmt, tmp_path))


@pytest.mark.parametrize("fmt", exporter.FORMATS)
def test_exports_are_the_same_every_time_and_carry_no_real_now(table, fmt, tmp_path):
    first = _export(table, fmt, tmp_path)
    second = _export(table, fmt, tmp_path)
    assert first == second
    text = first.decode("utf-8")
    real_now = dt.datetime.now(dt.UTC)
    for moment in {real_now, real_now - dt.timedelta(days=1)}:  # a run across midnight
        assert moment.date().isoformat() not in text
    assert table.taken_at == "2025-06-02T08:45:00.000000Z"  # the scripted clock's time


@pytest.mark.parametrize(("fmt", "layout"), [("csv", "full"), ("xlsx", "paper")])
def test_each_formats_other_layout_matches_its_golden(table, fmt, layout, tmp_path, golden):
    """The goldens above are each format's default layout (paper; XLSX full)."""
    suffix = fmt if fmt in TEXT_FORMATS else f"{fmt}.json"
    golden(f"meeting2-{layout}.{suffix}", _export(table, fmt, tmp_path, layout))


@pytest.mark.parametrize("chunk", (1, 2, 3))
def test_markdown_written_a_few_rows_at_a_time_matches_its_golden(
    table, chunk, tmp_path, golden, monkeypatch
):
    # At 100,000 actions the table goes to tabulate in chunks of rows (for memory); its
    # columns must stay as wide as the widest cell in any chunk.
    from db.exporting import markdown

    monkeypatch.setattr(markdown, "_CHUNK", chunk)
    golden("meeting2.md", _export(table, "md", tmp_path))
