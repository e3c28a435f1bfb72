"""Snapshots: the register frozen as at a meeting's cut-off, immutable and checkable.

A snapshot's rows are the as-at rebuild of the register as in effect at its
cut-off, from everything recorded by the time it was taken (``log_head_id``, the
chain's head then), with the derived flags as they stood that day, each stored as
canonical JSON; its ``rows_hash`` is SHA-256 over those rows and its details.
So a meeting in the past can be snapshotted after the fact from the history
imported or backdated since ("reconstructed"), and a snapshot never changes when
late entries (recorded after it, effective before its cut-off) arrive: they show
in the next pack. Taking one is itself an entry in the chain (db.store.events).
Because the rows come from the log alone, ``verify`` can rebuild every snapshot
and prove that nobody altered it afterwards (db.integrity.snapshot_pass: during
its one pass over the log, not with this module's SQL).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sqlite3
from collections.abc import Iterable, Iterator, Mapping
from typing import TypedDict

from db.cycles.meetings import Meeting, find_meeting
from db.errors import InputError, NotFound
from db.read import asat
from db.read.queries import cycle_start
from db.store import events, log
from db.store.chain import ChainWriter
from db.store.clock import Clock, utc_now
from db.store.connection import inserted_id, write_transaction
from db.store.dates import parse_moment, parse_utc_text, utc_text
from db.store.projection import Row
from db.store.values import check_value, clean_required_line

#: What a snapshot freezes of each action: the rebuilt projection and its flags.
SNAPSHOT_FIELDS = asat.REBUILT_FIELDS


def frozen_rows(
    conn: sqlite3.Connection, head: int, cut_off: str, stale_before: str
) -> list[tuple[str, str]]:
    """(ref, canonical JSON) of each action as in effect at the cut-off, from the entries up
    to `head`, flags as on the cut-off's day."""
    today = parse_utc_text(cut_off).date().isoformat()
    return asat.rebuilt_json(conn, head, cut=cut_off, today=today, stale_before=stale_before)


#: The facts about a snapshot its hash covers besides its rows, so that none of
#: them (who took it, when, for which meeting, as at when) can be changed unseen.
HEADER_FIELDS = (
    "committee",
    "meeting_date",
    "cut_off",
    "stale_before",
    "taken_at",
    "taken_by",
    "log_head_id",
    "log_head_hash",
)


def rows_hash(encoded: Iterable[str], header: Mapping[str, object]) -> str:
    """SHA-256 over the snapshot's header (HEADER_FIELDS) and its rows, a line each."""
    hashed = RowsHash(header)
    for line in encoded:
        hashed.add(line.encode("utf-8"))
    return hashed.hexdigest()


