"""Committees, their meetings, and which meetings are due an update.

A committee agrees how often the action table comes back to it (its cadence);
the meetings that are due an update are the ones snapshots are taken for, and
the next due meeting's paper deadline is the date officers work towards.
"""

from __future__ import annotations

import calendar
import datetime as dt
import sqlite3
from typing import TypedDict

from db.errors import InputError, NotFound
from db.store import events
from db.store.chain import ChainWriter
from db.store.clock import Clock, today, utc_now
from db.store.connection import inserted_id, write_transaction
from db.store.dates import parse_day
from db.store.values import check_value, clean_line, clean_required_line, parse_cadence

DEFAULT_COMMITTEE = "Governance and Audit Committee"
#: Papers are due this many days before a meeting unless a deadline is given.
DEFAULT_DEADLINE_DAYS = 10


#: How far apart due updates are for the month-based cadences, less a fortnight's
#: grace so that a meeting a few days early in the quarter still counts.
_CADENCE_MONTHS = {"quarterly": 3, "six_monthly": 6}
_GRACE_DAYS = 14


#: Who a meeting or committee change is recorded as made by when no one is named.
DEFAULT_AUTHOR = "actreg"


def add_committee(
    conn: sqlite3.Connection,
    name: str,
    *,
    cadence: str = "every",
    author: str = DEFAULT_AUTHOR,
    clock: Clock = utc_now,
) -> int:
    """Create a committee (or return the existing one's id, updating nothing)."""
    name = check_value("committee", clean_required_line, name)
    cadence = check_value("cadence", parse_cadence, cadence)
    author = check_value("author", clean_required_line, author)
    with write_transaction(conn):
        return _ensure_committee(ChainWriter(conn, author, clock), name, cadence)


def _ensure_committee(w: ChainWriter, name: str, cadence: str) -> int:
    found = w.conn.execute("SELECT id FROM committee WHERE name = ?", (name,)).fetchone()
    if found:
        return found[0]
    committee_id = inserted_id(
        w.conn.execute("INSERT INTO committee (name, cadence) VALUES (?, ?)", (name, cadence))
    )
    events.record_row(w, "committee", committee_id)
    return committee_id


def set_cadence(
    conn: sqlite3.Connection,
    committee: str,
    cadence: str,
    *,
    author: str = DEFAULT_AUTHOR,
    clock: Clock = utc_now,
) -> None:
    """Record the regularity of updates a committee agreed."""
    cadence = check_value("cadence", parse_cadence, cadence)
    author = check_value("author", clean_required_line, author)
    committee_id = _committee_id(conn, committee)
    with write_transaction(conn):
        _set_cadence(ChainWriter(conn, author, clock), committee_id, cadence)


def _set_cadence(w: ChainWriter, committee_id: int, cadence: str) -> None:
    before = events.row_now(w.conn, "committee", committee_id)
    w.conn.execute("UPDATE committee SET cadence = ? WHERE id = ?", (cadence, committee_id))
    events.record_row(w, "committee", committee_id, before)


def _committee_id(conn: sqlite3.Connection, name: str) -> int:
    row = conn.execute("SELECT id FROM committee WHERE name = ?", (name.strip(),)).fetchone()
    if row is None:
        raise NotFound(f"committee: no committee called {name.strip()!r}")
    return row[0]


def add_meeting(
    conn: sqlite3.Connection,
    meeting_date: str,
    *,
    committee: str = DEFAULT_COMMITTEE,
    deadline: str | None = None,
    title: str | None = None,
    cadence: str | None = None,
    author: str = DEFAULT_AUTHOR,
    clock: Clock = utc_now,
) -> int:
    """Schedule a meeting (past meetings too: their snapshots rebuild them from history);
    its paper deadline is the snapshot cut-off.

    The committee is created if it is new; `cadence`, if given, sets its cadence.
    All of it is one transaction, each change an entry in the chain.
    """
    day = check_value("meeting date", parse_day, meeting_date)
    if deadline is None:
        deadline = (
            dt.date.fromisoformat(day) - dt.timedelta(days=DEFAULT_DEADLINE_DAYS)
        ).isoformat()
    else:
        deadline = check_value("deadline", parse_day, deadline)
    if deadline > day:
        raise InputError(f"deadline: {deadline} is after the meeting ({day})")
    title = check_value("title", clean_line, title) if title else None
    committee = check_value("committee", clean_required_line, committee)
    cadence = check_value("cadence", parse_cadence, cadence) if cadence else None
    author = check_value("author", clean_required_line, author)
    with write_transaction(conn):
        w = ChainWriter(conn, author, clock)
        committee_id = _ensure_committee(w, committee, cadence or "every")
        if cadence:
            _set_cadence(w, committee_id, cadence)
        clash = conn.execute(
            "SELECT 1 FROM meeting WHERE committee_id = ? AND meeting_date = ?",
            (committee_id, day),
        ).fetchone()
        if clash:
            raise InputError(f"meeting date: {committee} already meets on {day}")
        meeting_id = inserted_id(
            conn.execute(
                "INSERT INTO meeting (committee_id, meeting_date, paper_deadline, title)"
                " VALUES (?, ?, ?, ?)",
                (committee_id, day, deadline, title),
            )
        )
        events.record_row(w, "meeting", meeting_id)
        return meeting_id


