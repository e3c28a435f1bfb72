"""A small, fixed register for the export tests, and golden-file support.

The register is built once per session with a scripted clock and scripted
entry uuids, so every hash, every "taken at" and every export is the same on
every run: the goldens in tests/exports/golden/ hold no real "now". Its six
actions carry the values that break careless writers: a formula title, a
leading apostrophe, a negative number as text, a pipe and a new line in a
commentary, accents, and a <script> title.

Regenerate the goldens after an intended change with
``ACTREG_UPDATE_GOLDEN=1 pytest tests/exports`` and review the diff.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from db.cycles import meetings, snapshots
from db.exporting import exporter
from db.exporting.table import ExportTable
from db.store import log, register
from db.store.connection import RegisterConnection, create_register, open_register
from tests.conftest import FakeClock

GOLDEN = Path(__file__).parent / "golden"
TODAY = "2025-06-30"
AUTHOR = "Greta Governance"
NAME = 'Audit & Risk "Test" Register'
ORGANISATION = "Tëst Borough Council <Shared Services>"
#: (meeting date, paper deadline, taken at): the first two get snapshots.
FIRST = "2025-03-11"
SECOND = "2025-06-10"
UNSNAPPED = "2025-09-09"

FORMULA_TITLE = '=HYPERLINK("http://x")'
APOSTROPHE_TITLE = "'Quoted title, with an apostrophe first"
ACCENTED_TITLE = "Café – naïve review of «quotes»"
SCRIPT_TITLE = "<script>alert(1)</script>"
PIPE_NOTE = "Line one | with a pipe\nLine two, after a new line"
QUOTES = "Quotes \"double\" & 'single' & <b>bold</b>"


def _at(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=dt.UTC)


def build_fixed_register(path: Path) -> None:
    """Six actions, three meetings, snapshots of the first two (see the module docstring)."""
    clock = FakeClock(_at(2025, 1, 6, 9))
    conn = create_register(path, name=NAME, organisation=ORGANISATION, clock=clock)
    try:

        def add(fields: dict, commentary: str | None = None) -> None:
            clock.advance(60)
            register.add_action(conn, fields, author=AUTHOR, clock=clock, commentary=commentary)

        common = {"owner": "Ann Archer", "directorate": "Finance"}
        add({**common, "ref": "A1", "title": FORMULA_TITLE, "theme": "-5", "priority": "high",
             "target_date": "2025-02-28", "status": "in_progress", "rag": "red",
             "description": "Formula-looking title; theme is a negative number."})  # fmt: skip
        add({"ref": "A2", "title": APOSTROPHE_TITLE, "owner": "Bob O'Neil",
             "directorate": "Children's Services", "theme": "+3.5", "target_date": "2025-04-30",
             "rag": "amber", "source": "=SUM(A1:A9)"})  # fmt: skip
        add({"ref": "A3", "title": ACCENTED_TITLE, "owner": "Zoë Kowalczyk",
             "directorate": "Resources", "target_date": "2025-12-31", "status": "in_progress",
             "rag": "green", "description": "Tab\there, then @mention"})  # fmt: skip
        add({**common, "ref": "A4", "title": SCRIPT_TITLE, "owner": "Dee <dee@example.org>",
             "target_date": "2025-08-31", "rag": "green", "description": QUOTES},
            commentary=QUOTES)  # fmt: skip
        add({"ref": "A10", "title": "@mention the +1 approach", "owner": "Ann Archer",
             "target_date": "2025-03-31", "status": "in_progress",
             "completion_criterion": "-1 open findings"})  # fmt: skip
        clock.set(_at(2025, 2, 10, 10))
        register.record_note(conn, "A3", "First note\twith a tab", author=AUTHOR, clock=clock)

        meetings.add_meeting(conn, FIRST, deadline="2025-03-01", title="Q4 update", clock=clock)
        meetings.add_meeting(conn, SECOND, deadline="2025-05-31", title="Q1 update", clock=clock)
        meetings.add_meeting(conn, UNSNAPPED, deadline="2025-08-30", clock=clock)
        clock.set(_at(2025, 3, 3, 8, 30))
        snapshots.take_snapshot(conn, FIRST, author=AUTHOR, clock=clock)

        clock.set(_at(2025, 3, 20, 11))
        register.move_target_date(conn, "A1", "2025-05-31", reason="Supplier delay",
                                  author=AUTHOR, clock=clock)  # fmt: skip
        clock.set(_at(2025, 4, 22, 11))
        register.move_target_date(conn, "A1", "2025-09-30", reason="Second delay | again",
                                  author=AUTHOR, clock=clock)  # fmt: skip
        register.set_rag(conn, "A2", "red", reason='Supplier "late" & over budget',
                         author=AUTHOR, clock=clock)  # fmt: skip
        clock.set(_at(2025, 5, 6, 14))
        register.record_note(conn, "A3", PIPE_NOTE, author=AUTHOR, clock=clock)
        register.close_action(conn, "A10", author=AUTHOR, evidence="Minute 12/2025 | signed",
                              completed_date="2025-05-02", clock=clock)  # fmt: skip
        clock.set(_at(2025, 5, 12, 9))
        add({"ref": "B1", "title": "New action after the first meeting", "owner": "Ann Archer",
             "directorate": "Resources", "target_date": "2025-07-31"},
            commentary="Raised at the March meeting:\n- first\n- second")  # fmt: skip
        clock.set(_at(2025, 6, 2, 8, 45))
        snapshots.take_snapshot(conn, SECOND, author=AUTHOR, clock=clock)
    finally:
        conn.close()


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ACTREG_TODAY", TODAY)


@pytest.fixture(scope="session")
def fixed_register(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixed register, built once; tests only read it (copy it to write)."""
    path = tmp_path_factory.mktemp("exports") / "fixed.db"
    counter = iter(range(1, 10_000))
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ACTREG_TODAY", TODAY)
        # Fixed entry ids, so the fixed register is the same on every run.
        mp.setattr(log, "new_uuid", lambda: str(uuid.UUID(int=next(counter))))
        build_fixed_register(path)
    return path


