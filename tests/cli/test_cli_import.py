"""`actreg import`: exit codes, the report on stdout, errors on stderr, verify afterwards."""

from __future__ import annotations

import hashlib
import shutil

import pytest

from tests.importing.conftest import FIXTURES


def _verify(run, db) -> None:
    assert "Register OK" in run("verify", db=db).stdout


def test_import_a_table_then_again_changes_nothing(run, fresh_db, list_json, db_state):
    result = run("import", FIXTURES / "mat_v1.csv", db=fresh_db)
    assert "Imported: 3 new, 0 updated, 0 unchanged, 0 rows skipped." in result.stdout
    assert "Notes" in result.stdout and "unknown column" in result.stdout
    _verify(run, fresh_db)
    assert [a["ref"] for a in list_json(fresh_db)] == ["1", "2", "3", "A1"]
    state = db_state(fresh_db)
    again = run("import", FIXTURES / "mat_v1.csv", db=fresh_db)
    assert "Imported: 0 new, 0 updated, 3 unchanged" in again.stdout
    assert db_state(fresh_db) == state
    newer = run("import", FIXTURES / "mat_v2.csv", db=fresh_db)
    assert "Imported: 1 new, 2 updated, 1 unchanged" in newer.stdout
    _verify(run, fresh_db)


def test_errors_refuse_the_import_with_exit_1(run, fresh_db, db_state):
    state = db_state(fresh_db)
    result = run("import", FIXTURES / "ragged.csv", db=fresh_db, check_exit=1)
    assert "ERROR" in result.stdout and "(column 8)" in result.stdout
    assert result.stderr.startswith("actreg: import refused: 1 error (row 4); nothing was")
    assert "row 4 (column 8): this row has 8 cells" in result.stderr
    assert db_state(fresh_db) == state


def test_skip_invalid_imports_the_other_rows(run, fresh_db, list_json):
    result = run("import", FIXTURES / "ragged.csv", "--skip-invalid", db=fresh_db)
    assert "Imported: 3 new, 0 updated, 0 unchanged, 1 row skipped." in result.stdout
    assert [a["ref"] for a in list_json(fresh_db)] == ["A1", "R1", "R2", "R4"]
    _verify(run, fresh_db)


def test_dry_run_leaves_the_file_byte_for_byte(run, fresh_db):
    before = hashlib.sha256(fresh_db.read_bytes()).hexdigest()
    result = run("import", FIXTURES / "merged_header.xlsx", "--dry-run", db=fresh_db)
    assert "Dry run, nothing changed. Would import: 3 new" in result.stdout
    assert hashlib.sha256(fresh_db.read_bytes()).hexdigest() == before


def test_json_report(run, fresh_db):
    result = run("import", FIXTURES / "free_text_dates.csv", "--format", "json", db=fresh_db)
    report = result.json()
    assert (report["new"], report["applied"], report["refused"]) == (18, True, False)
    assert {
        "level": "warning",
        "row": 16,
        "column": "Target date",
        "message": "'ongoing' is not a date: kept as the target's wording, with no target date",
    } in report["problems"]


def test_map_and_keep_unmapped(run, fresh_db, show_json):
    run("import", FIXTURES / "duplicate_headers.csv", db=fresh_db, check_exit=1)
    run("import", FIXTURES / "duplicate_headers.csv", "--map", "Lead officer=owner", db=fresh_db)
    assert show_json(fresh_db, "H1")["action"]["owner"] == "Ben Baker"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--map", "Ref=colour"], "usage error: --map: 'colour' is not a field"),
        (["--map", "nonsense"], "usage error: --map: 'nonsense' is not COLUMN=field"),
    ],
)
def test_bad_map_is_a_usage_error(run, fresh_db, args, message):
    result = run("import", FIXTURES / "bom.csv", *args, db=fresh_db, check_exit=2)
    assert message in result.stderr


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("utf16.csv", "is not a text file actreg can read"),
        ("unterminated.csv", "row 4: line 4 of unterminated.csv: a quote"),
        ("nosuch.csv", "does not exist"),
    ],
)
def test_unreadable_files_exit_1_with_a_message(run, fresh_db, name, message):
    result = run("import", FIXTURES / name, db=fresh_db, check_exit=1)
    assert message in result.stderr


def test_a_round_trip_through_the_cli(run, fresh_db, tmp_path, list_json):
    run("update", "A1", "--note", '=HYPERLINK("x"), with a comma\nand a new line', db=fresh_db)
    run("meeting", "add", "2027-01-15", db=fresh_db)
    run("snapshot", "--meeting", "2027-01-15", db=fresh_db)
    out = tmp_path / "export.csv"
    run("export", "--meeting", "2027-01-15", "--layout", "full", "-o", out, db=fresh_db)
    other = tmp_path / "other.db"
    run("init", db=other)
    result = run("import", out, db=other)
    assert "actreg export provenance; ignored" in result.stdout
    _verify(run, other)
    [before], [after] = list_json(fresh_db), list_json(other)
    for key in ("ref", "title", "owner", "directorate", "target_date", "last_commentary"):
        assert after[key] == before[key], key


