"""Meetings & snapshots (m): the list, adding a meeting, snapshots, changes and exports."""

from __future__ import annotations

import csv

import pytest
from textual.widgets import DataTable, Input, Select, Static

from db.cycles.meetings import add_meeting, list_meetings
from db.cycles.snapshots import list_snapshots, take_snapshot
from db.store.connection import open_register
from db.store.register import set_rag
from tests.tui.tui_helpers import run_async, settle
from tui.app.app import ActregApp
from tui.screens.confirm import ConfirmScreen
from tui.screens.diff_view import DiffScreen
from tui.screens.export_dialog import ExportScreen
from tui.screens.form_screen import FormScreen
from tui.screens.meetings import MeetingsScreen
from tui.screens.snapshot_view import SnapshotScreen
from tui.widgets.frozen_table import FrozenTable

COMMITTEE = "Governance and Audit Committee"
SIZE = (140, 40)


@pytest.fixture
def cycle_path(mat_path):
    """The fixed register (6 actions, ACTREG_TODAY=2026-06-01) with three meetings."""
    conn = open_register(mat_path)
    add_meeting(conn, "2026-06-10", deadline="2026-06-03", cadence="every_other")
    add_meeting(conn, "2026-07-15", title="Extra meeting")
    add_meeting(conn, "2026-09-09")
    conn.close()
    return mat_path


@pytest.fixture
def cycle_conn(cycle_path):
    conn = open_register(cycle_path)
    yield conn
    conn.close()


def notifications(app) -> list[str]:
    return [n.message for n in app._notifications]


def text_of(screen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


async def open_meetings(pilot) -> MeetingsScreen:
    await settle(pilot)
    await pilot.press("m")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, MeetingsScreen) and screen.loads
    return screen


async def select(pilot, meeting_date: str) -> None:
    screen = pilot.app.screen
    index = next(i for i, m in enumerate(screen.meetings) if m["meeting_date"] == meeting_date)
    screen.table.move_cursor(row=index)
    await pilot.pause()
    assert screen.selected["meeting_date"] == meeting_date


@run_async
async def test_the_list_shows_each_meeting_its_due_state_and_the_next_update(cycle_conn):
    app = ActregApp(cycle_conn, author="tester")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_meetings(pilot)
        table = screen.query_one(DataTable)
        rows = [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]
        assert rows == [
            ["2026-06-10", COMMITTEE, "2026-06-03", "due", "every other", "none", ""],
            ["2026-07-15", COMMITTEE, "2026-07-05", "not due", "every other", "none",
             "Extra meeting"],
            ["2026-09-09", COMMITTEE, "2026-08-30", "due", "every other", "none", ""],
        ]  # fmt: skip
        assert text_of(screen, "#next-update") == (
            f"Next update due: {COMMITTEE} on 2026-06-10; papers by 2026-06-03 (in 2 days)."
        )
        assert screen.selected["meeting_date"] == "2026-06-10"  # the next due one
        footer_keys = {b.key for b in screen.BINDINGS if b.show}
        assert {"a", "s", "o,enter", "c", "e", "escape"} <= footer_keys
        await pilot.press("m")  # already here: nothing stacks up
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, MeetingsScreen)


@run_async
async def test_add_a_meeting_with_the_form_and_a_bad_date_shows_the_error_inline(cycle_conn):
    app = ActregApp(cycle_conn, author="tester")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_meetings(pilot)
        await pilot.press("a")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, FormScreen)
        assert form.query_one("#field-committee", Input).value == COMMITTEE
        form.query_one("#field-meeting_date", Input).value = "12/9/26 x"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form
        error = text_of(form, "#error-meeting_date")
        assert error.startswith("meeting date: '12/9/26 x' is not a date")
        assert len(list_meetings(cycle_conn)) == 3  # nothing written
        form.query_one("#field-meeting_date", Input).value = "9/12/2026"  # day first
        form.query_one("#field-title", Input).value = "December meeting"
        form.query_one("#field-cadence", Select).value = "quarterly"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen and len(screen.meetings) == 4
        assert screen.selected["meeting_date"] == "2026-12-09"
    added = list_meetings(cycle_conn)[-1]
    assert (added["meeting_date"], added["paper_deadline"], added["title"]) == (
        "2026-12-09",
        "2026-11-29",
        "December meeting",
    )
    assert added["cadence"] == "quarterly"


