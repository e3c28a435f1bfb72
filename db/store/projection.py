"""How log entries build an action: the one fold used by writes, replay and as-at.

The write side applies each new entry with :func:`apply_entry` and stores the
result in the ``action`` table; ``verify`` and the as-at rebuild fold the same
function over the log. Because there is only one fold, the projection and the
replay can only differ if the file was changed behind actreg's back.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterable
from typing import Any

from db.store.log import END_OF_DAY, LogEntry, effective_moment

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
    "target_date_text",
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
    "last_commentary_entry",
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
    "target_date_text",
    "completion_criterion",
    "status",
    "rag",
    "percent_complete",
    "completed_date",
)

#: Fields an entry other than 'created' may set, by naming it in `field`.
SETTABLE_FIELDS = frozenset({*CREATED_FIELDS, "evidence", "original_target_date"})
CREATED_DEFAULTS = {
    "priority": "medium",
    "acceptance": "accepted",
    "status": "not_started",
    "percent_complete": 0,
}
#: Kinds of entry that move a target date and so count as a revision.
REDATE_KINDS = ("target_date", "import")
#: Kinds whose commentary is housekeeping, not progress (see is_progress_commentary).
NOT_PROGRESS_KINDS = frozenset({"field_edit", "chased", "correction"})
_INT_FIELDS = {"percent_complete", "target_revisions"}

#: An action as the projection holds it: every column of ACTION_COLUMNS (read
#: by column name in loops, so a plain dict; the read side adds derived flags).
Row = dict[str, Any]


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


def apply_entry(
    row: Row | None, entry: LogEntry, superseded: LogEntry | None = None, *, in_place: bool = False
) -> Row:
    """Return the action as it stands after `entry` (the input is not changed).

    Every entry that changes a field names it and carries the field's whole new
    value, so "the value as at T" is simply the newest such entry at or before
    T (which is what the SQL as-at rebuild in db/asat.py relies on). The only
    counted field is target_revisions: +1 per re-date, -1 when a correction
    takes a re-date back (`superseded` is the entry a correction corrects).
    """
    # verify folds every entry of the log through here: the entry is unpacked once into
    # locals and the helpers below (is_redate, undoes_redate, is_progress_commentary,
    # decode, effective_moment) are written out inline; tests hold them to each other.
    (entry_id, uuid, action_id, kind, field, _old, new_value, commentary,
     _author, recorded, supersedes, effective, _prev, _hash) = entry  # fmt: skip
    if kind == "created":
        new = _created(entry)
    else:
        if row is None:
            raise ValueError(f"entry {uuid} changes action {action_id} before it exists")
        new = row if in_place else dict(row)
        if field is not None and field != "commentary":
            if field not in SETTABLE_FIELDS:
                raise ValueError(f"entry {uuid} sets {field!r}, which no entry may set")
            if field in _INT_FIELDS and new_value is not None:
                new[field] = int(new_value)
            else:
                new[field] = new_value
                if field == "ref":
                    new["ref_key"] = ref_key(str(new_value))
                elif field == "rag":
                    new["rag_reason"] = commentary
                elif field == "target_date":
                    if kind in REDATE_KINDS:
                        new["target_revisions"] = int(new["target_revisions"]) + 1
                    elif superseded is not None and undoes_redate(entry, superseded):
                        new["target_revisions"] = max(0, int(new["target_revisions"]) - 1)
    # When it took effect (db.store.log.effective_moment, inlined).
    moment = recorded if effective == recorded[:10] else effective + END_OF_DAY
    new["version"] = int(new["version"]) + 1
    new["last_entry_id"] = entry_id
    new["last_update_at"] = moment
    if field == "commentary":
        # A corrected note: its new text shows only if it is still the latest
        # commentary (correcting an older note must not bury a newer one).
        if supersedes == new["last_commentary_entry"]:
            new["last_commentary"] = new_value
    elif commentary and kind not in NOT_PROGRESS_KINDS and (kind != "import" or field is None):
        # (is_progress_commentary)
        new["last_commentary"] = commentary
        new["last_commentary_at"] = moment
        new["last_commentary_entry"] = uuid
    return new


def is_redate(entry: LogEntry) -> bool:
    """A move of the target date: by hand, or by importing a newer copy of the table."""
    return entry.field == "target_date" and entry.kind in REDATE_KINDS


def undoes_redate(entry: LogEntry, superseded: LogEntry | None) -> bool:
    """A correction that puts a re-dated target back where it was takes the revision back.

    (A correction to a different date fixes a mistyped re-date: still one revision.)
    """
    return (
        entry.kind == "correction"
        and entry.field == "target_date"
        and superseded is not None
        and is_redate(superseded)
        and entry.new_value == superseded.old_value
    )


def is_progress_commentary(entry: LogEntry) -> bool:
    """Whether an entry's commentary is part of the progress story a committee reads.

    The reasons for housekeeping edits, chasers and corrections are not, nor
    the note naming the file on a field an import changed.
    """
    if entry.kind == "import" and entry.field is not None:
        return False  # "Imported from FILE" beside a changed field is housekeeping
    return bool(entry.commentary) and entry.kind not in NOT_PROGRESS_KINDS


def _created(entry: LogEntry) -> Row:
    values = json.loads(entry.new_value or "{}")
    row: Row = dict.fromkeys(ACTION_COLUMNS)
    row.update(CREATED_DEFAULTS)
    row.update({k: v for k, v in values.items() if k in CREATED_FIELDS})
    row["id"] = entry.action_id
    row["ref_key"] = ref_key(str(row["ref"]))
    row["original_target_date"] = row["target_date"]
    row["target_revisions"] = 0
    row["created_at"] = effective_moment(entry.recorded_at, entry.effective_date)
    row["version"] = 0
    if row["rag"] is not None:
        row["rag_reason"] = entry.commentary
    return row


#: Fields whose values repeat across actions (a few statuses, owners, dates): the
#: replayer keeps one copy of each value, which is what keeps verify's replay of
#: 100,000 actions within its memory budget.
SHARED_VALUE_FIELDS = frozenset({
    "status", "rag", "priority", "acceptance", "directorate", "theme", "owner", "source",
    "recommendation", "original_target_date", "target_date", "completed_date",
})  # fmt: skip


class Replayer:
    """Folds entries one at a time, remembering the re-dates a correction may take back."""

    def __init__(self) -> None:
        self.actions: dict[int, Row] = {}
        # Of each re-date, only what undoes_redate reads of it: its old value (a log
        # holds a great many re-dates; a whole entry each would be most of the memory).
        self._redates: dict[str, str | None] = {}

    def apply(self, entry: LogEntry) -> Row | None:
        """Fold one entry into its action; an entry about the register itself (no
        action: a meeting, a setting, a snapshot) is not part of any action."""
        action_id = entry[2]
        if action_id is None:
            return None
        field = entry[4]
        if field == "target_date" and entry[3] in REDATE_KINDS:  # (is_redate)
            self._redates[entry[1]] = entry[5]
        supersedes = entry[10]
        superseded = None
        if supersedes and supersedes in self._redates:
            superseded = _REDATE._replace(old_value=self._redates[supersedes])
        # The replayer owns its rows, so it may change them in place (no copy per entry).
        before = self.actions.get(action_id)
        row = apply_entry(before, entry, superseded, in_place=True)
        if row is not before:  # (a new action: the others were changed in place)
            self.actions[action_id] = row
        if entry[3] == "created":
            for name in SHARED_VALUE_FIELDS:
                _share(row, name)
        elif field in SHARED_VALUE_FIELDS:
            _share(row, field)
        return row


#: What the replayer knows of a re-date a correction names (with its old value).
_REDATE = LogEntry(
    0, "", 0, "target_date", "target_date", None, None, None, "", "", None, "", "", ""
)


def _share(row: Row, name: str) -> None:
    value = row.get(name)
    if value.__class__ is str:
        row[name] = sys.intern(value)


def replay(entries: Iterable[LogEntry]) -> dict[int, Row]:
    """Fold the log (in chain order) into every action's state, keyed by action id."""
    replayer = Replayer()
    for entry in entries:
        replayer.apply(entry)
    return replayer.actions
