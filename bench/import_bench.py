"""Time importing a 10,000-row CSV into a fresh register, beside sqlite3's own .import.

    python -m bench.import_bench [--rows 10000] [--repeat 3]

Writes a tracker-like CSV (UK dates in several forms, status and RAG wordings,
progress updates with commas, quotes and new lines), then times
``actreg``'s import into a new register (reading, checking, the one
transaction, best of ``--repeat``) and ``sqlite3 FILE ".import --csv CSV t"``
of the same file into an empty database (no checking at all: the floor), if
the sqlite3 program is installed. Verifies the register after the import.
"""

from __future__ import annotations

import argparse
import csv
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from db.importing import importer
from db.integrity.verifier import verify
from db.store.connection import create_register

HEADER = [
    "Ref",
    "Recommendation",
    "Management action",
    "Lead officer",
    "Directorate",
    "Original target date",
    "Revised target date",
    "Status",
    "RAG status",
    "Progress update",
    "% complete",
]
DATES = [
    "31/03/2026",
    "30 June 2026",
    "Q3 2025/26",
    "March 2027",
    "summer 2026",
    "2026-09-30",
    "ongoing",
]
STATUSES = ["Not started", "In progress", "Ongoing", "Complete", "Closed"]
RAGS = ["Green", "Amber", "Red", "On track", "At risk", ""]


def write_csv(path: Path, rows: int, seed: int = 6, *, prefix: str = "A") -> None:
    rng = random.Random(seed)
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for i in range(1, rows + 1):
            writer.writerow(
                [
                    f"{prefix}{i}",
                    f"R{i % 40 + 1}",
                    f'Action {i}: review, then "publish" the policy',
                    f"Officer {i % 97}",
                    rng.choice(["Finance", "People", "Place", "Resources"]),
                    rng.choice(DATES),
                    rng.choice(["", "", "31/12/2026"]),
                    rng.choice(STATUSES),
                    rng.choice(RAGS),
                    rng.choice(["", "Drafted; consultation next.\nSecond line, with a comma"]),
                    str(rng.randrange(0, 101)),
                ]
            )


def time_import(csv_path: Path, folder: Path, repeat: int) -> tuple[float, float, object]:
    """(best wall-clock seconds, best CPU seconds of this process, the last result)."""
    best = best_cpu = float("inf")
    result = None
    for attempt in range(repeat):
        db = folder / f"bench-{attempt}.db"
        conn = create_register(db, name="Import bench")
        try:
            started, cpu = time.perf_counter(), time.process_time()
            result = importer.import_file(conn, csv_path, author="Bench")
            best = min(best, time.perf_counter() - started)
            best_cpu = min(best_cpu, time.process_time() - cpu)
            if attempt == 0:
                report = verify(conn)
                assert report.ok, report.problems
        finally:
            conn.close()
    return best, best_cpu, result


def time_sqlite3(csv_path: Path, folder: Path, repeat: int) -> float | None:
    program = shutil.which("sqlite3")
    if program is None:
        return None
    best = float("inf")
    for attempt in range(repeat):
        db = folder / f"plain-{attempt}.db"
        started = time.perf_counter()
        subprocess.run([program, str(db), f".import --csv {csv_path} actions"], check=True)
        best = min(best, time.perf_counter() - started)
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        csv_path = folder / "tracker.csv"
        write_csv(csv_path, args.rows)
        size = csv_path.stat().st_size
        seconds, cpu, result = time_import(csv_path, folder, args.repeat)
        plain = time_sqlite3(csv_path, folder, args.repeat)
    print(f"{args.rows:,} rows, {size / 1e6:.1f} MB CSV (best of {args.repeat}):")
    print(
        f"  actreg import:         {seconds:6.2f} s  ({result.new:,} new actions, "
        f"{len(result.plan.problems):,} report lines; verify OK; CPU {cpu:.2f} s)"
    )
    if plain is None:
        print("  sqlite3 .import --csv: (sqlite3 is not installed)")
    else:
        print(f"  sqlite3 .import --csv: {plain:6.2f} s  (no checks, one text table)")
        print(f"  ratio:                 {seconds / plain:6.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
