"""Starting an update round: a request workbook for every owner with open actions.

The round, its requests and the version of every action sent are recorded in
one transaction, each row an entry in the chain (db.store.events); the workbooks
are written under temporary names first and renamed into place only once that
transaction has committed, so a failed start leaves neither a half-recorded round
nor stray files.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import secrets
import sqlite3
import uuid
from dataclasses import dataclass
from pathlib import Path

from db.cycles import meetings
from db.errors import ActregError, InputError
from db.rounds.workbook import RequestedAction, RequestSheet, write_request
from db.store import events, register
from db.store.chain import ChainWriter
from db.store.clock import Clock, today, utc_now
from db.store.connection import inserted_id, setting, write_transaction
from db.store.dates import parse_day, utc_text
from db.store.settings import store_setting
from db.store.values import check_value

#: Statuses whose actions are asked about: work still to do.
ASKED_STATUSES = ("not_started", "in_progress")
#: Owners are asked to reply this many working days before the paper deadline.
RETURN_WORKING_DAYS = 3


@dataclass(frozen=True)
class Request:
    owner: str
    path: Path
    actions: list[RequestedAction]


@dataclass(frozen=True)
class StartedRound:
    round_id: int
    meeting: meetings.Meeting
    return_by: str
    folder: Path
    requests: list[Request]


def working_days_before(day: dt.date, days: int) -> dt.date:
    while days:
        day -= dt.timedelta(days=1)
        if day.weekday() < 5:
            days -= 1
    return day


def register_id(conn: sqlite3.Connection, *, author: str = "actreg", clock: Clock = utc_now) -> str:
    """The register's own identity, written into every request (made on the first round)."""
    found = setting(conn, "register_id")
    if found:
        return found
    # (An entry in the chain, as every setting: db.store.settings.)
    return store_setting(
        conn, "register_id", str(uuid.uuid4()), keep_existing=True, author=author, clock=clock
    )


def file_name(owner: str, meeting_date: str) -> str:
    """A file name any system accepts: 'Ann Archer - update request 2027-03-16.xlsx'."""
    safe = re.sub(r"[^\w .,'-]+", "_", owner, flags=re.UNICODE).strip(" .") or "owner"
    return f"{safe[:80]} - update request {meeting_date}.xlsx"


def _meeting(conn: sqlite3.Connection, meeting: str | None) -> meetings.Meeting:
    if meeting:
        return meetings.find_meeting(conn, meeting)
    found = meetings.next_update_due(conn, today())
    if found is None:
        raise InputError(
            "meeting: no upcoming meeting is due an update; add one with `actreg meeting add` "
            "or name it with --meeting DATE"
        )
    return found


def _asked(conn: sqlite3.Connection) -> dict[str, list[RequestedAction]]:
    marks = ", ".join("?" * len(ASKED_STATUSES))
    rows = conn.execute(
        "SELECT id, version, ref, title, status, rag, target_date, last_commentary, owner"
        f" FROM action WHERE status IN ({marks}) AND owner IS NOT NULL AND owner <> ''"
        " ORDER BY ref_key",
        ASKED_STATUSES,
    ).fetchall()
    owners: dict[str, str] = {}  # folded name -> the spelling first seen
    by_owner: dict[str, list[RequestedAction]] = {}
    for *values, owner in rows:
        name = owners.setdefault(owner.strip().casefold(), owner.strip())
        by_owner.setdefault(name, []).append(RequestedAction(*values))
    return dict(sorted(by_owner.items(), key=lambda item: item[0].casefold()))


