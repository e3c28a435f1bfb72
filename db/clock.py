"""Time: the real clock for log entries, and 'today' for date rules.

``ACTREG_TODAY=YYYY-MM-DD`` moves 'today' (overdue, stale, triage) for tests and
what-if questions. It never touches ``recorded_at``: entries always carry the
real time, so the audit trail cannot be back-dated from the environment.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable

from db.errors import InputError

Clock = Callable[[], dt.datetime]


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def utc_text(moment: dt.datetime) -> str:
    """Canonical UTC text with microseconds: sorts as text in time order."""
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_utc_text(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def today() -> dt.date:
    override = os.environ.get("ACTREG_TODAY", "").strip()
    if not override:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(override) if len(override) == 10 else _bad(override)
    except ValueError:
        return _bad(override)


def _bad(value: str) -> dt.date:
    raise InputError(f"ACTREG_TODAY: {value!r} is not a date in the form YYYY-MM-DD")
