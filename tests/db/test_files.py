"""Opening and creating register files: refusals that touch nothing, pragmas, migrations."""

from __future__ import annotations

import gc
import random
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from db.errors import ActregError, NotARegister, ReadOnlyRegister
from db.integrity import verifier
from db.store import connection, migrations, register
from db.store.connection import create_register, open_register
from db.store.migrations import APPLICATION_ID, Upgrade, schema_version


def make_register(folder: Path, name: str = "source.db") -> Path:
    """A closed register with one action, in its own folder."""
    folder.mkdir(exist_ok=True)
    path = folder / name
    conn = create_register(path, name="Source register")
    register.add_action(
        conn,
        {"ref": "A1", "title": "Fix it", "owner": "Jo", "target_date": "2025-06-30"},
        author="Jo",
    )
    conn.close()
    return path


# --- things that are not registers ---------------------------------------------------
# Each builder makes `target` (in a folder of its own) and may use `scratch` for sources.


def _empty(target: Path, scratch: Path) -> None:
    target.write_bytes(b"")


def _random_bytes(target: Path, scratch: Path) -> None:
    data = random.Random(20250106).randbytes(8192)
    assert not data.startswith(b"SQLite")
    target.write_bytes(data)


def _csv(target: Path, scratch: Path) -> None:
    target.write_text("ref,title,owner,target date\nA1,Fix the roads,Jo,2025-06-30\n")


def _xlsx(target: Path, scratch: Path) -> None:
    target.write_bytes(b"PK\x03\x04" + bytes(2000))


def _other_app(target: Path, scratch: Path) -> None:
    plain = sqlite3.connect(target)
    plain.execute("CREATE TABLE recipes (name TEXT, serves INTEGER)")
    plain.execute("INSERT INTO recipes VALUES ('soup', 4)")
    plain.commit()
    plain.close()


def _too_new(target: Path, scratch: Path) -> None:
    make_register(scratch, "newer.db").rename(target)
    plain = sqlite3.connect(target)
    plain.execute(f"PRAGMA user_version = {schema_version() + 1}")
    plain.close()
    header = target.read_bytes()[:100]
    assert int.from_bytes(header[60:64], "big") == schema_version() + 1  # on disk, not in a WAL
    assert int.from_bytes(header[68:72], "big") == APPLICATION_ID


def _truncated(target: Path, scratch: Path) -> None:
    target.write_bytes(make_register(scratch).read_bytes()[:1024])


