"""Registers made whole or not at all: `demo` killed half-way, and `restore` of a backup.

`demo` builds under a temporary name and links the register into place at the end:
killed at any point it leaves no register behind, and the next `demo` succeeds (and
clears the dead temp file). `restore BACKUP --to FILE` verifies the backup, refuses
while another process has FILE open, and goes through SQLite's backup API, so an old
-wal beside FILE is never replayed into the restored register.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from tests.reliability.conftest import child_env, scaled

KILLS = scaled(3, 12)


def _wait_for(predicate, what: str, timeout: float = 30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = predicate()
        if found:
            return found
        time.sleep(0.005)
    raise AssertionError(f"timed out waiting for {what}")


def test_a_killed_demo_leaves_no_register_and_the_next_one_succeeds(start, run, tmp_path):
    path = tmp_path / "demo.db"
    killed_after: list[int] = []
    for kill in range(KILLS):
        proc = start("demo", db=path)

        def building(kill=kill, proc=proc):
            if proc.poll() is not None:
                return True
            temps = list(tmp_path.glob(".actreg-create.*.partial-wal"))
            # Later kills wait for more of the story to be written.
            return bool(temps) and temps[0].stat().st_size > 40_000 * kill

        try:
            _wait_for(building, "the demo to start writing")
        finally:
            proc.send_signal(signal.SIGKILL)
            proc.communicate()
        if proc.returncode != -signal.SIGKILL:
            continue  # (it finished first: nothing to learn from this kill)
        killed_after.append(kill)
        assert not path.exists(), "a killed demo left a register behind"
        refused = run("list", db=path, check_exit=1)
        assert "no register here" in refused.stderr
    assert killed_after, "the demo always finished before it could be killed"
    assert any(tmp_path.glob(".actreg-create.*")), "the kills left no temp file to clear"
    made = run("demo", db=path)
    assert "Created a demo register" in made.stdout
    run("verify", db=path)
    assert [p.name for p in tmp_path.iterdir()] == ["demo.db"]  # dead temp files cleared
    print(f"\ndemo killed {len(killed_after)} times mid-build: no register left; rebuilt whole")


# --- restore --------------------------------------------------------------------------

_WRITE_AND_DIE = textwrap.dedent(
    """
    import os, sys
    from db.store import register
    from db.store.connection import open_register
    conn = open_register(sys.argv[1])
    for n in range(int(sys.argv[2])):
        register.record_note(conn, "A1", f"after the backup {n}", author="Jo")
    os.kill(os.getpid(), 9)  # no close: the notes stay in the -wal
    """
)

_HOLD_OPEN = textwrap.dedent(
    """
    import sys
    from db.store.connection import open_register
    conn = open_register(sys.argv[1])
    conn.execute("SELECT count(*) FROM action").fetchone()
    print("open", flush=True)
    sys.stdin.read()
    """
)


def _entries(run, db: Path) -> tuple[int, str]:
    shown = run("verify", db=db).stdout
    count = int(shown.split("Register OK: ")[1].split()[0])
    return count, shown.split("Head hash: ")[1].strip()


@pytest.fixture
def with_stale_wal(run, fresh_db: Path, tmp_path: Path) -> tuple[Path, Path]:
    """(register, backup): the backup taken at one entry, then three more entries
    written and the writer killed, so they sit in a -wal beside the register."""
    backup = tmp_path / "backup.db"
    run("backup", backup, db=fresh_db)
    done = subprocess.run(
        [sys.executable, "-c", _WRITE_AND_DIE, str(fresh_db), "3"], env=child_env(), check=False
    )
    assert done.returncode == -signal.SIGKILL
    assert Path(f"{fresh_db}-wal").stat().st_size > 0
    return fresh_db, backup


def test_restore_over_a_register_with_a_stale_wal_gives_exactly_the_backup(
    run, with_stale_wal, tmp_path
):
    register, backup = with_stale_wal
    wanted = _entries(run, backup)
    # What `cp` does: the old -wal is replayed into the copy (this is the defect).
    copied = tmp_path / "copied"
    copied.mkdir()
    shutil.copyfile(backup, copied / "r.db")
    shutil.copyfile(f"{register}-wal", copied / "r.db-wal")
    shutil.copyfile(f"{register}-shm", copied / "r.db-shm")
    naive = run("verify", db=copied / "r.db", check_exit=None)
    assert naive.returncode != 0 or _entries(run, copied / "r.db") != wanted

    done = run("restore", backup, "--to", register)
    assert f"Replaced the register in {register} from {backup}" in done.stdout
    # (2 entries: the register's settings, recorded with its first, and that first.)
    assert "2 entries; verified" in done.stdout and wanted[1] in done.stdout
    assert _entries(run, register) == wanted
    assert _entries(run, register) == wanted  # and it stays so on the next open
    run("update", "A1", "--note", "after the restore", db=register)
    assert _entries(run, register)[0] == wanted[0] + 1


def test_restore_into_a_new_file_and_never_over_the_backup(run, with_stale_wal, tmp_path):
    _, backup = with_stale_wal
    wanted = _entries(run, backup)
    new = tmp_path / "new.db"
    done = run("restore", backup, "--to", new)
    assert "Restored into the new file" in done.stdout
    assert _entries(run, new) == wanted
    same = run("restore", backup, "--to", backup, check_exit=1)
    assert "is the backup itself" in same.stderr
    other = tmp_path / "notes.txt"
    other.write_text("not a register")
    refused = run("restore", backup, "--to", other, check_exit=1)
    assert "is not an actreg register" in refused.stderr
    assert other.read_text() == "not a register"


def test_restore_is_refused_while_another_process_has_the_register_open(
    run, fresh_db, tmp_path, db_state
):
    backup = tmp_path / "backup.db"
    run("backup", backup, db=fresh_db)
    run("update", "A1", "--note", "kept while the register is open", db=fresh_db)
    before = db_state(fresh_db)
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLD_OPEN, str(fresh_db)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=child_env(),
    )
    try:
        assert holder.stdout.readline() == "open\n"
        refused = run("restore", backup, "--to", fresh_db, check_exit=1)
        assert "is open in another program" in refused.stderr
        assert "Nothing was changed" in refused.stderr
    finally:
        holder.stdin.close()
        holder.wait()
    assert db_state(fresh_db) == before
    run("restore", backup, "--to", fresh_db)  # closed now: it goes ahead
    assert db_state(fresh_db) != before


def test_a_backup_that_does_not_verify_is_not_restored(run, fresh_db, tmp_path, db_state):
    import sqlite3

    backup = tmp_path / "backup.db"
    run("backup", backup, db=fresh_db)
    conn = sqlite3.connect(backup)
    conn.execute("DROP TRIGGER progress_log_no_update")
    conn.execute("UPDATE progress_log SET author = 'Mallory'")
    conn.commit()
    conn.close()
    before = db_state(fresh_db)
    refused = run("restore", backup, "--to", fresh_db, check_exit=1)
    assert f"the backup {backup} does not verify" in refused.stderr
    assert "nothing was restored" in refused.stderr
    assert db_state(fresh_db) == before
    assert os.path.exists(fresh_db)
