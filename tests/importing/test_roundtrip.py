"""actreg's own exports import back losslessly: export, import into a new register, export.

The second export must show the same table cells as the first (only the
provenance columns, which name the snapshot and its hashes, and "Change since
last meeting", which compares with the register's own history, may differ).
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from db.cycles import meetings, snapshots
from db.exporting import exporter
from db.importing import importer
from db.integrity.verifier import verify
from db.store import register
from db.store.connection import create_register
from tests.conftest import FakeClock
from tests.exports.extract import read_csv

MEETING = "2025-03-11"
SKIPPED = {"Change since last meeting"}
TRICKY = [
    "=1+1",
    "+44 20 7946 0000",
    "-5",
    "@SUM(A1:A2)",
    "'quoted",
    "''twice",
    "a, b, c",
    'say "hi"',
    "café naïve – “x” ‘y’",
    "<b>bold</b> & co",
    "-",
    "=",
    "50%",
    "Q3 2025",
    "ongoing",
    "TRUE",
    "0001",
    "1.10",
]
_ALPHABET = "abcXYZ éçñÅ–“”‘’,;'\"=+-@|<>&%0123456789."
_line = st.one_of(st.sampled_from(TRICKY), st.text(_ALPHABET, min_size=1, max_size=25)).filter(
    lambda s: s.strip() != ""
)
_long = st.one_of(
    _line,
    st.lists(_line, min_size=2, max_size=3).map("\n".join),
    st.sampled_from(['=HYPERLINK("http://x")\nsecond line', "-5\n-6", "\ttab first"]),
)
_action = st.fixed_dictionaries(
    {
        "title": _line,
        "owner": _line,
        "target_date": st.dates(dt.date(2020, 1, 1), dt.date(2030, 12, 31)),
    },
    optional={
        "description": _long,
        "directorate": _line,
        "theme": _line,
        "source": _line,
        "recommendation": _line,
        "completion_criterion": _long,
        "priority": st.sampled_from(["high", "medium", "low"]),
        "acceptance": st.sampled_from(["accepted", "in_principle", "not_accepted"]),
    },
)
_extras = st.fixed_dictionaries(
    {},
    optional={
        "note": _long,
        "rag": st.tuples(st.sampled_from(["red", "amber", "green"]), _long),
        "status": st.sampled_from(["in_progress", "implemented", "cancelled"]),
        "percent": st.integers(0, 100),
        "redate": st.dates(dt.date(2031, 1, 1), dt.date(2032, 1, 1)),
    },
)


def _build(path: Path, actions: list[tuple[dict, dict]], clock: FakeClock) -> None:
    conn = create_register(path, name="Round trip", organisation="Council")
    try:
        for index, (fields, extras) in enumerate(actions, start=1):
            ref = f"{('A', '2.', 'SEND-')[index % 3]}{index}"
            fields = {**fields, "ref": ref, "target_date": fields["target_date"].isoformat()}
            register.add_action(
                conn, fields, author="Ann", clock=clock, commentary=extras.get("note")
            )
            if "rag" in extras:
                rag, reason = extras["rag"]
                register.set_rag(conn, ref, rag, reason=reason, author="Ann", clock=clock)
            if "status" in extras:
                register.change_status(conn, ref, extras["status"], author="Ann", clock=clock)
            if extras.get("percent"):
                register.record_update(
                    conn, ref, percent_complete=extras["percent"], author="Ann", clock=clock
                )
        _snapshot(conn, clock)
    finally:
        conn.close()


def _snapshot(conn, clock: FakeClock) -> None:
    clock.advance(60)
    meetings.add_meeting(conn, MEETING, clock=clock)
    snapshots.take_snapshot(conn, MEETING, author="Clerk", clock=clock)


def _export(path: Path, fmt: str, out: Path) -> Path:
    from db.store.connection import open_register

    conn = open_register(path)
    try:
        # The full layout is the one import reads back (every field, ISO dates).
        return exporter.export(exporter.build_table(conn, MEETING), fmt, out, layout="full")
    finally:
        conn.close()


def _reimport(exported: Path, path: Path, clock: FakeClock) -> importer.ImportResult:
    conn = create_register(path, name="Imported", organisation="Council")
    try:
        result = importer.import_file(conn, exported, author="Ida", clock=clock)
        assert result.applied and not result.plan.errors, result.plan.problems
        assert verify(conn).ok
        _snapshot(conn, clock)
        return result
    finally:
        conn.close()


def _csv_cells(path: Path) -> list[dict]:
    _, _, rows = read_csv(path)  # the table below the provenance preamble
    return [{k: v for k, v in row.items() if k not in SKIPPED} for row in rows]


def _xlsx_cells(path: Path) -> list[dict]:
    from openpyxl import load_workbook

    ws = load_workbook(path, read_only=True)["Actions"]
    rows = list(ws.iter_rows(values_only=True))
    return [
        {h: v for h, v in zip(rows[0], row, strict=True) if h not in SKIPPED} for row in rows[1:]
    ]


@settings(max_examples=15)
@given(st.lists(st.tuples(_action, _extras), min_size=1, max_size=6))
def test_export_import_export_gives_the_same_table(actions):
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        clock = FakeClock()
        _build(root / "a.db", actions, clock)
        for fmt, read in (("csv", _csv_cells), ("xlsx", _xlsx_cells)):
            first = _export(root / "a.db", fmt, root / f"first.{fmt}")
            result = _reimport(first, root / f"b-{fmt}.db", FakeClock())
            assert result.new == len(actions)
            second = _export(root / f"b-{fmt}.db", fmt, root / f"second.{fmt}")
            assert read(second) == read(first)


def test_a_redated_action_round_trips_with_its_original_date(tmp_path):
    clock = FakeClock()
    conn = create_register(tmp_path / "a.db", name="R", organisation="C")
    register.add_action(
        conn,
        {"ref": "A1", "title": "T", "owner": "O", "target_date": "2025-03-31"},
        author="Ann",
        clock=clock,
    )
    register.move_target_date(
        conn, "A1", "2025-09-30", reason="Supplier late", author="Ann", clock=clock
    )
    _snapshot(conn, clock)
    conn.close()
    first = _export(tmp_path / "a.db", "csv", tmp_path / "first.csv")
    _reimport(first, tmp_path / "b.db", FakeClock())
    second = _export(tmp_path / "b.db", "csv", tmp_path / "second.csv")
    before, after = _csv_cells(first)[0], _csv_cells(second)[0]
    assert (
        after["Original target date"],
        after["Current target date"],
        after["Target revisions"],
    ) == ("2025-03-31", "2025-09-30", "1")
    assert after == before
