"""A full disk: the failing write says so, changes nothing, and the register stays sound.

(a) SQLite's own size limit (PRAGMA max_page_count) on the actreg connection;
(b) as root, a real 1 MB tmpfs filled by the register itself, then an export
onto that full disk, which must leave no file (not even its .partial temp).
"""

from __future__ import annotations

import contextlib
import shutil
import sqlite3
from pathlib import Path

import pytest

from db.errors import ReadOnlyRegister, WriteFailed
from db.integrity import verifier
from db.store import connection, register
from db.store.connection import create_register, open_register

#: Notes are as long as actreg allows, so the file grows fast.
BIG = 20_000
#: Pages the register may grow by before SQLite's size limit refuses a write.
HEADROOM = 60
FULL = "The disk is full (or the register reached its size limit). Nothing was changed"


def _fill(conn, clock, limit: int = 500) -> tuple[int, WriteFailed]:
    """Append big notes to A1 until a write fails; return (notes written, the error)."""
    for n in range(limit):
        clock.advance()
        try:
            register.record_note(
                conn, "A1", f"{n:05d} " + "x" * (BIG - 6), author="Jo", clock=clock
            )
        except WriteFailed as exc:
            return n, exc
    raise AssertionError(f"{limit} big notes fitted: the limit was never reached")


def _check_intact(conn, before, register_state) -> None:
    assert register_state(conn) == before  # the failed write left nothing behind
    report = verifier.verify(conn)
    assert report.ok, report.problems
    version = conn.execute("SELECT version FROM action WHERE ref = 'A1'").fetchone()[0]
    count = conn.execute("SELECT count(*) FROM progress_log WHERE action_id = 1").fetchone()[0]
    assert version == count


def test_the_size_limit_fails_a_write_cleanly(conn, clock, draft, register_state):
    register.add_action(conn, draft("A1"), author="Jo", clock=clock)
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.execute(f"PRAGMA max_page_count = {pages + HEADROOM}")
    written = 0
    for _ in range(3):  # the first refusal, and again: a full register stays usable for reads
        n, error = _fill(conn, clock)
        written += n
        assert str(error).startswith(FULL), str(error)
        before = register_state(conn)
        clock.advance()
        with pytest.raises(WriteFailed, match="disk is full"):
            register.record_note(conn, "A1", "y" * BIG, author="Jo", clock=clock)
        _check_intact(conn, before, register_state)
    assert written > 0
    assert not conn.in_transaction
    # The connection still reads everything that was acknowledged.
    assert conn.execute("SELECT count(*) FROM progress_log").fetchone()[0] == written + 2
    print(f"\ndisk full (max_page_count): {written} notes fitted, then WriteFailed: {error}")


def _fill_tmpfs(point: Path, clock, draft, register_state) -> tuple[Path, int, WriteFailed]:
    """A register on the tmpfs, grown with big notes until the disk is full, then closed."""
    path = point / "register.db"
    conn = create_register(path, name="Full disk")
    try:
        register.add_action(conn, draft("A1"), author="Jo", clock=clock)
        written, error = _fill(conn, clock)
        assert str(error).startswith(FULL), str(error)
        before = register_state(conn)
        with pytest.raises(WriteFailed, match="disk is full"):
            register.record_note(conn, "A1", "y" * BIG, author="Jo", clock=clock)
        _check_intact(conn, before, register_state)
        assert conn.execute("SELECT count(*) FROM progress_log").fetchone()[0] == written + 2
    finally:
        conn.close()  # its checkpoint cannot finish either: the -wal stays
    return path, written, error


def test_a_full_tmpfs_fails_the_write_and_the_export_cleanly(
    tmpfs, tmp_path: Path, small_register: Path, clock, draft, register_state, run
):
    point = tmpfs("1m")
    path, written, error = _fill_tmpfs(point, clock, draft, register_state)
    # What the file holds (read as SQLite does, with its -wal): nothing acknowledged is lost.
    plain = sqlite3.connect(path)
    try:
        assert plain.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert plain.execute("SELECT count(*) FROM progress_log").fetchone()[0] == written + 2
    finally:
        plain.close()

    # Fill what is left, then export a real register onto the full disk.
    with contextlib.suppress(OSError), open(point / "filler", "wb") as filler:
        while True:
            filler.write(b"\0" * 4096)
            filler.flush()
    source = tmp_path / "source.db"
    shutil.copyfile(small_register, source)
    before_files = sorted(p.name for p in point.iterdir())
    result = run(
        "export", "--meeting", "2025-04-20", "-o", point / "x.csv", db=source, check_exit=1
    )
    assert "No file was written" in result.stderr
    assert "No space left on device" in result.stderr
    assert sorted(p.name for p in point.iterdir()) == before_files  # no x.csv, no .partial
    print(
        f"\ndisk full (1 MB tmpfs): {written} notes fitted, then WriteFailed: {error}; "
        f"export onto the full disk: exit 1, no file left"
    )


def test_a_register_closed_on_a_full_disk_opens_again(tmpfs, clock, draft, register_state, run):
    point = tmpfs("1m")
    path, written, _ = _fill_tmpfs(point, clock, draft, register_state)
    conn = open_register(path)  # today: NotARegister "... is damaged: the file is cut short"
    try:
        assert conn.execute("SELECT count(*) FROM progress_log").fetchone()[0] == written + 2
        assert verifier.verify(conn).ok
    finally:
        conn.close()
    result = run("update", "A1", "--note", "z" * BIG, db=path, check_exit=1)
    assert "disk is full" in result.stderr


def test_a_register_on_a_full_disk_opens_read_only_and_says_why(
    tmpfs, clock, draft, register_state
):
    point = tmpfs("1m")
    path, written, _ = _fill_tmpfs(point, clock, draft, register_state)
    with contextlib.suppress(OSError), open(point / "filler", "wb") as filler:
        while True:  # whatever room the register left
            filler.write(b"\0" * 4096)
            filler.flush()
    conn = open_register(path)
    try:
        assert conn.readonly
        [notice] = conn.notices
        assert notice.startswith("Read-only: the disk is full (0 KB free in ")
        # Everything acknowledged is there, the write-ahead log's part included.
        assert conn.execute("SELECT count(*) FROM progress_log").fetchone()[0] == written + 2
        before = register_state(conn)
        with pytest.raises(ReadOnlyRegister, match="because the disk is full"):
            register.record_note(conn, "A1", "a note", author="Jo", clock=clock)
        assert register_state(conn) == before
    finally:
        conn.close()


def test_free_space_is_checked_where_the_register_lives(monkeypatch, tmp_path, template_db):
    path = tmp_path / "register.db"
    shutil.copyfile(template_db, path)
    asked = []

    def nearly_full(folder):
        asked.append(folder)
        return connection.MIN_FREE_BYTES - 1

    monkeypatch.setattr(connection, "free_bytes", nearly_full)
    conn = open_register(path)
    try:
        assert conn.readonly and asked == [tmp_path]
    finally:
        conn.close()
    monkeypatch.setattr(connection, "free_bytes", lambda folder: connection.MIN_FREE_BYTES)
    conn = open_register(path)
    try:
        assert not conn.readonly and conn.notices == []
    finally:
        conn.close()