def _cut_in_half(target: Path, scratch: Path) -> None:
    data = make_register(scratch).read_bytes()
    page_size = int.from_bytes(data[16:18], "big")
    target.write_bytes(data[: len(data) // 2 // page_size * page_size])


def _scrambled_schema(target: Path, scratch: Path) -> None:
    """A whole register whose first page (the schema table) is garbage after the header."""
    data = bytearray(make_register(scratch).read_bytes())
    data[100:4096] = random.Random(7).randbytes(3996)
    target.write_bytes(bytes(data))


def _header_only(target: Path, scratch: Path) -> None:
    target.write_bytes(make_register(scratch).read_bytes()[:200])


def _missing(target: Path, scratch: Path) -> None:
    pass


def _folder(target: Path, scratch: Path) -> None:
    target.mkdir()


CUT_SHORT = r"is damaged: the file is cut short\. Restore it from a backup\.$"
NOT_REGISTERS: dict[str, tuple[Callable[[Path, Path], None], str]] = {
    "empty file": (_empty, r"is empty \(0 bytes\): it is not an actreg register\.$"),
    "random bytes": (
        _random_bytes,
        r"is not an SQLite database \(its first bytes are not an SQLite header\), "
        r"not an actreg register\.$",
    ),
    "csv renamed .db": (
        _csv,
        r"is a text file \(it looks like CSV\): use `actreg import` for spreadsheets, "
        r"not an actreg register\.$",
    ),
    "xlsx renamed .db": (_xlsx, r"is a zip file \(an Excel or Word document\?\)"),
    "another app's database": (
        _other_app,
        r"is an SQLite database of another application, not an actreg register\.$",
    ),
    "newer schema": (
        _too_new,
        rf"was written by a newer actreg \(schema version {schema_version() + 1}; this actreg "
        rf"reads up to {schema_version()}\)\. Upgrade actreg to open it\.$",
    ),
    "truncated register": (_truncated, CUT_SHORT),
    "register cut at a page boundary": (_cut_in_half, CUT_SHORT),
    "header only": (_header_only, CUT_SHORT),
    "scrambled schema page": (
        _scrambled_schema,
        r"is damaged \(.+\)\. Restore it from a backup\.$",
    ),
    "missing file": (_missing, r": no register here\. Create one with `actreg init`"),
    "folder": (_folder, r" is a folder, not an actreg register file\.$"),
}


def folder_contents(folder: Path) -> dict[str, bytes | None]:
    """Every path under `folder` with its bytes (None for a folder)."""
    return {
        str(p.relative_to(folder)): (None if p.is_dir() else p.read_bytes())
        for p in sorted(folder.rglob("*"))
    }


@pytest.fixture
def not_a_register(request, tmp_path: Path) -> tuple[Path, str]:
    build, message = NOT_REGISTERS[request.param]
    folder = tmp_path / "victim"
    folder.mkdir()
    target = folder / "register.db"
    build(target, tmp_path / "scratch")
    return target, message


@pytest.mark.parametrize("not_a_register", NOT_REGISTERS, indirect=True)
def test_open_refuses_with_a_specific_message(not_a_register):
    target, message = not_a_register
    with pytest.raises(NotARegister, match=message) as info:
        open_register(target)
    assert str(info.value).startswith(str(target))


@pytest.mark.parametrize("not_a_register", NOT_REGISTERS, indirect=True)
def test_open_refuses_without_touching_anything(not_a_register):
    target, _ = not_a_register
    folder = target.parent
    before = folder_contents(folder)

    gc.disable()  # a leaked connection must not be tidied away before we look
    try:
        with pytest.raises(NotARegister):
            open_register(target)
        after = folder_contents(folder)
    finally:
        gc.enable()
        gc.collect()

    assert sorted(after) == sorted(before)  # no -wal, -shm or -journal beside it
    assert after == before


# --- creating ------------------------------------------------------------------------


@pytest.mark.parametrize("existing", ["file", "register", "folder"])
def test_create_refuses_an_existing_path_and_leaves_it_alone(tmp_path: Path, existing: str):
    target = tmp_path / "victim" / "register.db"
    target.parent.mkdir()
    if existing == "file":
        target.write_text("keep me\n")
    elif existing == "register":
        make_register(tmp_path / "scratch").rename(target)
    else:
        target.mkdir()
    before = folder_contents(target.parent)

    with pytest.raises(ActregError, match=r"already exists: actreg will not overwrite it\.$"):
        create_register(target, name="Again")

    assert folder_contents(target.parent) == before


def test_create_refuses_a_missing_folder(tmp_path: Path):
    with pytest.raises(ActregError, match=r"does not exist: create the folder first\.$"):
        create_register(tmp_path / "nowhere" / "register.db", name="x")
    assert not (tmp_path / "nowhere").exists()


def test_a_new_register_has_its_pragmas_and_settings(register_path: Path):
    conn = create_register(register_path, name="Audit actions", organisation="Borough Council")
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
        assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
        assert conn.execute("PRAGMA user_version").fetchone()[0] == schema_version()
        assert conn.execute("PRAGMA busy_timeout").fetchone()[0] >= 1000
        assert conn.isolation_level is None  # explicit BEGIN IMMEDIATE, never implicit
        assert connection.setting(conn, "name") == "Audit actions"
        assert connection.setting(conn, "organisation") == "Borough Council"
        assert conn.readonly is False
        assert conn.notices == []
        assert verifier.verify(conn).ok
    finally:
        conn.close()
    # Nothing is left behind from building it under a temporary name.
    assert sorted(p.name for p in register_path.parent.iterdir()) == ["register.db"]
    assert register_path.read_bytes()[68:72] == APPLICATION_ID.to_bytes(4, "big")


def test_reopening_a_register_sets_the_connection_pragmas_again(register_path: Path):
    create_register(register_path, name="x").close()
    conn = open_register(register_path)
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2
        assert conn.path == register_path
    finally:
        conn.close()


def test_a_register_opened_read_only_refuses_writes(tmp_path: Path, register_state):
    path = make_register(tmp_path / "r")
    conn = open_register(path, readonly=True)
    try:
        assert conn.readonly is True
        assert conn.notices == ["Read-only: opened read-only. Changes cannot be saved."]
        before = register_state(conn)
        with pytest.raises(ReadOnlyRegister, match=r"^This register is open read-only"):
            register.record_note(conn, "A1", "a note", author="Jo")
        assert register_state(conn) == before
    finally:
        conn.close()


# --- migrations ----------------------------------------------------------------------


def test_an_older_register_is_backed_up_then_migrated(tmp_path: Path, monkeypatch, register_state):
    path = make_register(tmp_path / "r", "old.db")
    conn = open_register(path)
    old_state = register_state(conn)
    conn.close()
    old = schema_version()
    backups_seen_by_the_step: list[list[Path]] = []

    def add_a_table(c: sqlite3.Connection) -> None:
        backups_seen_by_the_step.append(sorted(path.parent.glob(f"old.db.v{old}-*.bak")))
        c.execute("CREATE TABLE added_by_the_next_migration (x TEXT)")

    monkeypatch.setattr(
        migrations, "UPGRADES", [*migrations.UPGRADES, Upgrade(old + 1, "a table", add_a_table)]
    )
    assert schema_version() == old + 1

    conn = open_register(path)
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == old + 1
        assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
        assert conn.execute("SELECT count(*) FROM added_by_the_next_migration").fetchone()[0] == 0
        assert register_state(conn) == old_state
        # Its schema.sql lacks the new table (a real migration adds it there too), and
        # verify's schema check says so; nothing else is wrong.
        problems = verifier.verify(conn).problems
        assert len(problems) == 1 and "table added_by_the_next_migration" in problems[0]
        backups = sorted(path.parent.glob(f"old.db.v{old}-*.bak"))
        assert len(backups) == 1
        assert backups_seen_by_the_step == [backups]  # the backup was written first
        assert conn.notices == [f"Upgraded from schema {old}; the old file is in {backups[0]}."]
    finally:
        conn.close()
    monkeypatch.undo()

    # The backup is the register as it was: the old version, verifiable, same history.
    plain = sqlite3.connect(f"file:{backups[0]}?mode=ro", uri=True)
    try:
        assert plain.execute("PRAGMA user_version").fetchone()[0] == old
        assert plain.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        tables = {r[0] for r in plain.execute("SELECT name FROM sqlite_master")}
        assert "added_by_the_next_migration" not in tables
    finally:
        plain.close()
    backup = open_register(backups[0])
    try:
        assert register_state(backup) == old_state
        report = verifier.verify(backup)
        assert report.ok, report.problems
        assert report.head_hash == old_state.head[1]
    finally:
        backup.close()


def test_a_schema_1_register_gains_the_kept_action_count_and_the_title_index(
    tmp_path: Path, monkeypatch, register_state
):
    # Written by an actreg that had migration 1 only (as session 1's did).
    path = tmp_path / "r" / "v1.db"
    path.parent.mkdir()
    shutil.copyfile(Path(__file__).parent / "fixtures" / "register-v1.db", path)
    plain = sqlite3.connect(path)
    old_state = register_state(plain)
    actions = plain.execute("SELECT count(*) FROM action").fetchone()[0]
    plain.close()
    assert actions > 0

    conn = open_register(path)
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == schema_version() >= 2
        assert conn.execute("SELECT n FROM action_count").fetchone()[0] == actions
        indexes = {
            r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")
        }
        assert "action_title" in indexes
        state = register_state(conn)
        assert (state.actions, state.sources) == (old_state.actions, old_state.sources)
        # (Version 3 adds entries for the settings, committees, meetings and snapshots
        # after the old ones: db.store.events.)
        assert state.entry_count > old_state.entry_count
        report = verifier.verify(conn)
        assert report.ok, report.problems
        assert len(list(path.parent.glob("v1.db.v1-*.bak"))) == 1
    finally:
        conn.close()


def test_a_current_register_is_not_backed_up(tmp_path: Path):
    path = make_register(tmp_path / "r", "current.db")
    open_register(path).close()
    assert sorted(p.name for p in path.parent.iterdir()) == ["current.db"]


def test_a_failed_migration_leaves_the_register_at_its_old_version(
    tmp_path: Path, monkeypatch, register_state
):
    path = make_register(tmp_path / "r", "old.db")
    conn = open_register(path)
    old_state = register_state(conn)
    conn.close()

    def broken(c: sqlite3.Connection) -> None:
        c.execute("CREATE TABLE half_done (x TEXT)")
        c.execute("INSERT INTO no_such_table VALUES (1)")

    monkeypatch.setattr(
        migrations, "UPGRADES", [*migrations.UPGRADES, Upgrade(schema_version() + 1, "x", broken)]
    )
    with pytest.raises(NotARegister):
        open_register(path)
    monkeypatch.undo()
    gc.collect()

    plain = sqlite3.connect(path)
    try:
        assert plain.execute("PRAGMA user_version").fetchone()[0] == schema_version()
        tables = {r[0] for r in plain.execute("SELECT name FROM sqlite_master")}
        assert "half_done" not in tables
    finally:
        plain.close()
    conn = open_register(path)
    try:
        assert register_state(conn) == old_state
        assert verifier.verify(conn).ok
    finally:
        conn.close()
