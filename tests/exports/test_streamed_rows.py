"""build_table keeps only what the summary tables and the comparison need of each row; the
writers read the rows from the register again (appendix_rows). What that must not change:
the files, wherever and whenever the table is written, and what the comparison finds."""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading
from pathlib import Path

import pytest

from db.cycles import meetings, snapshots
from db.exporting import exporter
from db.store import register
from db.store.connection import create_register, open_register
from tests.conftest import FakeClock
from tests.exports.extract import read_csv


def _bytes(table, fmt: str, path: Path) -> bytes:
    from tests.exports.extract import as_json, docx_content, xlsx_content

    exporter.export(table, fmt, path, force=True)
    if fmt == "docx":
        return as_json(docx_content(path))
    if fmt == "xlsx":
        return as_json(xlsx_content(path))
    return path.read_bytes()


@pytest.mark.parametrize("fmt", exporter.FORMATS)
def test_a_table_is_written_the_same_in_another_thread_after_its_connection_closed(
    register_copy, fmt, tmp_path
):
    # The TUI builds the table on its database thread and writes it on a worker.
    conn = open_register(register_copy, readonly=True)
    try:
        table = exporter.build_table(conn, "2025-06-10")
        held = dataclasses.replace(table, rows=list(table.rows))  # every row in memory
    finally:
        conn.close()
    written = {}
    worker = threading.Thread(
        target=lambda: written.update(bytes=_bytes(table, fmt, tmp_path / f"streamed.{fmt}"))
    )
    worker.start()
    worker.join()
    assert written["bytes"] == _bytes(held, fmt, tmp_path / f"held.{fmt}")


def test_a_pack_filtered_by_directorate_lists_its_rows_in_snapshot_order(register_copy, tmp_path):
    from db.exporting.filters import Filters

    conn = open_register(register_copy, readonly=True)
    try:
        whole = list(exporter.build_table(conn, "2025-06-10").rows)
        table = exporter.build_table(conn, "2025-06-10", filters=Filters(directorate="finance"))
    finally:
        conn.close()
    assert [r["ref"] for r in table.rows] == [r["ref"] for r in whole
                                              if r["directorate"] == "Finance"]  # fmt: skip
    assert len(table.rows) == len(list(table.rows)) == 2


def test_every_compared_field_changed_between_snapshots_is_reported(tmp_path):
    """The earlier snapshot is kept as a digest of each row's compared fields: a change in
    any of them, however small, must still be found and described."""
    clock = FakeClock(dt.datetime(2025, 1, 6, 9, tzinfo=dt.UTC))
    path = tmp_path / "r.db"
    conn = create_register(path, name="R", organisation="O", clock=clock)
    try:
        for n in range(1, 5):
            register.add_action(conn, {"ref": f"A{n}", "title": f"Action {n}", "owner": "Ann",
                                       "description": "Same words", "target_date": "2025-12-31",
                                       "status": "in_progress"},
                                author="T", clock=clock)  # fmt: skip
        meetings.add_meeting(conn, "2025-03-11", deadline="2025-03-01", clock=clock)
        meetings.add_meeting(conn, "2025-06-10", deadline="2025-05-31", clock=clock)
        clock.set(dt.datetime(2025, 3, 3, 8, tzinfo=dt.UTC))
        snapshots.take_snapshot(conn, "2025-03-11", author="T", clock=clock)
        clock.set(dt.datetime(2025, 4, 1, 8, tzinfo=dt.UTC))
        register.edit_field(conn, "A1", "description", "Same words.", reason="r", author="T",
                            clock=clock)  # fmt: skip
        register.edit_field(conn, "A2", "owner", "Bob", reason="r", author="T", clock=clock)
        register.edit_field(conn, "A3", "description", None, reason="r", author="T", clock=clock)
        clock.set(dt.datetime(2025, 6, 2, 8, tzinfo=dt.UTC))
        snapshots.take_snapshot(conn, "2025-06-10", author="T", clock=clock)
        table = exporter.build_table(conn, "2025-06-10")
    finally:
        conn.close()
    out = exporter.export(table, "csv", tmp_path / "out.csv", layout="full")
    change = {r["Ref"]: r["Change since last meeting"] for r in read_csv(out)[2]}
    assert change["A1"] == "Description: Same words → Same words."
    assert change["A3"] == "Description: Same words → —"
    assert change["A2"] == "Owner: Ann → Bob"
    assert change["A4"] == "No update since the last snapshot"


@pytest.mark.parametrize("open_only", [False, True])
def test_html_counts_the_overdue_actions_it_lists(register_copy, open_only, tmp_path):
    from db.exporting.filters import Filters

    conn = open_register(register_copy, readonly=True)
    try:
        table = exporter.build_table(conn, "2025-06-10", filters=Filters(open_only=open_only))
    finally:
        conn.close()
    rows = list(table.rows)
    overdue = sum(1 for r in rows if r["overdue"])
    text = exporter.export(table, "html", tmp_path / "out.html").read_text(encoding="utf-8")
    assert f"<p>{len(rows)} actions listed; <strong>{overdue} overdue</strong>" in text


def test_a_register_swapped_between_reading_and_writing_is_refused(register_copy, tmp_path):
    """The rows are read again when written: if the file is no longer the one the table
    was read from (another register copied over it), nothing is written."""
    import shutil

    from db.errors import ActregError

    conn = open_register(register_copy, readonly=True)
    try:
        table = exporter.build_table(conn, "2025-06-10")
    finally:
        conn.close()
    other = tmp_path / "other.db"
    clock = FakeClock(dt.datetime(2025, 1, 6, 9, tzinfo=dt.UTC))
    conn = create_register(other, name="Other", organisation="O", clock=clock)
    try:
        only = {"ref": "Z1", "title": "Only one", "owner": "Ann", "target_date": "2025-12-31"}
        register.add_action(conn, only, author="T", clock=clock)
        for meeting, deadline in (("2025-03-11", "2025-03-01"), ("2025-06-10", "2025-05-31")):
            meetings.add_meeting(conn, meeting, deadline=deadline, clock=clock)
        clock.set(dt.datetime(2025, 6, 2, 8, tzinfo=dt.UTC))
        for meeting in ("2025-03-11", "2025-06-10"):
            snapshots.take_snapshot(conn, meeting, author="T", clock=clock)
    finally:
        conn.close()
    for suffix in ("-wal", "-shm"):
        Path(f"{register_copy}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(other, register_copy)
    out = tmp_path / "out.csv"
    with pytest.raises(
        ActregError,
        match=r"has 1 row to list, not 6: the file changed during"
        r" the export\. No file was written\.",
    ):
        exporter.export(table, "csv", out)
    assert not out.exists()
    assert not list(tmp_path.glob(".actreg-*"))
