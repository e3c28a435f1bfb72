"""Committees and their meetings (snapshots and diffs build on these)."""

from __future__ import annotations

import datetime as dt
import sqlite3

from db.connection import write_transaction
from db.errors import InputError
from db.models import check_value, clean_line, clean_required_line, parse_cadence, parse_date

DEFAULT_COMMITTEE = "Governance and Audit Committee"
#: Papers are due this many days before a meeting unless a deadline is given.
DEFAULT_DEADLINE_DAYS = 10


def add_committee(conn: sqlite3.Connection, name: str, *, cadence: str = "every") -> int:
    """Create a committee (or return the existing one's id, updating nothing)."""
    name = check_value("committee", clean_required_line, name)
    cadence = check_value("cadence", parse_cadence, cadence)
    with write_transaction(conn):
        conn.execute(
            "INSERT OR IGNORE INTO committee (name, cadence) VALUES (?, ?)", (name, cadence)
        )
        return conn.execute("SELECT id FROM committee WHERE name = ?", (name,)).fetchone()[0]


def add_meeting(
    conn: sqlite3.Connection,
    meeting_date: str,
    *,
    committee: str = DEFAULT_COMMITTEE,
    deadline: str | None = None,
    title: str | None = None,
) -> int:
    """Schedule a meeting; its paper deadline is the snapshot cut-off."""
    day = check_value("meeting date", parse_date, meeting_date)
    if deadline is None:
        deadline = (
            dt.date.fromisoformat(day) - dt.timedelta(days=DEFAULT_DEADLINE_DAYS)
        ).isoformat()
    else:
        deadline = check_value("deadline", parse_date, deadline)
    if deadline > day:
        raise InputError(f"deadline: {deadline} is after the meeting ({day})")
    title = check_value("title", clean_line, title) if title else None
    committee_id = add_committee(conn, committee)
    with write_transaction(conn):
        clash = conn.execute(
            "SELECT 1 FROM meeting WHERE committee_id = ? AND meeting_date = ?",
            (committee_id, day),
        ).fetchone()
        if clash:
            raise InputError(f"meeting date: {committee} already meets on {day}")
        cursor = conn.execute(
            "INSERT INTO meeting (committee_id, meeting_date, paper_deadline, title)"
            " VALUES (?, ?, ?, ?)",
            (committee_id, day, deadline, title),
        )
        return cursor.lastrowid


def list_meetings(conn: sqlite3.Connection) -> list[dict]:
    rows = conn.execute(
        "SELECT m.id, c.name, c.cadence, m.meeting_date, m.paper_deadline, m.title"
        " FROM meeting m JOIN committee c ON c.id = m.committee_id"
        " ORDER BY m.meeting_date, c.name"
    ).fetchall()
    keys = ("id", "committee", "cadence", "meeting_date", "paper_deadline", "title")
    return [dict(zip(keys, r, strict=True)) for r in rows]
