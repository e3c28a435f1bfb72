"""How long opening an older register takes while actreg upgrades it, beside copying the file.

    python -m bench.upgrade_bench /tmp/old-big.db          # a register of an older version

The register is never touched: each round copies it to a scratch file beside
it, then times `actreg --db COPY list` as a whole process (the upgrade, its
backup and the first page), alternating with a plain copy of the same file
(the least an upgrade that keeps a backup can cost), median of --repeats.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path


def _version(path: Path) -> int:
    plain = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return plain.execute("PRAGMA user_version").fetchone()[0]
    finally:
        plain.close()


def _scratch(path: Path) -> Path:
    return path.with_name(f"{path.stem}.upgrade-bench{path.suffix}")


def _clean(copy: Path) -> None:
    for leftover in copy.parent.glob(f"{copy.name}*"):
        leftover.unlink()


def _copy(source: Path, copy: Path) -> float:
    started = time.perf_counter()
    shutil.copyfile(source, copy)
    os.sync()  # the upgrade writes with synchronous=FULL: make the copy as durable
    return time.perf_counter() - started


def _upgrade(copy: Path) -> tuple[float, int]:
    actreg = Path(sys.executable).with_name("actreg")
    started = time.perf_counter()
    proc = subprocess.Popen(
        [str(actreg), "--db", str(copy), "list"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    _, _, usage = os.wait4(proc.pid, 0)
    took = time.perf_counter() - started
    if "Upgraded from schema" not in proc.stderr.read():
        raise SystemExit("the copy was not upgraded: give a register of an older version")
    return took, usage.ru_maxrss // 1024


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("register", type=Path)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    copy = _scratch(args.register)
    size = args.register.stat().st_size / 2**20
    print(f"register: {args.register} (schema {_version(args.register)}, {size:,.0f} MB); "
          f"load {os.getloadavg()[0]:.1f}")  # fmt: skip
    copies, upgrades, peaks = [], [], []
    try:
        for _ in range(args.repeats):
            _clean(copy)
            copies.append(_copy(args.register, copy))
            _clean(copy)
            shutil.copyfile(args.register, copy)
            took, peak = _upgrade(copy)
            upgrades.append(took)
            peaks.append(peak)
    finally:
        _clean(copy)
    base, ours = statistics.median(copies), statistics.median(upgrades)
    print(f"copy of the file:           {base:8.2f} s (median of {args.repeats})")
    print(f"actreg list, upgrading:     {ours:8.2f} s, peak RSS {max(peaks)} MB: "
          f"{ours / base:.2f}x the copy")  # fmt: skip
    print(f"load afterwards {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
