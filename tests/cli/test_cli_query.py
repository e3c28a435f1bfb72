"""`actreg query "SELECT ..."`: an analyst's own report, which can never change the register."""

from __future__ import annotations

import csv
import io
import sqlite3
from pathlib import Path

import pytest


@pytest.fixture(scope="module")
def report_db(tmp_path_factory, run, add_args) -> Path:
    """Two actions; A2's title has a comma and quotes, and its latest note two lines."""
    db = tmp_path_factory.mktemp("query") / "query.db"
    run("init", "--name", "Query register", db=db)
    run(*add_args("A1", title="Publish the policy", owner="Ann Archer"), db=db)
    run(*add_args("A2", title='Retender the "taxi" framework, again', owner="Bob Baker"), db=db)
    run("update", "A2", "--rag", "red", "--reason", "late", "--note", "Chased.\nNo date.", db=db)
    return db


def folder_snapshot(path: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(path.parent.iterdir())}


def test_a_query_prints_a_table_with_a_row_count(run, report_db):
    done = run("query", "SELECT ref, owner, rag FROM action ORDER BY ref_key", db=report_db)
    lines = done.stdout.splitlines()
    assert lines[0].split() == ["ref", "owner", "rag"]
    assert lines[2].split() == ["A1", "Ann", "Archer"]
    assert lines[3].split() == ["A2", "Bob", "Baker", "red"]
    assert lines[-1] == "2 rows."
    assert done.stderr == ""  # opened read-only on purpose: nothing to tell


def test_one_row_is_counted_in_the_singular(run, report_db):
    done = run("query", "SELECT count(*) AS actions FROM action", db=report_db)
    assert done.stdout.splitlines()[-1] == "1 row."


def test_csv_reads_back_with_the_csv_module(run, report_db):
    done = run(
        "query",
        "SELECT a.ref, a.title, a.last_commentary, a.rag_reason AS reason, NULL AS empty "
        "FROM action a ORDER BY a.ref_key",
        "--format",
        "csv",
        db=report_db,
    )
    rows = list(csv.reader(io.StringIO(done.stdout)))
    assert rows[0] == ["ref", "title", "last_commentary", "reason", "empty"]
    assert rows[1][:2] == ["A1", "Publish the policy"]
    assert rows[2] == [
        "A2",
        'Retender the "taxi" framework, again',
        "Chased.\nNo date.",
        "late",
        "",
    ]
    assert len(rows) == 3


def test_json_is_a_list_of_objects_with_duplicate_column_names_made_unique(run, report_db):
    done = run(
        "query",
        "SELECT ref, ref, target_revisions, rag FROM action ORDER BY ref_key",
        "--format",
        "json",
        db=report_db,
    )
    assert done.json() == [
        {"ref": "A1", "ref_2": "A1", "target_revisions": 0, "rag": None},
        {"ref": "A2", "ref_2": "A2", "target_revisions": 0, "rag": "red"},
    ]


def test_no_rows_still_gives_the_columns(run, report_db):
    sql = "SELECT ref, title FROM action WHERE 0"
    assert run("query", sql, "--format", "csv", db=report_db).stdout == "ref,title\n"
    assert run("query", sql, "--format", "json", db=report_db).json() == []
    table = run("query", sql, db=report_db).stdout.splitlines()
    assert table[0].split() == ["ref", "title"]
    assert table[-1] == "0 rows."


def test_the_log_and_the_schema_can_be_read(run, report_db):
    done = run(
        "query",
        "SELECT count(*) AS entries FROM progress_log WHERE kind = 'rag'",
        "--format",
        "json",
        db=report_db,
    )
    assert done.json() == [{"entries": 1}]
    columns = run(
        "query",
        "SELECT name FROM pragma_table_info('action') WHERE name LIKE 'target%'",
        "--format",
        "csv",
        db=report_db,
    )
    assert columns.stdout.split() == ["name", "target_date", "target_date_text", "target_revisions"]
    assert run("query", "PRAGMA table_info(meeting)", "--format", "json", db=report_db).json()


