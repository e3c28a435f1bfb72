"""Restoring a backup over a register, safely: `actreg restore BACKUP --to FILE`.

Copying a backup over a register with `cp` leaves the old register's -wal
beside it, and SQLite replays that log into the copy on the next open: entries
come back that the backup never had, or the file is malformed. Restoring goes
through SQLite instead: the backup is verified first, the target is locked
exclusively (refused while any other process has it open), its old -wal is
taken in by SQLite and then overwritten page by page with the backup API, and
the result is verified again before it is reported.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import stat
from dataclasses import dataclass
from pathlib import Path

from db.errors import ActregError, NotARegister
from db.integrity.verifier import verify
from db.store.backup import backup_to
from db.store.connection import APPLICATION_ID, check_register_file, open_register


@dataclass(frozen=True)
class Restored:
    target: Path
    entries: int
    head_hash: str
    replaced: bool  # False: the target did not exist before


def restore(backup: Path, target: Path) -> Restored:
    """Make `target` hold exactly what `backup` holds; nothing changes unless all goes well."""
    backup, target = Path(backup), Path(target)
    source = open_register(backup, readonly=True)
    try:
        checked = verify(source)
        if not checked.ok:
            raise ActregError(
                f"the backup {backup} does not verify ({checked.problems[0]}): "
                "nothing was restored. Try an older backup."
            )
        replaced = _check_target(backup, target)
        if replaced:
            _copy_into(source, target)
        else:
            _drop_orphans(target)
            backup_to(source, target)
    finally:
        source.close()
    restored = open_register(target)
    try:
        result = verify(restored)
    finally:
        restored.close()
    if not result.ok or result.head_hash != checked.head_hash:
        why = result.problems[0] if result.problems else "its head hash differs from the backup's"
        raise ActregError(f"the restored {target} does not match the backup: {why}.")
    return Restored(target, result.entries, result.head_hash, replaced)


def _check_target(backup: Path, target: Path) -> bool:
    """True if `target` is an existing file to restore into; refuse what must not be replaced."""
    try:
        mode = os.stat(target).st_mode
    except FileNotFoundError:
        return False
    if not stat.S_ISREG(mode):
        raise ActregError(f"{target} is not a regular file: actreg restores only into a file.")
    if os.path.samefile(backup, target):
        raise ActregError(f"{target} is the backup itself: give the register to restore into.")
    try:
        check_register_file(target)
    except NotARegister as exc:
        with open(target, "rb") as handle:
            header = handle.read(100)
        # A damaged register is what a restore is for; another program's file is not.
        ours = header.startswith(b"SQLite format 3\x00") and (
            int.from_bytes(header[68:72], "big") in (APPLICATION_ID, 0)
        )
        if not ours:
            raise ActregError(
                f"{target} is not an actreg register ({exc}): actreg will not restore over "
                "it. Give a new file name, or the register's own."
            ) from None
    return True


def _copy_into(source: sqlite3.Connection, target: Path) -> None:
    """The backup API into `target`, holding it exclusively from start to finish."""
    try:
        dest = sqlite3.connect(target, isolation_level=None, timeout=0)
    except sqlite3.Error as exc:
        raise ActregError(f"cannot open {target} to restore into it ({exc}).") from None
    try:
        # EXCLUSIVE locking mode keeps the lock from this first transaction until the
        # connection closes: no other process can open the register in between.
        dest.execute("PRAGMA locking_mode = EXCLUSIVE")
        try:
            dest.execute("BEGIN EXCLUSIVE")
            dest.execute("COMMIT")
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                raise ActregError(
                    f"{target} is open in another program (an actreg window or command?): "
                    "close it and try again. Nothing was changed."
                ) from None
            raise _too_damaged(target, exc) from None
        except sqlite3.DatabaseError as exc:
            raise _too_damaged(target, exc) from None
        try:
            source.backup(dest)
            dest.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        except sqlite3.Error as exc:
            raise ActregError(f"restoring into {target} failed ({exc}).") from None
    finally:
        dest.close()


def _too_damaged(target: Path, exc: Exception) -> ActregError:
    return ActregError(
        f"{target} is too damaged for SQLite to write into ({exc}). Restore to a new file "
        "(`actreg restore BACKUP --to NEW.db`) and use that one instead. Nothing was changed."
    )


def _drop_orphans(target: Path) -> None:
    """A -wal or -shm with no register beside it belongs to a register that is gone:
    left there, SQLite would replay that old log into the restored file."""
    for side in ("-wal", "-shm", "-journal"):
        with contextlib.suppress(FileNotFoundError):
            os.unlink(f"{target}{side}")
