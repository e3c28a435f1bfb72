"""An upgrade's cost grows with the file, not with actions times entries.

Upgrade 5 rebuilds the log, which the action table refers to. Run with foreign
keys on, SQLite's DROP TABLE deleted the old log a row at a time and, for each
entry, scanned every action for a reference to it: a register of 100,000
actions and 2,000,000 entries ran for over half an hour without finishing.

The cost is counted in SQLite virtual-machine steps (a progress handler called
every 1,000 of them): deterministic, unlike a time.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from db.errors import ActregError
from db.store import migrations

FIXTURES = Path(__file__).parent / "fixtures"


def grown_register(
    path: Path, *, actions: int, entries: int, dangling: bool = False, version: int = 4
) -> Path:
    """The fixture of `version` with `actions` more actions and `entries` more log entries.

    The new rows copy the fixture's first action and entry with new keys: not a
    valid hash chain (verify would say so), which an upgrade does not check.
    """
    shutil.copyfile(FIXTURES / f"register-v{version}.db", path)
    db = sqlite3.connect(path)
    action_columns = [row[1] for row in db.execute("PRAGMA table_info(action)")]
    log_columns = [row[1] for row in db.execute("PRAGMA table_info(progress_log)")]
    first_action = db.execute("SELECT * FROM action WHERE id = 1").fetchone()
    first_entry = db.execute("SELECT * FROM progress_log WHERE id = 1").fetchone()
    action = dict(zip(action_columns, first_action, strict=True))
    entry = dict(zip(log_columns, first_entry, strict=True))
    top_entry = db.execute("SELECT max(id) FROM progress_log").fetchone()[0]
    top_action = db.execute("SELECT max(id) FROM action").fetchone()[0]
    new_entries = [
        dict(
            entry,
            id=top_entry + 1 + n,
            uuid=f"grown-{n}",
            hash=f"grown-{n}",
            kind="note",
            action_id=1,
        )
        for n in range(entries)
    ]
    new_actions = [
        dict(
            action,
            id=top_action + 1 + n,
            ref=f"G{n}",
            ref_key=f"g{n:010d}",
            last_entry_id=top_entry + 1 + n % entries,
        )
        for n in range(actions)
    ]
    if dangling:
        new_actions[-1]["last_entry_id"] = 10**9  # refers to no entry
    for table, columns, rows in (
        ("progress_log", log_columns, new_entries),
        ("action", action_columns, new_actions),
    ):
        marks = ", ".join("?" * len(columns))
        db.executemany(
            f"INSERT INTO {table} VALUES ({marks})", [tuple(r[c] for c in columns) for r in rows]
        )
    db.commit()
    db.close()
    return path


def upgrade_steps(path: Path, every: int = 1000) -> int:
    """SQLite VM steps (in `every`s) to bring `path` to the current schema."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA foreign_keys = ON")  # as every actreg connection has it
    counted = 0

    def count() -> int:
        nonlocal counted
        counted += 1
        return 0  # carry on

    conn.set_progress_handler(count, every)
    try:
        migrations.migrate(conn)
        assert conn.execute("PRAGMA user_version").fetchone()[0] == migrations.schema_version()
        assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1  # on again afterwards
    finally:
        conn.close()
    return counted


def test_eight_times_the_actions_costs_the_upgrade_almost_nothing_more(tmp_path: Path):
    few = upgrade_steps(grown_register(tmp_path / "few.db", actions=200, entries=2000))
    many = upgrade_steps(grown_register(tmp_path / "many.db", actions=1600, entries=2000))
    # Before the fix: 1,933 against 21,793 (11x). After: 415 against 422.
    assert many < 1.5 * few, (few, many)


def test_upgrade_6_does_not_copy_the_log(tmp_path: Path):
    # Its CHECKs accept more kinds of entry: the table's definition changes in place.
    short = upgrade_steps(grown_register(tmp_path / "s.db", actions=5, entries=200, version=5))
    long = upgrade_steps(grown_register(tmp_path / "l.db", actions=5, entries=8000, version=5))
    assert long < 1.5 * short, (short, long)


def test_a_reference_to_a_missing_entry_stops_the_upgrade_and_keeps_the_old_version(
    tmp_path: Path,
):
    path = grown_register(tmp_path / "broken.db", actions=3, entries=5, dangling=True)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA foreign_keys = ON")
    try:
        with pytest.raises(ActregError, match=r"row \d+ of action refers to a row of progress_log"):
            migrations.migrate(conn)
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 4
        assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        columns = [row[1] for row in conn.execute("PRAGMA table_info(progress_log)")]
        assert "effective_date" not in columns  # the rebuild was undone
    finally:
        conn.close()


def test_upgrade_7_does_not_copy_the_log(tmp_path: Path):
    # It drops the index of hashes in place: the entries are not read or written.
    # (It takes under a thousand steps: counted in tens.)
    short = grown_register(tmp_path / "s.db", actions=5, entries=200, version=6)
    long = grown_register(tmp_path / "l.db", actions=5, entries=8000, version=6)
    short, long = upgrade_steps(short, every=10), upgrade_steps(long, every=10)
    assert long < 1.5 * short, (short, long)
