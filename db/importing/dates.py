"""Target dates as published trackers write them, read day first (UK) to a period's last day.

``parse_target`` turns "31/03/2026", "31st March 2026", "March 2026", "Q3 2025/26",
"summer 2025" or "by end of March 2026" into an ISO date (the last day of the period
named), or returns None for wording that names no date ("ongoing", "TBC"). A numeric
date that is not a real day ("31/02/2026", or a month-first 03/31/2026) raises
ValueError: it was meant as a date and is wrong, so it is an error, not free text.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

from db.store.dates import FIRST_YEAR, LAST_YEAR, MONTH_PATTERN, MONTHS, day_written

#: Seasons (UK meteorological): the month the season ends in, and whether it ends next year.
_SEASONS = {
    "spring": (5, 0),
    "summer": (8, 0),
    "autumn": (11, 0),
    "fall": (11, 0),
    "winter": (2, 1),
}
_PREFIX = re.compile(
    r"^(?:(?:by|before|due|until|no later than|target|deadline)\s*[:\-]?\s+)?"
    r"(?:(?:the\s+)?end\s+of\s+|end\s+|close\s+of\s+)?(?:the\s+)?",
)
_MONTH_YEAR = re.compile(rf"{MONTH_PATTERN}[\s\-,]+(\d{{4}}|\d{{2}})")
_FY = r"(\d{4})\s*[/\-]\s*(\d{2}|\d{4})"
_QUARTER = r"(?:q|quarter\s*)([1-4])"
_QUARTER_FY = re.compile(rf"{_QUARTER}\s*(?:of\s+)?(?:fy\s*)?{_FY}")
_FY_QUARTER = re.compile(rf"(?:fy\s*)?{_FY}\s*{_QUARTER}")
_QUARTER_YEAR = re.compile(rf"{_QUARTER}\s*(?:of\s+)?(\d{{4}})")
_YEAR_QUARTER = re.compile(rf"(\d{{4}})\s*{_QUARTER}")
_SEASON = re.compile(
    r"(spring|summer|autumn|fall|winter)\s*(?:of\s+)?(\d{4})(?:\s*/\s*(\d{2}|\d{4}))?"
)
_FY_ONLY = re.compile(rf"(?:fy\s*|financial\s+year\s+)?{_FY}")
_YEAR_ONLY = re.compile(r"(\d{4})")


def _year(text: str) -> int:
    return 2000 + int(text) if len(text) == 2 else int(text)


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _fy_start(first: str, second: str) -> int:
    """'2025/26' -> 2025; the second year must follow the first."""
    start = int(first)
    if _year(second) % 100 != (start + 1) % 100:
        raise LookupError  # not a financial year after all
    return start


def _quarter_end(year: int, quarter: int, *, financial: bool) -> dt.date:
    if financial:  # UK financial year: Q1 is April to June of the first year
        month = quarter * 3 + 3
        return _month_end(year + (month > 12), (month - 1) % 12 + 1)
    return _month_end(year, quarter * 3)


def _parse(text: str, raw: str) -> dt.date | None:
    if day := day_written(text, shown=raw):  # an exact day: the register's one parser
        return day
    if m := _MONTH_YEAR.fullmatch(text):
        return _month_end(_year(m[2]), MONTHS[m[1]])
    try:
        if m := _QUARTER_FY.fullmatch(text):
            return _quarter_end(_fy_start(m[2], m[3]), int(m[1]), financial=True)
        if m := _FY_QUARTER.fullmatch(text):
            return _quarter_end(_fy_start(m[1], m[2]), int(m[3]), financial=True)
        if m := _FY_ONLY.fullmatch(text):
            return _month_end(_fy_start(m[1], m[2]) + 1, 3)
    except LookupError:
        return None
    if m := _QUARTER_YEAR.fullmatch(text):
        return _quarter_end(int(m[2]), int(m[1]), financial=False)
    if m := _YEAR_QUARTER.fullmatch(text):
        return _quarter_end(int(m[1]), int(m[2]), financial=False)
    if m := _SEASON.fullmatch(text):
        month, next_year = _SEASONS[m[1]]
        year = int(m[2])
        if m[3] is not None:  # "winter 2025/26" ends in the second year named
            if month != 2:
                return None
            return _month_end(_year(m[3]) if len(m[3]) == 4 else year + 1, month)
        return _month_end(year + next_year, month)
    if m := _YEAR_ONLY.fullmatch(text):
        return dt.date(int(m[1]), 12, 31)
    return None


def parse_target(value: object) -> str | None:
    """The ISO date a target names (a period's last day), or None if it names none.

    Raises ValueError for a date that is meant but wrong (not a real day, out of range).
    """
    if isinstance(value, dt.datetime):
        value = value.date()
    day: dt.date | None
    if isinstance(value, dt.date):
        day = value
    else:
        raw = str(value)
        text = " ".join(raw.replace("\u2013", "-").replace("\u2014", "-").lower().split())
        text = _PREFIX.sub("", text.strip(" .")).strip(" .")
        day = _parse(text, raw.strip()) if text else None
        if day is None:
            return None
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise ValueError(f"{day.isoformat()} is outside the years {FIRST_YEAR}–{LAST_YEAR}")
    return day.isoformat()
