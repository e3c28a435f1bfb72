"""`verify` on a big register, beside the time just to read every log entry.

    python -m bench.make_register /tmp/big.db        # 100,000 actions, 2,000,000 entries
    python -m bench.verify_bench /tmp/big.db

Budget (issue 7): within 10 s on 100,000 actions / 2,000,000 entries. The
baseline, measured in the same run, is a bare read of every log row: what
any check has to pay before it checks anything.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from db.integrity.verifier import verify
from db.store import log
from db.store.connection import open_register


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("register", type=Path)
    args = parser.parse_args(argv)
    conn = open_register(args.register, readonly=True, check_pages=False)
    started = time.perf_counter()
    rows = sum(1 for _ in conn.execute(f"SELECT {log.SELECT_COLUMNS} FROM progress_log"))
    baseline = time.perf_counter() - started
    started = time.perf_counter()
    report = verify(conn)
    took = time.perf_counter() - started
    print(f"register: {report.actions:,} actions, {rows:,} log entries")
    print(
        f"verify: {took:6.2f} s ({'ok' if report.ok else 'FAILED'})   "
        f"reading every entry: {baseline:5.2f} s   ratio {took / baseline:4.1f}   "
        "(budget: 10 s at 2,000,000 entries)"
    )
    conn.close()
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
