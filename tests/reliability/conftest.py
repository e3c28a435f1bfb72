"""Fixtures for the reliability and security suite.

The command-line fixtures (``run``, ``template_db``, ``fresh_db``, ...) are the
ones tests/cli/ uses, imported rather than copied, so every CLI call here is
held to the same contract (no traceback, exit 0/1/2, "actreg: " on stderr).

``ACTREG_LONG=1`` turns every count up (kills, flips, writers, fuzz runs); the
default keeps the whole directory within CI's budget.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli.conftest import (  # noqa: F401  (fixtures, re-exported for this directory)
    add_args,
    author,
    db_state,
    fresh_db,
    no_leftovers,
    run,
    sandbox,
    show_json,
    start,
    template_db,
)

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
#: Long runs for soak testing: ACTREG_LONG=1.
LONG = os.environ.get("ACTREG_LONG", "").strip() not in ("", "0")


def scaled(ci: int, long: int) -> int:
    """`ci` by default, `long` when ACTREG_LONG=1."""
    return long if LONG else ci


def child_env() -> dict[str, str]:
    """The environment for Python children: the checkout first on the path, no ACTREG_*."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ACTREG_")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env["PYTHONUNBUFFERED"] = "1"
    return env


def spawn_writer(*args: str, **popen) -> subprocess.Popen:
    """Start tests/reliability/note_writer.py with `args` (pipes for stdin and stdout)."""
    return subprocess.Popen(
        [sys.executable, str(HERE / "note_writer.py"), *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=child_env(),
        cwd=ROOT,
        **popen,
    )


def is_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


@pytest.fixture
def tmpfs(tmp_path: Path):
    """mount(size="1m", name="mnt") -> a fresh tmpfs folder; unmounted afterwards.

    Skips the test when not root or when mounting is not allowed (a container).
    """
    mounted: list[Path] = []

    def mount(size: str = "1m", name: str = "mnt") -> Path:
        if not is_root():
            pytest.skip("mounting a tmpfs needs root")
        point = tmp_path / name
        point.mkdir()
        done = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={size},mode=0777", "tmpfs", str(point)],
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
        mounted.append(point)
        return point

    try:
        yield mount
    finally:
        for point in reversed(mounted):
            subprocess.run(["umount", "-l", str(point)], capture_output=True, check=False)


def remount(point: Path, options: str) -> None:
    done = subprocess.run(
        ["mount", "-o", f"remount,{options}", str(point)], capture_output=True, text=True
    )
    if done.returncode != 0:
        pytest.skip(f"cannot remount {point} {options}: {done.stderr.strip()}")


# --- a small register with history and snapshots ----------------------------------


def build_small_register(path: Path) -> Path:
    """A closed register: three actions with a few weeks of history, two meetings,
    a snapshot for each (the second after more changes). No -wal beside it."""
    from db.cycles import meetings, snapshots
    from db.store import register
    from db.store.connection import create_register
    from tests.conftest import FakeClock, draft_fields

    clock = FakeClock()
    conn = create_register(path, name="Flip test register", organisation="Test Council")
    try:

        def step(days: float = 1.0) -> None:
            clock.advance(days * 86_400)

        for ref, owner in (("A1", "Ann Archer"), ("A2", "Bob Baker"), ("B1", "Cy Cole")):
            register.add_action(
                conn,
                draft_fields(ref, owner=owner, directorate="Finance", theme="Governance"),
                author="Jo",
                clock=clock,
            )
            step(0.1)
        meetings.add_meeting(conn, "2025-02-20", deadline="2025-02-10", clock=clock)
        meetings.add_meeting(conn, "2025-04-20", deadline="2025-04-10", clock=clock)
        register.record_note(conn, "A1", "Scoping started with finance", author="Ann", clock=clock)
        step()
        register.set_rag(conn, "A2", "amber", reason="supplier late", author="Bob", clock=clock)
        step()
        register.move_target_date(
            conn, "B1", "2025-09-30", reason="waiting for the audit", author="Cy", clock=clock
        )
        step(40)
        snapshots.take_snapshot(conn, "2025-02-20", author="Clerk", clock=clock)
        step()
        register.change_status(conn, "A1", "in progress", author="Ann", clock=clock)
        register.record_note(conn, "A1", "Draft policy\nwith two lines", author="Ann", clock=clock)
        step()
        register.add_evidence(conn, "A2", "Minute 12/2025", author="Bob", clock=clock)
        register.close_action(conn, "A2", author="Bob", clock=clock)
        step(60)
        snapshots.take_snapshot(conn, "2025-04-20", author="Clerk", clock=clock)
    finally:
        conn.close()
    return path


def register_contents(conn) -> dict[str, list]:
    """What actreg reads back: every action row, log entry, snapshot and snapshot row.

    Snapshot rows are compared as actreg reads them (each snapshot's data in position
    order); their keys (position numbers, the ref column) are listed apart, under
    "snapshot_row_keys", since no reader depends on their exact values.
    """
    from db.store import log
    from db.store.projection import ACTION_COLUMNS

    return {
        "action": conn.execute(
            f"SELECT {', '.join(ACTION_COLUMNS)} FROM action ORDER BY id"
        ).fetchall(),
        "progress_log": conn.execute(
            f"SELECT {log.SELECT_COLUMNS} FROM progress_log ORDER BY id"
        ).fetchall(),
        "snapshot": conn.execute("SELECT * FROM snapshot ORDER BY id").fetchall(),
        "snapshot_row": conn.execute(
            "SELECT snapshot_id, data FROM snapshot_row ORDER BY snapshot_id, position"
        ).fetchall(),
        "snapshot_row_keys": conn.execute(
            "SELECT snapshot_id, position, ref FROM snapshot_row ORDER BY snapshot_id, position"
        ).fetchall(),
    }


@pytest.fixture(scope="session")
def small_register(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """build_small_register(), once per session: copy it before changing it."""
    return build_small_register(tmp_path_factory.mktemp("small") / "small.db")
