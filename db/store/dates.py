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


_CLOCK_TIME = re.compile(r"\d:\d\d")
#: The years a register's dates may fall in: wide enough for any action, and
#: far enough from year 1 that date arithmetic (stale windows) cannot overflow.
FIRST_YEAR, LAST_YEAR = 1900, 9999

#: (English whatever the locale: the names a UK register's trackers are written in;
#: spelled out rather than read from `calendar`, which `actreg list` need not import.)
_MONTH_NAMES = ("january", "february", "march", "april", "may", "june", "july",
                "august", "september", "october", "november", "december")  # fmt: skip
MONTHS = {
    name: number
    for number, month in enumerate(_MONTH_NAMES, start=1)
    for name in (month, month[:3])
}
MONTHS["sept"] = 9
#: A month's name or its abbreviation, with an optional full stop ("Sept.").
MONTH_PATTERN = "(" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(\d{4}|\d{2})"
_ISO_DAY = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ t]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?")
# Numbers are read day first (UK): 28/02/2027, 28-02-2027, 28.2.27. Never month first.
_NUMERIC_DAY = re.compile(r"(\d{1,2})\s*([/.\-])\s*(\d{1,2})\s*\2\s*(\d{2}|\d{4})")
_DAY_MONTH_YEAR = re.compile(rf"{_DAY}[\s\-]+(?:of\s+)?{MONTH_PATTERN}[\s\-,]+{_YEAR}")
# "March 31, 2027" names the month in words, so it cannot be misread.
_MONTH_DAY_YEAR = re.compile(rf"{MONTH_PATTERN}\s+{_DAY},?\s+{_YEAR}")
#: How a refused date is explained: the forms accepted, day first.
DAY_FORMS = "28/02/2027, 28 Feb 2027 or 2027-02-28 (day first)"


def _full_year(text: str) -> int:
    return 2000 + int(text) if len(text) == 2 else int(text)


def _in_range(day: dt.date, text: str) -> dt.date:
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise ValueError(f"{text} is outside the years {FIRST_YEAR}–{LAST_YEAR}")
    return day


def _real(year: int, month: int, day: int, raw: str, *, numbers: bool = False) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:
        # 02/28/2027 lands here: say why a US date is refused rather than guess.
        hint = " (dates are read day first: DD/MM/YYYY)" if numbers else ""
        raise ValueError(f"{raw!r} is not a real date{hint}") from None


def day_written(text: str, *, shown: str | None = None) -> dt.date | None:
    """The day `text` names as people write one, or None if it is not written as a day.

    Accepts ISO (2027-02-28, with an optional time), day-first numbers (28/02/2027,
    28-02-2027, 28.2.27) and a month in words (28 February 2027, 28th Feb 27,
    February 28, 2027). Raises ValueError for text written as a day that is not a
    real one (31/02/2027, or a month-first 02/28/2027): it was meant as a date; the
    message quotes `shown` (what the person wrote) if given.
    """
    raw = text.strip() if shown is None else shown
    lowered = " ".join(raw.lower().split())
    if m := _ISO_DAY.fullmatch(lowered):
        return _real(int(m[1]), int(m[2]), int(m[3]), raw)
    if m := _NUMERIC_DAY.fullmatch(lowered):
        return _real(_full_year(m[4]), int(m[3]), int(m[1]), raw, numbers=True)
    if m := _DAY_MONTH_YEAR.fullmatch(lowered):
        return _real(_full_year(m[3]), MONTHS[m[2]], int(m[1]), raw)
    if m := _MONTH_DAY_YEAR.fullmatch(lowered):
        return _real(_full_year(m[3]), MONTHS[m[1]], int(m[2]), raw)
    return None


def parse_day(value: str | dt.date) -> str:
    """The one date parser for what people type: any form :func:`day_written` reads.

    Returns the day as YYYY-MM-DD text, which is how the register stores it.
    """
    if isinstance(value, dt.datetime):
        raise ValueError(f"{value!r} is a date and time; use a date such as {DAY_FORMS}")
    if isinstance(value, dt.date):
        return _in_range(value, value.isoformat()).isoformat()
    day = day_written(value)
    if day is None:
        raise ValueError(f"{value!r} is not a date; write it as {DAY_FORMS}")
    return _in_range(day, day.isoformat()).isoformat()


def parse_moment(value: str, *, end_of_day: bool = True) -> str:
    """An 'as at' point: YYYY-MM-DD (the end of that day, UTC) or an ISO date-time.

    Returns the UTC instant as canonical text (see :func:`utc_text`).
    A naive date-time is taken as UTC.
    """
    text = value.strip()
    if not _CLOCK_TIME.search(text):  # a day, in any form parse_day reads
        day = dt.date.fromisoformat(parse_day(text))
        start = dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)
        moment = start + dt.timedelta(days=1, microseconds=-1) if end_of_day else start
        return utc_text(moment)
    try:
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(
            f"{value!r} is not a date ({DAY_FORMS}) or a date and time (YYYY-MM-DDTHH:MM[:SS][Z])"
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    _in_range(moment.date(), text)
    return utc_text(moment)
