"""Where verify's time goes: its phases, each in CPU seconds beside the issue's floor.

    python -m bench.verify_phases /tmp/big.20snap.db       # taskset -c 0 to pin it

The floor (issue 18) is a plain Python read of every log entry with a SHA-256 over its
fields; verify's budget is 2x that, snapshots included. Each phase is run on its own
(in the order verify runs them) and timed in CPU seconds (time.process_time: on a
shared machine, wall time mostly measures the other jobs), then the whole of verify.
The register is opened read-only: it must already be at the current schema.
"""

from __future__ import annotations

import argparse
import hashlib
import sqlite3
import sys
import time
from collections.abc import Callable
from pathlib import Path

from db.cycles.snapshots import list_snapshots
from db.integrity.register_rows import check_register_rows
from db.integrity.search_index import search_index_problems
from db.integrity.snapshot_pass import SnapshotPass
from db.integrity.verifier import LogPass, verify
from db.store import log
from db.store.connection import open_register


def _cpu(work: Callable[[], object]) -> tuple[float, object]:
    started = time.process_time()
    result = work()
    return time.process_time() - started, result


def read_and_hash(path: Path) -> int:
    """scale_bench's READ_AND_HASH, in this process."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    count = 0
    for row in conn.execute("SELECT * FROM progress_log ORDER BY id"):
        hashlib.sha256("\x1f".join(map(str, row)).encode()).hexdigest()
        count += 1
    conn.close()
    return count


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("register", type=Path)
    args = parser.parse_args(argv)
    floor, entries = _cpu(lambda: read_and_hash(args.register))
    print(f"register: {args.register}, {entries:,} entries")
    print(f"  floor: read + SHA-256 of every entry   {floor:7.2f} s")
    conn = open_register(args.register, readonly=True, check_pages=False)
    conn.execute("BEGIN")
    head_id = conn.execute("SELECT coalesce(max(id), 0) FROM progress_log").fetchone()[0]
    snapshots = list_snapshots(conn)

    def one_pass(which: list) -> LogPass:
        walk = LogPass(None, SnapshotPass(which))
        walk.feed(log.entries(conn, up_to=head_id), head_id, None)
        return walk

    def row(name: str, seconds: float) -> None:
        print(f"  {name:<38} {seconds:7.2f} s   {seconds / floor:5.2f}x the floor")

    row("reading the entries (sqlite3 rows)", _cpu(lambda: sum(1 for _ in log.entries(conn)))[0])
    row("the pass: chain, fold, recorded times", _cpu(lambda: one_pass([]))[0])
    took, walk = _cpu(lambda: one_pass(snapshots))
    row(f"the pass meeting {len(snapshots)} snapshots' states", took)
    assert isinstance(walk, LogPass)
    walk.snapshots.finish(walk.replayer.actions.values())
    row("PRAGMA quick_check", _cpu(lambda: conn.execute("PRAGMA quick_check").fetchall())[0])
    row("the snapshots' stored rows", _cpu(lambda: walk.snapshots.check(conn))[0])
    row("the register's own rows", _cpu(lambda: check_register_rows(conn))[0])
    row("the search indexes", _cpu(lambda: search_index_problems(conn))[0])
    conn.execute("COMMIT")
    took, report = _cpu(lambda: verify(conn))
    row("verify, all of it", took)
    conn.close()
    return 0 if getattr(report, "ok", False) else 1


if __name__ == "__main__":
    sys.exit(main())
