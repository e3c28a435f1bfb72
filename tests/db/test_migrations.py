"""Migrations: an empty file gets schema.sql whole; a file of every older version is
upgraded to exactly the schema a new file has, keeping its data, after a backup.

The old files are real registers of every older version, committed in fixtures/
(made by make_register_fixtures.py). When a migration to version N is added, add
the fixture of version N - 1: ``python -m tests.db.make_register_fixtures N-1``.
"""

from __future__ import annotations

import re
import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from db.integrity import verifier
from db.store import migrations, register
from db.store.connection import create_register, open_register
from db.store.events import EVENT_TABLES, ROUND_KINDS
from db.store.migrations import APPLICATION_ID, schema_version

FIXTURES = Path(__file__).parent / "fixtures"
OLD_VERSIONS = sorted(
    int(p.stem.removeprefix("register-v")) for p in FIXTURES.glob("register-v*.db")
)


def normalised_schema(path: Path) -> list[tuple[str, str, str, str]]:
    """sqlite_master as (type, name, table, sql) with comments and layout taken out of the SQL."""
    plain = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        rows = plain.execute("SELECT type, name, tbl_name, sql FROM sqlite_master").fetchall()
    finally:
        plain.close()
    return sorted((kind, name, table, _normalise(sql)) for kind, name, table, sql in rows)


def _normalise(sql: str | None) -> str:
    if sql is None:  # SQLite's own automatic indexes
        return ""
    sql = re.sub(r"--[^\n]*", " ", sql)
    sql = re.sub(r"\s+", " ", sql)
    return re.sub(r"\s*([(),;])\s*", r"\1", sql).strip()


def table_contents(path: Path) -> dict[str, list[tuple]]:
    """Every row of every ordinary table (not the full-text indexes' own tables)."""
    plain = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = [
            name
            for (name,) in plain.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'"
                " AND sql NOT LIKE 'CREATE VIRTUAL%' AND name NOT LIKE '%fts%' ORDER BY name"
            )
        ]
        return {t: sorted(plain.execute(f"SELECT * FROM {t}").fetchall(), key=repr) for t in tables}
    finally:
        plain.close()


@pytest.fixture
def fresh_register(tmp_path: Path) -> Path:
    path = tmp_path / "fresh" / "register.db"
    path.parent.mkdir()
    create_register(path, name="Fresh").close()
    return path


def copy_fixture(version: int, folder: Path) -> Path:
    folder.mkdir()
    target = folder / f"register-v{version}.db"
    shutil.copyfile(FIXTURES / f"register-v{version}.db", target)
    return target


def test_the_fixtures_are_registers_of_their_version_with_actions_a_meeting_and_a_snapshot():
    for version in OLD_VERSIONS:
        plain = sqlite3.connect(f"file:{FIXTURES / f'register-v{version}.db'}?mode=ro", uri=True)
        try:
            assert plain.execute("PRAGMA user_version").fetchone()[0] == version
            assert plain.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
            assert plain.execute("SELECT count(*) FROM action").fetchone()[0] == 3
            assert plain.execute("SELECT count(*) FROM meeting").fetchone()[0] == 1
            assert plain.execute("SELECT count(*) FROM snapshot_row").fetchone()[0] == 3
        finally:
            plain.close()


def test_upgrading_puts_every_row_of_an_update_round_in_the_chain(tmp_path: Path):
    """Version 5 kept the round's rows outside the chain: version 6 records each one,
    so altering an owner's submission afterwards is found (tests/history/test_round_chain)."""
    path = copy_fixture(5, tmp_path / "old")
    before = table_contents(path)
    held = {kind: len(before[EVENT_TABLES[kind].table]) for kind in ROUND_KINDS}
    assert all(held.values()), held  # the fixture has rows in every table of the round
    with closing(open_register(path)) as conn:
        recorded = dict(
            conn.execute(
                "SELECT kind, count(*) FROM progress_log WHERE action_id IS NULL"
                " AND author = 'actreg upgrade' GROUP BY kind"
            ).fetchall()
        )
        assert recorded == held
        report = verifier.verify(conn)
        assert report.ok, report.problems
    plain = sqlite3.connect(path)
    try:
        plain.execute("DROP TRIGGER submission_no_update")
        plain.execute("UPDATE submission SET cells = '{}' WHERE id = 1")
        plain.commit()
    finally:
        plain.close()
    with closing(open_register(path)) as conn:
        problems = verifier.verify(conn).problems
    assert any(p.startswith("the submission table does not match the log") for p in problems)


