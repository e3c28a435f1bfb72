"""Damaged and foreign files, through the CLI and through the TUI's entry point.

tests/cli/test_cli_files.py runs `list`, `update` and `verify` on the foreign
files (empty, random bytes, CSV, XLSX, another app's SQLite, a newer schema,
truncated, half a register). New here: a register with a zeroed page (bytes
4096-8191, page 2), and `actreg` with no command (the TUI), which must print
the same message and exit 1 when stdin is not a terminal, never a traceback.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.cli.conftest import ACTREG
from tests.cli.test_cli_files import FOREIGN


def _zeroed_page(path: Path, template: Path) -> None:
    data = bytearray(template.read_bytes())
    data[4096:8192] = bytes(4096)  # page 2: the root of register_setting
    path.write_bytes(bytes(data))


ZEROED = ["damaged", "actreg verify", "backup"]
SHARED = ("empty", "truncated-register", "random-bytes", "csv-renamed", "other-sqlite",
          "newer-register")  # fmt: skip
KINDS = {**{k: FOREIGN[k] for k in SHARED}, "zeroed-page-2": (_zeroed_page, ZEROED)}


@pytest.mark.slow
def test_a_zeroed_page_is_refused_by_list_with_a_specific_message(run, tmp_path, template_db):
    path = tmp_path / "register.db"
    _zeroed_page(path, template_db)
    before = path.read_bytes()
    result = run("list", db=path, check_exit=1)
    # Found at open by the quick_check small registers get: named, with what to do.
    assert "is damaged (database disk image is malformed)" in result.stderr, str(result)
    assert "Restore it from a backup" in result.stderr, str(result)
    assert path.read_bytes() == before
    verify = run("verify", db=path, check_exit=1)
    assert "the file is damaged: SQLite says database disk image is malformed" in verify.stderr


def test_a_zeroed_page_in_a_register_with_snapshots_is_refused_by_list(
    run, tmp_path, small_register
):
    path = tmp_path / "register.db"
    _zeroed_page(path, small_register)
    result = run("list", db=path, check_exit=None)
    assert result.returncode == 1, str(result)


def _tui(path: Path, sandbox, timeout: float = 8.0) -> subprocess.CompletedProcess:
    """`actreg --db PATH` (no command: the TUI) with stdin not a terminal."""
    return subprocess.run(
        [str(ACTREG), "--db", str(path)],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        errors="replace",
        env=sandbox.env(),
        cwd=sandbox.cwd,
        timeout=timeout,
        check=False,
    )


def _check_tui_refusal(done: subprocess.CompletedProcess, path: Path, needles) -> None:
    shown = f"exit {done.returncode}\n--- stdout\n{done.stdout[-2000:]}\n--- stderr\n{done.stderr}"
    assert "Traceback" not in done.stderr + done.stdout, shown
    assert done.returncode == 1, shown
    assert done.stderr.startswith("actreg: "), shown
    assert "internal error" not in done.stderr, shown
    for needle in needles:
        assert needle in done.stderr, shown


@pytest.mark.parametrize("kind", [k for k in KINDS if k != "zeroed-page-2"])
def test_the_tui_refuses_a_damaged_or_foreign_file_with_the_message(
    sandbox, tmp_path, template_db, no_leftovers, kind
):
    make, needles = KINDS[kind]
    path = tmp_path / "register.db"
    make(path, template_db)
    before = path.read_bytes()
    done = _tui(path, sandbox)
    _check_tui_refusal(done, path, needles)
    assert done.stdout == ""  # nothing drawn: the TUI never started
    assert path.read_bytes() == before
    no_leftovers(path)


def test_the_tui_refuses_a_register_with_a_zeroed_page(sandbox, tmp_path, template_db):
    path = tmp_path / "register.db"
    _zeroed_page(path, template_db)
    done = _tui(path, sandbox, timeout=4.0)
    _check_tui_refusal(done, path, ["malformed"])
