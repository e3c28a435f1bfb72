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
from db.models import parse_date

Clock = Callable[[], dt.datetime]


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def utc_text(moment: dt.datetime) -> str:
    """Canonical UTC text with microseconds: sorts as text in time order.

    (isoformat, not strftime: %Y does not pad years before 1000 on every platform.)
    """
    text = moment.astimezone(dt.UTC).isoformat(timespec="microseconds")
    return text.replace("+00:00", "Z")


def parse_utc_text(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def today() -> dt.date:
    override = os.environ.get("ACTREG_TODAY", "").strip()
    if not override:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(parse_date(override))
    except ValueError as exc:
        raise InputError(f"ACTREG_TODAY: {exc}") from None
