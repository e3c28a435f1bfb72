"""Dates and moments as the register writes them: YYYY-MM-DD days, canonical UTC text.

Pure functions with no clock: what 'now' and 'today' are lives in db.store.clock.
"""

from __future__ import annotations

import datetime as dt
import re


def utc_text(moment: dt.datetime) -> str:
    """Canonical UTC text with microseconds: sorts as text in time order.

    (isoformat, not strftime: %Y does not pad years before 1000 on every platform.)
    """
    text = moment.astimezone(dt.UTC).isoformat(timespec="microseconds")
    return text.replace("+00:00", "Z")


def parse_utc_text(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
#: The years a register's dates may fall in: wide enough for any action, and
#: far enough from year 1 that date arithmetic (stale windows) cannot overflow.
FIRST_YEAR, LAST_YEAR = 1900, 9999


def _in_range(day: dt.date, text: str) -> dt.date:
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise ValueError(f"{text} is outside the years {FIRST_YEAR}–{LAST_YEAR}")
    return day


def parse_date(value: str | dt.date) -> str:
    """Accept exactly YYYY-MM-DD (a real calendar date); return it as text."""
    if isinstance(value, dt.datetime):
        raise ValueError(f"{value!r} is a date and time; use a date in the form YYYY-MM-DD")
    if isinstance(value, dt.date):
        return _in_range(value, value.isoformat()).isoformat()
    text = value.strip()
    if not _ISO_DATE.fullmatch(text):
        raise ValueError(f"{value!r} is not a date in the form YYYY-MM-DD (for example 2025-03-31)")
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{text} is not a real calendar date; use YYYY-MM-DD") from None
    return _in_range(day, text).isoformat()


def parse_moment(value: str, *, end_of_day: bool = True) -> str:
    """An 'as at' point: YYYY-MM-DD (the end of that day, UTC) or an ISO date-time.

    Returns the UTC instant as canonical text (see :func:`utc_text`).
    A naive date-time is taken as UTC.
    """
    text = value.strip()
    if _ISO_DATE.fullmatch(text):
        day = dt.date.fromisoformat(parse_date(text))
        start = dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)
        moment = start + dt.timedelta(days=1, microseconds=-1) if end_of_day else start
        return utc_text(moment)
    try:
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(
            f"{value!r} is not a date (YYYY-MM-DD) or a date and time (YYYY-MM-DDTHH:MM[:SS][Z])"
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    _in_range(moment.date(), text)
    return utc_text(moment)
