"""`actreg export`, run as users run it: the installed console script, in a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from db.exporting import exporter
from tests.exports.conftest import AUTHOR, SECOND, TODAY, UNSNAPPED

ACTREG = Path(sys.executable).parent / "actreg"


def run(*args: object, cwd: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ACTREG_")}
    env.update(HOME=str(cwd), XDG_DATA_HOME=str(cwd / ".data"), XDG_STATE_HOME=str(cwd / ".state"),
               ACTREG_TODAY=TODAY, ACTREG_AUTHOR=AUTHOR)  # fmt: skip
    proc = subprocess.run([str(ACTREG), *map(str, args)], capture_output=True, text=True,
                          encoding="utf-8", env=env, cwd=cwd, timeout=60, check=False)  # fmt: skip
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc


@pytest.fixture
def work(tmp_path: Path) -> Path:
    folder = tmp_path / "work"
    folder.mkdir()
    return folder


@pytest.mark.parametrize("fmt", exporter.FORMATS)
def test_export_each_format(register_copy, table, fmt, work, tmp_path):
    out = work / f"appendix.{fmt}"
    proc = run("--db", register_copy, "export", "--meeting", SECOND, "--format", fmt, "-o", out,
               cwd=work)  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert out.is_file() and out.stat().st_size > 0
    assert f"SHA-256: {table.rows_hash}" in proc.stdout
    assert f"Log head hash: {table.log_head_hash}" in proc.stdout
    assert f"{len(table.rows)} actions" in proc.stdout
    assert [p.name for p in work.iterdir() if not p.name.startswith(".")] == [out.name]
    if fmt in ("csv", "md", "html"):  # the same bytes as the export made in-process
        here = exporter.export(table, fmt, tmp_path / f"here.{fmt}")
        assert out.read_bytes() == here.read_bytes()


def test_export_without_output_names_the_file_after_the_meeting(register_copy, work):
    proc = run("--db", register_copy, "export", "--meeting", SECOND, "--format", "md", cwd=work)
    assert proc.returncode == 0, proc.stderr
    assert (work / f"governance-and-audit-committee-{SECOND}.md").is_file()


def test_export_of_a_meeting_without_a_snapshot_says_how_to_take_one(register_copy, work):
    out = work / "appendix.html"
    proc = run("--db", register_copy, "export", "--meeting", UNSNAPPED, "--format", "html",
               "-o", out, cwd=work)  # fmt: skip
    assert proc.returncode == 1
    assert proc.stderr.startswith("actreg: ")
    assert "no snapshot" in proc.stderr
    assert f"actreg snapshot --meeting {UNSNAPPED}" in proc.stderr
    assert not out.exists()


def test_export_into_a_missing_folder_fails_cleanly(register_copy, work):
    out = work / "missing" / "appendix.xlsx"
    proc = run("--db", register_copy, "export", "--meeting", SECOND, "--format", "xlsx",
               "-o", out, cwd=work)  # fmt: skip
    assert proc.returncode == 1
    assert proc.stderr.startswith("actreg: ") and "does not exist" in proc.stderr
    assert not out.parent.exists()


@pytest.mark.parametrize("mask", [0o022, 0o002])
@pytest.mark.parametrize("fmt", exporter.FORMATS)
def test_exports_get_the_users_umask_not_0600(register_copy, fmt, mask, work):
    out = work / f"appendix.{fmt}"
    old = os.umask(mask)  # the child inherits it, as from a user's shell
    try:
        proc = run("--db", register_copy, "export", "--meeting", SECOND, "--format", fmt,
                   "-o", out, cwd=work)  # fmt: skip
    finally:
        os.umask(old)
    assert proc.returncode == 0, proc.stderr
    assert oct(out.stat().st_mode & 0o777) == oct(0o666 & ~mask)


def test_the_triage_summary_file_gets_the_users_umask(register_copy, work):
    out = work / "minutes.md"
    old = os.umask(0o022)
    try:
        proc = run("--db", register_copy, "triage", "--summary", "2000-01-01", "-o", out, cwd=work)
    finally:
        os.umask(old)
    assert proc.returncode == 0, proc.stderr
    assert oct(out.stat().st_mode & 0o777) == oct(0o644)


def test_export_one_summary_table_as_csv_names_the_file_after_it(register_copy, work):
    proc = run("--db", register_copy, "export", "--meeting", SECOND, "--table", "overdue",
               cwd=work)  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    out = work / f"governance-and-audit-committee-{SECOND}-overdue.csv"
    assert f"Wrote {out.name} (the overdue table, CSV)." in proc.stdout
    text = out.read_bytes().decode("utf-8-sig")
    assert "# Overdue actions by directorate and priority\r\n" in text
    assert "Lead directorate,High,Medium,Low,Total\r\n" in text
    assert "Total,0,1,0,1\r\n" in text  # A2, Children's Services, medium priority


def test_export_layout_and_filters_from_the_command_line(register_copy, work):
    from tests.exports.extract import read_csv

    out = work / "full.csv"
    proc = run("--db", register_copy, "export", "--meeting", SECOND, "--layout", "full",
               "--open-only", "--directorate", "finance", "-o", out, cwd=work)  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "(2 actions, CSV)" in proc.stdout  # A1 and A4: Finance, neither closed
    preamble, header, rows = read_csv(out)
    assert header[-1] == "Change since last meeting" and len(header) == 24
    assert [r["Ref"] for r in rows] == ["A1", "A4"]
    assert "# Rows: lead directorate finance; open actions only (closed, superseded and " \
           "cancelled left out)" in preamble  # fmt: skip


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--directorate", "Finanse"), "--directorate: no action has the lead directorate"),
        (("--format", "xlsx", "--table", "overdue"), "--table is for CSV"),
    ],
)
def test_export_refuses_a_bad_filter_or_table_and_writes_nothing(register_copy, work, args,
                                                                 message):  # fmt: skip
    proc = run("--db", register_copy, "export", "--meeting", SECOND, *args, cwd=work)
    assert proc.returncode == 1
    assert message in proc.stderr and proc.stderr.startswith("actreg: ")
    assert list(work.iterdir()) == []
