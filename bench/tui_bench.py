"""Time the TUI on a large register against its budgets, headless (App.run_test).

    python -m bench.make_register /tmp/bench.db --actions 100000 --entries 2000000
    python -m bench.tui_bench /tmp/bench.db

Every figure runs from the moment a key event is posted to the app (or the app
is created) to the first frame the compositor paints after the new data is in:
frames are timed by wrapping ``Screen._compositor_refresh``, so Pilot's own
waiting is not counted. Each is the median of several runs:

  start-up to the first usable frame (register opened, table counted, first page
  drawn), against a minimal Textual app with a Header and a Footer, same run;
  a filter keystroke ('o', overdue) until the new count and rows are drawn;
  a search keystroke until the narrowed table is drawn (debounce included);
  page-down until every visible row is drawn;
  opening the action with the longest log;
and the process's peak memory (max RSS).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import statistics
import sys
import time
from pathlib import Path

from textual import events
from textual.app import App, ComposeResult
from textual.screen import Screen
from textual.widgets import Footer, Header

from db.store.connection import open_register
from tui.app.app import ActregApp
from tui.screens.action import ActionScreen
from tui.widgets.action_table import ActionTable

SIZE = (160, 50)
BUDGETS = {
    "start-up ratio": 1.2,
    "filter keystroke ms": 100,
    "search keystroke ms": 150,
    "page-down ms": 33,
    "open card ms": 150,
    "peak memory MB": 200,
}

FRAMES: list[float] = []
_refresh = Screen._compositor_refresh


def _timed_refresh(self) -> None:
    _refresh(self)
    FRAMES.append(time.perf_counter())


Screen._compositor_refresh = _timed_refresh

LOADED: list[float] = []  # when the screen last took in something to show


def _timed(cls, name: str) -> None:
    """Record when `cls.name` (a step that changes what is shown) has run."""
    original = getattr(cls, name)

    def timed(self, *args, **kwargs):
        result = original(self, *args, **kwargs)
        LOADED.append(time.perf_counter())
        return result

    setattr(cls, name, timed)


GAPS: list[float] = []  # when the table drew a line whose row it did not have yet
_row_at = ActionTable.row_at


def _noted_row_at(self, index: int):
    row = _row_at(self, index)
    if row is None:
        GAPS.append(time.perf_counter())
    return row


ActionTable.row_at = _noted_row_at

for _cls, _name in (
    (ActionTable, "_reloaded"),
    (ActionTable, "_page_loaded"),
    (ActionTable, "_widened"),
    (ActionTable, "action_page"),
    (ActionScreen, "_loaded"),
):
    _timed(_cls, _name)


async def _frame_after(moment: float) -> float:
    """The time of the first frame painted at or after `moment`."""
    await _until(lambda: bool(FRAMES) and FRAMES[-1] >= moment)
    return next(f for f in FRAMES if f >= moment)


class Baseline(App):
    """The smallest useful Textual app: what start-up is compared against."""

    def compose(self) -> ComposeResult:
        yield Header()
        yield Footer()


async def _until(predicate, timeout: float = 60.0) -> None:
    deadline = time.perf_counter() + timeout
    while not predicate():
        if time.perf_counter() > deadline:
            raise TimeoutError("the TUI did not settle in time")
        await asyncio.sleep(0.0002)


async def _next_frame() -> float:
    """The time of the first frame painted from now on."""
    seen = len(FRAMES)
    await _until(lambda: len(FRAMES) > seen)
    return FRAMES[seen]


def _table(app) -> ActionTable | None:
    try:
        return app.screen.query_one(ActionTable)
    except Exception:
        return None


def _press(app: App, key: str, character: str | None = None) -> None:
    app.post_message(events.Key(key, character))


async def time_baseline() -> float:
    started = time.perf_counter()
    FRAMES.clear()
    async with Baseline().run_test(size=SIZE):
        await _until(lambda: bool(FRAMES))
        return FRAMES[0] - started


async def time_baseline_keys() -> float:
    """When the baseline's Footer first shows a key: Footer fills itself after its first frame."""
    from textual.widgets._footer import FooterKey

    FRAMES.clear()
    started = time.perf_counter()
    app = Baseline()
    async with app.run_test(size=SIZE):
        await _until(lambda: bool(app.screen.query(FooterKey)))
        return await _frame_after(time.perf_counter()) - started


async def time_actreg_start(path: Path) -> float:
    """Until the first frame painted after the table has its count and every row it draws.

    Start-up reads only the rows that fit on the screen; the rest of their page comes
    after that frame and is not waited for. A frame that drew any line without its
    row ("…") does not count.
    """
    FRAMES.clear()
    LOADED.clear()
    GAPS.clear()
    started = time.perf_counter()
    conn = open_register(path)
    app = ActregApp(conn, author="bench")
    try:
        async with app.run_test(size=SIZE):
            await _until(lambda: _table(app) is not None)
            table = _table(app)
            await _until(lambda: table.is_settled and table.total is not None)
            await _frame_after(LOADED[-1])
            for loaded in LOADED:
                frame = await _frame_after(loaded)
                if not any(loaded <= gap <= frame for gap in GAPS):
                    return frame - started
            raise AssertionError("no frame drew every row it showed")
    finally:
        conn.close()


async def _key_until(app, key: str, character: str | None, done) -> float:
    """Post a key; wait for `done`; the first frame painted after the last data arrived."""
    started = time.perf_counter()
    _press(app, key, character)
    await _until(done)
    await _until(lambda: bool(LOADED) and LOADED[-1] >= started)
    return await _frame_after(LOADED[-1]) - started


