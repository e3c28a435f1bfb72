"""How log entries build an action: the one fold used by writes, replay and as-at.

The write side applies each new entry with :func:`apply_entry` and stores the
result in the ``action`` table; ``verify`` and the as-at rebuild fold the same
function over the log. Because there is only one fold, the projection and the
replay can only differ if the file was changed behind actreg's back.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable

from db.log import LogEntry

#: The columns of the ``action`` table, in schema order.
ACTION_COLUMNS = (
    "id",
    "ref",
    "ref_key",
    "title",
    "description",
    "source",
    "recommendation",
    "theme",
    "directorate",
    "owner",
    "priority",
    "acceptance",
    "original_target_date",
    "target_date",
    "target_revisions",
    "status",
    "rag",
    "rag_reason",
    "percent_complete",
    "completion_criterion",
    "evidence",
    "completed_date",
    "created_at",
    "version",
    "last_entry_id",
    "last_update_at",
    "last_commentary",
    "last_commentary_at",
)

#: Fields a 'created' entry may set (its new_value is a JSON object of them).
CREATED_FIELDS = (
    "ref",
    "title",
    "description",
    "source",
    "recommendation",
    "theme",
    "directorate",
    "owner",
    "priority",
    "acceptance",
    "target_date",
    "completion_criterion",
    "status",
    "rag",
    "percent_complete",
)

_INT_FIELDS = {"percent_complete", "target_revisions"}
_DONE_STATUSES = {"implemented", "closed"}
_NOT_PROGRESS = {"field_edit", "chased"}

Row = dict[str, object]


def ref_key(ref: str) -> str:
    """Natural sort key: A2 before A10, 2.3 before 2.10, case-insensitive."""
    return re.sub(r"\d+", lambda m: m.group().zfill(10), ref.casefold())


def decode(field: str, value: str | None) -> object:
    """Log values are text; turn one back into the column's type."""
    if value is None:
        return None
    return int(value) if field in _INT_FIELDS else value


def encode(value: object) -> str | None:
    return None if value is None else str(value)


def apply_entry(row: Row | None, entry: LogEntry, superseded: LogEntry | None = None) -> Row:
    """Return the action as it stands after `entry` (the input is not changed).

    `superseded` is the entry a correction supersedes (needed to know what a
    correction undoes: correcting a re-date also takes back its revision).
    """
    if entry.kind == "created":
        new = _created(entry)
    else:
        if row is None:
            raise ValueError(
                f"entry {entry.uuid} changes action {entry.action_id} before it exists"
            )
        new = dict(row)
        _apply_change(new, entry, superseded)
    new["version"] = int(new["version"]) + 1
    new["last_entry_id"] = entry.id
    new["last_update_at"] = entry.recorded_at
    # The latest commentary is the progress story a committee reads, so the reasons
    # for housekeeping edits and chasers do not displace it.
    if entry.commentary and entry.kind not in _NOT_PROGRESS and entry.field != "commentary":
        new["last_commentary"] = entry.commentary
        new["last_commentary_at"] = entry.recorded_at
    return new


def _created(entry: LogEntry) -> Row:
    values = json.loads(entry.new_value or "{}")
    row: Row = dict.fromkeys(ACTION_COLUMNS)
    row.update(
        priority="medium",
        acceptance="accepted",
        status="not_started",
        percent_complete=0,
        target_revisions=0,
    )
    row.update({k: v for k, v in values.items() if k in CREATED_FIELDS})
    row["id"] = entry.action_id
    row["ref_key"] = ref_key(str(row["ref"]))
    row["original_target_date"] = row["target_date"]
    row["created_at"] = entry.recorded_at
    row["version"] = 0
    if row["rag"] is not None:
        row["rag_reason"] = entry.commentary
    if row["status"] in _DONE_STATUSES:
        row["completed_date"] = entry.recorded_at[:10]
    return row


def _apply_change(row: Row, entry: LogEntry, superseded: LogEntry | None) -> None:
    kind, field, value = entry.kind, entry.field, entry.new_value
    if kind in ("note", "chased"):
        return
    if kind == "evidence":
        row["evidence"] = f"{row['evidence']}\n{value}" if row["evidence"] else value
        return
    if kind == "target_date":
        row["target_date"] = value
        row["target_revisions"] = int(row["target_revisions"]) + 1
        return
    if kind == "correction":
        _apply_correction(row, entry, superseded)
        return
    if kind == "status":
        field = "status"
    elif kind == "rag":
        field = "rag"
    if field is None:
        raise ValueError(f"entry {entry.uuid} of kind {kind} names no field")
    _set_field(row, field, value, entry)


def _set_field(row: Row, field: str, value: str | None, entry: LogEntry) -> None:
    if field not in row or field in ("id", "version", "last_entry_id", "created_at"):
        raise ValueError(f"entry {entry.uuid} changes {field!r}, which no entry may change")
    row[field] = decode(field, value)
    if field == "ref":
        row["ref_key"] = ref_key(str(value))
    elif field == "rag":
        row["rag_reason"] = entry.commentary
    elif field == "status":
        if value in _DONE_STATUSES:
            row["completed_date"] = row["completed_date"] or entry.recorded_at[:10]
        else:
            row["completed_date"] = None


def _apply_correction(row: Row, entry: LogEntry, superseded: LogEntry | None) -> None:
    field = entry.field
    if field is None or field == "commentary":
        if field == "commentary":
            row["last_commentary"] = entry.new_value
            row["last_commentary_at"] = entry.recorded_at
        return
    if superseded is not None and superseded.kind == "target_date" and field == "target_date":
        # Taking back a re-date: the revision it counted goes too.
        row["target_date"] = entry.new_value
        row["target_revisions"] = max(0, int(row["target_revisions"]) - 1)
        return
    if superseded is not None and superseded.kind == "created" and field == "target_date":
        # The original target date was mistyped: it is the one thing a correction may fix.
        row["original_target_date"] = entry.new_value
        if int(row["target_revisions"]) == 0:
            row["target_date"] = entry.new_value
        return
    if field == "evidence":
        row["evidence"] = entry.new_value
        return
    _set_field(row, field, entry.new_value, entry)


def replay(entries: Iterable[LogEntry]) -> dict[int, Row]:
    """Fold the log (in chain order) into every action's state, keyed by action id."""
    actions: dict[int, Row] = {}
    by_uuid: dict[str, LogEntry] = {}
    for entry in entries:
        superseded = by_uuid.get(entry.supersedes) if entry.supersedes else None
        if entry.kind in ("created", "target_date"):  # the only kinds a correction looks at
            by_uuid[entry.uuid] = entry
        actions[entry.action_id] = apply_entry(actions.get(entry.action_id), entry, superseded)
    return actions