def test_there_is_a_fixture_of_every_older_version():
    assert set(range(1, schema_version())) <= set(OLD_VERSIONS)
    assert max(OLD_VERSIONS) <= schema_version()


def test_an_empty_file_gets_schema_sql_whole_at_the_newest_version(tmp_path: Path):
    path = tmp_path / "empty.db"
    plain = sqlite3.connect(path, isolation_level=None)
    try:
        migrations.migrate(plain)
        assert plain.execute("PRAGMA user_version").fetchone()[0] == schema_version()
        assert plain.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
        names = {r[0] for r in plain.execute("SELECT name FROM sqlite_master")}
        declared = set(
            re.findall(
                r"CREATE (?:TABLE|INDEX|TRIGGER|VIRTUAL TABLE) (\w+)", migrations.schema_sql()
            )
        )
        assert declared <= names
        assert plain.execute("SELECT n FROM action_count").fetchone()[0] == 0
    finally:
        plain.close()
    conn = open_register(path)
    try:
        register.add_action(
            conn,
            {"ref": "A1", "title": "Fix it", "owner": "Jo", "target_date": "2026-06-30"},
            author="Jo",
        )
        report = verifier.verify(conn)
        assert report.ok, report.problems
    finally:
        conn.close()


@pytest.mark.parametrize("version", OLD_VERSIONS)
def test_an_old_register_is_upgraded_to_the_schema_of_a_new_one(
    version: int, tmp_path: Path, fresh_register: Path
):
    path = copy_fixture(version, tmp_path / "old")
    before = table_contents(path)
    conn = open_register(path)
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == schema_version()
        report = verifier.verify(conn)
        assert report.ok, report.problems
        assert report.actions == 3
    finally:
        conn.close()
    assert normalised_schema(path) == normalised_schema(fresh_register)
    after = table_contents(path)
    # Every row the old file held is still there, unchanged; new tables are derived.
    for table, rows in before.items():
        if table != "progress_log":
            assert after[table] == rows, table
    assert after["action_count"] == [(1, 3)]
    # Every entry kept (hash and all); before version 5, effective on its recorded day.
    # Then one entry each for the settings, committees, meetings and snapshots (version 5)
    # and the update round's rows (version 6) puts them in the chain.
    if version < 5:
        old_entries = {(*e[:11], e[9][:10], *e[11:]) for e in before["progress_log"]}
    else:
        old_entries = set(before["progress_log"])
    added = set(after["progress_log"]) - old_entries
    assert old_entries <= set(after["progress_log"])
    assert {e[3] for e in added} <= set(EVENT_TABLES)  # register rows' kinds
    assert all(e[2] is None for e in added)
    if version >= 6:  # (upgrade 7 only drops an index: no entry is added)
        assert not added
    else:
        assert min(e[0] for e in added) == len(old_entries) + 1


@pytest.mark.parametrize("version", OLD_VERSIONS)
def test_an_old_register_is_backed_up_before_it_is_upgraded(version: int, tmp_path: Path):
    path = copy_fixture(version, tmp_path / "old")
    before = table_contents(path)
    old_schema = normalised_schema(path)
    conn = open_register(path)
    conn.close()
    backups = sorted(path.parent.glob(f"{path.name}.v{version}-*.bak"))
    if version == schema_version():
        assert backups == []  # a current file is opened as it is
        return
    assert len(backups) == 1
    assert normalised_schema(backups[0]) == old_schema
    assert table_contents(backups[0]) == before


def test_every_upgrade_step_has_a_higher_version_than_the_last():
    versions = [u.version for u in migrations.UPGRADES]
    assert versions == list(range(2, 2 + len(versions)))
    assert all(u.name for u in migrations.UPGRADES)