async def time_interaction(path: Path, repeats: int) -> dict[str, list[float]]:
    conn = open_register(path)
    app = ActregApp(conn, author="bench")
    out: dict[str, list[float]] = {"filter": [], "search": [], "pagedown": [], "card": []}
    out["search all"] = []
    async with app.run_test(size=SIZE) as pilot:
        await _until(lambda: _table(app) is not None)
        table = _table(app)
        await _until(lambda: table.is_settled and table.total is not None)
        await pilot.pause()
        screen = app.screen

        def reloaded(generation: int):
            return lambda: table.generation > generation and table.is_settled

        for _ in range(repeats):
            out["filter"].append(await _key_until(app, "o", "o", reloaded(table.generation)))
            await pilot.pause()
        if screen.flt.overdue:
            await pilot.press("o")
        await pilot.press("slash", *"wast")
        await _until(lambda: table.is_settled and screen.flt.search == "wast")
        await pilot.pause(0.2)
        for _ in range(repeats):
            # The first rows (the actions' own text), then every match (the commentary).
            generation, started = table.generation, time.perf_counter()
            shown = lambda g=generation: table.generation > g and table.is_current  # noqa: E731
            out["search"].append(await _key_until(app, "e", "e", shown))
            await _until(reloaded(generation))
            out["search all"].append(await _frame_after(LOADED[-1]) - started)
            await pilot.pause(0.2)
            await pilot.press("backspace")
            await pilot.pause(0.2)
            await _until(lambda: table.is_settled)
        await pilot.press("escape")
        await _until(lambda: table.is_settled and (table.total or 0) > 1000)
        await pilot.pause()
        for _ in range(repeats * 4):
            out["pagedown"].append(
                await _key_until(app, "pagedown", None, lambda: table.is_settled)
            )
            await pilot.pause()
        big = conn.execute(
            "SELECT action_id, count(*) AS n FROM progress_log"
            " GROUP BY action_id ORDER BY n DESC LIMIT 1"
        ).fetchone()
        ref = conn.execute("SELECT ref FROM action WHERE id = ?", (big[0],)).fetchone()[0]
        out["card entries"] = [big[1]]
        # Put the action under the cursor: search for its ref, then press enter.
        await pilot.press("slash", *ref, "enter")
        await _until(lambda: screen.flt.search == ref and table.is_settled)
        await pilot.pause()
        for _ in range(repeats):
            card_done = lambda: getattr(app.screen, "loads", 0) > 0  # noqa: E731
            out["card"].append(await _key_until(app, "enter", None, card_done))
            await pilot.pause()
            await pilot.press("escape")
            await _until(lambda: app.screen is screen and table.is_settled)
            await pilot.pause()
    conn.close()
    return out


def _ms(seconds: list[float]) -> str:
    return f"median {statistics.median(seconds) * 1000:6.1f} ms, max {max(seconds) * 1000:6.1f} ms"


async def run(path: Path, repeats: int) -> dict[str, float]:
    # Warm both once (imports, CSS parsing, the file cache), then alternate.
    await time_baseline()
    await time_actreg_start(path)
    base, ours = [], []
    for _ in range(repeats):
        base.append(await time_baseline())
        ours.append(await time_actreg_start(path))
    keys = [await time_baseline_keys() for _ in range(repeats)]
    timings = await time_interaction(path, repeats)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    conn = open_register(path)
    actions = conn.execute("SELECT count(*) FROM action").fetchone()[0]
    entries = conn.execute("SELECT max(id) FROM progress_log").fetchone()[0]
    conn.close()
    ratio = statistics.median(ours) / statistics.median(base)
    print(f"register: {path} ({actions:,} actions, {entries:,} log entries), screen {SIZE}")
    print(f"start-up baseline (Header+Footer app):      {_ms(base)}")
    print(f"start-up actreg (open + first page drawn):  {_ms(ours)}")
    print(f"start-up ratio: {ratio:.2f}x   (budget <= {BUDGETS['start-up ratio']}x)")
    print(f"  (for scale: the baseline's Footer first shows its key at {_ms(keys)};")
    print("   actreg's first frame already has its rows, their count and its keys)")
    print(f"filter keystroke 'o' to new frame:          {_ms(timings['filter'])}  (budget 100 ms)")
    print(f"search keystroke to first rows (+debounce): {_ms(timings['search'])}  (budget 150 ms)")
    print(f"  ... to every match, commentary included:  {_ms(timings['search all'])}")
    print(f"page-down to all rows drawn:                {_ms(timings['pagedown'])}  (budget 33 ms)")
    print(
        f"open card ({timings['card entries'][0]:,} log entries):       "
        f"{_ms(timings['card'])}  (budget 150 ms)"
    )
    print(f"peak memory (max RSS): {peak_mb:.0f} MB   (budget < 200 MB)")
    return {
        "start-up ratio": ratio,
        "filter keystroke ms": statistics.median(timings["filter"]) * 1000,
        "search keystroke ms": statistics.median(timings["search"]) * 1000,
        "page-down ms": statistics.median(timings["pagedown"]) * 1000,
        "open card ms": statistics.median(timings["card"]) * 1000,
        "peak memory MB": peak_mb,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args(argv)
    os.environ.setdefault("ACTREG_TODAY", "2026-06-01")
    results = asyncio.run(run(args.path, args.repeats))
    over = [name for name, value in results.items() if value > BUDGETS[name]]
    print("within budget" if not over else f"OVER BUDGET: {', '.join(over)}")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
