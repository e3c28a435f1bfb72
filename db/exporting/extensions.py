"""Extension requests for a pack: those an update round put to the committee, or else the
target dates moved since the last meeting.

When update rounds are in use (requests were made by the snapshot's cut-off),
the requests waiting for this meeting are the table (db.rounds). Otherwise every
target date that moved between the previous snapshot and this one is one, with
the reason given when it was moved: that reason comes from the log up to the
snapshot's head entry, which the snapshot's hash pins, so it is as frozen as
the rows.
"""

from __future__ import annotations

import sqlite3

from db.cycles.meetings import find_meeting
from db.exporting.summary import Extension
from db.rounds.extensions import pending_extensions
from db.store.projection import REDATE_KINDS

_KINDS = ", ".join(f"'{k}'" for k in REDATE_KINDS)
_REASON_SQL = (
    "SELECT commentary FROM progress_log WHERE action_id = ? AND field = 'target_date'"
    f" AND kind IN ({_KINDS}) AND id <= ? ORDER BY id DESC LIMIT 1"
)


def moved_targets(conn: sqlite3.Connection, rows: list[dict], previous: list[dict] | None,
                  head_id: int | None) -> list[Extension]:  # fmt: skip
    """Each action whose target moved since `previous` (or ever, with no earlier snapshot)."""
    earlier = {r["id"]: r for r in previous or ()}
    found = []
    for row in rows:
        if previous is None:
            if not row["target_revisions"]:
                continue
            before = row["original_target_date"]
        else:
            old = earlier.get(row["id"])
            if old is None or old["target_date"] == row["target_date"]:
                continue
            before = old["target_date"]
        hit = conn.execute(_REASON_SQL, (row["id"], head_id or 0)).fetchone()
        found.append(Extension(row["id"], before, row["target_date"], hit[0] if hit else None))
    return found


def round_requests(conn: sqlite3.Connection, rows: list[dict], meeting_date: str,
                   committee: str, cut_off: str) -> list[Extension] | None:  # fmt: skip
    """The requests an update round made by `cut_off` that wait for this meeting, or None
    when no round had asked for any (then the moved targets stand in for them)."""
    meeting = find_meeting(conn, meeting_date, committee)
    waiting = pending_extensions(conn, meeting, as_at=cut_off)
    if not waiting:
        return None
    ids = {str(r["ref"]).casefold(): r["id"] for r in rows}
    return [Extension(ids[w["ref"].casefold()], w["current_target"], w["proposed_date"],
                      w["reason"]) for w in waiting if w["ref"].casefold() in ids]  # fmt: skip
