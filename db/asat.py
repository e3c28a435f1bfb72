"""The register as it stood at a past moment, rebuilt from the log in one SQL query.

Every entry that changes a field names it and carries the field's whole new
value (see :func:`db.projection.apply_entry`), so a field's value as at a
cut-off is the newest entry for that field at or before it, falling back to
the value the action was created with. That is one correlated subquery per
field on the (action_id, field, id) index: a window function over the log is
several times slower. The fold in db/projection.py is the definition; the
property tests prove this query gives the same rows at every point in time.
"""

from __future__ import annotations

import json
import sqlite3

from db.projection import (
    ACTION_COLUMNS,
    CREATED_DEFAULTS,
    NOT_PROGRESS_KINDS,
    SETTABLE_FIELDS,
    Row,
    decode,
    ref_key,
)

_FIELDS = sorted(SETTABLE_FIELDS)
_NOT_PROGRESS = ", ".join(f"'{k}'" for k in sorted(NOT_PROGRESS_KINDS))


def _latest(field: str) -> str:
    # json_array() tells "set to NULL" ('[null]') apart from "never set" (NULL).
    return (
        f"(SELECT json_array(p.new_value, p.commentary) FROM progress_log p"
        f" WHERE p.action_id = c.action_id AND p.field = '{field}' AND p.id <= :head"
        f" ORDER BY p.id DESC LIMIT 1) AS f_{field}"
    )


AS_AT_SQL = f"""
SELECT
    c.action_id, c.new_value, c.recorded_at, c.commentary,
    {", ".join(_latest(f) for f in _FIELDS)},
    (SELECT count(*) FROM progress_log p
      WHERE p.action_id = c.action_id AND p.id <= :head) AS version,
    (SELECT json_array(p.id, p.recorded_at) FROM progress_log p
      WHERE p.action_id = c.action_id AND p.id <= :head
      ORDER BY p.id DESC LIMIT 1) AS last_entry,
    (SELECT count(*) FROM progress_log p
      WHERE p.action_id = c.action_id AND p.field = 'target_date' AND p.kind = 'target_date'
        AND p.id <= :head) AS redates,
    (SELECT count(*) FROM progress_log p JOIN progress_log s ON s.uuid = p.supersedes
      WHERE p.action_id = c.action_id AND p.field = 'target_date' AND p.kind = 'correction'
        AND p.id <= :head AND s.kind = 'target_date' AND p.new_value IS s.old_value) AS undone,
    (SELECT json_array(CASE WHEN p.field = 'commentary' THEN p.new_value ELSE p.commentary END,
                       p.recorded_at)
       FROM progress_log p
      WHERE p.action_id = c.action_id AND p.id <= :head
        AND (p.field = 'commentary'
             OR (p.commentary <> '' AND p.kind NOT IN ({_NOT_PROGRESS})))
      ORDER BY p.id DESC LIMIT 1) AS last_commentary
FROM progress_log c
WHERE c.kind = 'created' AND c.id <= :head
ORDER BY c.action_id
"""


def head_at(conn: sqlite3.Connection, moment: str) -> tuple[int, str | None]:
    """(id, hash) of the newest entry recorded at or before `moment`; (0, None) if none.

    Entries are written in time order, so this cut is always a prefix of the chain.
    """
    row = conn.execute(
        "SELECT id, hash FROM progress_log WHERE recorded_at <= ? ORDER BY recorded_at DESC,"
        " id DESC LIMIT 1",
        (moment,),
    ).fetchone()
    return (row[0], row[1]) if row else (0, None)


def rebuild(conn: sqlite3.Connection, head: int) -> list[Row]:
    """Every action as it stood just after entry `head`, as action-table rows (by id)."""
    return [_row(r) for r in conn.execute(AS_AT_SQL, {"head": head})]


def _row(r: tuple) -> Row:
    action_id, created_json, created_at, created_note = r[:4]
    latest = dict(zip(_FIELDS, r[4 : 4 + len(_FIELDS)], strict=True))
    version, last_entry, redates, undone, last_commentary = r[4 + len(_FIELDS) :]
    created = {**CREATED_DEFAULTS, **json.loads(created_json)}
    row: Row = dict.fromkeys(ACTION_COLUMNS)
    row["id"] = action_id
    for field in _FIELDS:
        if latest[field] is not None:
            row[field] = decode(field, json.loads(latest[field])[0])
        else:
            row[field] = created.get(field)
    if latest["original_target_date"] is None:
        row["original_target_date"] = created.get("target_date")
    if latest["rag"] is not None:
        row["rag_reason"] = json.loads(latest["rag"])[1]
    elif created.get("rag") is not None:
        row["rag_reason"] = created_note
    row["ref_key"] = ref_key(str(row["ref"]))
    row["target_revisions"] = max(0, redates - undone)
    row["created_at"] = created_at
    row["version"] = version
    row["last_entry_id"], row["last_update_at"] = json.loads(last_entry)
    if last_commentary is not None:
        row["last_commentary"], row["last_commentary_at"] = json.loads(last_commentary)
    return row
