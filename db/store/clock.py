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
from db.store.dates import parse_day

Clock = Callable[[], dt.datetime]


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def today() -> dt.date:
    override = os.environ.get("ACTREG_TODAY", "").strip()
    if not override:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(parse_day(override))
    except ValueError as exc:
        raise InputError(f"ACTREG_TODAY: {exc}") from None
