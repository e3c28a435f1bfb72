"""Collecting returned workbooks: every filled cell kept verbatim as a submission.

All the files of one `collect` are one transaction. A file whose answers are
already in the register (the same file again, or a resaved or re-sorted copy)
adds nothing. A later return for an action whose earlier submission is still
waiting supersedes it (the earlier one stays, marked superseded). Problems are
reported by file, row and column; by default any problem means nothing is
collected, and `with_problems=True` keeps those cells verbatim for the review
to settle.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from db.errors import InputError
from db.rounds.returned import Problem, ReturnedWorkbook, read_return
from db.store import events
from db.store.chain import ChainWriter
from db.store.clock import Clock, utc_now
from db.store.connection import inserted_id, setting, write_transaction
from db.store.dates import utc_text


@dataclass
class Collected:
    path: Path
    owner: str
    submissions: list[int] = field(default_factory=list)
    already: bool = False
    problems: list[Problem] = field(default_factory=list)
    superseded: list[int] = field(default_factory=list)


def _problems(returned: ReturnedWorkbook) -> list[Problem]:
    return [*returned.problems, *(p for r in returned.rows for p in r.problems)]


def _request(conn: sqlite3.Connection, returned: ReturnedWorkbook, ident: str) -> int:
    name = returned.path.name
    if returned.register_id != ident:
        raise InputError(f"{name}: is a request from another register, not this one")
    found = conn.execute(
        "SELECT q.id FROM round r JOIN round_request q ON q.round_id = r.id"
        " WHERE r.token = ? AND q.owner = ?",
        (returned.round_token, returned.owner),
    ).fetchone()
    if found is None:
        raise InputError(f"{name}: matches no round of this register (was it sent from a copy?)")
    return found[0]


def collect_files(
    conn: sqlite3.Connection,
    paths: list[Path],
    *,
    author: str,
    with_problems: bool = False,
    clock: Clock = utc_now,
) -> list[Collected]:
    """Read every file, then record them all in one transaction (or nothing, on a problem)."""
    ident = setting(conn, "register_id")  # (made by the first round start; read only here)
    if ident is None:
        raise InputError("round: this register has started no update round to collect for")
    read = [read_return(Path(p)) for p in paths]
    requests = [_request(conn, returned, ident) for returned in read]
    results = [
        Collected(r.path, r.owner, problems=_problems(r), already=_known(conn, r, q))
        for r, q in zip(read, requests, strict=True)
    ]
    if not with_problems:
        # (A file collected before had its problems settled then: it adds nothing now.)
        found = [f"{c.path.name}, {p.text()}" for c in results if not c.already for p in c.problems]
        if found:
            raise InputError(found)
    received = utc_text(clock())
    with write_transaction(conn):
        w = ChainWriter(conn, author, clock)
        for returned, request_id, result in zip(read, requests, results, strict=True):
            _record(w, returned, request_id, result, author, received)
    return results


def _record(
    w: ChainWriter, returned: ReturnedWorkbook, request_id, result: Collected, author, received
):
    """Every row kept, each an entry in the chain (db.store.events) as it is added."""
    conn = w.conn
    digest = returned.content_hash
    if _known(conn, returned, request_id):  # (also the same answers twice in one collect)
        result.already = True
        return
    return_id = inserted_id(
        conn.execute(
            "INSERT INTO round_return (request_id, file_name, content_hash, received_at,"
            " received_by) VALUES (?, ?, ?, ?, ?)",
            (request_id, returned.path.name, digest, received, author),
        )
    )
    events.record_row(w, "round_return", return_id)
    for row in returned.rows:
        for earlier in _waiting(conn, row.action_id):
            conn.execute(
                "INSERT INTO submission_decision"
                " (submission_id, decision, decided_at, decided_by, reason)"
                " VALUES (?, 'superseded', ?, ?, ?)",
                (earlier, received, author, f"superseded by the return of {returned.path.name}"),
            )
            events.record_row(w, "submission_decision", earlier)
            result.superseded.append(earlier)
        version = conn.execute(
            "SELECT version FROM action WHERE id = ?", (row.action_id,)
        ).fetchone()[0]
        problems = [
            {"row": p.row, "column": p.column, "field": p.key, "why": p.why} for p in row.problems
        ]
        submission_id = inserted_id(
            conn.execute(
                "INSERT INTO submission (return_id, action_id, owner, received_at, sent_version,"
                " version_at_receipt, cells, proposed, problems) VALUES (?,?,?,?,?,?,?,?,?)",
                (
                    return_id,
                    row.action_id,
                    returned.owner,
                    received,
                    row.sent_version,
                    version,
                    json.dumps(row.cells, ensure_ascii=False),
                    json.dumps(row.proposed, ensure_ascii=False),
                    json.dumps(problems, ensure_ascii=False),
                ),
            )
        )
        events.record_row(w, "submission", submission_id)
        result.submissions.append(submission_id)


def _known(conn: sqlite3.Connection, returned: ReturnedWorkbook, request_id: int) -> bool:
    """Whether these answers were collected before (from this file or a copy of it)."""
    found = conn.execute(
        "SELECT 1 FROM round_return WHERE request_id = ? AND content_hash = ?",
        (request_id, returned.content_hash),
    ).fetchone()
    return found is not None


def _waiting(conn: sqlite3.Connection, action_id: int) -> list[int]:
    return [
        r[0]
        for r in conn.execute(
            "SELECT s.id FROM submission s WHERE s.action_id = ? AND NOT EXISTS"
            " (SELECT 1 FROM submission_decision d WHERE d.submission_id = s.id)",
            (action_id,),
        )
    ]
