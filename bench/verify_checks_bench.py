"""What verify's checks beyond the chain cost: the schema, the search indexes, time order.

    python -m bench.make_register /tmp/mid.db --actions 10000 --entries 200000
    python -m bench.verify_checks_bench /tmp/mid.db

Each check is timed on its own (best of --repeat), beside the whole of `verify`
in the same run, which includes them: the ratio says what they add to it.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from db.integrity.schema_check import schema_problems
from db.integrity.search_index import search_index_problems
from db.integrity.time_order import time_order_problems
from db.integrity.verifier import verify
from db.store.connection import open_register


def _best(repeat: int, work) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return min(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("register", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    conn = open_register(args.register, readonly=True, check_pages=False)
    entries = conn.execute("SELECT count(*) FROM progress_log").fetchone()[0]
    actions = conn.execute("SELECT count(*) FROM action").fetchone()[0]
    whole = _best(args.repeat, lambda: verify(conn))
    checks = {
        "schema": lambda: schema_problems(conn),
        "search indexes": lambda: search_index_problems(conn),
        "time order": lambda: time_order_problems(conn),
    }
    print(f"register: {actions:,} actions, {entries:,} log entries (best of {args.repeat})")
    print(f"verify, all of it: {whole:7.3f} s")
    added = 0.0
    for name, check in checks.items():
        took = _best(args.repeat, check)
        added += took
        print(f"  {name:<16} {took:7.3f} s  ({took / whole:5.1%} of verify)")
    print(f"  the three checks: {added:7.3f} s; verify without them would take about "
          f"{whole - added:.3f} s: ratio {whole / max(whole - added, 1e-9):.2f}x")  # fmt: skip
    conn.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
