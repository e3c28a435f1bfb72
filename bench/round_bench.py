"""Time the update round at scale: `actreg round start` for many owners, and
`actreg round collect` of as many returned workbooks, beside plain openpyxl.

    python -m bench.round_bench [--owners 1000] [--actions-per-owner 2]

Builds a register with that many owners (each with open actions) and a meeting,
then times, as a user runs them (the real command, one process each):

- ``actreg round start``: a protected workbook and an email draft per owner, and
  the round recorded; beside it, openpyxl writing the same number of small plain
  workbooks (no styles, validations or protection): the floor for the files alone;
- ``actreg round collect`` of every returned workbook (each owner filled one row,
  as openpyxl saves it), in one transaction; beside it, openpyxl reading the same
  files (read-only mode) and nothing else: the floor for reading them.

Then checks the register with verify. Prints the figures and the ratios.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from openpyxl import Workbook, load_workbook

from db.cycles.meetings import add_meeting
from db.integrity.verifier import verify
from db.store.connection import create_register, open_register
from db.store.register import add_action

ACTREG = Path(sys.executable).parent / "actreg"


def build(path: Path, owners: int, per_owner: int) -> None:
    conn = create_register(path, name="Round bench register")
    for o in range(owners):
        for a in range(per_owner):
            ref = f"A{o * per_owner + a + 1}"
            add_action(
                conn,
                {
                    "ref": ref,
                    "title": f"Action {ref} of owner {o + 1}",
                    "owner": f"Owner {o + 1:05d}",
                    "target_date": "2030-03-31",
                    "status": "in_progress",
                },
                author="bench",
            )
    add_meeting(conn, (dt.date.today() + dt.timedelta(days=60)).isoformat())
    conn.close()


def timed(label: str, argv: list[str], env: dict) -> float:
    start = time.perf_counter()
    done = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{label} failed:\n{done.stderr}")
    return seconds


def fill_one_row(book: Path, target: Path) -> None:
    wb = load_workbook(book)
    ws = wb["Update request"]
    heads = {c.value: c.column for c in ws[4] if c.value}
    ws.cell(5, heads["Progress update"], "On track; the contract is signed.")
    ws.cell(5, heads["% complete"], 60)
    wb.save(target)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--owners", type=int, default=1000)
    parser.add_argument("--actions-per-owner", type=int, default=2)
    args = parser.parse_args(argv)
    env = {**os.environ, "ACTREG_AUTHOR": "Bench Officer"}
    env.pop("ACTREG_TODAY", None)
    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp)
        db = folder / "round.db"
        t0 = time.perf_counter()
        build(db, args.owners, args.actions_per_owner)
        print(
            f"register: {args.owners:,} owners x {args.actions_per_owner} actions "
            f"built in {time.perf_counter() - t0:.1f} s"
        )

        out = folder / "out"
        start = timed(
            "round start", [str(ACTREG), "--db", str(db), "round", "start", "--out", str(out)], env
        )
        books = sorted(out.glob("*.xlsx"))
        drafts = list(out.glob("*.eml"))
        assert len(books) == len(drafts) == args.owners, (len(books), len(drafts))
        plain = folder / "plain"
        plain.mkdir()
        t0 = time.perf_counter()
        for i in range(args.owners):
            wb = Workbook()
            ws = wb.active
            for r in range(args.actions_per_owner + 4):
                ws.append([f"cell {r}.{c}" for c in range(14)])
            wb.save(plain / f"{i}.xlsx")
        floor_write = time.perf_counter() - t0
        print(
            f"round start:   {start:7.2f} s for {args.owners:,} workbooks + drafts "
            f"({start / args.owners * 1000:.1f} ms per owner); plain openpyxl writes "
            f"{floor_write:.2f} s: ratio {start / floor_write:.2f}x"
        )

        back = folder / "back"
        back.mkdir()
        returned = []
        for book in books:
            returned.append(back / book.name)
            fill_one_row(book, returned[-1])
        collect = timed(
            "round collect",
            [str(ACTREG), "--db", str(db), "round", "collect", *map(str, returned)],
            env,
        )
        t0 = time.perf_counter()
        for path in returned:
            wb = load_workbook(path, read_only=True, data_only=True)
            for ws in wb.worksheets:
                for _ in ws.iter_rows(values_only=True):
                    pass
            wb.close()
        floor_read = time.perf_counter() - t0
        print(
            f"round collect: {collect:7.2f} s for {len(returned):,} returned workbooks "
            f"({collect / len(returned) * 1000:.1f} ms each); plain openpyxl reads "
            f"{floor_read:.2f} s: ratio {collect / floor_read:.2f}x"
        )
        again = timed(
            "round collect (again)",
            [str(ACTREG), "--db", str(db), "round", "collect", *map(str, returned)],
            env,
        )
        print(f"collect again: {again:7.2f} s (the same files: nothing changes)")
        conn = open_register(db)
        subs = conn.execute("SELECT count(*) FROM submission").fetchone()[0]
        report = verify(conn)
        conn.close()
        print(f"submissions kept: {subs:,}; verify: {'OK' if report.ok else report.problems}")


if __name__ == "__main__":
    main()