class RowsHash:
    """rows_hash fed a row at a time, as UTF-8 (verify reads the stored rows as bytes)."""

    def __init__(self, header: Mapping[str, object]) -> None:
        self._digest = hashlib.sha256()
        head = {k: header[k] for k in HEADER_FIELDS}
        self._digest.update(
            json.dumps(head, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
        )
        self._digest.update(b"\n")

    def add(self, line: bytes) -> None:
        self._digest.update(line)
        self._digest.update(b"\n")

    def hexdigest(self) -> str:
        return self._digest.hexdigest()


def default_cut_off(paper_deadline: str, now: dt.datetime) -> str:
    """The end of the paper-deadline day (UTC), or now if that is still to come."""
    end = parse_moment(paper_deadline, end_of_day=True)
    return min(end, utc_text(now))


class SnapshotPreview(TypedDict):
    cut_off: str  # UTC text
    count: int  # actions it would freeze


def snapshot_preview(
    conn: sqlite3.Connection, meeting: Meeting, now: dt.datetime
) -> SnapshotPreview:
    """The cut-off a snapshot of `meeting` taken now would use, and how many actions it freezes."""
    cut_off = default_cut_off(meeting["paper_deadline"], now)
    return SnapshotPreview(cut_off=cut_off, count=asat.count_created(conn, cut_off))


def take_snapshot(
    conn: sqlite3.Connection,
    meeting_date: str,
    *,
    author: str,
    committee: str | None = None,
    as_at: str | None = None,
    replace: bool = False,
    clock: Clock = utc_now,
) -> Snapshot:
    """Freeze the register for a meeting. One per meeting unless `replace`.

    `replace` keeps the earlier snapshot and records that the new one supersedes it.
    """
    author = check_value("author", clean_required_line, author)
    meeting = find_meeting(conn, meeting_date, committee)
    now = clock()
    if as_at is not None:
        cut_off = check_value("as at", parse_moment, as_at)
        if cut_off > utc_text(now):
            raise InputError(f"as at: {as_at} is in the future; a snapshot freezes what is known")
    else:
        cut_off = default_cut_off(meeting["paper_deadline"], now)
    with write_transaction(conn):
        current = meeting["snapshot_id"]
        if current is not None and not replace:
            raise InputError(
                f"meeting: the {meeting['meeting_date']} meeting already has snapshot "
                f"#{current}. Use --replace to take a new one (the old one is kept, marked "
                "as superseded)."
            )
        head_id, head_hash, _ = log.head(conn)  # all recorded so far: see the module doc
        stale_before = cycle_start(conn, parse_utc_text(cut_off).date())
        frozen = frozen_rows(conn, head_id, cut_off, stale_before)
        encoded = [data for _, data in frozen]
        header = {
            "committee": meeting["committee"],
            "meeting_date": meeting["meeting_date"],
            "cut_off": cut_off,
            "stale_before": stale_before,
            "taken_at": utc_text(now),
            "taken_by": author,
            "log_head_id": head_id,
            "log_head_hash": head_hash,
        }
        cursor = conn.execute(
            "INSERT INTO snapshot (meeting_id, taken_at, taken_by, cut_off, stale_before,"
            " log_head_id, log_head_hash, rows_hash, row_count, supersedes)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                meeting["id"],
                header["taken_at"],
                author,
                cut_off,
                stale_before,
                head_id,
                header["log_head_hash"],
                rows_hash(encoded, header),
                len(encoded),
                current,
            ),
        )
        snapshot_id = inserted_id(cursor)
        conn.executemany(
            "INSERT INTO snapshot_row (snapshot_id, position, ref, data) VALUES (?, ?, ?, ?)",
            ((snapshot_id, i, ref, data) for i, (ref, data) in enumerate(frozen)),
        )
        events.record_row(ChainWriter(conn, author, lambda: now), "snapshot", snapshot_id)
    return get_snapshot(conn, snapshot_id)


_SNAPSHOT_SQL = (
    "SELECT s.id, m.meeting_date, c.name, m.paper_deadline, s.taken_at, s.taken_by, s.cut_off,"
    " s.stale_before, s.log_head_id, s.log_head_hash, s.rows_hash, s.row_count, s.supersedes,"
    " EXISTS (SELECT 1 FROM snapshot n WHERE n.supersedes = s.id)"
    " FROM snapshot s JOIN meeting m ON m.id = s.meeting_id"
    " JOIN committee c ON c.id = m.committee_id"
)


class Snapshot(TypedDict):
    """A snapshot's header, as db gives it to the CLI and the TUI (its rows: snapshot_rows)."""

    id: int
    meeting_date: str
    committee: str
    paper_deadline: str
    taken_at: str  # UTC text
    taken_by: str
    cut_off: str  # UTC text: the register is frozen as at this instant
    stale_before: str
    log_head_id: int
    log_head_hash: str
    rows_hash: str
    row_count: int
    supersedes: int | None  # the snapshot this one replaced
    superseded: bool  # replaced by a later one


