"""`actreg backup` while another actreg writes: the copy is a consistent prefix that verifies.

(That a migration backs the register up first is tested in tests/db/test_files.py,
test_an_older_register_is_backed_up_then_migrated.)
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

from db.integrity import verifier
from db.store import log
from db.store.connection import open_register
from tests.reliability.conftest import scaled, spawn_writer

BACKUPS = scaled(3, 20)


def _entries(path: Path) -> list[tuple]:
    plain = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return plain.execute(
            f"SELECT {log.SELECT_COLUMNS} FROM progress_log ORDER BY id"
        ).fetchall()
    finally:
        plain.close()


def test_a_backup_taken_during_writes_is_a_verified_prefix(run, fresh_db: Path, tmp_path: Path):
    writer = spawn_writer("append", str(fresh_db), "A1", "bk", "100000", "1")
    writer.stdin.write("go\n")
    writer.stdin.flush()
    assert writer.stdout.readline()  # it is writing
    copies = []
    try:
        for n in range(BACKUPS):
            destination = tmp_path / f"copy{n}.db"
            result = run("backup", destination, db=fresh_db)
            assert re.search(
                r"Backed up to .+ \([\d,]+ entries; verified\)\. Head hash: ", result.stdout
            )
            copies.append(destination)
    finally:
        writer.kill()
        writer.communicate()
    original = _entries(fresh_db)
    sizes = []
    for destination in copies:
        conn = open_register(destination, readonly=True)
        try:
            report = verifier.verify(conn)
            assert report.ok, report.problems
        finally:
            conn.close()
        copied = _entries(destination)
        assert copied == original[: len(copied)], "the copy is not a prefix of the chain"
        sizes.append(len(copied))
    assert sizes == sorted(sizes) and sizes[-1] > sizes[0] > 2, sizes  # taken while it grew
    print(f"\nbackup during writes: {BACKUPS} copies of {sizes} entries, each a verified prefix")


def test_a_backup_never_overwrites_a_file(run, fresh_db: Path, tmp_path: Path):
    destination = tmp_path / "existing.db"
    destination.write_text("keep me\n")
    result = run("backup", destination, db=fresh_db, check_exit=1)
    assert "already exists" in result.stderr
    assert destination.read_text() == "keep me\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["existing.db", "register.db"]
