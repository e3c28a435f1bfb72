"""Start-up as a user meets it: whole processes, timed from outside, against baselines.

    python -m bench.process_bench --db demo.db                 # both, 9 rounds each
    python -m bench.process_bench --db /tmp/big.db --only tui --repeats 7

CLI: wall time of `actreg --db FILE list` (output to /dev/null) against
`python -c "import sqlite3, argparse, csv, json"` -- what any Python script that
reads a database and prints a table pays before it does anything.

TUI: `actreg --db FILE` started in a real terminal (a detached tmux session,
160x50); the pane is captured every 5 ms until the first frame that shows rows,
their count and the key bar. The baseline is `bench.bare_app` (a Header, a Footer
and one key) started the same way, until its key shows.

Runs alternate (baseline, actreg, baseline, actreg, ...) so that a change in the
machine's load hits both; figures are medians. The load average is printed
because the machine these run on is shared.

Both run from compiled bytecode, as an installed actreg does (pip compiles it at
install; a checkout writes __pycache__ on its first run): with
PYTHONDONTWRITEBYTECODE set, as on the shared build machine, every run compiled
every module it imports from source, which no user pays. The .pyc files go to a
folder of the bench's own (PYTHONPYCACHEPREFIX), written by the warm-up runs.
``--source`` measures the old way, actreg compiled on every run (provided the
checkout holds no __pycache__ folder, which Python would read).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BUDGETS = {"cli list": 3.0, "tui start": 1.2}
SIZE = (160, 50)
POLL = 0.005
ACTREG = str(Path(sys.executable).parent / "actreg")

_STATUS = r"(Not started|In progress|Implemented|Closed|Superseded|Cancelled)"
_ROW = re.compile(rf"^\S+\s{{2,}}\S.*\s{_STATUS}\s", re.MULTILINE)
_COUNT = re.compile(r"\d[\d,]* actions?\b")


def _actreg_ready(screen: str) -> bool:
    """The first usable frame: rows, how many there are, and the keys."""
    return bool(_ROW.search(screen) and _COUNT.search(screen) and "? Help" in screen)


def _bare_ready(screen: str) -> bool:
    return "q Quit" in screen


def _wall(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - started


#: A tmux server of our own, kept alive between runs by an idle session: starting a
#: server (or racing one that is shutting down) is not part of what is measured.
SOCKET = f"actreg-bench-{os.getpid()}"


def _tmux(*args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(["tmux", "-L", SOCKET, *args], **kwargs)


def _in_terminal(command: list[str], ready, *, timeout: float = 60.0) -> float:
    """Start `command` in a fresh tmux pane; seconds until `ready(pane text)` holds."""
    session = "measured"
    shell = " ".join(_quote(part) for part in command)
    width, height = SIZE
    started = time.perf_counter()
    _tmux(
        *("new-session", "-d", "-s", session, "-c", os.getcwd()),
        *("-x", str(width), "-y", str(height), shell),
        check=True,
    )
    try:
        while True:
            pane = _tmux("capture-pane", "-p", "-t", session, capture_output=True, text=True).stdout
            now = time.perf_counter()
            if ready(pane):
                return now - started
            if now - started > timeout:
                raise TimeoutError(f"no usable frame within {timeout:.0f} s:\n{pane}")
            time.sleep(POLL)
    finally:
        _tmux("kill-session", "-t", session, stderr=subprocess.DEVNULL)


def _quote(part: str) -> str:
    return part if re.fullmatch(r"[\w./=-]+", part) else "'" + part.replace("'", "'\\''") + "'"


def _alternate(baseline, ours, repeats: int) -> tuple[list[float], list[float]]:
    baseline(), ours()  # warm the file cache and the .pyc files of both
    base, mine = [], []
    for _ in range(repeats):
        base.append(baseline())
        mine.append(ours())
    return base, mine


def _report(name: str, base: list[float], mine: list[float], what: str) -> float:
    ratio = statistics.median(mine) / statistics.median(base)
    print(f"{name} baseline ({what}): {_ms(base)}")
    print(f"{name} actreg:  {_ms(mine)}")
    print(f"{name} ratio: {ratio:.2f}x   (budget <= {BUDGETS[name]}x)")
    return ratio


def _ms(values: list[float]) -> str:
    med = statistics.median(values) * 1000
    return f"median {med:6.1f} ms  (min {min(values) * 1000:6.1f}, max {max(values) * 1000:6.1f})"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--repeats", type=int, default=9)
    parser.add_argument("--only", choices=("cli", "tui"))
    parser.add_argument(
        "--source", action="store_true", help="compile every module on every run (no .pyc)"
    )
    args = parser.parse_args(argv)
    db = str(args.db.resolve())
    print(f"register: {db}; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    # (Set before any child starts, the tmux server included: every run inherits it.)
    if args.source:  # (Python's own modules still read the .pyc installed with them)
        os.environ["PYTHONDONTWRITEBYTECODE"] = "1"
        os.environ.pop("PYTHONPYCACHEPREFIX", None)
        print("from source: actreg compiles what it imports on every run")
        results = _measure(args, db)
    else:
        os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
        with tempfile.TemporaryDirectory(prefix="actreg-bench-pyc-") as pycache:
            os.environ["PYTHONPYCACHEPREFIX"] = pycache
            print("from bytecode, compiled by the warm-up runs")
            results = _measure(args, db)
    print(f"load average after: {os.getloadavg()[0]:.1f}")
    over = [name for name, value in results.items() if value > BUDGETS[name]]
    print("within budget" if not over else f"OVER BUDGET: {', '.join(over)}")
    return 1 if over else 0


def _measure(args: argparse.Namespace, db: str) -> dict[str, float]:
    results: dict[str, float] = {}
    if args.only in (None, "cli"):
        base, mine = _alternate(
            lambda: _wall([sys.executable, "-c", "import sqlite3, argparse, csv, json"]),
            lambda: _wall([ACTREG, "--db", db, "list"]),
            args.repeats,
        )
        results["cli list"] = _report("cli list", base, mine, "python -c 'import sqlite3, ...'")
    if args.only in (None, "tui"):
        if shutil.which("tmux") is None:
            print("tui start: skipped (tmux is not installed)")
        else:
            _tmux("new-session", "-d", "-s", "idle", "sleep 86400", check=True)
            try:
                base, mine = _alternate(
                    lambda: _in_terminal([sys.executable, "-m", "bench.bare_app"], _bare_ready),
                    lambda: _in_terminal([ACTREG, "--db", db], _actreg_ready),
                    args.repeats,
                )
            finally:
                _tmux("kill-server", stderr=subprocess.DEVNULL)
            results["tui start"] = _report("tui start", base, mine, "Header+Footer app")
    return results


if __name__ == "__main__":
    sys.exit(main())
