"""Where verify's time goes: its phases, each in CPU seconds beside the issue's floor.

    python -m bench.verify_phases /tmp/big.20snap.db       # taskset -c 0 to pin it

The floor (issue 18) is a plain Python read of every log entry with a SHA-256 over its
fields; verify's budget is 2x that, snapshots included. Each phase is run on its own
(in the order verify runs them) and timed in CPU seconds (time.process_time: on a
shared machine, wall time mostly measures the other jobs), then the whole of verify.
Last, the work any verify that checks as much must do however cheap its fold: the
chain alone, the snapshots' stored rows read and hashed once, quick_check and the
search indexes, and their sum against the floor.
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


def chain_alone(conn: sqlite3.Connection) -> int:
    """The chain and nothing else: each entry's link and its hash, by verify's own hash
    (log.expected_hash) on the rows as SQLite gives them. No fold, no checks besides."""
    prev_id, prev_hash, broken = 0, log.GENESIS_HASH, 0
    for row in conn.execute(f"SELECT {log.SELECT_COLUMNS} FROM progress_log ORDER BY id"):
        if row[0] != prev_id + 1 or row[12] != prev_hash or log.expected_hash(row) != row[13]:
            broken += 1
        prev_id, prev_hash = row[0], row[13]
    return broken


def stored_rows_hashed(conn: sqlite3.Connection) -> int:
    """Every snapshot's stored rows read once and put through one SHA-256: what finding a
    row changed behind actreg's back must at least cost (their hashes are in the chain)."""
    digest, rows = hashlib.sha256(), 0
    for (data,) in conn.execute("SELECT CAST(data AS BLOB) FROM snapshot_row"):
        digest.update(data)
        rows += 1
    return rows


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

    def row(name: str, seconds: float) -> float:
        print(f"  {name:<38} {seconds:7.2f} s   {seconds / floor:5.2f}x the floor")
        return seconds

    row("reading the entries (sqlite3 rows)", _cpu(lambda: sum(1 for _ in log.entries(conn)))[0])
    row("the pass: chain, fold, recorded times", _cpu(lambda: one_pass([]))[0])
    took, walk = _cpu(lambda: one_pass(snapshots))
    row(f"the pass meeting {len(snapshots)} snapshots' states", took)
    assert isinstance(walk, LogPass)
    walk.snapshots.finish(walk.replayer.actions.values())
    quick = row(
        "PRAGMA quick_check", _cpu(lambda: conn.execute("PRAGMA quick_check").fetchall())[0]
    )
    row("the snapshots' stored rows", _cpu(lambda: walk.snapshots.check(conn))[0])
    row("the register's own rows", _cpu(lambda: check_register_rows(conn))[0])
    search = row("the search indexes", _cpu(lambda: search_index_problems(conn))[0])
    conn.execute("COMMIT")
    took, report = _cpu(lambda: verify(conn))
    row("verify, all of it", took)
    # What any verify that checks as much must pay whatever its fold costs: the chain,
    # the stored snapshot rows against their hashes, quick_check and the search indexes.
    print("the work no verify that checks as much can skip:")
    chain = row("the chain alone (links and hashes)", _cpu(lambda: chain_alone(conn))[0])
    rows = row("stored snapshot rows, read + SHA-256", _cpu(lambda: stored_rows_hashed(conn))[0])
    row("those, quick_check and search indexes", chain + rows + quick + search)
    conn.close()
    return 0 if getattr(report, "ok", False) else 1


if __name__ == "__main__":
    sys.exit(main())
