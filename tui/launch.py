"""The `actreg` entry point: the command line, and the TUI when no command is named."""

from __future__ import annotations

from db.store.connection import RegisterConnection
from tui.cli.main import main as run_cli


def open_app(conn: RegisterConnection, author: str) -> None:
    # Textual is imported here, only when the TUI opens: scripts never load it.
    from tui.app.app import run_app

    run_app(conn, author=author)


def main(argv: list[str] | None = None) -> int:
    return run_cli(argv, open_app=open_app)
