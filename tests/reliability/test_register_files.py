"""Files that are not (or not only) a register: refused before they can do harm.

- A FIFO, a socket or a device as --db is refused before it is opened (opening a FIFO
  would wait for a writer for ever).
- A file with actreg's mark but no register inside (a backup killed half-way, whose hot
  journal rolls it back to nothing) is refused, never set up as a new empty register:
  only `init` and `demo` create registers.
- A register with a second hard link opens read-only: two writers through two names
  corrupt it for good.
- A read-only folder holding a -wal but no -shm: the register is refused with a message
  saying to copy both files, never read without the changes in its -wal.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from db.store.connection import APPLICATION_ID
from tests.reliability.conftest import child_env, remount

STEPS = ("list", "verify", "update A1 --note hello")


def _named_pipe(tmp_path: Path) -> Path:
    path = tmp_path / "pipe.db"
    os.mkfifo(path)
    return path


def _socket(tmp_path: Path) -> Path:
    path = tmp_path / "sock.db"
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(path))
    server.close()  # the socket file stays
    return path


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (_named_pipe, "named pipe"),
        (_socket, "socket"),
        (lambda tmp: Path("/dev/null"), "device"),
        (lambda tmp: Path("/dev/zero"), "device"),
    ],
    ids=["fifo", "socket", "dev-null", "dev-zero"],
)
def test_a_special_file_as_db_is_refused_without_hanging(run, tmp_path, make, words):
    path = make(tmp_path)
    for step in STEPS:
        result = run(*step.split(), db=path, check_exit=1, timeout=20)
        assert f"{path} is a {words}" in result.stderr or f"{path} is {words}" in result.stderr, (
            result
        )
        assert "not an actreg register file" in result.stderr
    if path.parent == tmp_path:
        assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]  # nothing beside it


# --- a file that holds no register --------------------------------------------------

_KILLED_BACKUP = textwrap.dedent(
    """
    import os, sqlite3, sys
    source = sqlite3.connect(sys.argv[1])
    target = sqlite3.connect(sys.argv[2])
    target.execute("PRAGMA cache_size = 2")  # pages reach the file before the end
    steps = [0]
    def step(status, remaining, total):
        steps[0] += 1
        if steps[0] == 3:
            os.kill(os.getpid(), 9)
    source.backup(target, pages=8, progress=step)
    """
)


def _killed_backup(small_register: Path, tmp_path: Path) -> Path:
    """What a backup killed half-way leaves: a file beside a hot journal. It is given
    actreg's header and the register's length, as when the disk kept those pages."""
    partial = tmp_path / ".actreg-backup.partial"
    done = subprocess.run(
        [sys.executable, "-c", _KILLED_BACKUP, str(small_register), str(partial)],
        env=child_env(),
        check=False,
    )
    assert done.returncode == -signal.SIGKILL
    assert Path(f"{partial}-journal").stat().st_size > 0  # a hot journal
    with open(small_register, "rb") as source, open(partial, "r+b") as target:
        target.write(source.read(100))
        target.truncate(small_register.stat().st_size)
    return partial


def _marked_but_empty(small_register: Path, tmp_path: Path) -> Path:
    path = tmp_path / "empty-marked.db"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.close()
    return path


@pytest.mark.parametrize("make", [_killed_backup, _marked_but_empty])
def test_a_file_holding_no_register_is_refused_not_set_up_empty(
    run, small_register, tmp_path, make
):
    path = make(small_register, tmp_path)
    result = run("verify", db=path, check_exit=1)
    assert "holds no register" in result.stderr, result
    assert "Only `actreg init` and `actreg demo` create registers" in result.stderr
    assert "Register OK" not in result.stdout
    for step in ("list", "update A1 --note x", "verify"):
        # (Opening it rolled its hot journal back: it may now be empty, and says so.)
        result = run(*step.split(), db=path, check_exit=1)
        assert "holds no register" in result.stderr or "is empty (0 bytes)" in result.stderr
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 0  # still not set up
        assert conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0
    finally:
        conn.close()


# --- hard links ------------------------------------------------------------------------


def test_a_register_with_a_second_hard_link_refuses_writes(run, fresh_db, db_state, tmp_path):
    other = tmp_path / "other-name.db"
    os.link(fresh_db, other)
    before = db_state(fresh_db)
    for path in (fresh_db, other):
        result = run("update", "A1", "--note", "through a link", db=path, check_exit=1)
        assert "has 2 hard links" in result.stderr, result
        assert "This register is open read-only" in result.stderr
        listed = run("list", "--format", "json", db=path)  # reading is fine, with a note
        assert [r["ref"] for r in listed.json()] == ["A1"]
        assert "actreg: note: Read-only: " in listed.stderr and "hard links" in listed.stderr
    assert db_state(fresh_db) == before
    other.unlink()
    run("update", "A1", "--note", "one name again", db=fresh_db)
    assert len(db_state(fresh_db).entries) == len(before.entries) + 1


# --- a read-only folder with a -wal and no -shm -------------------------------------------

_WRITE_AND_DIE = textwrap.dedent(
    """
    import os, sys
    from db.store import register
    from db.store.connection import open_register
    conn = open_register(sys.argv[1])
    for n in range(3):
        register.record_note(conn, "A1", f"acknowledged {n}", author="Jo")
    print("written", flush=True)
    os.kill(os.getpid(), 9)  # no close: the notes stay in the -wal
    """
)


def test_a_wal_in_a_read_only_folder_without_shm_is_never_ignored(run, tmpfs, fresh_db, tmp_path):
    done = subprocess.run(
        [sys.executable, "-c", _WRITE_AND_DIE, str(fresh_db)],
        env=child_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.stdout == "written\n", done.stderr
    wal = Path(f"{fresh_db}-wal")
    assert wal.stat().st_size > 0
    point = tmpfs("8m", "ro")
    shutil.copyfile(fresh_db, point / "register.db")
    shutil.copyfile(wal, point / "register.db-wal")  # (no -shm: as a copy or an unzip leaves)
    remount(point, "ro")
    db = point / "register.db"
    for step in ("verify", "list", "show A1"):
        result = run(*step.split(), db=db, check_exit=1)
        assert "register.db-wal beside it holds changes not yet written" in result.stderr
        assert "Copy both register.db and register.db-wal to a folder you can write to" in (
            result.stderr
        )
        assert "Register OK" not in result.stdout
    # Done as the message says, every acknowledged note is there.
    copy = tmp_path / "copy"
    copy.mkdir()
    shutil.copyfile(db, copy / "register.db")
    shutil.copyfile(f"{db}-wal", copy / "register.db-wal")
    shown = run("show", "A1", "--format", "json", db=copy / "register.db").json()
    notes = [e["commentary"] for e in shown["log"] if e["kind"] == "note"]
    assert {"acknowledged 0", "acknowledged 1", "acknowledged 2"} <= set(notes)
    run("verify", db=copy / "register.db")
    print("\nread-only folder with -wal, no -shm: refused, 3 of 3 acknowledged notes kept")