@run_async
async def test_snapshot_asks_first_naming_cut_off_and_count_then_can_replace(cycle_conn):
    app = ActregApp(cycle_conn, author="tester")
    async with app.run_test(size=SIZE) as pilot:
        await open_meetings(pilot)
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        assert str(app.screen.question) == (
            f"Freeze 6 actions as at 2026-06-03 23:59:59 UTC for the {COMMITTEE} 2026-06-10 "
            "meeting? The snapshot can never be changed."
        )
        await pilot.press("n")
        await settle(pilot)
        assert list_snapshots(cycle_conn) == []  # declined: nothing written
        await pilot.press("s")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, MeetingsScreen)
        assert app.screen.selected["snapshot_id"] == 1
        await pilot.press("s")
        await settle(pilot)
        question = str(app.screen.question)
        assert "already has snapshot #1. Replace it? Freeze 6 actions" in question
        assert "marked superseded" in question
        await pilot.press("y")
        await settle(pilot)
        assert app.screen.selected["snapshot_id"] == 2
    snaps = list_snapshots(cycle_conn)
    assert [(s["id"], s["superseded"], s["taken_by"]) for s in snaps] == [
        (1, True, "tester"),
        (2, False, "tester"),
    ]
    assert snaps[1]["cut_off"] == "2026-06-03T23:59:59.999999Z" and snaps[1]["row_count"] == 6


@run_async
async def test_open_a_snapshot_shows_its_frozen_rows_read_only(cycle_conn):
    snap = take_snapshot(cycle_conn, "2026-06-10", author="officer")
    app = ActregApp(cycle_conn, author="tester")
    async with app.run_test(size=SIZE) as pilot:
        await open_meetings(pilot)
        await select(pilot, "2026-07-15")
        await pilot.press("enter")  # no snapshot for this one: says so
        await settle(pilot)
        assert isinstance(app.screen, MeetingsScreen)
        assert any("has no snapshot yet" in m for m in notifications(app))
        await select(pilot, "2026-06-10")
        await pilot.press("enter")
        await settle(pilot)
        view = app.screen
        assert isinstance(view, SnapshotScreen) and view.loaded
        heading = text_of(view, "#snapshot-heading")
        assert "Snapshot #1" in heading and "cut-off 2026-06-03 23:59:59 UTC" in heading
        assert snap["rows_hash"] in heading
        table = view.query_one(FrozenTable)
        assert table.total == 6
        assert [table.row_at(i)["ref"] for i in range(6)] == ["A1", "A2", "A3", "A4", "A5", "A10"]
        lines = ["".join(s.text for s in table.render_line(y)) for y in range(table.size.height)]
        assert lines[1].startswith("A1") and "Refresh the governance framework" in lines[1]
        updated = table.row_at(0)["last_update_at"]
        assert updated and lines[1].rstrip().endswith(updated[:10])  # the Updated column
        await pilot.press("end")
        assert table.current_row["ref"] == "A10"
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, MeetingsScreen)


@run_async
async def test_the_changes_view_counts_what_changed_since_the_last_snapshot(cycle_conn):
    take_snapshot(cycle_conn, "2026-06-10", author="officer")
    set_rag(cycle_conn, "A3", "green", reason="Trainer booked", author="officer")
    app = ActregApp(cycle_conn, author="tester")
    async with app.run_test(size=SIZE) as pilot:
        await open_meetings(pilot)
        await pilot.press("c")  # the first meeting: no snapshot before its own
        await settle(pilot)
        view = app.screen
        assert isinstance(view, DiffScreen) and view.loaded and view.result is None
        assert "no earlier snapshot" in view.query_one("#diff").lines[0].plain
        await pilot.press("escape")
        await settle(pilot)
        await select(pilot, "2026-07-15")  # no snapshot yet: changes up to now
        await pilot.press("c")
        await settle(pilot)
        view = app.screen
        assert isinstance(view, DiffScreen) and view.loaded
        counts = view.result.counts()
        assert counts["rag_up"] == 1 and counts["new"] == 0 and counts["rag_down"] == 0
        assert counts["no_update"] == 4  # A1, A2, A5, A10 (A3 rated, A4 closed)
        text = [line.plain for line in view.query_one("#diff").lines]
        assert text[0].endswith(" to now")
        assert any(line.startswith("  RAG improved") and line.endswith(" 1") for line in text)
        heading = text.index("RAG improved (1)")
        assert text[heading + 1].split()[0] == "A3" and "RAG: Red → Green" in text[heading + 1]
        assert heading < text.index("No update since the last snapshot (4)")


