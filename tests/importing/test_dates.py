"""Target dates as trackers write them: day first, and a period means its last day."""

from __future__ import annotations

import datetime as dt

import pytest

from db.importing.dates import parse_target


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("2026-03-31", "2026-03-31"),
        ("31/03/2023", "2023-03-31"),
        ("31-03-2023", "2023-03-31"),
        ("31.03.23", "2023-03-31"),
        ("1/4/2025", "2025-04-01"),
        ("31 March 2023", "2023-03-31"),
        ("31st March 2023", "2023-03-31"),
        ("2nd Feb 2024", "2024-02-02"),
        ("31-Mar-23", "2023-03-31"),
        ("Mar 31 2023", "2023-03-31"),
        ("March 31, 2023", "2023-03-31"),
        ("March 2026", "2026-03-31"),
        ("Feb 2024", "2024-02-29"),
        ("Sept 2025", "2025-09-30"),
        ("Q3 2025", "2025-09-30"),
        ("2025 Q3", "2025-09-30"),
        ("Q3 2025/26", "2025-12-31"),
        ("Q4 2025/26", "2026-03-31"),
        ("Q1 2025-26", "2025-06-30"),
        ("Quarter 2 2025/26", "2025-09-30"),
        ("2025/26", "2026-03-31"),
        ("spring 2026", "2026-05-31"),
        ("Summer 2025", "2025-08-31"),
        ("autumn 2025", "2025-11-30"),
        ("winter 2025", "2026-02-28"),
        ("winter 2027", "2028-02-29"),
        ("winter 2024/25", "2025-02-28"),
        ("by summer 2025", "2025-08-31"),
        ("end of March 2026", "2026-03-31"),
        ("By the end of March 2026", "2026-03-31"),
        ("2026", "2026-12-31"),
        ("  31/03/2026 ", "2026-03-31"),
        (dt.datetime(2025, 1, 2, 0, 0), "2025-01-02"),
        (dt.date(2025, 1, 2), "2025-01-02"),
    ],
)
def test_dates_people_write_become_the_last_day_they_name(text, iso):
    assert parse_target(text) == iso


@pytest.mark.parametrize("text", ["ongoing", "TBC", "Complete", "n/a", "Q5 2025", "soon", ""])
def test_wording_that_names_no_date_is_none(text):
    assert parse_target(text) is None


@pytest.mark.parametrize("text", ["31/02/2026", "03/31/2026", "2026-13-01", "30 Feb 2025"])
def test_a_date_that_is_meant_but_wrong_is_an_error(text):
    with pytest.raises(ValueError, match="not a real date"):
        parse_target(text)


def test_a_year_out_of_range_is_an_error():
    with pytest.raises(ValueError, match="outside the years"):
        parse_target("1066-10-14")