@pytest.fixture
def register_copy(fixed_register: Path, tmp_path: Path) -> Path:
    """A private copy of the fixed register (for the CLI, which may open it for writing)."""
    path = tmp_path / "register.db"
    shutil.copyfile(fixed_register, path)
    return path


@pytest.fixture
def reader(fixed_register: Path) -> Iterator[RegisterConnection]:
    conn = open_register(fixed_register, readonly=True)
    try:
        yield conn
    finally:
        conn.close()


@pytest.fixture
def first_table(reader) -> ExportTable:
    """The first meeting's export: no earlier snapshot."""
    return exporter.build_table(reader, FIRST)


@pytest.fixture
def table(reader) -> ExportTable:
    """The second meeting's export, with the changes since the first."""
    return exporter.build_table(reader, SECOND)


@pytest.fixture
def frozen_rows(reader) -> list[dict]:
    """The second meeting's snapshot rows, as frozen."""
    snap = snapshots.meeting_snapshot(reader, SECOND)
    return snapshots.snapshot_rows(reader, snap["id"])


@pytest.fixture
def second_rows(table) -> list[dict]:
    """The rows the second meeting's pack shows: the snapshot's, with the latest progress
    note as "Latest update" (tests/exports/test_latest_update.py)."""
    return table.rows


def check_golden(name: str, content: bytes) -> None:
    """Compare `content` with golden/NAME, or rewrite it when ACTREG_UPDATE_GOLDEN=1."""
    path = GOLDEN / name
    if os.environ.get("ACTREG_UPDATE_GOLDEN", "").strip() not in ("", "0"):
        GOLDEN.mkdir(exist_ok=True)
        path.write_bytes(content)
        return
    assert path.is_file(), f"no golden file {path}; create it with ACTREG_UPDATE_GOLDEN=1"
    expected = path.read_bytes()
    if content != expected:  # show a readable diff of the text, not two blobs
        assert content.decode("utf-8") == expected.decode("utf-8"), f"{name} differs"
        raise AssertionError(f"{name} differs from its golden file (bytes only)")


@pytest.fixture(scope="session")
def golden() -> Callable[[str, bytes], None]:
    """golden(name, content): compare with tests/exports/golden/NAME (see check_golden)."""
    return check_golden
