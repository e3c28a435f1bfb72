"""Memory that stays flat, and how long triage takes to start, in the real TUI (headless).

    python -m bench.make_register /tmp/big.db          # 100,000 actions, 2,000,000 entries
    python -m bench.memory_bench /tmp/big.db [--sessions 8] [--cycles 10]

Eight triage sessions in a row (t, the first card, escape, escape), then every
screen the home screen opens (card, meetings, help, verify's screen unstarted)
opened and closed ten times. Prints the process's resident memory (VmRSS, what it
holds now, not its peak) after the first session, after the last, and after the
screens, with the ratios (budget: within 1.1x of the RSS after the first
session), and each triage start: from the key to the first card drawn (budget:
300 ms at 100,000 actions).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import statistics
import sys
import time
from pathlib import Path

from db.store.connection import open_register
from tui.app.app import ActregApp
from tui.screens.triage import TriageScreen
from tui.widgets.action_table import ActionTable

SIZE = (160, 50)
BUDGETS = {"rss ratio": 1.1, "triage start ms": 300}
#: Keys on the home screen that open a screen, closed again with escape.
SCREEN_KEYS = ("enter", "m", "question_mark", "V")


def rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


async def until(predicate, timeout: float = 120.0) -> None:
    deadline = time.perf_counter() + timeout
    while not predicate():
        if time.perf_counter() > deadline:
            raise TimeoutError("the TUI did not settle in time")
        await asyncio.sleep(0.001)


async def run(path: Path, sessions: int, cycles: int) -> dict[str, float]:
    conn = open_register(path)
    app = ActregApp(conn, author="bench")
    starts: list[float] = []
    rss: list[float] = []
    async with app.run_test(size=SIZE) as pilot:
        home = app.screen
        table = home.query_one(ActionTable)
        await until(lambda: table.is_settled and table.total is not None)
        await pilot.pause()
        for _ in range(sessions):
            started = time.perf_counter()
            # Not `await pilot.press`: it returns only once the whole process is idle,
            # and the rest of the queue is read (in a thread) behind the first card.
            pressed = asyncio.create_task(pilot.press("t"))
            await until(lambda: isinstance(app.screen, TriageScreen) and app.screen.loads > 0)
            starts.append(time.perf_counter() - started)
            await pressed
            await pilot.pause()
            while app.screen is not home:  # end the session, leave its summary
                await pilot.press("escape")
                await pilot.pause()
            await until(lambda: table.is_settled)
            gc.collect()
            rss.append(rss_mb())
        for key in SCREEN_KEYS:
            for _ in range(cycles):
                await pilot.press(key)
                await until(lambda: app.screen is not home, timeout=30)
                await pilot.pause()
                while app.screen is not home:
                    await pilot.press("escape")
                    await pilot.pause()
        gc.collect()
        after_screens = rss_mb()
    conn.close()
    median_start = statistics.median(starts) * 1000
    print(f"register: {path}; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(
        "triage start (t to the first card): "
        + ", ".join(f"{s * 1000:.0f}" for s in starts)
        + f" ms; median {median_start:.0f} ms  (budget {BUDGETS['triage start ms']} ms)"
    )
    print(
        f"RSS after triage session 1: {rss[0]:.0f} MB; after session {len(rss)}: "
        f"{rss[-1]:.0f} MB ({rss[-1] / rss[0]:.2f}x); after every screen opened and closed "
        f"{cycles} times: {after_screens:.0f} MB ({after_screens / rss[0]:.2f}x)  "
        f"(budget {BUDGETS['rss ratio']}x)"
    )
    return {
        "rss ratio": max(rss[-1], after_screens) / rss[0],
        "triage start ms": median_start,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path)
    parser.add_argument("--sessions", type=int, default=8)
    parser.add_argument("--cycles", type=int, default=10)
    args = parser.parse_args(argv)
    os.environ.setdefault("ACTREG_TODAY", "2026-06-01")
    results = asyncio.run(run(args.path, args.sessions, args.cycles))
    over = [name for name, value in results.items() if value > BUDGETS[name]]
    print("within budget" if not over else f"OVER BUDGET: {', '.join(over)}")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
