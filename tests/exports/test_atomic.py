"""Exports are all or nothing: a bad folder or a failing writer leaves no file behind."""

from __future__ import annotations

import pytest

from db.errors import ActregError, InputError
from db.exporting import exporter
from db.exporting.formats import WRITERS


@pytest.mark.parametrize("fmt", exporter.FORMATS)
def test_export_to_a_missing_folder_is_refused_and_writes_nothing(table, fmt, tmp_path):
    target = tmp_path / "no such folder" / f"out.{fmt}"
    with pytest.raises(InputError, match="does not exist"):
        exporter.export(table, fmt, target)
    assert not target.parent.exists()
    assert list(tmp_path.iterdir()) == []


def test_export_onto_a_folder_is_refused(table, tmp_path):
    with pytest.raises(InputError, match="is a folder"):
        exporter.export(table, "csv", tmp_path)


def test_an_unknown_format_is_refused(table, tmp_path):
    with pytest.raises(InputError, match="not one of"):
        exporter.export(table, "pdf", tmp_path / "out.pdf")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("fmt", exporter.FORMATS)
@pytest.mark.parametrize("error", [OSError(28, "No space left on device"), RuntimeError("bug")])
def test_a_writer_failing_midway_leaves_no_partial_or_temp_file(table, fmt, error, tmp_path,
                                                                monkeypatch):  # fmt: skip
    real = WRITERS[fmt]

    def failing(table, path, options):
        real(table, path, options)  # a whole file's worth of bytes in the temp file...
        with open(path, "ab") as handle:
            handle.write(b"half a row")
        raise error  # ...then the disk fills up (or a bug)

    monkeypatch.setitem(WRITERS, fmt, failing)
    target = tmp_path / f"out.{fmt}"
    expected = ActregError if isinstance(error, OSError) else RuntimeError
    with pytest.raises(expected) as caught:
        exporter.export(table, fmt, target)
    if isinstance(error, OSError):
        assert "No file was written" in str(caught.value)
    assert list(tmp_path.iterdir()) == []  # no target, no .partial temp file


@pytest.mark.parametrize("fmt", exporter.FORMATS)
def test_a_failed_export_keeps_the_previous_file(table, fmt, tmp_path, monkeypatch):
    target = tmp_path / f"out.{fmt}"
    exporter.export(table, fmt, target)
    before = target.read_bytes()

    def failing(table, path, options):
        path.write_bytes(b"partial")
        raise OSError(5, "Input/output error")

    monkeypatch.setitem(WRITERS, fmt, failing)
    with pytest.raises(ActregError):
        exporter.export(table, fmt, target, force=True)
    assert target.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == [target.name]


@pytest.mark.parametrize("fmt", exporter.FORMATS)
def test_a_successful_export_leaves_only_its_file(table, fmt, tmp_path):
    target = tmp_path / f"out.{fmt}"
    assert exporter.export(table, fmt, target) == target
    assert [p.name for p in tmp_path.iterdir()] == [target.name]
    assert target.stat().st_size > 0
