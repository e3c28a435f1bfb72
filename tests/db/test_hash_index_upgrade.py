"""Upgrade 7: the log's index of hashes goes, in place, and leaves a sound file.

It edits the stored schema (SQLite's procedure for changes that leave what is on
disk as it is), so these hold it to what SQLite itself says of the file after.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from db.errors import ActregError
from db.store import migrations
from db.store.connection import open_register

FIXTURES = Path(__file__).parent / "fixtures"


def _v6(tmp_path: Path) -> Path:
    path = tmp_path / "register.db"
    shutil.copyfile(FIXTURES / "register-v6.db", path)
    return path


def _indexed_columns(conn: sqlite3.Connection) -> list[list[str]]:
    return [
        [r[2] for r in conn.execute(f"PRAGMA index_info('{name}')")]
        for _, name, *_ in conn.execute("PRAGMA index_list(progress_log)")
    ]


def test_the_upgrade_drops_the_index_of_hashes_and_the_file_stays_sound(tmp_path: Path):
    path = _v6(tmp_path)
    before = sqlite3.connect(path)
    assert ["hash"] in _indexed_columns(before)
    pages_before = before.execute("PRAGMA freelist_count").fetchone()[0]
    before.close()
    conn = open_register(path)  # (upgrades it)
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 7
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert ["hash"] not in _indexed_columns(conn)
        assert ["uuid"] in _indexed_columns(conn)
        # The index's pages are the file's again, to be reused.
        assert conn.execute("PRAGMA freelist_count").fetchone()[0] > pages_before
    finally:
        conn.close()


def test_after_the_upgrade_the_log_still_refuses_a_clash_on_id_or_uuid(tmp_path: Path):
    path = _v6(tmp_path)
    open_register(path).close()
    conn = sqlite3.connect(path)
    try:
        columns = [r[1] for r in conn.execute("PRAGMA table_info(progress_log)")]
        last = conn.execute("SELECT * FROM progress_log ORDER BY id DESC LIMIT 1").fetchone()
        marks = ", ".join("?" * len(columns))
        same_uuid = (last[0] + 1, *last[1:])
        same_id = (last[0], "another uuid", *last[2:])
        for row in (same_uuid, same_id):
            with pytest.raises(
                sqlite3.IntegrityError, match="append-only: an entry with this id or uuid exists"
            ):
                conn.execute(f"INSERT OR REPLACE INTO progress_log VALUES ({marks})", row)
    finally:
        conn.close()


def test_a_log_defined_otherwise_stops_the_upgrade_and_keeps_version_6(tmp_path: Path):
    path = _v6(tmp_path)
    db = sqlite3.connect(path, isolation_level=None)
    # Someone rewrote the log's definition by hand (the same, spaced otherwise).
    (version,) = db.execute("PRAGMA schema_version").fetchone()
    db.execute("PRAGMA writable_schema = ON")
    db.execute(
        "UPDATE sqlite_schema SET sql = replace(sql, 'hash        TEXT NOT NULL UNIQUE,',"
        " 'hash TEXT NOT NULL UNIQUE,') WHERE name = 'progress_log'"
    )
    db.execute(f"PRAGMA schema_version = {version + 1}")
    db.execute("PRAGMA writable_schema = OFF")
    schema_before = db.execute("SELECT * FROM sqlite_schema ORDER BY name").fetchall()
    db.execute("PRAGMA foreign_keys = ON")
    try:
        with pytest.raises(ActregError, match=r"Upgrade to schema version 7 .* stopped"):
            migrations.migrate(db)
        assert db.execute("PRAGMA user_version").fetchone()[0] == 6
        assert db.execute("SELECT * FROM sqlite_schema ORDER BY name").fetchall() == schema_before
        assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    finally:
        db.close()
