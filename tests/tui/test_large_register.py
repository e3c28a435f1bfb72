"""A register bigger than one page: the table pages from SQLite as you move through it."""

from __future__ import annotations

import pytest

from bench.make_register import build
from db.read.paging import page_actions
from db.read.queries import ActionFilter, count_actions, list_actions
from db.store.connection import open_register
from tests.tui.tui_helpers import TODAY, run_async, settle
from tui.app.app import ActregApp
from tui.screens import register
from tui.widgets.action_table import (
    MAX_PAGES,
    PAGE_SIZE,
    SORTABLE,
    ActionTable,
    read_first_page,
)


@pytest.fixture
def big_conn(tmp_path, monkeypatch):
    monkeypatch.setenv("ACTREG_TODAY", TODAY)
    build(tmp_path / "big.db", 700, 2100, big_log=50)
    conn = open_register(tmp_path / "big.db")
    yield conn
    conn.close()


@run_async
async def test_paging_through_a_register_of_several_pages(big_conn):
    refs = [r["ref"] for r in list_actions(big_conn)]
    app = ActregApp(big_conn, author="tester")
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(ActionTable)
        assert table.total == 700 and len(table._pages) <= 2
        await pilot.press("end")
        await settle(pilot)
        assert table.cursor == 699 and table.current_row["ref"] == refs[-1]
        for _ in range(6):
            await pilot.press("pageup")
        await settle(pilot)
        assert table.current_row["ref"] == refs[table.cursor]
        assert len(table._pages) <= MAX_PAGES
        await pilot.press("home")
        await settle(pilot)
        assert table.current_row["ref"] == refs[0]


@run_async
async def test_start_up_reads_a_screenful_then_the_table_completes_its_page(big_conn, monkeypatch):
    refs = [r["ref"] for r in list_actions(big_conn)]
    first_reads = []

    def noted(*args):
        result = read_first_page(*args)
        first_reads.append(result)
        return result

    monkeypatch.setattr(register, "read_first_page", noted)
    app = ActregApp(big_conn, author="tester")
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(ActionTable)
        [(total, rows, ids)] = first_reads
        assert total == 700 and ids is None
        assert [r["ref"] for r in rows] == refs[: len(rows)] and len(rows) <= 30
        # Every line on the first screen had its row; the rest of the page came after.
        visible = ["".join(s.text for s in table.render_line(y)) for y in range(1, 27)]
        assert [line.split()[0] for line in visible] == refs[:26]
        assert table._has_page(0) and len(table._pages[0]) == PAGE_SIZE
        assert [table.row_at(i)["ref"] for i in range(PAGE_SIZE)] == refs[:PAGE_SIZE]
        await pilot.press("pagedown", "pagedown")
        await settle(pilot)
        assert table.current_row["ref"] == refs[table.cursor]


@run_async
async def test_a_search_pages_by_id_and_agrees_with_the_read_side(big_conn):
    flt = ActionFilter(search="governance")
    expected = [r["ref"] for r in list_actions(big_conn, flt)]
    assert len(expected) > PAGE_SIZE  # the search itself spans pages
    app = ActregApp(big_conn, author="tester")
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"governance", "enter")
        await pilot.pause(0.2)
        await settle(pilot)
        table = app.screen.query_one(ActionTable)
        assert table.total == count_actions(big_conn, flt) == len(expected)
        await pilot.press("end")
        await settle(pilot)
        assert table.current_row["ref"] == expected[-1]
        await pilot.press("pageup")
        await settle(pilot)
        assert table.current_row["ref"] == expected[table.cursor]


@run_async
async def test_title_sort_pages_on_its_index_and_matches_sql_order(big_conn):
    expected = [r["ref"] for r in page_actions(big_conn, sort="title", limit=1000)]
    app = ActregApp(big_conn, author="tester")
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await pilot.press("greater_than_sign")  # ref -> title
        await settle(pilot)
        table = app.screen.query_one(ActionTable)
        assert table.query.sort == "title" and table._ids is None  # indexed: OFFSET paging
        assert [table.row_at(i)["ref"] for i in range(10)] == expected[:10]
        await pilot.press("end")
        await settle(pilot)
        assert table.current_row["ref"] == expected[-1]
        await pilot.press("less_than_sign")  # reversed
        await settle(pilot)
        assert table.row_at(0)["ref"] == expected[-1]


@run_async
async def test_every_sort_and_its_reverse_match_the_read_side(big_conn):
    app = ActregApp(big_conn, author="tester")
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(ActionTable)
        for _ in SORTABLE:
            for descending in (False, True):
                assert table.query.descending is descending
                expected = page_actions(
                    big_conn, sort=table.query.sort, descending=descending, limit=PAGE_SIZE + 5
                )
                shown = [table.row_at(i) for i in range(PAGE_SIZE + 5)]
                if None in shown:  # the next page: ask for it, as scrolling would
                    await pilot.press("end", "home")
                    await settle(pilot)
                    shown = [table.row_at(i) for i in range(PAGE_SIZE + 5)]
                assert [r["id"] for r in shown] == [r["id"] for r in expected], (
                    table.query.sort,
                    descending,
                )
                await pilot.press("less_than_sign")  # reverse
                await settle(pilot)
            await pilot.press("greater_than_sign")  # the next column, ascending
            await settle(pilot)
