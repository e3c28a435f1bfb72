"""Time every export format on a generated register.

    python -m bench.export_bench [--actions 1000] [--csv-actions 10000] [--repeat 3]

Builds a register of ``--actions`` actions (with bench.make_register: about
five log entries per action), takes snapshots for two meetings and times each
format's export of the later one (best of ``--repeat``; the atomic write and
its fsync included). Then the committee pack as a user gets it (reading the
snapshot and building the summary tables, then writing the file) for DOCX and
XLSX, whose charts are drawn (matplotlib PNGs, native Excel charts), beside the
plain CSV appendix; the budget is 2 s each at 1,000 actions. The first run is
shown too: it pays for importing openpyxl, python-docx and matplotlib, once a
process. Then CSV at ``--csv-actions`` rows, against ``sqlite3 -csv`` dumping
the same snapshot_row data, if the sqlite3 program is installed.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench.make_register import build
from db.cycles import meetings, snapshots
from db.exporting import exporter
from db.store.connection import open_register

MEETINGS = (("2025-12-09", "2025-11-29"), ("2026-06-30", "2026-06-20"))


def best_of(repeat: int, work: Callable[[], object]) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return min(times)


def make_register(folder: Path, actions: int) -> tuple[Path, int]:
    """A register of `actions` actions with two snapshotted meetings; (path, snapshot id)."""
    path = folder / f"bench-{actions}.db"
    build(path, actions, actions * 5, big_log=10)
    conn = open_register(path)
    try:
        for meeting, deadline in MEETINGS:
            meetings.add_meeting(conn, meeting, deadline=deadline)
            snap = snapshots.take_snapshot(conn, meeting, author="Bench")
    finally:
        conn.close()
    return path, snap["id"]


def time_formats(path: Path, folder: Path, formats: tuple[str, ...], repeat: int
                 ) -> dict[str, float]:  # fmt: skip
    conn = open_register(path, readonly=True)
    try:
        took = {"build_table": best_of(repeat, lambda: exporter.build_table(conn, MEETINGS[-1][0]))}
        table = exporter.build_table(conn, MEETINGS[-1][0])
    finally:
        conn.close()
    for fmt in formats:
        out = folder / f"export.{fmt}"
        took[fmt] = best_of(
            repeat, lambda out=out, fmt=fmt: exporter.export(table, fmt, out, force=True)
        )
    return took


PACK_BUDGET_S = 2.0


def time_packs(path: Path, folder: Path, repeat: int) -> dict[str, tuple[float, float]]:
    """(first run, best of `repeat`) of build_table + export for the plain CSV appendix and
    the DOCX and XLSX packs with their charts."""
    conn = open_register(path, readonly=True)
    took = {}
    try:
        for fmt in ("csv", "docx", "xlsx"):
            out = folder / f"pack.{fmt}"

            def pack(fmt: str = fmt, out: Path = out) -> None:
                exporter.export(exporter.build_table(conn, MEETINGS[-1][0]), fmt, out, force=True)

            first = best_of(1, pack)
            took[fmt] = (first, min(first, best_of(repeat, pack)))
    finally:
        conn.close()
    return took


def print_packs(actions: int, repeat: int, took: dict[str, tuple[float, float]]) -> None:
    csv_best = took["csv"][1]
    print(
        f"\nCommittee pack of {actions:,} actions: read the snapshot, build the summary "
        f"tables, write (best of {repeat}; first run, with its library imports, in brackets):"
    )
    labels = {
        "csv": "CSV appendix (no charts)",
        "docx": "DOCX, 3 chart images",
        "xlsx": "XLSX, 3 native charts",
    }
    for fmt, (first, best) in took.items():
        verdict = ""
        if fmt != "csv":
            ok = "within" if best < PACK_BUDGET_S else "OVER"
            verdict = f"  {best / csv_best:5.1f}x the CSV; {ok} the {PACK_BUDGET_S:.0f} s budget"
        print(f"  {labels[fmt]:<26} {best * 1000:8.1f} ms  ({first * 1000:8.1f} ms){verdict}")


def sqlite_csv_baseline(path: Path, snapshot_id: int, folder: Path, repeat: int) -> float | None:
    program = shutil.which("sqlite3")
    if program is None:
        return None
    sql = f"SELECT position, ref, data FROM snapshot_row WHERE snapshot_id = {snapshot_id}"
    out = folder / "baseline.csv"

    def dump() -> None:
        with open(out, "wb") as handle:
            subprocess.run([program, "-csv", "-readonly", str(path), sql], stdout=handle,
                           check=True)  # fmt: skip

    return best_of(repeat, dump)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--actions", type=int, default=1_000)
    parser.add_argument("--csv-actions", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="actreg-export-bench-") as name:
        folder = Path(name)
        started = time.perf_counter()
        path, _ = make_register(folder, args.actions)
        print(f"Register of {args.actions:,} actions built and snapshotted in "
              f"{time.perf_counter() - started:.2f} s")  # fmt: skip
        packs = time_packs(path, folder, args.repeat)  # first: its first runs pay the imports
        took = time_formats(path, folder, exporter.FORMATS, args.repeat)
        print(f"\nExport of {args.actions:,} rows (best of {args.repeat}):")
        for name_, seconds in took.items():
            size = ""
            if name_ in exporter.FORMATS:
                size = f"  {(folder / f'export.{name_}').stat().st_size / 1024:8,.0f} KiB"
            print(f"  {name_:<12} {seconds * 1000:8.1f} ms{size}")
        print_packs(args.actions, args.repeat, packs)

        path, snapshot_id = make_register(folder, args.csv_actions)
        csv_time = time_formats(path, folder, ("csv",), args.repeat)["csv"]
        print(f"\nCSV of {args.csv_actions:,} rows: {csv_time * 1000:.1f} ms")
        baseline = sqlite_csv_baseline(path, snapshot_id, folder, args.repeat)
        if baseline is None:
            print("sqlite3 is not installed: no baseline.")
        else:
            print(f"sqlite3 -csv of the same snapshot_row data: {baseline * 1000:.1f} ms "
                  f"(actreg takes {csv_time / baseline:.1f}x as long)")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