class Meeting(TypedDict):
    """A meeting as db gives it to the CLI and the TUI."""

    id: int
    committee: str
    cadence: str
    meeting_date: str  # YYYY-MM-DD
    paper_deadline: str  # YYYY-MM-DD: the snapshot cut-off's day
    title: str | None
    snapshot_id: int | None  # its current (not superseded) snapshot
    due: bool  # due an update under the committee's cadence


class NextUpdate(Meeting):
    days_to_deadline: int


def list_meetings(conn: sqlite3.Connection) -> list[Meeting]:
    """Every meeting, oldest first, each saying whether it is due an update.

    A committee's first meeting is due; after that its cadence decides: every
    meeting, every other one, or the first meeting at least three (six) months
    after the last due one. `snapshot_id` is the meeting's current snapshot.
    """
    rows = conn.execute(
        "SELECT m.id, c.name, c.cadence, m.meeting_date, m.paper_deadline, m.title,"
        " (SELECT s.id FROM snapshot s WHERE s.meeting_id = m.id"
        "   AND NOT EXISTS (SELECT 1 FROM snapshot n WHERE n.supersedes = s.id)"
        "   ORDER BY s.id DESC LIMIT 1)"
        " FROM meeting m JOIN committee c ON c.id = m.committee_id"
        " ORDER BY m.meeting_date, c.name"
    ).fetchall()
    meetings = [
        Meeting(
            id=r[0],
            committee=r[1],
            cadence=r[2],
            meeting_date=r[3],
            paper_deadline=r[4],
            title=r[5],
            snapshot_id=r[6],
            due=False,
        )
        for r in rows
    ]
    last_due: dict[str, dt.date] = {}
    count: dict[str, int] = {}
    for meeting in meetings:
        name, day = meeting["committee"], dt.date.fromisoformat(meeting["meeting_date"])
        index = count.get(name, 0)
        count[name] = index + 1
        meeting["due"] = _is_due(meeting["cadence"], index, day, last_due.get(name))
        if meeting["due"]:
            last_due[name] = day
    return meetings


def _is_due(cadence: str, index: int, day: dt.date, last_due: dt.date | None) -> bool:
    if last_due is None or cadence == "every":
        return True
    if cadence == "every_other":
        return index % 2 == 0
    months = _CADENCE_MONTHS[cadence]
    return day >= _add_months(last_due, months) - dt.timedelta(days=_GRACE_DAYS)


def _add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def next_update_due(conn: sqlite3.Connection, on: dt.date | None = None) -> NextUpdate | None:
    """The next meeting due an update (on or after `on`), with days to its paper deadline."""
    on = on or today()
    for meeting in list_meetings(conn):
        if meeting["due"] and meeting["meeting_date"] >= on.isoformat():
            deadline = dt.date.fromisoformat(meeting["paper_deadline"])
            return NextUpdate(**meeting, days_to_deadline=(deadline - on).days)
    return None


def find_meeting(
    conn: sqlite3.Connection, meeting_date: str, committee: str | None = None
) -> Meeting:
    """The meeting on a date (of one committee, if several meet that day)."""
    day = check_value("meeting", parse_day, meeting_date)
    found = [
        m
        for m in list_meetings(conn)
        if m["meeting_date"] == day
        and (committee is None or m["committee"].casefold() == committee.strip().casefold())
    ]
    if not found:
        raise NotFound(
            f"meeting: no meeting on {day}"
            + (f" of {committee}" if committee else "")
            + "; add it with `actreg meeting add`"
        )
    if len(found) > 1:
        names = ", ".join(m["committee"] for m in found)
        raise InputError(
            f"meeting: several committees meet on {day} ({names}); say which with --committee"
        )
    return found[0]
