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
        ("unterminated.csv", "row 4 (line 4 of unterminated.csv): a quote"),
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
    run("export", "--meeting", "2027-01-15", "-o", out, db=fresh_db)
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
