"""Recorded times along the chain: an entry recorded before an earlier entry is suspect.

Every write stamps its entries with the clock and never earlier than the head it
follows (db.store.register keeps them in order even if the clock steps back), so
an entry whose time is before an earlier entry's was not written by actreg as it
stands: it was appended by hand with correct hashes but a backdated time. A
small tolerance allows for what a real clock may do between two machines on a
shared folder; beyond it, `verify` names the entries.
"""

from __future__ import annotations

import datetime as dt
import sqlite3

from db.plural import plural

#: How far an entry's time may be before the latest time recorded ahead of it.
TOLERANCE = dt.timedelta(minutes=5)
SHOWN = 5  # entries named in the message; the rest are counted


def _moment(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def time_order_problems(conn: sqlite3.Connection, tolerance: dt.timedelta = TOLERANCE) -> list[str]:
    """A problem naming the entries recorded more than `tolerance` before an earlier one."""
    order = TimeOrder(tolerance)
    latest = ""
    # One pass in chain order keeping the latest time so far (every time is the same ISO
    # form in UTC, so text compares as time); only an entry earlier than it is looked at.
    for entry_id, uuid, recorded_at in conn.execute(
        "SELECT id, uuid, recorded_at FROM progress_log ORDER BY id"
    ):
        if recorded_at >= latest:
            latest = recorded_at
        else:
            order.earlier(entry_id, uuid, recorded_at, latest)
    return order.problems()


class TimeOrder:
    """The entries met in chain order that were recorded before the latest time ahead of
    them (verify keeps the latest itself, in its one pass over the log, and tells this of
    each entry before it)."""

    def __init__(self, tolerance: dt.timedelta = TOLERANCE) -> None:
        self.tolerance = tolerance
        self.backwards: list[str] = []
        self.error: TypeError | ValueError | None = None  # a time that could not be read

    def earlier(self, entry_id: int, uuid: str, recorded_at: str, latest: str) -> None:
        gap = _moment(latest) - _moment(recorded_at)
        if gap > self.tolerance:
            self.backwards.append(
                f"#{entry_id} ({uuid}) at {recorded_at}, {_span(gap)} before {latest}"
            )

    def problems(self) -> list[str]:
        backwards = self.backwards
        if not backwards:
            return []
        minutes = int(self.tolerance.total_seconds() // 60)
        more = len(backwards) - SHOWN
        return [
            f"{plural(len(backwards), 'log entry')} recorded earlier than an entry before "
            f"{'it' if len(backwards) == 1 else 'them'} "
            f"by more than {minutes} minutes (backdated, or appended outside actreg): "
            + "; ".join(backwards[:SHOWN])
            + (f"; and {more} more" if more > 0 else "")
        ]


def _span(gap: dt.timedelta) -> str:
    seconds = int(gap.total_seconds())
    if seconds >= 86_400:
        return f"{seconds // 86_400} day{'s' * (seconds >= 2 * 86_400)}"
    if seconds >= 3600:
        return f"{seconds // 3600} h {seconds % 3600 // 60} min"
    return f"{seconds // 60} min"
