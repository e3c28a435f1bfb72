"""A pack's "Latest update": the latest progress note, not the reason for a re-date or re-rating.

A snapshot row's latest commentary is the newest commentary of any progress kind,
so a re-date's or a re-rating's reason takes the place of the owner's note. Those
reasons belong beside their change (the RAG reason column, the changes section);
this module finds, from the log up to the snapshot's head, the progress note the
committee should read instead. A note or decision taken back in triage (undone:
corrected with UNDO_REASON, or withdrawn) is no progress either: the note before
it shows, never the bookkeeping. Only rows whose latest commentary is such a
reason or undone entry are looked up again, so a large export pays only for those.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable

from db.store.values import UNDO_REASON, WITHDRAWN_TEXT

#: Kinds whose commentary is the reason for that one change, not a progress note.
REASON_KINDS = ("target_date", "rag")
#: Kinds whose commentary is never progress (as in db.store.projection), plus the reasons.
_NOT_NOTES = ("field_edit", "chased", "correction", *REASON_KINDS)


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


#: An entry taken back by an undo: a correction of it that says so, or withdraws it.
_UNDONE = f"""EXISTS (SELECT 1 FROM progress_log u
    WHERE u.supersedes = p.uuid AND u.kind = 'correction' AND u.id <= :head
      AND (u.commentary = {_literal(UNDO_REASON)}
           OR u.new_value IN ({", ".join(map(_literal, WITHDRAWN_TEXT.values()))})))"""

_NOTE_SQL = f"""
SELECT coalesce((SELECT k.new_value FROM progress_log k
                  WHERE k.supersedes = p.uuid AND k.field = 'commentary' AND k.id <= :head
                  ORDER BY k.id DESC LIMIT 1), p.commentary),
       p.recorded_at
FROM progress_log p
WHERE p.action_id = :action AND p.id <= :head AND p.commentary <> ''
  AND p.kind NOT IN ({", ".join(f"'{k}'" for k in _NOT_NOTES)})
  AND NOT (p.kind = 'import' AND p.field IS NOT NULL)
  AND NOT {_UNDONE}
ORDER BY p.id DESC LIMIT 1
"""


def _reason_entries(conn: sqlite3.Connection, uuids: list[str], head: int) -> set[str]:
    """The entries among `uuids` whose commentary is a reason, or that were undone by
    `head`: one query, one index probe each (a JSON array binds any number of them)."""
    kinds = ", ".join(f"'{k}'" for k in REASON_KINDS)
    cursor = conn.execute(
        "SELECT p.uuid FROM json_each(:uuids) AS j JOIN progress_log p ON p.uuid = j.value"
        f" WHERE p.kind IN ({kinds}) OR {_UNDONE}",
        {"uuids": json.dumps(uuids), "head": head},
    )
    return {u for (u,) in cursor}


def progress_notes(
    conn: sqlite3.Connection, rows: Iterable[dict], head: int
) -> dict[int, tuple[str | None, str | None]]:
    """Action id -> (latest progress note, its time) up to entry `head`, for each row whose
    latest commentary is a re-date's or re-rating's reason ((None, None): no note at all).
    The other rows' latest commentary is their progress note already."""
    rows = list(rows)
    reasons = _reason_entries(conn, [r["last_commentary_entry"] for r in rows
                                     if r.get("last_commentary_entry")], head)  # fmt: skip
    notes = {}
    for row in rows:
        if row.get("last_commentary_entry") in reasons:
            found = conn.execute(_NOTE_SQL, {"action": row["id"], "head": head}).fetchone()
            notes[row["id"]] = tuple(found) if found else (None, None)
    return notes


def use_progress_notes(conn: sqlite3.Connection, rows: list[dict], head: int) -> None:
    """Make each row's latest commentary its latest progress note (rows a pack shows)."""
    notes = progress_notes(conn, rows, head)
    for row in rows:
        if row["id"] in notes:
            row["last_commentary"], row["last_commentary_at"] = notes[row["id"]]
