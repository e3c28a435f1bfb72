"""What every verb shares: which register, who is writing, and usage errors.

The register is `--db`, then `$ACTREG_DB`, then one in the user data folder;
the author is `--author`, then `$ACTREG_AUTHOR`, then the login name.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from db.store.connection import RegisterConnection, open_register


class UsageError(Exception):
    """Arguments argparse could not check on its own (exit 2, like its own errors)."""


def register_path(args: argparse.Namespace) -> Path:
    """--db, else $ACTREG_DB, else register.db in the user data folder."""
    chosen = getattr(args, "db", None) or os.environ.get("ACTREG_DB")
    if chosen:
        return Path(chosen).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("actreg", appauthor=False)) / "register.db"


def author(args: argparse.Namespace) -> str:
    """--author, else $ACTREG_AUTHOR, else the login name."""
    chosen = getattr(args, "author", None) or os.environ.get("ACTREG_AUTHOR")
    if chosen:
        return chosen
    try:
        import getpass  # (only when no author is given)

        return getpass.getuser()
    except (KeyError, OSError):  # no login name in some containers
        return "unknown"


def open_for_verb(args: argparse.Namespace, *, check_pages: bool = True) -> RegisterConnection:
    """Open the register a verb works on, saying once on stderr what the user should know."""
    conn = open_register(register_path(args), check_pages=check_pages, announce=_say)
    for notice in conn.notices:  # read-only, network folder, upgraded: say so once
        print(f"actreg: note: {notice}", file=sys.stderr)
    return conn


def _say(text: str) -> None:
    print(f"actreg: {text}", file=sys.stderr, flush=True)


def new_register_path(args: argparse.Namespace) -> Path:
    """Where init and demo create a register (the default data folder is made if need be)."""
    path = register_path(args)
    if not (getattr(args, "db", None) or os.environ.get("ACTREG_DB")):
        path.parent.mkdir(parents=True, exist_ok=True)  # the default data folder
    return path