@run_async
async def test_export_csv_and_xlsx_to_the_current_folder(cycle_conn, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    snap = take_snapshot(cycle_conn, "2026-06-10", author="officer")
    app = ActregApp(cycle_conn, author="tester")
    async with app.run_test(size=SIZE) as pilot:
        await open_meetings(pilot)
        await select(pilot, "2026-07-15")
        await pilot.press("e")  # no snapshot: a message, no dialog
        await settle(pilot)
        assert isinstance(app.screen, MeetingsScreen)
        assert any("has no snapshot yet" in m for m in notifications(app))
        await select(pilot, "2026-06-10")
        await pilot.press("e")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ExportScreen)
        name = dialog.query_one("#export-file", Input)
        assert name.value == "governance-and-audit-committee-2026-06-10.csv"
        await pilot.press("enter")
        await settle(pilot)
        csv_path = tmp_path / "governance-and-audit-committee-2026-06-10.csv"
        status = text_of(dialog, "#export-status")
        assert f"Wrote {csv_path} (6 actions, CSV)." in status and snap["rows_hash"] in status

        dialog.query_one("#export-format", Select).value = "xlsx"
        await pilot.pause()
        assert name.value == "governance-and-audit-committee-2026-06-10.xlsx"
        await pilot.press("ctrl+s")
        await settle(pilot)
        xlsx_path = tmp_path / name.value
        assert f"Wrote {xlsx_path} (6 actions, XLSX)." in text_of(dialog, "#export-status")

        name.value = "no-such-folder/out.csv"  # an error is a message, not a traceback
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "does not exist" in text_of(dialog, "#export-status")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, MeetingsScreen)

    with open(csv_path, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    header = rows.index(next(r for r in rows if r[:2] == ["Ref", "Action"]))
    assert [r[0] for r in rows[header + 1 :] if r] == ["A1", "A2", "A3", "A4", "A5", "A10"]

    from openpyxl import load_workbook

    values = {c.value for ws in load_workbook(xlsx_path).worksheets for r in ws.iter_rows()
              for c in r}  # fmt: skip
    assert {"A1", "A10", "Refresh the governance framework", snap["rows_hash"]} <= values


@run_async
async def test_read_only_register_can_view_but_not_add_or_snapshot(cycle_path):
    conn = open_register(cycle_path, readonly=True)
    try:
        app = ActregApp(conn, author="tester")
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_meetings(pilot)
            assert len(screen.meetings) == 3
            await pilot.press("a")
            await pilot.press("s")
            await settle(pilot)
            assert app.screen is screen
            assert sum("open read-only" in m for m in notifications(app)) == 2
            await pilot.press("c")
            await settle(pilot)
            assert isinstance(app.screen, DiffScreen)
    finally:
        conn.close()


@run_async
async def test_at_80_columns_the_changes_scroll_sideways_and_end_keeps_the_dates(cycle_conn):
    take_snapshot(cycle_conn, "2026-06-10", author="officer")
    set_rag(cycle_conn, "A3", "green", reason="Trainer booked", author="officer")
    app = ActregApp(cycle_conn, author="tester")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_meetings(pilot)
        table = screen.query_one("#meetings", DataTable)
        await pilot.press("end")  # the last meeting, not the table scrolled sideways
        assert table.cursor_row == table.row_count - 1 and table.scroll_x == 0
        assert table.fixed_columns == 1  # the date stays in view if it is scrolled
        await pilot.press("home")
        assert table.cursor_row == 0
        await select(pilot, "2026-07-15")
        await pilot.press("c")
        await settle(pilot)
        view = app.screen
        assert isinstance(view, DiffScreen) and view.loaded
        heading = view.query_one("#diff-heading")
        assert heading.size.height >= 2  # the heading wraps, never cut
        diff = view.query_one("#diff")
        longest = max(line.cell_len for line in diff.lines)
        assert longest > diff.size.width  # (the lines are wider than the screen)
        row = next(i for i, line in enumerate(diff.lines) if "RAG: Red → Green" in line.plain)
        shown = diff.render_line(row - round(diff.scroll_y)).text
        await pilot.press("right")
        assert diff.scroll_x > 0
        assert diff.render_line(row - round(diff.scroll_y)).text != shown
        await pilot.press("end")  # the ends of the lines
        assert diff.scroll_x == diff.max_scroll_x > 0
        await pilot.press("home")
        assert diff.scroll_x == 0


@run_async
async def test_export_over_an_existing_file_asks_first(cycle_conn, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    take_snapshot(cycle_conn, "2026-06-10", author="officer")
    target = tmp_path / "governance-and-audit-committee-2026-06-10.csv"
    target.write_text("the chair's own notes", encoding="utf-8")
    register = tmp_path / "copy-of-register.db"
    app = ActregApp(cycle_conn, author="tester")
    async with app.run_test(size=SIZE) as pilot:
        await open_meetings(pilot)
        await select(pilot, "2026-06-10")
        await pilot.press("e")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ExportScreen)
        await pilot.press("enter")
        await settle(pilot)
        question = app.screen
        assert isinstance(question, ConfirmScreen)
        assert f"{target} exists already" in question.question
        assert "Replace it with this export?" in question.question
        await pilot.press("n")
        await settle(pilot)
        assert app.screen is dialog
        assert "Not exported: give another file name." in text_of(dialog, "#export-status")
        assert target.read_text(encoding="utf-8") == "the chair's own notes"

        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot)
        assert app.screen is dialog
        assert f"Wrote {target} (6 actions, CSV)." in text_of(dialog, "#export-status")
        replaced = target.read_text(encoding="utf-8-sig")
        assert "the chair's own notes" not in replaced and "\nA1," in replaced

        # An SQLite file is never offered for replacing: refused outright.
        from db.store.backup import backup_to

        backup_to(cycle_conn, register)
        dialog.query_one("#export-file", Input).value = str(register)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is dialog
        assert "is an SQLite database (a register?)" in text_of(dialog, "#export-status")
