"""Extension requests waiting for the committee, and recording its decision.

An approval moves the target date (the reason names the meeting and its
minute); a refusal keeps it. Both are entries in the action's log, and the
decision itself is kept beside the request (append-only, and an entry in the chain:
db.store.events).
"""

from __future__ import annotations

import sqlite3

from db.cycles import meetings
from db.errors import InputError, NotFound
from db.store import events, register
from db.store.chain import ChainWriter
from db.store.clock import Clock, today, utc_now
from db.store.connection import write_transaction
from db.store.dates import utc_text
from db.store.values import check_value, clean_long

DECISIONS = {
    "approve": "approved",
    "approved": "approved",
    "refuse": "refused",
    "refused": "refused",
}

_COLUMNS = (
    "id",
    "ref",
    "title",
    "owner",
    "priority",
    "original_target_date",
    "current_target",
    "target_date",
    "proposed_date",
    "revisions",
    "reason",
    "why_committee",
    "requested_by",
    "requested_at",
    "meeting_date",
)


def _meeting_row(
    conn: sqlite3.Connection, meeting: int | str | meetings.Meeting
) -> tuple[int, str]:
    if isinstance(meeting, dict):
        return meeting["id"], meeting["meeting_date"]
    if isinstance(meeting, int):
        row = conn.execute(
            "SELECT id, meeting_date FROM meeting WHERE id = ?", (meeting,)
        ).fetchone()
        if row is None:
            raise NotFound(f"meeting: no meeting {meeting}")
        return row[0], row[1]
    found = meetings.find_meeting(conn, meeting)
    return found["id"], found["meeting_date"]


def pending_extensions(
    conn: sqlite3.Connection, meeting: int | str | meetings.Meeting, *, as_at: str | None = None
) -> list[dict]:
    """The extension requests a meeting is asked to decide: every request made for it or
    an earlier meeting that no meeting has decided yet, in ref order.

    `meeting` is a meeting id, its date (YYYY-MM-DD) or a meeting dict (with "id").
    `as_at` (a UTC time, as recorded): the requests made by then and not decided by
    then, so a pack frozen at its cut-off lists the same requests after the decision.
    Each request: ref, title, owner, priority, original_target_date, current_target
    (when requested), target_date (now), proposed_date, revisions (so far, when
    requested), reason, why_committee, requested_by, requested_at, meeting_date.
    """
    _, day = _meeting_row(conn, meeting)
    rows = conn.execute(
        "SELECT e.id, a.ref, a.title, a.owner, a.priority, a.original_target_date,"
        " e.current_target, a.target_date, e.proposed_date, e.revisions, e.reason,"
        " e.why_committee, e.requested_by, e.requested_at, m.meeting_date"
        " FROM extension_request e JOIN action a ON a.id = e.action_id"
        " JOIN meeting m ON m.id = e.meeting_id"
        " WHERE m.meeting_date <= :day AND (:as_at IS NULL OR e.requested_at <= :as_at)"
        " AND NOT EXISTS (SELECT 1 FROM extension_decision d WHERE d.extension_id = e.id"
        "                 AND (:as_at IS NULL OR d.recorded_at <= :as_at))"
        " ORDER BY a.ref_key, e.id",
        {"day": day, "as_at": as_at},
    ).fetchall()
    return [dict(zip(_COLUMNS, r, strict=True)) for r in rows]


def extension_history(conn: sqlite3.Connection, action_id: int) -> list[dict]:
    """Every extension request of one action with its decision, if any (oldest first)."""
    rows = conn.execute(
        "SELECT e.id, e.proposed_date, e.reason, e.why_committee, e.requested_by,"
        " e.requested_at, d.decision, m.meeting_date, d.minute"
        " FROM extension_request e LEFT JOIN extension_decision d ON d.extension_id = e.id"
        " LEFT JOIN meeting m ON m.id = d.meeting_id WHERE e.action_id = ? ORDER BY e.id",
        (action_id,),
    ).fetchall()
    keys = (
        "id",
        "proposed_date",
        "reason",
        "why_committee",
        "requested_by",
        "requested_at",
        "decision",
        "decided_at_meeting",
        "minute",
    )
    return [dict(zip(keys, r, strict=True)) for r in rows]


def decide_extension(
    conn: sqlite3.Connection,
    ref: str,
    *,
    meeting: str,
    decision: str,
    author: str,
    minute: str | None = None,
    clock: Clock = utc_now,
) -> dict:
    """Record the committee's decision on the action's waiting extension request."""
    wanted = DECISIONS.get((decision or "").strip().casefold())
    if wanted is None:
        raise InputError(f"decision: {decision!r} is not approve or refuse")
    author = register.clean_author(author)
    minute = check_value("minute", clean_long, minute).strip() or None if minute else None
    found = meetings.find_meeting(conn, meeting)
    action = conn.execute("SELECT id, ref FROM action WHERE ref = ?", (ref.strip(),)).fetchone()
    if action is None:
        raise NotFound(f"ref: no action {ref.strip()!r} in this register")
    waiting = [
        e for e in pending_extensions(conn, found) if e["ref"].casefold() == action[1].casefold()
    ]
    if not waiting:
        raise InputError(
            f"ref: action {action[1]} has no extension request waiting for the "
            f"{found['meeting_date']} meeting"
        )
    request = waiting[-1]
    said = f" Minute: {minute}" if minute else ""
    where = f"{found['committee']} on {found['meeting_date']}"
    with write_transaction(conn):
        conn.execute(
            "INSERT INTO extension_decision"
            " (extension_id, meeting_id, decision, minute, recorded_at, recorded_by)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (request["id"], found["id"], wanted, minute, utc_text(clock()), author),
        )
        if wanted == "approved" and request["proposed_date"] != request["target_date"]:
            # The date moves from the meeting that approved it (if that day has come, and
            # nothing was recorded on the action after it).
            latest = conn.execute(
                "SELECT substr(last_update_at, 1, 10) FROM action WHERE id = ?", (action[0],)
            ).fetchone()[0]
            day = found["meeting_date"]
            effective = day if latest <= day <= today().isoformat() else None
            register.move_target_date(
                conn,
                action[1],
                request["proposed_date"],
                reason=f"Extension approved by the {where} (asked by {request['requested_by']}: "
                f"{request['reason'] or 'no reason given'}).{said}",
                author=author,
                clock=clock,
                effective=effective,
            )
        else:
            verb = "approved" if wanted == "approved" else "refused"
            register.record_decision_note(
                conn,
                action[1],
                f"The {where} {verb} the extension to {request['proposed_date']} asked by "
                f"{request['requested_by']}; the target date stays {request['target_date']}.{said}",
                author=author,
                clock=clock,
            )
        w = ChainWriter(conn, author, clock)  # (after the action's entries above)
        events.record_row(w, "extension_decision", request["id"])
    return {**request, "decision": wanted, "meeting": found, "minute": minute}
