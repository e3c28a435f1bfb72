"""Meetings and the committee's agreed cadence of updates."""

from __future__ import annotations

import pytest

from db.cycles import meetings
from db.errors import InputError, NotFound


def _due(conn) -> list[tuple[str, bool]]:
    return [(m["meeting_date"], m["due"]) for m in meetings.list_meetings(conn)]


def test_default_deadline_is_ten_days_before(conn):
    meetings.add_meeting(conn, "2025-03-18")
    (meeting,) = meetings.list_meetings(conn)
    assert meeting["paper_deadline"] == "2025-03-08"
    assert meeting["committee"] == meetings.DEFAULT_COMMITTEE
    assert meeting["due"] is True


@pytest.mark.parametrize(
    ("cadence", "expected"),
    [
        ("every", [True, True, True, True, True]),
        ("every-other", [True, False, True, False, True]),
        # Meetings every two months: quarterly means the first meeting at least
        # three months (less a fortnight's grace) after the last due one.
        ("quarterly", [True, False, True, False, True]),
        ("six monthly", [True, False, False, True, False]),
    ],
)
def test_cadence_decides_which_meetings_are_due(conn, cadence, expected):
    for day in ("2025-01-14", "2025-03-11", "2025-05-13", "2025-07-15", "2025-09-09"):
        meetings.add_meeting(conn, day, cadence=cadence)
    assert [due for _, due in _due(conn)] == expected


def test_quarterly_grace_counts_a_meeting_a_few_days_early(conn):
    meetings.add_meeting(conn, "2025-01-14", cadence="quarterly")
    meetings.add_meeting(conn, "2025-04-03")  # 11 days short of three months
    meetings.add_meeting(conn, "2025-06-18")  # 15 days short of three months after 2025-04-03
    meetings.add_meeting(conn, "2025-06-19")  # 14 days short: within the grace
    assert _due(conn) == [
        ("2025-01-14", True),
        ("2025-04-03", True),
        ("2025-06-18", False),
        ("2025-06-19", True),
    ]


def test_committees_keep_their_own_cadence(conn):
    meetings.add_meeting(conn, "2025-01-14", committee="Audit", cadence="every-other")
    meetings.add_meeting(conn, "2025-01-15", committee="Cabinet", cadence="every")
    meetings.add_meeting(conn, "2025-02-14", committee="Audit")
    meetings.add_meeting(conn, "2025-02-15", committee="Cabinet")
    due = {(m["committee"], m["meeting_date"]): m["due"] for m in meetings.list_meetings(conn)}
    assert due == {
        ("Audit", "2025-01-14"): True,
        ("Cabinet", "2025-01-15"): True,
        ("Audit", "2025-02-14"): False,
        ("Cabinet", "2025-02-15"): True,
    }


def test_next_update_due_counts_days_to_the_deadline(conn, monkeypatch):
    meetings.add_meeting(conn, "2025-01-14", cadence="every-other")
    meetings.add_meeting(conn, "2025-03-11")
    meetings.add_meeting(conn, "2025-05-13", deadline="2025-05-01")
    monkeypatch.setenv("ACTREG_TODAY", "2025-02-01")
    nxt = meetings.next_update_due(conn)
    assert nxt["meeting_date"] == "2025-05-13"  # 2025-03-11 is not due an update
    assert nxt["days_to_deadline"] == 89
    monkeypatch.setenv("ACTREG_TODAY", "2025-05-14")
    assert meetings.next_update_due(conn) is None


def test_refusals_name_the_field(conn):
    with pytest.raises(InputError, match=r"^meeting date: '01/14/2025' is not a real date"):
        meetings.add_meeting(conn, "01/14/2025")
    with pytest.raises(InputError, match=r"^deadline: 2025-02-01 is after the meeting"):
        meetings.add_meeting(conn, "2025-01-14", deadline="2025-02-01")
    with pytest.raises(InputError, match=r"^cadence: 'fortnightly' is not one of"):
        meetings.add_meeting(conn, "2025-01-14", cadence="fortnightly")
    meetings.add_meeting(conn, "2025-01-14")
    with pytest.raises(InputError, match="already meets on 2025-01-14"):
        meetings.add_meeting(conn, "2025-01-14")
    with pytest.raises(NotFound, match="no meeting on 2025-01-15"):
        meetings.find_meeting(conn, "2025-01-15")
    assert len(meetings.list_meetings(conn)) == 1


def test_two_committees_on_one_day_need_naming(conn):
    meetings.add_meeting(conn, "2025-01-14", committee="Audit")
    meetings.add_meeting(conn, "2025-01-14", committee="Cabinet")
    with pytest.raises(InputError, match="several committees meet on 2025-01-14"):
        meetings.find_meeting(conn, "2025-01-14")
    assert meetings.find_meeting(conn, "2025-01-14", "cabinet")["committee"] == "Cabinet"
