"""Messy real-world files: every problem reported with its row, column and reason."""

from __future__ import annotations

import pytest

from db.errors import InputError
from db.importing.headers import parse_mapping
from db.read import queries
from tests.importing.conftest import FIXTURES, file_hash, problems_of


def _actions(conn) -> dict[str, dict]:
    columns = (
        "ref",
        "title",
        "owner",
        "target_date",
        "target_date_text",
        "status",
        "rag",
        "percent_complete",
        "last_commentary",
        "description",
        "completed_date",
    )
    rows = conn.execute(f"SELECT {', '.join(columns)} FROM action ORDER BY id").fetchall()
    return {r[0]: dict(zip(columns, r, strict=True)) for r in rows}


def test_ragged_rows_short_is_a_warning_and_an_extra_value_an_error(conn, do_import):
    result = do_import("ragged.csv")
    assert result.refused and not result.applied
    assert (
        "warning",
        3,
        None,
        "this row has 4 cells but the header has 7: the missing cells are taken as empty",
    ) in problems_of(result)
    assert problems_of(result, "error") == [
        (
            "error",
            4,
            "(column 8)",
            "this row has 8 cells but the header has 7: a value beyond the last column ('stray')",
        )
    ]
    assert _actions(conn) == {}


def test_skip_invalid_skips_exactly_the_reported_rows(conn, do_import):
    result = do_import("ragged.csv", skip_invalid=True)
    assert result.applied and result.skipped == [4]
    assert sorted(_actions(conn)) == ["R1", "R2", "R4"]
    assert _actions(conn)["R2"]["status"] == "not_started"


def test_duplicate_refs_are_errors_naming_the_first_row(conn, do_import):
    result = do_import("duplicate_refs.csv")
    assert problems_of(result, "error") == [
        ("error", 4, "Ref", "duplicate ref 'd1': row 2 has it too")
    ]
    assert result.refused and _actions(conn) == {}
    result = do_import("duplicate_refs.csv", skip_invalid=True)
    assert result.new == 2 and _actions(conn)["D1"]["title"] == "First"


def test_duplicate_headers_are_refused_naming_both_unless_mapped(conn, do_import):
    with pytest.raises(InputError, match="'Owner' and 'Lead officer' both hold owner"):
        do_import("duplicate_headers.csv")
    do_import("duplicate_headers.csv", mapping=parse_mapping(["Lead officer=owner"]))
    assert _actions(conn)["H1"]["owner"] == "Ben Baker"


def test_map_can_drop_a_column(conn, do_import):
    result = do_import("duplicate_headers.csv", mapping=parse_mapping(["lead OFFICER=ignore"]))
    assert _actions(conn)["H1"]["owner"] == "Ann Archer"
    assert not problems_of(result, "warning")


def test_map_naming_a_missing_column_is_an_error(conn, do_import):
    with pytest.raises(InputError, match="--map: no column 'nosuch'"):
        do_import("bom.csv", mapping=parse_mapping(["No such=owner"]))


def test_map_naming_an_unknown_field_is_an_error():
    with pytest.raises(InputError, match="'colour' is not a field actreg imports"):
        parse_mapping(["Ref=colour"])
    with pytest.raises(InputError, match="is not COLUMN=field"):
        parse_mapping(["owner"])


def test_windows_1252_accents_and_smart_quotes(conn, do_import):
    result = do_import("cp1252.csv")
    assert result.new == 2 and not problems_of(result, "error")
    w1 = _actions(conn)["W1"]
    assert w1["title"] == "Café review – “phase one”"
    assert w1["owner"] == "Zoë Ångström"
    assert w1["last_commentary"] == "It’s ‘nearly’ done – naïve estimate"
    assert w1["status"] == "in_progress" and w1["target_date"] == "2026-03-31"
    assert w1["target_date_text"] == "31/03/2026"
    assert _actions(conn)["W2"]["target_date"] == "2026-06-30"


def test_utf8_with_a_bom(conn, do_import):
    do_import("bom.csv")
    assert _actions(conn)["B1"]["title"] == "Résumé the policy"


@pytest.mark.parametrize("name", ["utf16.csv", "binary.csv"])
def test_utf16_without_bom_and_binary_are_refused_not_mojibake(conn, do_import, name):
    with pytest.raises(InputError, match="not a text file actreg can read"):
        do_import(name)
    assert _actions(conn) == {}