def test_import_needs_a_file(run, fresh_db):
    run("import", db=fresh_db, check_exit=2)


def test_excel_sheet_choice(run, fresh_db, tmp_path):
    copy = tmp_path / "copy.xlsx"
    shutil.copyfile(FIXTURES / "sections.xlsx", copy)
    result = run("import", copy, "--sheet", "Other", db=fresh_db, check_exit=1)
    assert "has no sheet 'Other'" in result.stderr
    run("import", copy, "--sheet", "Actions", db=fresh_db)


def test_an_unterminated_quote_in_the_last_row_still_reports_the_rows_before(
    run, fresh_db, tmp_path, db_state
):
    path = tmp_path / "tracker.csv"
    path.write_text(
        "Ref,Action,Owner,Target date,Status\n"
        "U1,Fine,Ann Archer,2026-03-31,In progress\n"
        "U2,Bad date,Ben Baker,31/02/2026,In progress\n"
        "U3,Bad status,Cat Cole,2026-03-31,Sideways\n"
        'U4,"Never closed,Dan Dee,2026-03-31,In progress\n',
        encoding="utf-8",
    )
    before = db_state(fresh_db)
    for extra in ([], ["--skip-invalid"]):
        result = run("import", path, *extra, db=fresh_db, check_exit=1)
        assert "import refused: 3 errors (rows 3, 4, 5)" in result.stderr
        assert "row 3 Target date: '31/02/2026' is not a real date" in result.stderr
        assert "row 4 Status: 'Sideways' is not one of" in result.stderr
        assert "row 5: line 5 of tracker.csv: a quote" in result.stderr
        assert db_state(fresh_db) == before


def test_importing_a_register_says_it_is_one_and_what_to_do(run, fresh_db, tmp_path, db_state):
    other = tmp_path / "other-register.db"
    run("init", db=other)
    before = db_state(fresh_db)
    result = run("import", other, db=fresh_db, check_exit=1)
    assert "other-register.db is an actreg register, not a table to import" in result.stderr
    assert f"actreg --db {other} export --meeting DATE --format csv" in result.stderr
    assert "not a text file" not in result.stderr
    assert db_state(fresh_db) == before


def _tracker(tmp_path):
    path = tmp_path / "tracker.csv"
    path.write_text(
        "Ref,Action,Owner,Target date,Status,RAG,Progress update,Comments from IA\n"
        "T1,Do one,Ann Archer,TBC,In progress,Amber,Going well,IA says fine\n"
        "T2,Do two,Ben Baker,Q3 2026/27,Not started,,Waiting for funds,\n"
        "T3,Do three,Cat Cole,31/03/2026,In progress,Green,On track,Sampled in May\n",
        encoding="utf-8",
    )
    return path


def test_keep_unmapped_never_becomes_the_rag_reason(run, fresh_db, tmp_path, show_json):
    report = run("import", _tracker(tmp_path), "--keep-unmapped", db=fresh_db).stdout
    assert "unknown column: kept as commentary on each new action" in report
    assert "not imported" not in report
    t1 = show_json(fresh_db, "T1")["action"]
    assert (t1["rag"], t1["rag_reason"]) == ("amber", None)
    assert "Comments from IA: IA says fine" in show_json(fresh_db, "T1")["log"][-1]["commentary"]
    t3 = show_json(fresh_db, "T3")["action"]
    assert (t3["rag"], t3["rag_reason"]) == ("green", None)
    assert t3["last_commentary"] == "On track"


def test_show_prints_the_target_as_written_beside_the_date(run, fresh_db, tmp_path):
    run("import", _tracker(tmp_path), db=fresh_db)
    assert (
        "Target date           no date (as written: 'TBC')" in run("show", "T1", db=fresh_db).stdout
    )
    shown = run("show", "T2", db=fresh_db).stdout
    assert "Target date           2026-12-31 (as written: 'Q3 2026/27')" in shown


def test_reimporting_our_own_export_is_unchanged_and_keeps_the_wording(
    run, fresh_db, tmp_path, show_json, db_state
):
    run("import", _tracker(tmp_path), "--keep-unmapped", db=fresh_db)
    # A re-date's reason becomes T3's latest commentary; the pack shows its note instead.
    run("update", "T3", "--target", "2026-06-30", "--reason", "Data late", db=fresh_db)
    run("meeting", "add", "2099-01-12", db=fresh_db)
    run("snapshot", "--meeting", "2099-01-12", db=fresh_db)
    for fmt in ("csv", "xlsx"):
        out = tmp_path / f"pack.{fmt}"
        # The full layout is the one import reads back (the paper layout is for reading).
        run("export", "--meeting", "2099-01-12", "--format", fmt, "--layout", "full", "-o", out,
            db=fresh_db)  # fmt: skip
        before = db_state(fresh_db)
        result = run("import", out, db=fresh_db)
        assert "Imported: 0 new, 0 updated, 4 unchanged, 0 rows skipped." in result.stdout
        assert db_state(fresh_db) == before
    assert show_json(fresh_db, "T1")["action"]["target_date_text"] == "TBC"
    assert show_json(fresh_db, "T2")["action"]["target_date_text"] == "Q3 2026/27"
