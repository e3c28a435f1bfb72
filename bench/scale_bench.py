"""The big register as a user meets it: whole `actreg` processes, time and peak memory,
each beside a baseline run in the same session, alternating (baseline, actreg, ...).

    python -m bench.make_register /tmp/big.db          # 100,000 actions, 2,000,000 entries
    python -m bench.scale_bench /tmp/big.db verify list import export --repeats 7

- verify: `actreg verify` pinned to one core (`taskset -c 0`) against a plain Python
  read of every entry with a SHA-256 over its fields, pinned the same way; budget 2x,
  peak RSS < 300 MB. `verify-snapshots` does the same on a copy with 20 snapshots
  (taken once, kept beside the register as FILE.20snap.db; `--snapshots N` for
  another number) and compares it with
  verify on the register without them (budget 1.5x), and with a read of every entry of
  the copy with a SHA-256 (budget 2x, as verify without snapshots).
- list: `actreg list --format csv` against `sqlite3 -csv` of the same columns
  (budget 3x), and the table and JSON forms; every form < 300 MB peak RSS.
- import: 10,000 new actions from a CSV into a copy of the register against the same
  into an empty register; budget 1.3x.
- export: every format of a 100,000-row snapshot < 300 MB peak RSS; XLSX against a
  plain openpyxl write-only loop over the same cells (budget 1.5x).

`--code DIR` runs another checkout's actreg (for before/after figures) by putting
DIR first on PYTHONPATH. Figures are medians; the load average is printed because
the machine these run on is shared.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

BUDGETS = {
    "verify ratio": 2.0,
    "verify snapshots ratio": 1.5,
    "list csv ratio": 3.0,
    "import ratio": 1.3,
    "xlsx ratio": 1.5,
    "peak MB": 300,
}
ACTREG = [sys.executable, "-c", "import sys; from tui.launch import main; sys.exit(main())"]
PIN = ["taskset", "-c", "0"] if shutil.which("taskset") else []

#: What any verify must at least do: read every entry and hash it (one core).
READ_AND_HASH = """
import hashlib, sqlite3, sys
conn = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
h = hashlib.sha256
n = 0
for row in conn.execute("SELECT * FROM progress_log ORDER BY id"):
    h("\\x1f".join(map(str, row)).encode()).hexdigest()
    n += 1
print(n)
"""

#: The columns `actreg list --format csv` writes, in its order, the four flags worked out
#: in SQL by the same rules (stale against a fixed cycle start: the cost is the same).
_OPEN = "status NOT IN ('implemented', 'closed', 'superseded', 'cancelled')"
_DAYS = (
    f"CASE WHEN {_OPEN} AND target_date IS NOT NULL"
    " THEN max(0, CAST(julianday('now') - julianday(target_date) AS INTEGER)) ELSE 0 END"
)
LIST_SQL = (
    "SELECT ref, title, owner, directorate, theme, priority, acceptance, status, rag,"
    " percent_complete, original_target_date, target_date, target_revisions,"
    " CASE WHEN target_date > original_target_date THEN 'true' ELSE 'false' END AS slipped,"
    f" CASE WHEN {_DAYS} > 0 THEN 'true' ELSE 'false' END AS overdue, {_DAYS} AS days_overdue,"
    f" CASE WHEN {_OPEN} AND coalesce(last_update_at, '') < '2026-01-01' THEN 'true'"
    " ELSE 'false' END AS stale,"
    " completed_date, source, recommendation, last_update_at AS last_update, last_commentary,"
    " version FROM action ORDER BY ref_key"
)

#: A plain openpyxl write-only workbook of the snapshot's cells: the XLSX floor.
OPENPYXL_LOOP = """
import json, sqlite3, sys
from openpyxl import Workbook
conn = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
snap = int(sys.argv[3])  # the snapshot actreg exports: the meeting's latest
wb = Workbook(write_only=True)
ws = wb.create_sheet("Actions")
keys = None
for (data,) in conn.execute(
    "SELECT data FROM snapshot_row WHERE snapshot_id = ? ORDER BY position", (snap,)
):
    row = json.loads(data)
    if keys is None:
        keys = sorted(row)
        ws.append(keys)
    ws.append([row[k] for k in keys])