def start_round(
    conn: sqlite3.Connection,
    *,
    folder: Path,
    author: str,
    meeting: str | None = None,
    return_by: str | None = None,
    clock: Clock = utc_now,
) -> StartedRound:
    """Write a request workbook per owner with open actions into `folder`, and record the round."""
    author = register.clean_author(author)
    found = _meeting(conn, meeting)
    deadline = dt.date.fromisoformat(found["paper_deadline"])
    if return_by is None:
        reply = working_days_before(deadline, RETURN_WORKING_DAYS).isoformat()
    else:
        reply = check_value("return by", parse_day, return_by)
        if reply > found["meeting_date"]:
            raise InputError(
                f"return by: {reply} is after the meeting itself ({found['meeting_date']})"
            )
    earlier = conn.execute(
        "SELECT started_at FROM round WHERE meeting_id = ?", (found["id"],)
    ).fetchone()
    if earlier:
        raise InputError(
            f"meeting: a round for the {found['meeting_date']} meeting was already started on "
            f"{earlier[0][:10]}; see `actreg round status` and `actreg round chase`"
        )
    asked = _asked(conn)
    if not asked:
        raise InputError("no action is open (not started or in progress): there is no one to ask")
    folder = Path(folder).expanduser().resolve()  # (chase finds the workbooks from anywhere)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ActregError(f"out: cannot create the folder {folder}: {exc.strerror}") from None
    names = _unique_names(asked, found["meeting_date"])
    clash = [n for n in names.values() if (folder / n).exists()]
    if clash:
        raise InputError(
            f"out: {folder / clash[0]} already exists; actreg will not write over it "
            "(choose another folder with --out)"
        )
    ident = register_id(conn, author=author, clock=clock)
    token = secrets.token_hex(16)
    meeting_words = f"{found['committee']}, {found['meeting_date']}"
    name = setting(conn, "name", "") or "Management Action Table"
    temps: list[tuple[Path, Path]] = []
    requests = []
    try:
        for owner, actions in asked.items():
            final = folder / names[owner]
            temp = folder / f".{names[owner]}.{os.getpid()}.partial"
            sheet = RequestSheet(ident, name, token, owner, meeting_words, reply, actions)
            write_request(temp, sheet)
            temps.append((temp, final))
            requests.append(Request(owner, final, actions))
        round_id = _record(conn, found, token, reply, author, clock, requests)
        for temp, final in temps:
            os.replace(temp, final)
    except OSError as exc:
        raise ActregError(f"out: cannot write in {folder}: {exc.strerror}") from None
    finally:
        for temp, _ in temps:
            with contextlib.suppress(FileNotFoundError):
                temp.unlink()
    return StartedRound(round_id, found, reply, folder, requests)


def _unique_names(asked: dict, meeting_date: str) -> dict[str, str]:
    names: dict[str, str] = {}
    used: set[str] = set()
    for owner in asked:
        name = file_name(owner, meeting_date)
        stem, n = name[: -len(".xlsx")], 2
        while name.casefold() in used:
            name, n = f"{stem} ({n}).xlsx", n + 1
        used.add(name.casefold())
        names[owner] = name
    return names


def _record(conn, found, token, reply, author, clock, requests: list[Request]) -> int:
    with write_transaction(conn):
        w = ChainWriter(conn, author, clock)
        round_id = inserted_id(
            conn.execute(
                "INSERT INTO round (meeting_id, token, started_at, started_by, return_by, folder)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (
                    found["id"],
                    token,
                    utc_text(clock()),
                    author,
                    reply,
                    str(requests[0].path.parent),
                ),
            )
        )
        events.record_row(w, "round", round_id)
        for request in requests:
            request_id = inserted_id(
                conn.execute(
                    "INSERT INTO round_request (round_id, owner, workbook) VALUES (?, ?, ?)",
                    (round_id, request.owner, request.path.name),
                )
            )
            events.record_row(w, "round_request", request_id)
            conn.executemany(
                "INSERT INTO round_request_action (request_id, action_id, position, version)"
                " VALUES (?, ?, ?, ?)",
                [
                    (request_id, a.action_id, position, a.version)
                    for position, a in enumerate(request.actions)
                ],
            )
            events.record_new_rows(w, "round_request_action", "request_id = ?", (request_id,))
    return round_id
