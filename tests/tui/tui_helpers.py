"""The fixed register the TUI tests use, and a helper to wait for the TUI's workers.

Every write in the fixture uses a fixed clock and ACTREG_TODAY=2026-06-01, so
the flags (overdue, slipped, stale) and the dates on screen never drift.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import itertools
from pathlib import Path

from db.store.connection import create_register
from db.store.register import (
    add_action,
    close_action,
    move_target_date,
    record_note,
    record_update,
    set_rag,
)

TODAY = "2026-06-01"


def fixed_clock(start: dt.datetime):
    ticks = itertools.count()
    return lambda: start + dt.timedelta(hours=next(ticks))


def build_register(path: Path) -> None:
    conn = create_register(path, name="Lessons Learned MAT", organisation="Test Council")
    jan = fixed_clock(dt.datetime(2026, 1, 5, 9, tzinfo=dt.UTC))
    may = fixed_clock(dt.datetime(2026, 5, 4, 9, tzinfo=dt.UTC))
    people = {"author": "officer"}
    actions = [
        ("A1", "Refresh the governance framework", "Jo Smith", "Corporate", "2026-03-31"),
        ("A2", "Publish the corporate risk register", "Sam Patel", "Finance", "2026-09-30"),
        ("A3", "Train managers in procurement rules", "Ali Khan", "Resources", "2026-04-30"),
        ("A4", "Close the audit recommendations log", "Jo Smith", "Corporate", "2026-02-28"),
        ("A5", "Review the safeguarding escalation route", "Mia Chen", "Children", "2026-12-31"),
        ("A10", "Agree the committee reporting cadence", "Sam Patel", "Legal", "2026-07-31"),
    ]
    for ref, title, owner, directorate, target in actions:
        add_action(
            conn,
            {
                "ref": ref,
                "title": title,
                "owner": owner,
                "directorate": directorate,
                "target_date": target,
                "source": "Lessons Learned Review 2025",
            },
            clock=jan,
            **people,
        )
    record_update(
        conn, "A1", status="in_progress", note="Draft framework circulated", clock=jan, **people
    )
    move_target_date(conn, "A1", "2026-04-30", reason="Board meeting moved", clock=jan, **people)
    move_target_date(conn, "A1", "2026-05-15", reason="Consultation extended", clock=may, **people)
    set_rag(conn, "A1", "amber", reason="Consultation running late", clock=may, **people)
    set_rag(conn, "A2", "green", reason="On track", clock=may, **people)
    record_update(conn, "A2", status="in_progress", percent_complete=40, clock=may, **people)
    set_rag(conn, "A3", "red", reason="No trainer booked", clock=may, **people)
    record_note(conn, "A3", "Procurement team asked for dates", clock=may, **people)
    close_action(conn, "A4", evidence="Audit committee minute 12/2026", clock=may, **people)
    record_note(conn, "A10", "Cadence paper drafted for the committee", clock=may, **people)
    conn.close()


async def settle(pilot, rounds: int = 30) -> None:
    """Wait until every worker has finished and its answer has been applied."""
    app = pilot.app
    await pilot.pause()
    for _ in range(rounds):
        if not any(w.is_running for w in app.workers):
            return
        await app.workers.wait_for_complete()
        await pilot.pause()


def run_async(test):
    """Run an async test function with asyncio.run (the suite has no async plugin)."""

    @functools.wraps(test)
    def wrapper(*args, **kwargs):
        return asyncio.run(test(*args, **kwargs))

    return wrapper
