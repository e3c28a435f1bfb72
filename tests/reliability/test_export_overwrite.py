"""`export -o` and `triage --summary -o` never destroy a file they were not meant to.

The register itself, any other SQLite file and anything that is not a regular file (a
device, a pipe) are refused even with --force; an existing file is refused unless
--force is given; nothing is changed by a refusal. Temp files that a killed export or
backup left beside their target are removed by the next run writing to that folder.
"""

from __future__ import annotations

import hashlib
import os
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.reliability.conftest import child_env

MEETING = "2099-07-14"


@pytest.fixture
def snapshotted(run, fresh_db: Path) -> Path:
    run("meeting", "add", MEETING, db=fresh_db)
    run("snapshot", "--meeting", MEETING, db=fresh_db)
    return fresh_db


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


WRITERS = {
    "export": ("export", "--meeting", MEETING, "-o"),
    "triage-summary": ("triage", "--summary", "2000-01-01", "-o"),
}


@pytest.mark.parametrize("writer", WRITERS)
@pytest.mark.parametrize("force", [(), ("--force",)], ids=["plain", "force"])
def test_the_register_and_other_sqlite_files_are_never_written_over(
    run, snapshotted, db_state, tmp_path, writer, force
):
    backup = tmp_path / "backup.db"
    run("backup", backup, db=snapshotted)
    before, backup_bytes = db_state(snapshotted), _digest(backup)
    for target in (snapshotted, backup):
        result = run(*WRITERS[writer], target, *force, db=snapshotted, check_exit=1)
        assert f"output: {target} is an SQLite database (a register?)" in result.stderr
        assert "never writes an export over it" in result.stderr
    assert db_state(snapshotted) == before
    assert _digest(backup) == backup_bytes
    run("verify", db=snapshotted)


@pytest.mark.parametrize("writer", WRITERS)
def test_an_existing_file_is_replaced_only_with_force(run, snapshotted, tmp_path, writer):
    important = tmp_path / "important.docx"
    important.write_bytes(b"the only copy of the chair's report")
    result = run(*WRITERS[writer], important, db=snapshotted, check_exit=1)
    assert f"output: {important} already exists" in result.stderr
    assert "--force to replace it" in result.stderr
    assert important.read_bytes() == b"the only copy of the chair's report"
    run(*WRITERS[writer], important, "--force", db=snapshotted)
    assert important.read_bytes() != b"the only copy of the chair's report"


def _fifo(folder: Path) -> Path:
    path = folder / "pipe.csv"
    os.mkfifo(path)
    return path


def _device(folder: Path) -> Path:
    path = folder / "null-device.csv"
    try:
        os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, 3))  # what /dev/null is
    except PermissionError:
        pytest.skip("making a device node needs root")
    return path


@pytest.mark.parametrize("make", [_fifo, _device], ids=["fifo", "device"])
@pytest.mark.parametrize("writer", WRITERS)
def test_a_device_or_pipe_is_never_replaced_by_a_file(run, snapshotted, tmp_path, make, writer):
    target = make(tmp_path)
    kind = stat.S_IFMT(target.lstat().st_mode)
    for force in ((), ("--force",)):
        result = run(*WRITERS[writer], target, *force, db=snapshotted, check_exit=1, timeout=20)
        assert "is not a regular file (a device, pipe or socket)" in result.stderr
    assert stat.S_IFMT(target.lstat().st_mode) == kind  # still what it was


_LEAVE_TEMPS = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from db.store.temp_files import temp_path
    folder = Path(sys.argv[1])
    backup = temp_path(folder / "register-copy.db", "backup")
    backup.write_bytes(b"x" * 4096)
    Path(f"{backup}-journal").write_bytes(b"j" * 512)
    temp_path(folder / "pack.csv", "export").write_bytes(b"half an export")
    """
)


@pytest.mark.parametrize("writer", ["export", "backup"])
def test_temp_files_of_a_dead_process_are_removed_by_the_next_run(
    run, snapshotted, tmp_path, writer
):
    folder = tmp_path / "out"
    folder.mkdir()
    subprocess.run(
        [sys.executable, "-c", _LEAVE_TEMPS, str(folder)], env=child_env(), check=True
    )  # the process that wrote them has exited: they are dead
    from db.store.temp_files import temp_path

    alive = temp_path(folder / "pack.csv", "export")  # this process's: still in use
    alive.write_bytes(b"being written")
    dead = sorted(p.name for p in folder.iterdir() if p != alive)
    assert len(dead) == 3 and all(name.startswith(".actreg-") for name in dead)
    if writer == "export":
        run(*WRITERS["export"], folder / "pack.csv", db=snapshotted)
        wanted = {"pack.csv", alive.name}
    else:
        run("backup", folder / "copy.db", db=snapshotted)
        wanted = {"copy.db", alive.name}
    assert {p.name for p in folder.iterdir()} == wanted
    print(f"\ndead temp files ({writer}): {len(dead)} removed, 1 of a live process kept")
