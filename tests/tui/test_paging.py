"""db.read.paging: pages of the register table agree with the read side's own queries."""

from __future__ import annotations

import pytest

from db.read.paging import (
    SORT_COLUMNS,
    _order,
    count_and_page,
    count_matching,
    distinct_values,
    matching_ids,
    page_actions,
    rows_by_ids,
)
from db.read.queries import ActionFilter, count_actions, list_actions

FILTERS = [
    ActionFilter(),
    ActionFilter(overdue=True),
    ActionFilter(stale=True),
    ActionFilter(overdue=True, rags=("red",)),
    ActionFilter(statuses=("in_progress",)),
    ActionFilter(owner="jo smith"),
    ActionFilter(search="procurement"),
]


@pytest.mark.parametrize("flt", FILTERS)
def test_count_matching_agrees_with_count_actions(mat_conn, flt):
    assert count_matching(mat_conn, flt) == count_actions(mat_conn, flt)


@pytest.mark.parametrize("flt", FILTERS)
def test_count_and_page_is_both_at_once(mat_conn, flt):
    total, rows = count_and_page(mat_conn, flt, sort="target_date", limit=3, offset=1)
    assert total == count_actions(mat_conn, flt)
    assert rows == page_actions(mat_conn, flt, sort="target_date", limit=3, offset=1)


@pytest.mark.parametrize("flt", FILTERS)
def test_pages_in_ref_order_are_list_actions_cut_into_pieces(mat_conn, flt):
    whole = [r["ref"] for r in list_actions(mat_conn, flt)]
    pages = [
        [r["ref"] for r in page_actions(mat_conn, flt, limit=2, offset=offset)]
        for offset in range(0, 8, 2)
    ]
    assert [ref for page in pages for ref in page] == whole


@pytest.mark.parametrize("sort", SORT_COLUMNS)
def test_every_sort_gives_each_action_once_and_reverses(mat_conn, sort):
    forward = [r["ref"] for r in page_actions(mat_conn, sort=sort, limit=100)]
    backward = [r["ref"] for r in page_actions(mat_conn, sort=sort, descending=True, limit=100)]
    assert sorted(forward) == sorted(["A1", "A2", "A3", "A4", "A5", "A10"])
    assert backward == forward[::-1]


def test_unknown_sort_is_refused(mat_conn):
    with pytest.raises(ValueError, match="sort"):
        page_actions(mat_conn, sort="hash")


def test_distinct_values_for_the_filter_menu(mat_conn):
    assert distinct_values(mat_conn, "owner") == ["Ali Khan", "Jo Smith", "Mia Chen", "Sam Patel"]
    with pytest.raises(ValueError):
        distinct_values(mat_conn, "hash")


@pytest.mark.parametrize("flt", FILTERS)
def test_matching_ids_and_rows_by_ids_agree_with_list_actions(mat_conn, flt):
    ids = matching_ids(mat_conn, flt)
    assert [r["ref"] for r in rows_by_ids(mat_conn, ids)] == [
        r["ref"] for r in list_actions(mat_conn, flt)
    ]
    assert rows_by_ids(mat_conn, []) == []
    assert matching_ids(mat_conn, flt, sort="owner", descending=True) == [
        r["id"] for r in page_actions(mat_conn, flt, sort="owner", descending=True)
    ]


@pytest.mark.parametrize("sort", sorted(SORT_COLUMNS))
@pytest.mark.parametrize("descending", [False, True])
def test_every_sort_reads_in_index_order_without_sorting(mat_conn, sort, descending):
    # OFFSET paging re-reads the order for every page: a sort step would make each
    # page-down at 100,000 actions sort the whole table.
    plan = mat_conn.execute(
        f"EXPLAIN QUERY PLAN SELECT id FROM action ORDER BY {_order(sort, descending)} LIMIT 10"
    ).fetchall()
    steps = " / ".join(row[-1] for row in plan)
    assert "TEMP B-TREE" not in steps, steps
    assert "USING INDEX" in steps or "USING COVERING INDEX" in steps, steps


def test_rag_sorts_by_severity_red_amber_green_then_unrated(mat_conn):
    # The fixture: A3 red, A1 amber, A2 green, the rest unrated (A4 is closed).
    rags = [(r["ref"], r["rag"]) for r in page_actions(mat_conn, sort="rag", limit=100)]
    assert [rag for _, rag in rags] == ["red", "amber", "green", None, None, None]
    assert [ref for ref, _ in rags[:3]] == ["A3", "A1", "A2"]
    backward = [r["rag"] for r in page_actions(mat_conn, sort="rag", descending=True, limit=100)]
    assert backward == [None, None, None, "green", "amber", "red"]


@pytest.mark.parametrize("flt", FILTERS)
def test_the_action_text_part_of_a_search_is_the_action_text_matches(mat_conn, flt):
    quick = matching_ids(mat_conn, flt, commentary=False)
    if not flt.search:
        assert quick == matching_ids(mat_conn, flt)
        return
    own_text = {
        r[0]
        for r in mat_conn.execute(
            "SELECT rowid FROM action_fts WHERE action_fts MATCH ?", (f'"{flt.search}"*',)
        )
    }
    assert quick == [i for i in matching_ids(mat_conn, flt) if i in own_text]


def test_a_word_only_in_the_commentary_is_found_by_the_whole_search_only(mat_conn):
    # "drafted" is only in A10's note.
    flt = ActionFilter(search="drafted")
    assert matching_ids(mat_conn, flt, commentary=False) == []
    assert [r["ref"] for r in rows_by_ids(mat_conn, matching_ids(mat_conn, flt))] == ["A10"]
