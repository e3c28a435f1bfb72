"""Import in the TUI (i): pick a file, see the dry run's preview and report, confirm."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from textual.widgets import Checkbox, Input, Static

from db.integrity.verifier import verify
from db.read.queries import list_actions
from db.store.connection import open_register
from tests.tui.tui_helpers import run_async, settle
from tui.app.app import ActregApp
from tui.app.commands import COMMANDS
from tui.screens.import_dialog import ImportScreen
from tui.screens.register import RegisterScreen

FIXTURES = Path(__file__).parents[1] / "importing" / "fixtures"
SIZE = (140, 45)
REFS = ["A1", "A10", "A2", "A3", "A4", "A5"]


@pytest.fixture
def folder(tmp_path, monkeypatch) -> Path:
    """The current folder, with copies of a few fixture files in it."""
    here = tmp_path / "here"
    here.mkdir()
    for name in ("mat_v1.csv", "bad_dates.csv", "sections.xlsx", "binary.csv"):
        shutil.copy(FIXTURES / name, here / name)
    (here / "notes.md").write_text("# not a table\n")
    monkeypatch.chdir(here)
    return here


def refs(conn) -> list[str]:
    return sorted(r["ref"] for r in list_actions(conn))


def text_of(screen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


def notifications(app) -> list[str]:
    return [n.message for n in app._notifications]


async def open_dialog(pilot) -> ImportScreen:
    await settle(pilot)
    await pilot.press("i")
    await settle(pilot)
    dialog = pilot.app.screen
    assert isinstance(dialog, ImportScreen)
    assert dialog.focused is dialog.query_one("#import-file", Input)
    return dialog


async def preview(pilot, name: str, key: str = "enter") -> ImportScreen:
    dialog = pilot.app.screen
    await pilot.press(*name)  # typed, as a person would
    await pilot.press(key)
    await settle(pilot)
    assert dialog.busy is None
    return dialog


@run_async
async def test_preview_then_import_creates_the_actions_and_reloads_home(mat_conn, folder):
    app = ActregApp(mat_conn, author="tester")
    async with app.run_test(size=SIZE) as pilot:
        home = app.screen
        await open_dialog(pilot)
        dialog = await preview(pilot, "mat_v1.csv")
        status = text_of(dialog, "#import-status")
        assert "would import 3 new, 0 updated, 0 unchanged, 0 rows skipped" in status
        report = text_of(dialog, "#import-report-text")
        assert "mat_v1.csv: header on row 1; action rows read: 3." in report
        assert "row 4 · Target date: 'ongoing' is not a date" in report
        assert "row 1 · Notes: unknown column" in report
        assert refs(mat_conn) == REFS  # a dry run writes nothing
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is home
        assert "mat_v1.csv: 3 created, 0 updated (0 unchanged)." in notifications(app)
        assert home.table.total == 9
        assert home.info["actions"] == 9
    assert len(refs(mat_conn)) == 9
    assert verify(mat_conn).ok


@run_async
async def test_errors_refuse_the_import_until_skip_invalid_rows_is_ticked(mat_conn, folder):
    app = ActregApp(mat_conn, author="tester")
    async with app.run_test(size=SIZE) as pilot:
        await open_dialog(pilot)
        dialog = await preview(pilot, "bad_dates.csv", key="ctrl+s")  # ctrl+s previews first
        status = text_of(dialog, "#import-status")
        assert "3 errors (rows 2, 3, 4): the import is refused" in status
        report = text_of(dialog, "#import-report-text")
        assert "ERROR   row 2 · Target date: '31/02/2026' is not a real date" in report
        assert "ERROR   row 4 · Completed date: 'soon' is not a date" in report
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is dialog and refs(mat_conn) == REFS
        assert any("Skip invalid rows" in m for m in notifications(app))
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert dialog.query_one(Checkbox).value
        status = text_of(dialog, "#import-status")
        assert "3 rows will be skipped (rows 2, 3, 4)" in status
        assert "would import 1 new, 0 updated, 0 unchanged, 3 rows skipped" in status
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, RegisterScreen)
        assert "bad_dates.csv: 1 created, 0 updated (0 unchanged, 3 rows skipped)." in (
            notifications(app)
        )
    assert refs(mat_conn) == sorted([*REFS, "E4"])
    assert verify(mat_conn).ok


@run_async
async def test_escape_after_the_preview_writes_nothing(mat_conn, folder):
    app = ActregApp(mat_conn, author="tester")
    async with app.run_test(size=SIZE) as pilot:
        await open_dialog(pilot)
        await preview(pilot, "mat_v1.csv")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, RegisterScreen)
    assert refs(mat_conn) == REFS


@run_async
async def test_unreadable_files_show_a_message_not_a_traceback(mat_conn, folder):
    app = ActregApp(mat_conn, author="tester")
    async with app.run_test(size=SIZE) as pilot:
        dialog = await open_dialog(pilot)
        field = dialog.query_one("#import-file", Input)
        cases = {
            "missing.csv": "does not exist",
            "notes.md": "notes.md is not a CSV or Excel file",
            "binary.csv": "binary.csv is not a text file actreg can read",
            "": "file: give the name",
        }
        for name, message in cases.items():
            field.value = name
            await pilot.press("enter")
            await settle(pilot)
            status = dialog.query_one("#import-status", Static)
            assert message in str(status.render()), name
            assert status.has_class("-error")
            assert not dialog.query_one("#import-report").display
        field.value = "mat_v1.csv"
        dialog.query_one("#import-sheet", Input).value = "Sheet1"
        await pilot.press("enter")
        await settle(pilot)
        assert "sheet: mat_v1.csv is a CSV file; it has no sheets" in text_of(
            dialog, "#import-status"
        )
        assert app.screen is dialog
    assert refs(mat_conn) == REFS


@run_async
async def test_tilde_path_and_an_excel_file(mat_conn, folder, monkeypatch):
    monkeypatch.setenv("HOME", str(folder))
    app = ActregApp(mat_conn, author="tester")
    async with app.run_test(size=SIZE) as pilot:
        await open_dialog(pilot)
        dialog = await preview(pilot, "~/sections.xlsx")
        report = text_of(dialog, "#import-report-text")
        assert "section heading 'Theme 1: Governance' skipped" in report
        assert "would import 3 new" in text_of(dialog, "#import-status")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, RegisterScreen)
    assert len(refs(mat_conn)) == 9
    assert verify(mat_conn).ok


@run_async
async def test_read_only_register_previews_but_refuses_the_import(mat_path, folder):
    conn = open_register(mat_path, readonly=True)
    try:
        app = ActregApp(conn, author="tester")
        async with app.run_test(size=SIZE) as pilot:
            await open_dialog(pilot)
            dialog = await preview(pilot, "mat_v1.csv")
            assert "would import 3 new" in text_of(dialog, "#import-status")
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert app.screen is dialog
            assert "open read-only" in text_of(dialog, "#import-status")
    finally:
        conn.close()
    conn = open_register(mat_path)
    try:
        assert refs(conn) == REFS
    finally:
        conn.close()


@run_async
async def test_the_command_palette_and_help_list_the_import(mat_conn):
    assert any(name == "Import a CSV or Excel file" for name, _, _ in COMMANDS)
    app = ActregApp(mat_conn, author="tester")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p", *"import a csv")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ImportScreen)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        sections = dict(app.screen.sections)
        assert sections["Import dialog (i)"] is ImportScreen.BINDINGS
        home = {b.key: b.tooltip for b in sections["Register (home)"]}
        assert home["i"] == "Import actions from a CSV or Excel file (preview first)"
