"""A register on a read-only disk (as root: a tmpfs remounted read-only, or a read-only
bind mount of a folder): it can be read, the user is told it is read-only, and a write is
refused with a clear message. (As root, a chmod 444 file is still writable: only a
read-only mount makes a register read-only for root.)"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from pathlib import Path

import pytest

from db.errors import ReadOnlyRegister
from db.integrity import verifier
from db.store import register
from db.store.connection import open_register
from tests.reliability.conftest import is_root, remount


def _digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()}


def _mount(*args: str) -> None:
    done = subprocess.run(["mount", *args], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        pytest.skip(f"mount {' '.join(args)} failed: {done.stderr.strip()}")


@pytest.fixture(params=["tmpfs-remounted-ro", "bind-mount-ro"])
def read_only_register(request, tmpfs, tmp_path: Path, template_db: Path):
    if request.param == "tmpfs-remounted-ro":
        point = tmpfs("4m", "ro")
        shutil.copyfile(template_db, point / "register.db")
        remount(point, "ro")
        yield point / "register.db"
        return
    if not is_root():
        pytest.skip("a bind mount needs root")
    source, point = tmp_path / "source", tmp_path / "bound"
    source.mkdir()
    point.mkdir()
    shutil.copyfile(template_db, source / "register.db")
    _mount("--bind", str(source), str(point))
    try:
        _mount("-o", "remount,bind,ro", str(point))
        yield point / "register.db"
    finally:
        subprocess.run(["umount", "-l", str(point)], capture_output=True, check=False)


def test_the_cli_reads_a_read_only_register_and_refuses_to_write(run, read_only_register: Path):
    folder = read_only_register.parent
    before = _digest(folder)
    listed = run("list", "--format", "json", db=read_only_register)
    assert [row["ref"] for row in listed.json()] == ["A1"]
    assert "actreg: note: Read-only: " in listed.stderr
    assert "Changes cannot be saved" in listed.stderr

    result = run("update", "A1", "--note", "x", db=read_only_register, check_exit=1)
    assert "read-only" in result.stderr.lower()
    assert "This register is open read-only" in result.stderr
    assert "Traceback" not in result.stderr
    run("verify", db=read_only_register)
    assert _digest(folder) == before  # not a byte changed, no -wal/-shm created


def test_open_register_on_a_read_only_disk(read_only_register: Path, register_state):
    conn = open_register(read_only_register)
    try:
        assert conn.readonly is True
        assert len(conn.notices) == 1
        assert conn.notices[0].startswith("Read-only: ")
        before = register_state(conn)
        with pytest.raises(ReadOnlyRegister, match="read-only"):
            register.record_note(conn, "A1", "x", author="Jo")
        assert register_state(conn) == before
        assert verifier.verify(conn).ok
    finally:
        conn.close()
    print(f"\nread-only disk: notice {conn.notices[0]!r}")