@pytest.mark.parametrize(
    ("sql", "named"),
    [
        ("DELETE FROM action", "DELETE"),
        ("update action set title = 'x'", "UPDATE"),
        ("INSERT INTO source (title) VALUES ('x')", "INSERT"),
        ("DROP TABLE action", "DROP"),
        ("  -- a comment first\nREPLACE INTO source (title) VALUES ('x')", "REPLACE"),
        ("WITH doomed AS (SELECT id FROM action) DELETE FROM action", "DELETE"),
        ("ATTACH 'elsewhere.db' AS other", "ATTACH"),
        ("PRAGMA user_version = 9", "PRAGMA user_version"),
        ("PRAGMA journal_mode = delete", "PRAGMA journal_mode"),
        ("PRAGMA wal_checkpoint", "PRAGMA wal_checkpoint"),
        ("VACUUM INTO 'copy.db'", "VACUUM"),
        ("CREATE TEMP TABLE scratch (x)", "CREATE"),
        ("BEGIN IMMEDIATE", "BEGIN"),
    ],
)
def test_a_statement_that_writes_is_refused_and_changes_nothing(
    run, report_db, sandbox, sql, named
):
    before = folder_snapshot(report_db)
    done = run("query", sql, db=report_db, check_exit=1)
    assert done.stderr.startswith(f"actreg: query: {named}")
    assert "only reads the register" in done.stderr
    assert len(done.stderr.splitlines()) == 1
    assert done.stdout == ""
    assert folder_snapshot(report_db) == before
    assert not (sandbox.cwd / "elsewhere.db").exists()
    assert not (sandbox.cwd / "copy.db").exists()


@pytest.mark.parametrize(
    ("sql", "message"),
    [
        ("SELECT 1; DELETE FROM action", "one statement at a time"),
        ("SELECT nope FROM action", "no such column: nope"),
        ("SELECT * FROM actions", "no such table: actions (the tables are action, action_count"),
        ("SELECT ref FROM action WHERE", "incomplete input"),
        ("SELEC ref FROM action", "'SELEC' does not start a query: begin with SELECT"),
        ("   ", "give one SQL statement"),
    ],
)
def test_a_bad_query_is_one_line_naming_the_problem(run, report_db, sql, message):
    before = folder_snapshot(report_db)
    done = run("query", sql, db=report_db, check_exit=1)
    assert done.stderr.startswith("actreg: query: ")
    assert message in done.stderr
    assert len(done.stderr.splitlines()) == 1
    assert folder_snapshot(report_db) == before


def test_a_query_writes_nothing_and_the_next_command_tidies_sqlites_files(
    run, report_db, no_leftovers
):
    before = report_db.read_bytes()
    run("query", "SELECT * FROM progress_log", "--format", "csv", db=report_db)
    assert report_db.read_bytes() == before
    # SQLite's read-only connection may leave its (empty) write-ahead log and
    # shared-memory index beside a WAL register; it cannot remove them itself.
    wal = report_db.with_name(report_db.name + "-wal")
    assert not wal.exists() or wal.stat().st_size == 0
    run("list", db=report_db)
    no_leftovers(report_db)


def test_the_query_runs_on_a_connection_sqlite_itself_keeps_read_only(report_db):
    # The third guard, alone: even a statement the first two let through cannot write.
    from db.store.connection import open_register

    conn = open_register(report_db, readonly=True)
    try:
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            conn.execute("INSERT INTO source (title) VALUES ('x')")
    finally:
        conn.close()


def test_run_query_refuses_a_writable_connection(report_db, tmp_path):
    from db.errors import InputError
    from db.read.own_query import run_query
    from db.store.connection import open_register

    copy = tmp_path / "copy.db"
    copy.write_bytes(report_db.read_bytes())
    conn = open_register(copy)
    try:
        with pytest.raises(InputError, match="must be opened read-only"):
            run_query(conn, "SELECT 1")
    finally:
        conn.close()