def _snapshot(row: tuple) -> Snapshot:
    return Snapshot(
        id=row[0],
        meeting_date=row[1],
        committee=row[2],
        paper_deadline=row[3],
        taken_at=row[4],
        taken_by=row[5],
        cut_off=row[6],
        stale_before=row[7],
        log_head_id=row[8],
        log_head_hash=row[9],
        rows_hash=row[10],
        row_count=row[11],
        supersedes=row[12],
        superseded=bool(row[13]),
    )


def get_snapshot(conn: sqlite3.Connection, snapshot_id: int) -> Snapshot:
    row = conn.execute(f"{_SNAPSHOT_SQL} WHERE s.id = ?", (snapshot_id,)).fetchone()
    if row is None:
        raise NotFound(f"snapshot: no snapshot #{snapshot_id}")
    return _snapshot(row)


def list_snapshots(conn: sqlite3.Connection) -> list[Snapshot]:
    """Every snapshot, oldest meeting first; superseded ones are marked."""
    rows = conn.execute(f"{_SNAPSHOT_SQL} ORDER BY m.meeting_date, s.id").fetchall()
    return [_snapshot(r) for r in rows]


def meeting_snapshot(
    conn: sqlite3.Connection, meeting_date: str, committee: str | None = None
) -> Snapshot:
    """The current (not superseded) snapshot of a meeting."""
    meeting = find_meeting(conn, meeting_date, committee)
    if meeting["snapshot_id"] is None:
        raise NotFound(
            f"meeting: the {meeting['meeting_date']} meeting has no snapshot yet; take one "
            f"with `actreg snapshot --meeting {meeting['meeting_date']}`"
        )
    return get_snapshot(conn, meeting["snapshot_id"])


def snapshot_rows(conn: sqlite3.Connection, snapshot_id: int) -> list[Row]:
    """The snapshot's rows, in order, as dicts of SNAPSHOT_FIELDS."""
    return list(each_snapshot_row(conn, snapshot_id))


def each_snapshot_row(conn: sqlite3.Connection, snapshot_id: int) -> Iterator[Row]:
    """The snapshot's rows, in order, one at a time (for readers that keep only part of each)."""
    for _, row in each_placed_row(conn, snapshot_id):
        yield row


def each_placed_row(conn: sqlite3.Connection, snapshot_id: int) -> Iterator[tuple[int, Row]]:
    """(position, row) of each of the snapshot's rows, in order: a reader that keeps only a
    little of each row can come back for one with :func:`snapshot_row_at`."""
    cursor = conn.execute(
        "SELECT position, data FROM snapshot_row WHERE snapshot_id = ? ORDER BY position",
        (snapshot_id,),
    )
    # pydantic's JSON parser (pydantic_core, installed with pydantic) reads these rows
    # twice as fast as json.loads, to the same values (tests/cycles/test_snapshots.py):
    # parsing them was the largest part of exporting a big register. Imported here,
    # when rows are read: importing it costs more than `actreg list`'s whole start-up.
    from pydantic_core import from_json

    for position, data in cursor:
        yield position, from_json(data)


def snapshot_row_at(conn: sqlite3.Connection, snapshot_id: int, position: int) -> Row:
    """The snapshot's row at `position` (see each_placed_row)."""
    from pydantic_core import from_json

    found = conn.execute(
        "SELECT data FROM snapshot_row WHERE snapshot_id = ? AND position = ?",
        (snapshot_id, position),
    ).fetchone()
    if found is None:
        raise NotFound(f"snapshot #{snapshot_id} has no row at position {position}")
    return from_json(found[0])


def reconstructed_on(conn: sqlite3.Connection, snap: Mapping) -> str | None:
    """The day `snap` was taken if it was rebuilt from history recorded after its cut-off
    (a past meeting snapshotted after the fact, from late or imported entries), else None."""
    found = conn.execute(
        "SELECT 1 FROM progress_log p WHERE p.recorded_at > :cut AND p.id <= :head"
        f" AND {log.effective_at_sql('p')} <= :cut LIMIT 1",
        {"cut": snap["cut_off"], "head": snap["log_head_id"]},
    ).fetchone()
    return snap["taken_at"][:10] if found else None