def test_utf16_with_a_bom_is_read(conn, do_import, tmp_path):
    path = tmp_path / "unicode.csv"
    path.write_bytes("Ref\tAction\tOwner\r\nU1\tÇa va\tZoë\r\n".encode("utf-16"))
    do_import(path)
    assert _actions(conn)["U1"]["title"] == "Ça va"


def test_an_unterminated_quote_is_an_error_at_its_row(conn, do_import):
    result = do_import("unterminated.csv")
    (error,) = problems_of(result, "error")
    assert error[:3] == ("error", 4, None)
    assert error[3].startswith("line 4 of unterminated.csv: a quote")
    assert result.refused and _actions(conn) == {}


def test_an_unterminated_quote_refuses_even_with_skip_invalid(conn, do_import):
    result = do_import("unterminated.csv", skip_invalid=True)
    assert result.refused and not result.applied
    assert _actions(conn) == {}


def test_a_file_that_is_one_unterminated_quote_is_refused_outright(conn, do_import, tmp_path):
    path = tmp_path / "quote.csv"
    path.write_text('"Ref,Action\nA1,Title\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"row 1 \(line 1 of quote.csv\): a quote"):
        do_import(path)


def test_an_actreg_register_is_named_as_one(conn, do_import, tmp_path):
    from db.store.connection import create_register

    other = tmp_path / "other-register.db"
    create_register(other, name="Other", organisation="").close()
    with pytest.raises(InputError, match=r"other-register\.db is an actreg register, not a table"):
        do_import(other)
    assert _actions(conn) == {}


def test_a_1mb_cell_is_read_and_refused_by_the_length_limit(conn, do_import):
    result = do_import("big_cell.csv")
    assert problems_of(result, "error") == [
        ("error", 3, "Description", "is 1,000,000 characters long; the most allowed is 20,000")
    ]
    result = do_import("big_cell.csv", skip_invalid=True)
    assert sorted(_actions(conn)) == ["M1", "M3"]


def test_semicolons_and_tabs_are_detected(conn, do_import):
    do_import("semicolon.csv")
    do_import("tabs.csv")
    actions = _actions(conn)
    assert actions["S1"]["title"] == "Review, then publish"
    assert actions["S1"]["target_date"] == "2026-03-31"
    assert actions["S2"]["title"] == "Train staff; all of them"
    assert actions["T1"]["title"] == "Tab separated, with a comma"


def test_free_text_dates_are_kept_as_wording_with_a_warning(conn, do_import):
    result = do_import("free_text_dates.csv")
    warnings = problems_of(result, "warning")
    assert warnings == [
        (
            "warning",
            row,
            "Target date",
            f"{text!r} is not a date: kept as the target's wording, with no target date",
        )
        for row, text in ((16, "ongoing"), (17, "TBC"), (18, "Complete"))
    ]
    actions = _actions(conn)
    assert (actions["F1"]["target_date"], actions["F1"]["target_date_text"]) == ("2026-03-31", None)
    assert (actions["F9"]["target_date"], actions["F9"]["target_date_text"]) == (
        "2025-12-31",
        "Q3 2025/26",
    )
    assert (actions["F12"]["target_date"], actions["F12"]["target_date_text"]) == (
        "2026-02-28",
        "winter 2025",
    )
    assert (actions["F15"]["target_date"], actions["F15"]["target_date_text"]) == (None, "ongoing")
    assert (actions["F18"]["target_date"], actions["F18"]["target_date_text"]) == (None, None)


def test_wrong_dates_are_errors_with_row_and_column(conn, do_import):
    result = do_import("bad_dates.csv")
    assert problems_of(result, "error") == [
        (
            "error",
            2,
            "Target date",
            "'31/02/2026' is not a real date (dates are read day first: DD/MM/YYYY)",
        ),
        (
            "error",
            3,
            "Target date",
            "'03/31/2026' is not a real date (dates are read day first: DD/MM/YYYY)",
        ),
        ("error", 4, "Completed date", "'soon' is not a date"),
    ]
    do_import("bad_dates.csv", skip_invalid=True)
    assert _actions(conn)["E4"]["completed_date"] == "2026-03-15"


def test_merged_title_rows_above_the_header(conn, do_import):
    result = do_import("merged_header.xlsx")
    assert result.plan.header_row == 3 and result.plan.sheet == "MAT"
    assert ("info", None, None, "rows 1–2 above the header row (3) were skipped") in problems_of(
        result
    )
    actions = _actions(conn)
    assert actions["X1"]["target_date"] == "2026-03-31"
    assert actions["X1"]["target_date_text"] is None  # a real Excel date has no wording
    assert actions["X1"]["percent_complete"] == 50
    assert actions["X2"]["target_date"] == "2025-12-31"
    assert actions["1.1"]["status"] == "implemented"
    assert actions["1.1"]["percent_complete"] == 100


def test_blank_rows_and_section_headings_are_skipped_with_a_note(conn, do_import):
    result = do_import("sections.xlsx")
    info = problems_of(result, "info")
    assert ("info", 2, None, "section heading 'Theme 1: Governance' skipped") in info
    assert ("info", 6, None, "section heading 'Theme 2: Finance' skipped") in info
    assert ("info", None, None, "3 blank rows skipped (rows 4, 5, 8)") in info
    assert not problems_of(result, "error")
    actions = _actions(conn)
    assert {r: a["rag"] for r, a in actions.items()} == {"G1": "amber", "F1": "green", "P1": "red"}
    assert actions["P1"]["target_date"] == "2026-08-31"


def test_unknown_sheet_is_an_error_listing_the_sheets(conn, do_import):
    with pytest.raises(InputError, match="has no sheet 'Nope'; it has 'Actions'"):
        do_import("sections.xlsx", sheet="Nope")


def test_unknown_columns_are_listed_and_kept_with_keep_unmapped(conn, do_import):
    dry = do_import("mat_v1.csv", dry_run=True)
    assert (
        "warning",
        1,
        "Notes",
        "unknown column: not imported (name it with --map, or keep it as commentary with "
        "--keep-unmapped)",
    ) in problems_of(dry)
    result = do_import("mat_v1.csv", keep_unmapped=True)
    assert ("info", 1, "Notes", "unknown column: kept as commentary on each new action") in (
        problems_of(result)
    )
    created = conn.execute(
        "SELECT commentary FROM progress_log WHERE kind = 'created' ORDER BY id"
    ).fetchall()
    assert created == [("Notes: n/a",), (None,), ("Notes: check",)]


def test_missing_owner_is_unassigned_with_a_warning_missing_title_an_error(
    conn, do_import, tmp_path
):
    path = tmp_path / "gaps.csv"
    path.write_text(
        "Ref,Action,Owner,Status,RAG\nA1,Has no owner,,Open,\nA2,,Ann,Done,Purple\n,No ref,Ann,,\n",
        encoding="utf-8",
    )
    result = do_import(path, skip_invalid=True)
    assert problems_of(result, "warning") == [
        ("warning", 2, "Owner", "owner: missing; the new action gets the owner 'Unassigned'")
    ]
    assert problems_of(result, "error") == [
        ("error", 3, "RAG", "'Purple' is not one of: red, amber, green"),
        ("error", 3, "Action", "title: missing (every action needs one)"),
        ("error", 4, "Ref", "ref: missing (every action needs one)"),
    ]
    assert _actions(conn)["A1"]["owner"] == "Unassigned"
    assert _actions(conn)["A1"]["target_date"] is None


def test_no_header_row_is_an_error(conn, do_import, tmp_path):
    path = tmp_path / "nohead.csv"
    path.write_text("a,b,c\n1,2,3\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"no header row found in nohead\.csv"):
        do_import(path)


def test_dry_run_changes_nothing(conn, do_import, register_state, register_path):
    before, before_hash = register_state(conn), file_hash(register_path)
    result = do_import("mat_v1.csv", dry_run=True)
    assert (result.new, result.applied) == (3, False)
    assert register_state(conn) == before
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    assert file_hash(register_path) == before_hash


def test_refused_import_changes_nothing(conn, do_import, register_state):
    do_import("bom.csv")
    before = register_state(conn)
    assert do_import("ragged.csv").refused
    assert register_state(conn) == before


def test_imported_actions_are_searchable(conn, do_import):
    do_import("cp1252.csv")
    found = queries.list_actions(conn, queries.ActionFilter(search="cafe"))
    assert [r["ref"] for r in found] == ["W1"]


def test_the_fixtures_are_what_the_script_writes(tmp_path, monkeypatch):
    from tests.importing import make_fixtures

    monkeypatch.setattr(make_fixtures, "FIXTURES", tmp_path)
    make_fixtures.write_all()
    for path in sorted(tmp_path.iterdir()):
        if path.suffix == ".csv":
            assert path.read_bytes() == (FIXTURES / path.name).read_bytes(), path.name
        else:
            assert (FIXTURES / path.name).is_file()
