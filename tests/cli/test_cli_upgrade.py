"""Opening an older register from the command line: told before the wait, then of the backup."""

from __future__ import annotations

import shutil
from pathlib import Path

from db.store.migrations import schema_version

FIXTURES = Path(__file__).parent.parent / "db" / "fixtures"


def test_an_upgrade_is_announced_before_it_starts_and_its_backup_named_after(run, tmp_path):
    path = tmp_path / "old.db"
    shutil.copyfile(FIXTURES / "register-v4.db", path)
    size = f"{path.stat().st_size // 1024:,} KB"  # (before the upgrade rewrites it)
    result = run("list", db=path)
    lines = result.stderr.splitlines()
    assert lines[0] == (
        f"actreg: Upgrading {path} ({size}) from schema 4 to {schema_version()}, after backing "
        "it up. A big register takes a few minutes: please wait."
    )
    backups = list(tmp_path.glob("old.db.v4-*.bak"))
    assert len(backups) == 1
    assert lines[1] == f"actreg: note: Upgraded from schema 4; the old file is in {backups[0]}."
    assert "A1" in result.stdout
    again = run("list", db=path)
    assert again.stderr == ""  # a current register opens without a word
