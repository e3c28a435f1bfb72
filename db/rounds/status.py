"""Where a round stands: each owner's request sent, returned (when), outstanding or late;
and chasing the owners who have not replied.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from db.errors import NotFound
from db.store import events, register
from db.store.chain import ChainWriter
from db.store.clock import Clock, today, utc_now
from db.store.connection import inserted_id, write_transaction
from db.store.dates import utc_text


@dataclass(frozen=True)
class RoundInfo:
    id: int
    meeting_id: int
    meeting_date: str
    committee: str
    paper_deadline: str
    return_by: str
    started_at: str
    started_by: str
    folder: Path


@dataclass(frozen=True)
class OwnerStatus:
    request_id: int
    owner: str
    workbook: Path
    actions: list[str]
    returned_at: str | None
    chased: int
    late: bool

    @property
    def state(self) -> str:
        if self.returned_at:
            return "returned late" if self.late else "returned"
        return "late" if self.late else "outstanding"


def current_round(conn: sqlite3.Connection, round_id: int | None = None) -> RoundInfo:
    """The newest round (or the one asked for)."""
    where, params = ("WHERE r.id = ?", (round_id,)) if round_id else ("", ())
    row = conn.execute(
        "SELECT r.id, r.meeting_id, m.meeting_date, c.name, m.paper_deadline, r.return_by,"
        " r.started_at, r.started_by, r.folder FROM round r"
        " JOIN meeting m ON m.id = r.meeting_id JOIN committee c ON c.id = m.committee_id"
        f" {where} ORDER BY r.id DESC LIMIT 1",
        params,
    ).fetchone()
    if row is None:
        raise NotFound(
            f"round: no round {round_id}"
            if round_id
            else "round: no update round has been started; start one with `actreg round start`"
        )
    *values, folder = row
    return RoundInfo(*values, Path(folder))


def owner_statuses(conn: sqlite3.Connection, info: RoundInfo) -> list[OwnerStatus]:
    """Every owner asked in the round, with what has come back."""
    rows = conn.execute(
        "SELECT q.id, q.owner, q.workbook,"
        " (SELECT group_concat(ref, ', ') FROM (SELECT a.ref FROM round_request_action x"
        "    JOIN action a ON a.id = x.action_id WHERE x.request_id = q.id"
        "    ORDER BY x.position)),"
        " (SELECT min(received_at) FROM round_return WHERE request_id = q.id),"
        " (SELECT count(*) FROM round_chase WHERE request_id = q.id)"
        " FROM round_request q WHERE q.round_id = ? ORDER BY q.owner COLLATE NOCASE",
        (info.id,),
    ).fetchall()
    on = today().isoformat()
    out = []
    for request_id, owner, workbook, refs, returned, chased in rows:
        late = (returned[:10] > info.return_by) if returned else on > info.return_by
        out.append(
            OwnerStatus(
                request_id,
                owner,
                info.folder / workbook,
                (refs or "").split(", ") if refs else [],
                returned,
                chased,
                late,
            )
        )
    return out


def chase_outstanding(
    conn: sqlite3.Connection, info: RoundInfo, *, author: str, clock: Clock = utc_now
) -> list[OwnerStatus]:
    """Record a chase of every owner who has not replied, on each of their actions (one
    transaction). Returns the owners chased."""
    outstanding = [s for s in owner_statuses(conn, info) if not s.returned_at]
    note = f"update request for the {info.meeting_date} meeting (reply was due {info.return_by})"
    with write_transaction(conn):
        for status in outstanding:
            chase_id = inserted_id(
                conn.execute(
                    "INSERT INTO round_chase (request_id, chased_at, chased_by) VALUES (?, ?, ?)",
                    (status.request_id, utc_text(clock()), author),
                )
            )
            # (A writer from the chain's head now: record_chase appends after it.)
            events.record_row(ChainWriter(conn, author, clock), "round_chase", chase_id)
            for ref in status.actions:
                register.record_chase(conn, ref, author=author, note=note, clock=clock)
    return outstanding
