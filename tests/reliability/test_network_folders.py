"""Network and synced folders: found from /proc/mounts, and given a rollback journal."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from db.integrity import verifier
from db.store import connection, register
from db.store.connection import (
    create_register,
    filesystem_of,
    is_shared_filesystem,
    on_block_device,
    open_register,
)

MOUNTS = """\
/dev/vda1 / ext4 rw,relatime 0 0
proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0
//nas/team /mnt/nas cifs rw,relatime,vers=3.1.1 0 0
/dev/vdb1 /mnt/nas/local ext4 rw,relatime 0 0
server:/export /home/ann/shared nfs4 rw,relatime,vers=4.2 0 0
ann@host:/srv /home/ann/remote fuse.sshfs rw,nosuid,nodev 0 0
//nas/My\\040Team /media/My\\040Team\\040Share cifs rw 0 0
tmpfs /run tmpfs rw,nosuid,nodev 0 0
"""


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/home/ann/register.db", ("/", "ext4")),
        ("/mnt/nas/register.db", ("/mnt/nas", "cifs")),
        ("/mnt/nas/deep/er/register.db", ("/mnt/nas", "cifs")),
        ("/mnt/nas/local/register.db", ("/mnt/nas/local", "ext4")),  # the longest wins
        ("/mnt/nasty/register.db", ("/", "ext4")),  # a name that only starts like a mount
        ("/mnt/nas", ("/mnt/nas", "cifs")),  # the mount point itself
        ("/home/ann/shared/actions.db", ("/home/ann/shared", "nfs4")),
        ("/home/ann/shared2/actions.db", ("/", "ext4")),
        ("/home/ann/remote/x/actions.db", ("/home/ann/remote", "fuse.sshfs")),
        ("/media/My Team Share/register.db", ("/media/My Team Share", "cifs")),  # \040
        ("/media/My/register.db", ("/", "ext4")),
    ],
)
def test_filesystem_of_picks_the_longest_mount_holding_the_path(path: str, expected):
    assert filesystem_of(Path(path), MOUNTS) == expected


def test_filesystem_of_outside_every_mount_or_with_no_mounts():
    only_nas = "//nas/team /mnt/nas cifs rw 0 0\nbroken line\n\n"
    assert filesystem_of(Path("/home/ann/register.db"), only_nas) is None
    assert filesystem_of(Path("/home/ann/register.db"), "") is None
    assert filesystem_of(Path("/mnt/nas/r.db"), only_nas) == ("/mnt/nas", "cifs")


@pytest.mark.parametrize(
    ("escaped", "plain"),
    [("/mnt/Team\\134Share", "/mnt/Team\\Share"), ("/mnt/Team\\011Share", "/mnt/Team\tShare")],
    ids=["backslash", "tab"],
)
def test_filesystem_of_unescapes_every_octal_escape(escaped: str, plain: str):
    mounts = f"/dev/vda1 / ext4 rw 0 0\n//nas/t {escaped} cifs rw 0 0\n"
    assert filesystem_of(Path(plain) / "register.db", mounts) == (plain, "cifs")


@pytest.mark.parametrize(
    ("fstype", "shared"),
    [
        ("cifs", True),
        ("nfs4", True),
        ("nfs", True),
        ("smb3", True),
        ("fuse.sshfs", True),
        ("fuse.rclone", True),
        ("fuseblk", True),
        ("9p", True),
        ("ext4", False),
        ("xfs", False),
        ("btrfs", False),
        ("tmpfs", False),
        ("overlay", False),
    ],
)
def test_which_file_systems_count_as_shared(fstype: str, shared: bool):
    assert is_shared_filesystem(fstype) is shared


def _mounted_as(monkeypatch, folder: Path, fstype: str) -> None:
    text = f"/dev/vda1 / ext4 rw 0 0\nremote:/x {folder.resolve()} {fstype} rw 0 0\n"
    monkeypatch.setattr(connection, "_read_mounts", lambda: text)
    # (tmp_path may be on a disk, which would skip the mount table altogether.)
    monkeypatch.setattr(connection, "on_block_device", lambda device: False)


def test_only_a_disk_partition_counts_as_a_block_device():
    assert on_block_device(os.makedev(8, 1))  # /dev/sda1
    assert on_block_device(os.makedev(254, 0))  # /dev/vda
    assert not on_block_device(os.makedev(0, 53))  # NFS, CIFS, FUSE, tmpfs, btrfs


def test_a_register_on_a_disk_opens_without_reading_the_mount_table(
    monkeypatch, tmp_path: Path, template_db: Path
):
    path = tmp_path / "register.db"
    shutil.copyfile(template_db, path)
    monkeypatch.setattr(connection, "on_block_device", lambda device: True)

    def unread() -> str:
        raise AssertionError("/proc/mounts was read")

    monkeypatch.setattr(connection, "_read_mounts", unread)
    conn = open_register(path)
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.notices == []
    finally:
        conn.close()


@pytest.mark.parametrize("fstype", ["cifs", "nfs4", "fuse.sshfs"])
def test_a_register_on_a_network_folder_uses_a_rollback_journal_and_says_why(
    monkeypatch, tmp_path: Path, template_db: Path, fstype: str, draft
):
    folder = tmp_path / "share"
    folder.mkdir()
    path = folder / "register.db"
    shutil.copyfile(template_db, path)
    _mounted_as(monkeypatch, folder, fstype)
    conn = open_register(path)
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        assert len(conn.notices) == 1
        notice = conn.notices[0]
        assert "network or synced folder" in notice
        assert f"({fstype} at {folder.resolve()})" in notice
        assert "actreg backup" in notice
        register.record_note(conn, "A1", "written through a rollback journal", author="Jo")
        assert verifier.verify(conn).ok
    finally:
        conn.close()
    assert sorted(p.name for p in folder.iterdir()) == ["register.db"]  # no -wal, -shm

    new = folder / "new.db"  # a register created there starts with a rollback journal too
    conn = create_register(new, name="On the share")
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        assert any("network or synced folder" in n for n in conn.notices)
    finally:
        conn.close()
    print(f"\nnetwork folder ({fstype}): journal_mode=delete; notice: {notice[:70]}…")


def test_a_register_on_a_local_disk_uses_wal_and_no_notice(
    monkeypatch, tmp_path: Path, template_db: Path
):
    path = tmp_path / "register.db"
    shutil.copyfile(template_db, path)
    _mounted_as(monkeypatch, tmp_path, "ext4")
    conn = open_register(path)
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.notices == []
    finally:
        conn.close()
