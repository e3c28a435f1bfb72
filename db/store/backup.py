"""Backups: a consistent copy of a register, made with SQLite's backup API."""

from __future__ import annotations

import contextlib
import os
import sqlite3
from pathlib import Path

from db.errors import ActregError, WriteFailed
from db.store.temp_files import remove_dead, temp_path


def backup_to(conn: sqlite3.Connection, destination: str | Path) -> Path:
    """Copy the register with SQLite's backup API: consistent even while others write."""
    destination = Path(destination)
    try:
        exists = destination.exists() or destination.is_symlink()
    except OSError as exc:  # a name too long, an unreadable folder
        raise ActregError(f"cannot write the backup {destination}: {exc.strerror}.") from None
    if exists:
        raise ActregError(f"{destination} already exists: choose a new file for the backup.")
    remove_dead(destination.parent)  # backups a kill left half-written here
    temp = temp_path(destination, "backup")
    try:
        target = sqlite3.connect(temp)
        try:
            conn.backup(target)
            target.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
        finally:
            target.close()
        os.link(temp, destination)
    except OSError as exc:
        raise ActregError(f"cannot write the backup {destination}: {exc.strerror}.") from None
    except sqlite3.Error as exc:
        raise WriteFailed(
            f"the backup to {destination} failed ({exc}); no backup was made."
        ) from None
    finally:
        for leftover in (temp, Path(f"{temp}-journal")):
            with contextlib.suppress(FileNotFoundError):
                leftover.unlink()
    return destination
