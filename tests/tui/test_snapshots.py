"""Screens as pictures (pytest-textual-snapshot): home, card, a form with an error, help.

The register is the fixed one from tui_helpers (fixed clock, ACTREG_TODAY=2026-06-01),
and nothing time-dependent is on these screens. Update with `pytest --snapshot-update`.
"""

from __future__ import annotations

import pytest
from textual.widgets import Select

from tests.tui.tui_helpers import settle
from tui.app.app import ActregApp

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((160, 50), id="160x50")]


async def _open_card(pilot) -> None:
    await settle(pilot)
    await pilot.press("down", "enter")  # A2
    await settle(pilot)


async def _card_of_slipped_action(pilot) -> None:
    await settle(pilot)
    await pilot.press("enter")  # A1: overdue, slipped twice, amber
    await settle(pilot)


async def _rag_form_with_error(pilot) -> None:
    await _open_card(pilot)
    await pilot.press("r")
    await settle(pilot)
    pilot.app.screen.query_one("#field-rag", Select).value = "red"
    await pilot.press("ctrl+s")
    await settle(pilot)


async def _help(pilot) -> None:
    await settle(pilot)
    await pilot.press("question_mark")
    await settle(pilot)


@pytest.mark.parametrize("size", SIZES)
def test_home(snap_compare, mat_conn, size):
    assert snap_compare(ActregApp(mat_conn, author="tester"), terminal_size=size, run_before=settle)


@pytest.mark.parametrize("size", SIZES)
def test_action_card(snap_compare, mat_conn, size):
    app = ActregApp(mat_conn, author="tester")
    assert snap_compare(app, terminal_size=size, run_before=_card_of_slipped_action)


@pytest.mark.parametrize("size", SIZES)
def test_form_with_validation_error(snap_compare, mat_conn, size):
    app = ActregApp(mat_conn, author="tester")
    assert snap_compare(app, terminal_size=size, run_before=_rag_form_with_error)


@pytest.mark.parametrize("size", SIZES)
def test_help(snap_compare, mat_conn, size):
    assert snap_compare(ActregApp(mat_conn, author="tester"), terminal_size=size, run_before=_help)
