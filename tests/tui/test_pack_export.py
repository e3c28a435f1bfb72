"""The committee pack from the terminal UI: the meetings screen's preview of the headline and
status × RAG, and the export dialog's layout, table and filters."""

from __future__ import annotations

import csv

import pytest
from textual.widgets import Checkbox, Input, Select

from db.cycles.meetings import add_meeting
from db.cycles.snapshots import take_snapshot
from db.store.connection import open_register
from tests.exports.extract import read_csv
from tests.tui.test_meetings import SIZE, open_meetings, select, text_of
from tests.tui.tui_helpers import run_async, settle
from tui.app.app import ActregApp
from tui.screens.export_dialog import ExportScreen


@pytest.fixture
def cycle_conn(mat_path):
    """The fixed TUI register (6 actions, ACTREG_TODAY=2026-06-01) with two meetings."""
    conn = open_register(mat_path)
    add_meeting(conn, "2026-06-10", deadline="2026-06-03")
    add_meeting(conn, "2026-07-15")
    yield conn
    conn.close()


async def shown_preview(pilot, screen, snapshot_id: int) -> list[str]:
    """The preview's lines once it shows the pack of `snapshot_id` (it is read a moment
    after the cursor stops, in a worker)."""
    for _ in range(200):
        await settle(pilot)
        if screen.previewed is not None and screen.previewed.snapshot_id == snapshot_id:
            return text_of(screen, "#pack-preview").splitlines()
        await pilot.pause(0.05)
    raise AssertionError("the pack preview never showed")


@run_async
async def test_the_meetings_screen_previews_the_packs_headline_and_status_by_rag(cycle_conn):
    take_snapshot(cycle_conn, "2026-06-10", author="officer")
    app = ActregApp(cycle_conn, author="tester")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_meetings(pilot)
        await select(pilot, "2026-06-10")
        lines = await shown_preview(pilot, screen, 1)
        assert lines[0].startswith("Pack preview: snapshot #1 (Governance and Audit Committee")
        # A1 (target 15 May) and A3 (30 April) overdue; A4 closed; no earlier snapshot.
        assert lines[1].startswith("6 actions, 5 open, 2 overdue now; so far (no earlier "
                                   "snapshot): ")  # fmt: skip
        assert "1 implemented or closed" in lines[1]
        grid = lines[lines.index("Status × RAG:") + 1 :]
        assert grid[0].split() == ["Status", "Red", "Amber", "Green", "Not", "rated", "Total"]
        assert grid[-1].split() == ["Total", "1", "1", "1", "3", "6"]
        await select(pilot, "2026-07-15")  # no snapshot: says how to get a preview
        await settle(pilot)
        assert "has no snapshot yet: press s" in text_of(screen, "#pack-preview")
        await select(pilot, "2026-06-10")  # back again: the pack read before, shown at once
        await pilot.pause()
        assert text_of(screen, "#pack-preview").splitlines() == lines


@run_async
async def test_the_export_dialog_offers_layout_table_and_filters(cycle_conn, tmp_path,
                                                                 monkeypatch):  # fmt: skip
    monkeypatch.chdir(tmp_path)
    take_snapshot(cycle_conn, "2026-06-10", author="officer")
    app = ActregApp(cycle_conn, author="tester")
    async with app.run_test(size=SIZE) as pilot:
        await open_meetings(pilot)
        await select(pilot, "2026-06-10")
        await pilot.press("e")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ExportScreen)
        name = dialog.query_one("#export-file", Input)
        layout = dialog.query_one("#export-layout", Select)
        assert layout.value == "paper"
        # One summary table a CSV: the file name follows the table chosen.
        dialog.query_one("#export-table", Select).value = "overdue"
        await pilot.pause()
        assert name.value == "governance-and-audit-committee-2026-06-10-overdue.csv"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "(the overdue table, CSV)" in text_of(dialog, "#export-status")
        # The appendix of open actions of one directorate, typed as a person would.
        dialog.query_one("#export-table", Select).value = "appendix"
        await pilot.pause()
        dialog.query_one("#export-open-only", Checkbox).focus()
        await pilot.press("space")
        dialog.query_one("#export-directorate", Input).focus()
        await pilot.press(*"corporate")
        name.value = "corporate.csv"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Wrote" in text_of(dialog, "#export-status")
        assert "(1 action, CSV)" in text_of(dialog, "#export-status")  # A1 (A4 is closed)
        # A directorate no action has: the reason, on the dialog; no file.
        dialog.query_one("#export-directorate", Input).value = "Corprate"
        name.value = "nothing.csv"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "--directorate: no action has the lead directorate 'Corprate'" in text_of(
            dialog, "#export-status"
        )
        assert not (tmp_path / "nothing.csv").exists()
        # XLSX takes the full layout by itself; a table is for CSV only.
        dialog.query_one("#export-format", Select).value = "xlsx"
        await pilot.pause()
        assert layout.value == "full" and dialog.query_one("#export-table", Select).disabled
        await pilot.press("escape")
        await settle(pilot)

    with open(tmp_path / "governance-and-audit-committee-2026-06-10-overdue.csv",
              encoding="utf-8-sig", newline="") as handle:  # fmt: skip
        records = list(csv.reader(handle))
    table = records[records.index([]) + 2 :]  # below the preamble and the table's "# title"
    assert table == [
        ["Lead directorate", "High", "Medium", "Low", "Total"],
        ["Children", "0", "0", "0", "0"],
        ["Corporate", "0", "1", "0", "1"],  # A1, 19 days past its target
        ["Finance", "0", "0", "0", "0"],
        ["Legal", "0", "0", "0", "0"],
        ["Resources", "0", "1", "0", "1"],  # A3
        ["Total", "0", "2", "0", "2"],
    ]
    preamble, header, rows = read_csv(tmp_path / "corporate.csv")
    assert "# Rows: lead directorate corporate; open actions only (closed, superseded and " \
           "cancelled left out)" in preamble  # fmt: skip
    assert [r["Ref"] for r in rows] == ["A1"] and header[0] == "Ref"
