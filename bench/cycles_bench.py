"""Committee-cycle budgets on a big register, each beside a baseline measured in the same run.

    python -m bench.make_register /tmp/big.db          # 100,000 actions, 2,000,000 entries
    python -m bench.cycles_bench /tmp/big.db

- Taking a snapshot (the as-at rebuild included) against the `sqlite3` shell
  running the same as-at query on the same file: budget 1.5x. Then the same for
  a past meeting (cut-off in the middle of the register's history, on the
  effective axis: a reconstruction), and `list --as-at` that day against the
  same query.
- CSV export of that snapshot against `sqlite3 -csv` writing the same rows
  and columns: budget 2.5x.

The register is copied first: a snapshot is a write, and the bench must be
repeatable on the same input.
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from db.cycles import meetings, snapshots
from db.exporting import exporter
from db.exporting.table import FULL_COLUMNS
from db.read import asat, queries
from db.store.connection import open_register
from db.store.dates import utc_text


def _shell(path: Path, script: str) -> float:
    started = time.perf_counter()
    subprocess.run(["sqlite3", str(path)], input=script, text=True, check=True,
                   stdout=subprocess.DEVNULL)  # fmt: skip
    return time.perf_counter() - started


def _best(fn, repeat: int) -> float:
    return min(fn() for _ in range(repeat))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("register", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    if shutil.which("sqlite3") is None:
        print("the sqlite3 shell is needed for the baselines (apt-get install sqlite3)")
        return 1
    work = Path(tempfile.mkdtemp(prefix="actreg-bench-"))
    try:
        return _run(args.register, work, args.repeat)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _run(source: Path, work: Path, repeat: int) -> int:
    path = work / "register.db"
    shutil.copyfile(source, path)
    conn = open_register(path)
    actions = conn.execute("SELECT count(*) FROM action").fetchone()[0]
    entries = conn.execute("SELECT count(*) FROM progress_log").fetchone()[0]
    print(f"register: {actions:,} actions, {entries:,} log entries")
    meetings.add_meeting(conn, "2099-01-13", deadline="2099-01-03")
    cut_off = utc_text(dt.datetime.now(dt.UTC))
    head = asat.head_id(conn)

    query = asat.AS_AT_SQL.replace(":head", str(head)).replace(":cut", f"'{cut_off}'")
    baseline = _best(lambda: _shell(path, f".output /dev/null\n{query};\n"), repeat)

    def take() -> float:
        started = time.perf_counter()
        snapshots.take_snapshot(conn, "2099-01-13", author="bench", replace=True)
        return time.perf_counter() - started

    took = _best(take, repeat)
    print(f"snapshot:   {took:6.2f} s   sqlite3 shell as-at query {baseline:6.2f} s   "
          f"ratio {took / baseline:4.2f}  (budget 1.5)")  # fmt: skip

    # A past meeting snapshotted after the fact: the register as in effect on a day in
    # the middle of its history, from everything recorded since (a reconstruction).
    first, last = conn.execute(
        "SELECT min(effective_date), max(effective_date) FROM progress_log"
    ).fetchone()
    middle = (
        dt.date.fromisoformat(first)
        + (dt.date.fromisoformat(last) - dt.date.fromisoformat(first)) / 2
    )
    past_cut = f"{middle.isoformat()}T23:59:59.999999Z"
    meetings.add_meeting(conn, (middle + dt.timedelta(days=10)).isoformat(),
                         deadline=middle.isoformat())  # fmt: skip
    past_query = asat.AS_AT_SQL.replace(":head", str(head)).replace(":cut", f"'{past_cut}'")
    past_baseline = _best(lambda: _shell(path, f".output /dev/null\n{past_query};\n"), repeat)

    def take_past() -> float:
        started = time.perf_counter()
        snapshots.take_snapshot(conn, (middle + dt.timedelta(days=10)).isoformat(),
                                author="bench", replace=True)  # fmt: skip
        return time.perf_counter() - started

    past_took = _best(take_past, repeat)
    print(f"past snapshot ({middle}): {past_took:6.2f} s   sqlite3 shell as-at query "
          f"{past_baseline:6.2f} s   ratio {past_took / past_baseline:4.2f}"
          "  (budget 1.5)")  # fmt: skip

    def as_at() -> float:
        started = time.perf_counter()
        queries.list_as_at(conn, past_cut)
        return time.perf_counter() - started

    as_at_took = _best(as_at, repeat)
    print(f"list --as-at {middle}: {as_at_took:6.2f} s   sqlite3 shell as-at query "
          f"{past_baseline:6.2f} s   ratio {as_at_took / past_baseline:4.2f}")  # fmt: skip

    table = exporter.build_table(conn, "2099-01-13")
    snap_id = table.snapshot_id
    columns = ", ".join(
        f"json_extract(data, '$.{c.key}') AS \"{c.header}\""
        for c in FULL_COLUMNS
        if c.key in snapshots.SNAPSHOT_FIELDS
    )
    csv_script = (f".headers on\n.mode csv\n.output {work / 'baseline.csv'}\n"
                  f"SELECT {columns} FROM snapshot_row WHERE snapshot_id = {snap_id}"
                  " ORDER BY position;\n")  # fmt: skip
    csv_baseline = _best(lambda: _shell(path, csv_script), repeat)

    def export() -> float:
        started = time.perf_counter()
        fresh = exporter.build_table(conn, "2099-01-13")
        exporter.export(fresh, "csv", work / "export.csv", force=True)  # (repeated runs)
        return time.perf_counter() - started

    csv_took = _best(export, repeat)
    print(f"CSV export: {csv_took:6.2f} s   sqlite3 -csv of the same rows {csv_baseline:6.2f} s   "
          f"ratio {csv_took / csv_baseline:4.2f}  (budget 2.5)")  # fmt: skip
    conn.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