wb.save(sys.argv[2])
"""


class Measured:
    def __init__(self, seconds: float, peak_mb: float) -> None:
        self.seconds, self.peak_mb = seconds, peak_mb


def run(command: list[str], *, env: dict | None = None, stdout=subprocess.DEVNULL) -> Measured:
    """Wall time and peak RSS of one process (its own, from wait4).

    Run from the temporary folder: `python -c` puts its working folder first on
    sys.path, which would otherwise pick the checkout the bench was started in."""
    started = time.perf_counter()
    proc = subprocess.Popen(
        command, stdout=stdout, stderr=subprocess.PIPE, env=env, cwd=tempfile.gettempdir()
    )
    _, status, usage = os.wait4(proc.pid, 0)
    took = time.perf_counter() - started
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    if proc.stderr:
        proc.stderr.close()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed ({proc.returncode}): {err[-2000:]}")
    return Measured(took, usage.ru_maxrss / 1024)


def alternate(
    baseline: Callable[[], Measured], ours: Callable[[], Measured], repeats: int
) -> tuple[list[Measured], list[Measured]]:
    base, mine = [], []
    for _ in range(repeats):
        base.append(baseline())
        mine.append(ours())
    return base, mine


def med(values: list[Measured]) -> float:
    return statistics.median(m.seconds for m in values)


def peak(values: list[Measured]) -> float:
    return max(m.peak_mb for m in values)


def report(name: str, base: list[Measured], mine: list[Measured], what: str) -> float:
    ratio = med(mine) / med(base)
    print(
        f"  {name}: actreg {med(mine):6.2f} s ({peak(mine):4.0f} MB)   "
        f"{what} {med(base):6.2f} s ({peak(base):4.0f} MB)   ratio {ratio:4.2f}x"
    )
    return ratio


class Bench:
    def __init__(self, register: Path, repeats: int, code: Path | None, snapshots: int) -> None:
        self.register, self.repeats, self.snapshots = register, repeats, snapshots
        self.env = dict(os.environ, ACTREG_AUTHOR="bench")
        self.env["PYTHONPATH"] = str(code or Path(__file__).resolve().parent.parent)
        self.results: dict[str, float] = {}

    def actreg(self, db: Path, *args: str, pin: bool = False, stdout=subprocess.DEVNULL):
        return run([*(PIN if pin else []), *ACTREG, "--db", str(db), *args], env=self.env,
                   stdout=stdout)  # fmt: skip

    def note(self, name: str, value: float) -> None:
        self.results[name] = max(value, self.results.get(name, 0))

    def verify(self) -> None:
        baseline = lambda: run([*PIN, sys.executable, "-c", READ_AND_HASH, str(self.register)])  # noqa: E731
        ours = lambda: self.actreg(self.register, "verify", pin=True)  # noqa: E731
        base, mine = alternate(baseline, ours, self.repeats)
        self.note("verify ratio", report("verify", base, mine, "read+SHA-256"))
        self.note("peak MB", peak(mine))

    def verify_snapshots(self) -> None:
        with_snaps = self.with_snapshots()
        floor: list[Measured] = []

        def read_and_hash() -> Measured:  # (the budget: 2x this, snapshots included)
            floor.append(run([*PIN, sys.executable, "-c", READ_AND_HASH, str(with_snaps)]))
            return self.actreg(self.register, "verify", pin=True)

        base, mine = alternate(
            read_and_hash, lambda: self.actreg(with_snaps, "verify", pin=True), self.repeats
        )
        ratio = report(f"verify, {self.snapshots} snapshots", base, mine, "verify, none")
        self.note("verify snapshots ratio", ratio)
        ratio = report(f"verify, {self.snapshots} snapshots", floor, mine, "read+SHA-256")
        self.note("verify ratio", ratio)
        self.note("peak MB", peak(mine))

    def with_snapshots(self) -> Path:
        path = self.register.with_suffix(f".{self.snapshots}snap.db")
        if path.exists():
            return path
        print(f"  (taking {self.snapshots} snapshots on a copy: {path})")
        shutil.copyfile(self.register, path)
        for month in range(self.snapshots):
            year, m = 2024 + month // 12, month % 12 + 1
            date = f"{year}-{m:02d}-28"
            self.actreg(path, "meeting", "add", date)
            self.actreg(path, "snapshot", "--meeting", date)
        return path

    def list(self) -> None:
        program = shutil.which("sqlite3")
        if program:
            base, mine = alternate(
                lambda: run([program, "-csv", "-header", str(self.register), LIST_SQL]),
                lambda: self.actreg(self.register, "list", "--format", "csv"),
                self.repeats,
            )
            self.note("list csv ratio", report("list --format csv", base, mine, "sqlite3 -csv"))
            self.note("peak MB", peak(mine))
        for form in ("table", "json"):
            mine = [self.actreg(self.register, "list", "--format", form) for _ in range(3)]
            print(f"  list --format {form}: {med(mine):6.2f} s ({peak(mine):4.0f} MB)")
            self.note("peak MB", peak(mine))

    def import_(self) -> None:
        from bench.import_bench import write_csv

        with tempfile.TemporaryDirectory(dir=self.register.parent) as name:
            folder = Path(name)
            csv_path = folder / "new.csv"
            write_csv(csv_path, 10_000, prefix="NEW")
            big, empty = folder / "big.db", folder / "empty.db"

            def into_empty() -> Measured:
                empty.unlink(missing_ok=True)
                self.actreg(empty, "init")
                return self.actreg(empty, "import", str(csv_path))

            def into_big() -> Measured:
                for suffix in ("-wal", "-shm"):
                    Path(f"{big}{suffix}").unlink(missing_ok=True)
                shutil.copyfile(self.register, big)
                os.sync()  # (else the copy's writing-back is timed with the import)
                return self.actreg(big, "import", str(csv_path))

            base, mine = alternate(into_empty, into_big, self.repeats)
        self.note("import ratio", report("import 10,000 rows", base, mine, "into empty"))
        self.note("peak MB", peak(mine))

    def export(self) -> None:
        with tempfile.TemporaryDirectory(dir=self.register.parent) as name:
            folder = Path(name)
            db = self.with_snapshots()
            meeting = self.latest_meeting(db)
            plain = folder / "plain.xlsx"
            for fmt in ("csv", "md", "html", "xlsx", "docx"):
                out = folder / f"out.{fmt}"

                def ours(fmt=fmt, out=out) -> Measured:
                    out.unlink(missing_ok=True)
                    return self.actreg(db, "export", "--meeting", meeting, "--format", fmt,
                                       "-o", str(out))  # fmt: skip

                if fmt == "xlsx":
                    base, mine = alternate(
                        lambda: run(
                            [
                                sys.executable,
                                "-c",
                                OPENPYXL_LOOP,
                                str(db),
                                str(plain),
                                str(self.latest_snapshot(db, meeting)),
                            ]
                        ),
                        ours,
                        self.repeats,
                    )
                    self.note("xlsx ratio", report("export xlsx", base, mine, "openpyxl loop"))
                else:
                    mine = [ours() for _ in range(max(1, self.repeats // 2))]
                    print(f"  export {fmt}: {med(mine):6.2f} s ({peak(mine):4.0f} MB)")
                self.note("peak MB", peak(mine))

    def latest_snapshot(self, db: Path, meeting: str) -> int:
        """The snapshot `actreg export --meeting` exports: the meeting's latest."""
        import sqlite3

        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        try:
            return conn.execute(
                "SELECT max(s.id) FROM snapshot s JOIN meeting m ON m.id = s.meeting_id"
                " WHERE m.meeting_date = ?",
                (meeting,),
            ).fetchone()[0]
        finally:
            conn.close()

    def latest_meeting(self, db: Path) -> str:
        import sqlite3

        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        try:
            return conn.execute(
                "SELECT max(m.meeting_date) FROM snapshot s JOIN meeting m ON m.id = s.meeting_id"
            ).fetchone()[0]
        finally:
            conn.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("register", type=Path)
    parser.add_argument(
        "what",
        nargs="+",
        choices=("verify", "verify-snapshots", "list", "import", "export"),
    )
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--code", type=Path, help="run the actreg of this checkout instead")
    parser.add_argument("--snapshots", type=int, default=20, help="for verify-snapshots, export")
    args = parser.parse_args(argv)
    bench = Bench(args.register.resolve(), args.repeats, args.code, args.snapshots)
    print(
        f"register: {args.register}; code: {args.code or 'this checkout'}; "
        f"median of {args.repeats}; load average {os.getloadavg()[0]:.1f} "
        f"on {os.cpu_count()} cores"
    )
    for what in args.what:
        getattr(bench, what.replace("-", "_").replace("import", "import_"))()
    print(f"load average after: {os.getloadavg()[0]:.1f}")
    over = [k for k, v in bench.results.items() if v > BUDGETS[k]]
    print("within budget" if not over else f"OVER BUDGET: {', '.join(over)}")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
