"""verify's CPU seconds against the issue's floor, in one process: for A/B runs of two trees.

    PYTHONPATH=/path/to/tree taskset -c 1 python bench/verify_cpu.py /tmp/big.20snap.db

Run as a file (not with -m), so that `db` and `bench` come from the tree on PYTHONPATH
(an older commit's checkout, say) while the script is this one: alternate two trees in
one sitting and compare the ratios. Prints the tree, the floor (a plain read + SHA-256 of
every entry, bench.verify_phases.read_and_hash), verify's CPU seconds, their ratio and the
process's peak RSS. The register is opened read-only and never written.
"""

from __future__ import annotations

import resource
import sys
import time
from pathlib import Path

import db
from bench.verify_phases import read_and_hash
from db.integrity.verifier import verify
from db.store.connection import open_register


def main(path: Path) -> int:
    started = time.process_time()
    read_and_hash(path)
    floor = time.process_time() - started
    conn = open_register(path, readonly=True, check_pages=False)
    started = time.process_time()
    report = verify(conn)
    took = time.process_time() - started
    conn.close()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    tree = Path(db.__file__).parent.parent
    print(
        f"{tree}: floor {floor:.2f} s, verify {took:.2f} s, {took / floor:.2f}x the floor, "
        f"ok={report.ok}, peak RSS {peak:.0f} MB"
    )
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))
