"""Reading through the command line: list (filters, search, as-at, CSV), show, verify, backup.

Most tests read one register built once for the module (:func:`populated`);
tests that tamper or write work on a copy of it.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import secrets
import shutil
import sqlite3

import pytest

HEAD = re.compile(r"^Head hash: ([0-9a-f]{64})$", re.MULTILINE)


POPULATED = [
    ("A1", "Ann Archer", "Finance", "Governance", "2025-06-30", "Publish the transport policy"),
    ("A2", "Bob Baker", "Housing", "Risk", "2025-06-29", "Retender the taxi framework"),
    ("A3", "Ann Archer", "Housing", "Governance", "2025-12-31", "Train the panel members"),
    ("A10", "Cara Cole", "Finance", "Risk", "2024-01-01", "Fix the route planning data"),
]
#: A2's latest commentary: a comma, quotes and a second line, for the CSV round trip.
CHASED = 'Chased the supplier, "again".\nThey promise a date next week.'
POPULATED_HISTORY = [
    ["update", "A1", "--status", "in progress", "--rag", "amber", "--reason", "on track"],
    ["update", "A2", "--note", "Waiting on the xylophone procurement"],
    ["update", "A2", "--rag", "red", "--reason", "late", "--note", CHASED],
    ["update", "A3", "--status", "implemented", "--rag", "green", "--reason", "done"],
    ["close", "A10", "--evidence", "Audit report 1"],
]


@pytest.fixture(scope="module")
def populated(tmp_path_factory, run, add_args):
    """Four actions with different owners, directorates, themes, statuses, RAGs and dates.

    With today = 2025-06-30: A1 is due today (not overdue), A2 was due yesterday
    (overdue), A3 is implemented, A10 is closed with a target long past. Only
    A2's older note mentions "xylophone"; its latest commentary does not.
    """
    db = tmp_path_factory.mktemp("populated") / "populated.db"
    run("init", "--name", "Populated", db=db)
    for ref, owner, directorate, theme, target, title in POPULATED:
        fields = dict(owner=owner, directorate=directorate, theme=theme, target=target)
        run(*add_args(ref, title=title, **fields), db=db)
    for args in POPULATED_HISTORY:
        run(*args, db=db)
    return db


def refs(rows) -> list[str]:
    return [r["ref"] for r in rows]


# --- list -------------------------------------------------------------------


def test_list_is_in_natural_ref_order(populated, list_json):
    assert refs(list_json(populated)) == ["A1", "A2", "A3", "A10"]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        pytest.param(["--status", "in progress"], ["A1"], id="status"),
        pytest.param(["--status", "implemented", "--status", "closed"], ["A3", "A10"],
                     id="status-repeated"),
        pytest.param(["--status", "not_started"], ["A2"], id="status-machine-word"),
        pytest.param(["--status", "cancelled"], [], id="status-none"),
        pytest.param(["--rag", "red"], ["A2"], id="rag"),
        pytest.param(["--rag", "R", "--rag", "amber"], ["A1", "A2"], id="rag-repeated"),
        pytest.param(["--owner", "ann archer"], ["A1", "A3"], id="owner-any-case"),
        pytest.param(["--directorate", "Finance"], ["A1", "A10"], id="directorate"),
        pytest.param(["--theme", "Risk"], ["A2", "A10"], id="theme"),
        pytest.param(["--overdue"], ["A2"], id="overdue"),
        pytest.param(["--stale"], [], id="stale-none"),
        pytest.param(["--search", "xylophone"], ["A2"], id="search-older-note"),
        pytest.param(["--search", "XYLO"], ["A2"], id="search-prefix-any-case"),
        pytest.param(["--search", "taxi"], ["A2"], id="search-title"),
        pytest.param(["--search", "saxophone"], [], id="search-no-match"),
        pytest.param(["--search", '"(*'], [], id="search-punctuation-only"),
        pytest.param(["--owner", "Ann Archer", "--theme", "Governance", "--status",
                      "implemented"], ["A3"], id="combined"),
    ],
)  # fmt: skip
def test_each_filter_narrows_the_list(populated, list_json, filters, expected):
    assert refs(list_json(populated, *filters)) == expected


def test_stale_lists_open_actions_without_an_update_this_cycle(populated, list_json):
    # Five years on, nothing has been updated for more than a cycle; finished ones don't count.
    later = {"ACTREG_TODAY": "2030-01-01"}
    assert refs(list_json(populated, "--stale", env=later)) == ["A1", "A2"]
    assert all(r["stale"] for r in list_json(populated, "--stale", env=later))


def test_unknown_status_or_rag_filter_is_refused(run, populated):
    result = run("list", "--status", "done-ish", db=populated, check_exit=1)
    assert "status" in result.stderr
    result = run("list", "--rag", "blue", db=populated, check_exit=1)
    assert "rag" in result.stderr


def test_csv_has_the_same_columns_and_values_as_json(run, populated, list_json):
    rows = list_json(populated)
    assert next(r for r in rows if r["ref"] == "A2")["last_commentary"] == CHASED
    text = run("list", "--format", "csv", db=populated).stdout
    reader = csv.DictReader(io.StringIO(text))
    assert reader.fieldnames == list(rows[0])
    as_text = [
        {
            k: ("" if v is None else "true" if v is True else "false" if v is False else str(v))
            for k, v in row.items()
        }
        for row in rows
    ]
    assert list(reader) == as_text


HOSTILE_ADDS = [
    ("H1", {"title": '=HYPERLINK("http://x", "click")', "owner": "Dee, Deputy Director"}),
    ("H2", {"title": "+44 and -5 and @SUM(A1)", "source": 'The "Lessons" review, part 2'}),
    ("H3", {"title": "Café ü 🚌 日本語", "recommendation": 'R1: "quotes", commas'}),
]
HOSTILE_NOTES = [
    ["update", "H1", "--note", 'Line one, with "quotes"\nLine two\r\nLine three'],
    ["update", "H2", "--note", "tab\there; semi;colon"],
]


def test_csv_lines_are_what_csv_writer_writes_of_the_cells(run, fresh_db, add_args, monkeypatch):
    # SQLite makes each line (queries.list_csv_lines); csv.writer over the same cells
    # is the definition, hostile cells included.
    from db.read.queries import list_cells
    from db.store.connection import open_register
    from tests.cli.conftest import TODAY
    from tui.text.output import LIST_FIELDS, write_csv_rows

    for ref, fields in HOSTILE_ADDS:
        run(*add_args(ref, **fields), db=fresh_db)
    for args in HOSTILE_NOTES:
        run(*args, db=fresh_db)
    got = run("list", "--format", "csv", db=fresh_db).stdout

    monkeypatch.setenv("ACTREG_TODAY", TODAY)
    conn = open_register(fresh_db, readonly=True)
    want = io.StringIO()
    write_csv_rows(LIST_FIELDS, list_cells(conn, LIST_FIELDS), want)
    conn.close()
    assert got == want.getvalue()
    assert '"Line one, with ""quotes""\nLine two' in got  # (the test sees hostile cells)
    assert ',=HYPERLINK(""http://x""' not in got and '"=HYPERLINK(""http://x"", ""click"")"' in got


def test_csv_of_an_empty_list_still_has_the_header(run, populated, list_json):
    text = run("list", "--format", "csv", "--search", "saxophone", db=populated).stdout
    assert text.strip().split(",") == list(list_json(populated)[0])


def test_table_for_people_shows_refs_and_a_summary(run, populated):
    out = run("list", db=populated).stdout
    for ref in ("A1", "A2", "A3", "A10"):
        assert re.search(rf"^{ref}\b", out, re.MULTILINE)
    assert "4 actions, 1 overdue." in out


def test_as_at_far_in_the_future_equals_the_live_list(populated, list_json):
    assert list_json(populated, "--as-at", "9999-12-31") == list_json(populated)


def test_as_at_search_finds_the_same_actions_as_the_live_search(populated, list_json):
    live = list_json(populated, "--search", "xylophone")
    assert refs(live) == ["A2"]
    assert refs(list_json(populated, "--search", "xylophone", "--as-at", "9999-12-31")) == ["A2"]


def test_as_at_before_a_change_shows_the_old_value(run, fresh_db, show_json, list_json):
    run("update", "A1", "--rag", "red", "--reason", "slipping", db=fresh_db)
    entry = show_json(fresh_db, "A1")["log"][0]
    assert entry["kind"] == "rag"
    at = dt.datetime.fromisoformat(entry["recorded_at"].replace("Z", "+00:00"))
    just_before = (at - dt.timedelta(microseconds=1)).isoformat()
    (before,) = list_json(fresh_db, "--as-at", just_before)
    assert before["rag"] is None
    assert before["version"] == 1
    (then,) = list_json(fresh_db, "--as-at", entry["recorded_at"])
    assert then["rag"] == "red"
    assert then["version"] == 2
    # a date means the end of that day, UTC; before the register existed there was nothing
    assert list_json(fresh_db, "--as-at", "2000-01-01") == []
    (today,) = list_json(fresh_db, "--as-at", entry["recorded_at"][:10])
    assert today["rag"] == "red"


@pytest.mark.parametrize("bad", ["2023-02-31", "12/31/2023", "yesterday", "2025-06-30T25:00"])
def test_a_bad_as_at_is_refused_naming_it(run, populated, bad):
    result = run("list", "--as-at", bad, db=populated, check_exit=1)
    assert "as at" in result.stderr


@pytest.mark.parametrize(
    ("args", "env"),
    [
        pytest.param(["--as-at", "0202-05-01"], None, id="as-at-year-202"),
        pytest.param(["--as-at", "0001-01-01"], None, id="as-at-year-1"),
        pytest.param(["--as-at", "0001-01-01T00:00+05:00"], None, id="as-at-before-year-1-utc"),
        pytest.param([], {"ACTREG_TODAY": "0001-01-02"}, id="today-year-1"),
    ],
)
def test_tiny_years_are_handled_cleanly(run, populated, args, env):
    result = run("list", "--format", "json", *args, db=populated, env=env, check_exit=1)
    assert "is outside the years 1900–9999" in result.stderr


def test_reads_never_write(run, populated, no_leftovers):
    before = populated.read_bytes()
    run("list", db=populated)
    run("list", "--format", "csv", "--as-at", "2025-01-01", db=populated)
    run("show", "A2", db=populated)
    run("verify", db=populated)
    assert populated.read_bytes() == before
    no_leftovers(populated)


# --- show -------------------------------------------------------------------


def test_show_text_lists_the_log_newest_first(run, populated, show_json):
    text = run("show", "A2", db=populated).stdout
    log = show_json(populated, "A2")["log"]
    assert [e["sequence"] for e in log] == sorted((e["sequence"] for e in log), reverse=True)
    assert f"Progress log ({len(log)} entries, newest first)" in text
    positions = [text.index(f"id {e['uuid']}") for e in log]
    assert positions == sorted(positions)
    assert text.index("Chased the supplier") < text.index("xylophone") < text.index("created")
    assert text.splitlines()[0].startswith("A2")
    assert "Bob Baker" in text


def test_show_json_has_the_action_and_every_entry(populated, show_json, author):
    shown = show_json(populated, "A10")
    assert shown["action"]["ref"] == "A10"
    assert shown["action"]["status"] == "closed"
    assert shown["action"]["evidence"] == "Audit report 1"
    assert shown["log"][-1]["kind"] == "created"
    for entry in shown["log"]:
        assert entry["author"] == author
        assert re.fullmatch(r"[0-9a-f]{64}", entry["hash"])
        assert re.fullmatch(r"[0-9a-f-]{36}", entry["uuid"])


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_show_of_a_missing_ref_is_refused(run, populated, fmt):
    result = run("show", "NOPE", "--format", fmt, db=populated, check_exit=1)
    assert "no action" in result.stderr
    assert "NOPE" in result.stderr
    assert result.stdout == ""


# --- verify -----------------------------------------------------------------


def _last_hash(db) -> str:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT hash FROM progress_log ORDER BY id DESC LIMIT 1").fetchone()[0]
    finally:
        conn.close()


def test_verify_ok_prints_the_head_hash(run, populated):
    result = run("verify", db=populated)
    match = HEAD.search(result.stdout)
    assert match, result
    assert match.group(1) == _last_hash(populated)
    assert "OK" in result.stdout


def test_verify_expect_a_hash_from_the_history(run, populated, show_json):
    head = HEAD.search(run("verify", db=populated).stdout).group(1)
    result = run("verify", "--expect", head, db=populated)
    assert "is in this register's history" in result.stdout
    older = show_json(populated, "A1")["log"][-1]["hash"]
    run("verify", "--expect", older.upper(), db=populated)


def test_verify_expect_a_foreign_hash_fails(run, populated):
    result = run("verify", "--expect", secrets.token_hex(32), db=populated, check_exit=1)
    assert "NOT in this register's history" in result.stderr


def _tamper(db, *statements: str) -> None:
    conn = sqlite3.connect(db, isolation_level=None)
    try:
        for statement in statements:
            conn.execute(statement)
    finally:
        conn.close()


def test_verify_names_an_entry_changed_behind_its_back(run, populated, tmp_path, show_json):
    db = tmp_path / "tampered.db"
    shutil.copyfile(populated, db)
    target = next(e for e in show_json(db, "A2")["log"] if e["kind"] == "note")
    _tamper(
        db,
        "DROP TRIGGER progress_log_no_update",
        f"UPDATE progress_log SET commentary = 'Nothing to see' WHERE uuid = '{target['uuid']}'",
    )
    result = run("verify", db=db, check_exit=1)
    assert "verify FAILED" in result.stderr
    assert target["uuid"] in result.stderr
    assert f"#{target['sequence']}" in result.stderr


def test_verify_names_an_action_changed_behind_the_logs_back(run, populated, tmp_path):
    db = tmp_path / "tampered.db"
    shutil.copyfile(populated, db)
    _tamper(db, "UPDATE action SET status = 'closed' WHERE ref = 'A2'")
    result = run("verify", db=db, check_exit=1)
    assert "A2" in result.stderr
    assert "status" in result.stderr


def test_verify_expect_catches_a_truncated_history(run, populated, tmp_path):
    db = tmp_path / "tampered.db"
    shutil.copyfile(populated, db)
    cited = _last_hash(db)
    _tamper(
        db,
        "DROP TRIGGER progress_log_no_delete",
        "DELETE FROM progress_log WHERE id = (SELECT max(id) FROM progress_log)",
    )
    result = run("verify", "--expect", cited, db=db, check_exit=1)
    assert "NOT in this register's history" in result.stderr


# --- backup -----------------------------------------------------------------


def test_backup_makes_a_copy_that_verifies(run, populated, tmp_path, list_json, no_leftovers):
    dest = tmp_path / "copy.db"
    result = run("backup", dest, db=populated)
    assert str(dest) in result.stdout
    assert dest.is_file()
    no_leftovers(dest)
    copy = HEAD.search(run("verify", db=dest).stdout).group(1)
    assert copy == HEAD.search(run("verify", db=populated).stdout).group(1)
    assert list_json(dest) == list_json(populated)


def test_backup_onto_an_existing_file_is_refused(run, populated, tmp_path):
    dest = tmp_path / "precious.db"
    dest.write_bytes(b"do not overwrite me")
    result = run("backup", dest, db=populated, check_exit=1)
    assert "already exists" in result.stderr
    assert dest.read_bytes() == b"do not overwrite me"


def test_backup_into_a_missing_folder_is_refused(run, populated, tmp_path):
    dest = tmp_path / "missing" / "copy.db"
    run("backup", dest, db=populated, check_exit=1)
    assert not dest.parent.exists()


def test_list_json_is_valid_json_even_when_empty(run, populated):
    out = run("list", "--format", "json", "--search", "saxophone", db=populated).stdout
    assert json.loads(out) == []
