"""The write side: one function per thing a person does to the register.

Each function is one ``BEGIN IMMEDIATE`` transaction that appends its log
entries and updates the ``action`` projection together, through the same fold
(:func:`db.store.projection.apply_entry`) that ``verify`` replays. Each takes the
version of the action the caller last saw (``expected_version``): if someone
else has changed the action since, the write is refused, never merged blindly.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import sqlite3
from collections.abc import Iterator
from typing import TYPE_CHECKING

from db.errors import InputError, NotFound, StaleVersion
from db.store import log
from db.store.chain import ChainWriter
from db.store.clock import Clock, utc_now
from db.store.connection import write_transaction
from db.store.dates import parse_day
from db.store.projection import ACTION_COLUMNS, CREATED_FIELDS, Row, apply_entry, encode
from db.store.values import (
    EDITABLE_FIELDS,
    STATUS_LABELS,
    check_value,
    clean_line,
    clean_long,
    clean_percent,
    clean_reason,
    clean_required_line,
    label,
    parse_rag,
    parse_status,
)

if TYPE_CHECKING:
    from db.store.models import ActionDraft

#: An effective date as a caller gives it: YYYY-MM-DD text, a date, or None for the recorded day.
Effective = str | dt.date | None

#: Statuses that mean the work is done, and so carry a completed date.
DONE_STATUSES = frozenset({"implemented", "closed"})
#: The reason logged when closing clears a red rating nobody settled: a closed
#: action is never shown red in a pack.
RED_SETTLED_ON_CLOSING = "Closed as verified: the red rating no longer applies"
#: What `rag` takes on closing to leave the action unrated.
NO_RAG = "none"


class EntryWriter(ChainWriter):
    """One open write transaction on actions: the chain's end, and the fold of each entry."""

    def append(
        self,
        row: Row | None,
        action_id: int,
        kind: str,
        *,
        superseded: log.LogEntry | None = None,
        **values,
    ) -> Row:
        entry = self.append_entry(action_id, kind, **values)
        return apply_entry(row, entry, superseded)

    def set_status(
        self,
        row: Row,
        status: str,
        *,
        kind: str = "status",
        commentary: str | None = None,
        completed_date: str | None = None,
        supersedes: str | None = None,
    ) -> Row:
        """A status change, and the completed date it implies, as entries of their own.

        Closing an action still rated red clears the rating, with its reason logged.
        """
        row = self.append(
            row,
            row["id"],
            kind,
            field="status",
            old_value=row["status"],
            new_value=status,
            commentary=commentary,
            supersedes=supersedes,
        )
        if status == "closed" and kind == "status" and row["rag"] == "red":
            row = self.append(
                row,
                row["id"],
                "rag",
                field="rag",
                old_value="red",
                new_value=None,
                commentary=RED_SETTLED_ON_CLOSING,
            )
        if status in DONE_STATUSES:
            done_on = completed_date or row["completed_date"] or self.effective_date
        elif status in ("not_started", "in_progress"):
            done_on = None  # reopened: it is not done any more
        else:
            return row  # superseded / cancelled keep whatever was recorded
        if done_on != row["completed_date"]:
            row = self.append(
                row,
                row["id"],
                "field_edit",
                field="completed_date",
                old_value=row["completed_date"],
                new_value=done_on,
            )
        return row


def clean_author(author: str) -> str:
    return check_value("author", clean_required_line, author)


def _load(conn: sqlite3.Connection, ref: str) -> Row:
    row = conn.execute(
        f"SELECT {', '.join(ACTION_COLUMNS)} FROM action WHERE ref = ?", (ref.strip(),)
    ).fetchone()
    if row is None:
        raise NotFound(f"ref: no action {ref.strip()!r} in this register")
    return dict(zip(ACTION_COLUMNS, row, strict=True))


def _check_version(row: Row, expected_version: int | None) -> None:
    if expected_version is not None and expected_version != row["version"]:
        raise StaleVersion(
            f"Action {row['ref']} was changed by someone else since you opened it "
            f"(version {expected_version} is now {row['version']}). Nothing was saved: "
            "reload it to see the change, then try again."
        )


def save_row(conn: sqlite3.Connection, before: Row | None, after: Row) -> None:
    if before is None:
        columns = ", ".join(ACTION_COLUMNS)
        marks = ", ".join("?" * len(ACTION_COLUMNS))
        conn.execute(
            f"INSERT INTO action ({columns}) VALUES ({marks})", [after[c] for c in ACTION_COLUMNS]
        )
        return
    # Only the changed columns, so the FTS trigger (on ref/title/description) runs when it must.
    changed = [c for c in ACTION_COLUMNS if after[c] != before[c]]
    assignments = ", ".join(f"{c} = ?" for c in changed)
    conn.execute(
        f"UPDATE action SET {assignments} WHERE id = ?", [after[c] for c in changed] + [after["id"]]
    )


class _Change:
    """One transaction changing one action: the action as loaded, and as it becomes."""

    def __init__(self, w: EntryWriter, before: Row) -> None:
        self.w, self.before, self.row = w, before, before


@contextlib.contextmanager
def _changing(
    conn: sqlite3.Connection,
    ref: str,
    *,
    author: str,
    clock: Clock,
    expected_version: int | None,
    effective: Effective = None,
) -> Iterator[_Change]:
    """Load an action inside a write transaction, refuse a stale version or an effective
    date out of order, save what changed."""
    with write_transaction(conn):
        before = _load(conn, ref)
        _check_version(before, expected_version)
        w = EntryWriter(conn, author, clock, effective)
        check_effective_order(conn, before, w.effective_date)
        change = _Change(w, before)
        yield change
        save_row(conn, before, change.row)


def check_effective_order(conn: sqlite3.Connection, row: Row, day: str) -> None:
    """Refuse an entry for `row`'s action effective before the action's newest entry.

    Log order stays the order of events per action, which keeps the fold, the
    as-at rebuild and verify simple. The row's last_update_at is when its newest
    entry took effect (its effective day, or its recorded time on that day).
    """
    latest = str(row["last_update_at"])[:10]
    if day >= latest:
        return
    found = conn.execute(
        "SELECT uuid, kind, recorded_at FROM progress_log WHERE id = ?", (row["last_entry_id"],)
    ).fetchone()
    uuid, kind, recorded = found if found else ("?", "?", "?")
    if kind == "created":
        raise InputError(
            f"effective date: {day} is before action {row['ref']} was created "
            f"(entry {uuid}, effective {latest})"
        )
    raise InputError(
        f"effective date: {day} is before entry {uuid} ({kind.replace('_', ' ')}, "
        f"effective {latest}, recorded {recorded[:10]}) of action {row['ref']}; "
        f"an action's history is recorded in date order: use {latest} or later"
    )


def _ref_free(conn: sqlite3.Connection, ref: str, *, except_id: int | None = None) -> None:
    row = conn.execute("SELECT id, ref, title FROM action WHERE ref = ?", (ref,)).fetchone()
    if row and row[0] != except_id:
        raise InputError(f"ref: {ref!r} is already used by action {row[1]} ({row[2]!r})")


def remember_source(conn: sqlite3.Connection, source: str | None) -> None:
    if source:
        conn.execute("INSERT OR IGNORE INTO source (title) VALUES (?)", (source,))


# --- intents ----------------------------------------------------------------


def add_action(
    conn: sqlite3.Connection,
    draft: ActionDraft | dict,
    *,
    author: str,
    clock: Clock = utc_now,
    commentary: str | None = None,
    effective: Effective = None,
) -> Row:
    """Add an action. `draft` is an ActionDraft or a dict of its fields (validated here).

    `effective` (as every write's) is the day it happened when that was before today.
    """
    # The models (pydantic) load with the first new action, not with the write side:
    # the TUI imports this module at start-up.
    from db.store.models import ActionDraft, validate

    if isinstance(draft, dict):
        draft = validate(ActionDraft, **draft)
    author = clean_author(author)
    if commentary is not None:
        commentary = check_value("commentary", clean_long, commentary)
        commentary = commentary if commentary.strip() else None  # a blank note is no note
    values = draft.model_dump()
    with write_transaction(conn):
        _ref_free(conn, draft.ref)
        remember_source(conn, draft.source)
        action_id = conn.execute("SELECT coalesce(max(id), 0) + 1 FROM action").fetchone()[0]
        created = {k: values[k] for k in CREATED_FIELDS}
        w = EntryWriter(conn, author, clock, effective)
        row = w.append(
            None,
            action_id,
            "created",
            commentary=commentary,
            new_value=json.dumps(created, ensure_ascii=False, sort_keys=True),
        )
        save_row(conn, None, row)
    return row


def record_update(
    conn: sqlite3.Connection,
    ref: str,
    *,
    author: str,
    note: str | None = None,
    status: str | None = None,
    rag: str | None = None,
    target_date: str | None = None,
    percent_complete: int | str | None = None,
    reason: str | None = None,
    expected_version: int | None = None,
    clock: Clock = utc_now,
    effective: Effective = None,
) -> Row:
    """A progress update: a note and/or a new status, RAG, target date or percent, at once.

    A new RAG or target date needs a reason (it is recorded with the change).
    """
    author = clean_author(author)
    problems: list[str] = []

    def checked(name, check, value):
        if value is None:
            return None
        try:
            return check(value)
        except ValueError as exc:
            problems.append(f"{label(name)}: {exc}")
            return None

    if note is not None and not note.strip():
        problems.append("note: must not be empty")
        note = None
    note = checked("note", clean_long, note) or None
    status = checked("status", parse_status, status)
    rag = checked("rag", parse_rag, rag)
    target_date = checked("target_date", parse_day, target_date)
    percent = checked("percent_complete", clean_percent, percent_complete)
    reason = checked("reason", clean_long, reason) or None
    if reason is not None and not reason.strip():
        reason = None  # a blank reason is no reason
    if (rag or target_date) and not reason:
        problems.append("reason: is required with a new RAG or target date: say why")
    if problems:
        raise InputError(problems)
    if not any(v is not None for v in (note, status, rag, target_date, percent)):
        raise InputError("nothing to record: give a note, status, RAG, target date or percent")
    if status is None and rag is None and target_date is None and percent is None:
        # A note changes no field, so it conflicts with nothing another writer did:
        # it is appended whatever version the action has reached (a busy action
        # would otherwise refuse it again and again). Field changes keep the check.
        expected_version = None

    with _changing(
        conn,
        ref,
        author=author,
        clock=clock,
        expected_version=expected_version,
        effective=effective,
    ) as c:
        unchanged = [
            f"{label(name)}: is already {value}"
            for name, value in (
                ("target_date", target_date),
                ("rag", rag),
                ("status", status),
                ("percent_complete", percent),
            )
            if value is not None and c.row[name] == value
        ]
        if unchanged:
            raise InputError(unchanged)
        if status is not None and c.row["status"] == "closed" and not reason:
            # Closed means verified done: undoing that is a decision the log must explain.
            raise InputError(
                f"reason: is required to change the status of a closed action "
                f"(to {STATUS_LABELS[status]}): say why"
            )
        if status == "closed":
            _require_evidence(c.row, None)
        w, aid = c.w, c.row["id"]
        if target_date is not None:
            c.row = w.append(
                c.row,
                aid,
                "target_date",
                field="target_date",
                old_value=c.row["target_date"],
                new_value=target_date,
                commentary=reason,
            )
        if rag is not None:
            c.row = w.append(
                c.row,
                aid,
                "rag",
                field="rag",
                old_value=c.row["rag"],
                new_value=rag,
                commentary=reason,
            )
        if status is not None:
            c.row = w.set_status(c.row, status, commentary=reason)
        if percent is not None:
            c.row = w.append(
                c.row,
                aid,
                "field_edit",
                field="percent_complete",
                old_value=encode(c.row["percent_complete"]),
                new_value=str(percent),
            )
        if note is not None:
            c.row = w.append(c.row, aid, "note", commentary=note)
    return c.row


def record_note(
    conn,
    ref: str,
    note: str,
    *,
    author: str,
    expected_version: int | None = None,
    clock: Clock = utc_now,
    effective: Effective = None,
) -> Row:
    """A progress note from the owner: commentary only, no field changes."""
    if not (note or "").strip():
        raise InputError("note: must not be empty")
    return record_update(
        conn,
        ref,
        author=author,
        note=note,
        expected_version=expected_version,
        clock=clock,
        effective=effective,
    )


def change_status(
    conn,
    ref: str,
    status: str,
    *,
    author: str,
    reason: str | None = None,
    expected_version: int | None = None,
    clock: Clock = utc_now,
    effective: Effective = None,
) -> Row:
    return record_update(
        conn,
        ref,
        author=author,
        status=status,
        reason=reason,
        expected_version=expected_version,
        clock=clock,
        effective=effective,
    )


def set_rag(
    conn,
    ref: str,
    rag: str,
    *,
    reason: str,
    author: str,
    expected_version: int | None = None,
    clock: Clock = utc_now,
    effective: Effective = None,
) -> Row:
    """Set the RAG rating: an officer's judgement, so it always carries a reason."""
    check_value("reason", clean_reason, reason or "")
    return record_update(
        conn,
        ref,
        author=author,
        rag=rag,
        reason=reason,
        expected_version=expected_version,
        clock=clock,
        effective=effective,
    )


def move_target_date(
    conn,
    ref: str,
    target_date: str,
    *,
    reason: str,
    author: str,
    expected_version: int | None = None,
    clock: Clock = utc_now,
    effective: Effective = None,
) -> Row:
    """Re-date an action. The original target date never changes; revisions are counted."""
    check_value("reason", clean_reason, reason or "")
    return record_update(
        conn,
        ref,
        author=author,
        target_date=target_date,
        reason=reason,
        expected_version=expected_version,
        clock=clock,
        effective=effective,
    )


def edit_field(
    conn,
    ref: str,
    field_name: str,
    value: str | None,
    *,
    reason: str,
    author: str,
    expected_version: int | None = None,
    clock: Clock = utc_now,
    effective: Effective = None,
) -> Row:
    """Change one descriptive field (title, owner, ...), with a reason."""
    name = field_name.strip().lower().replace("-", "_").replace(" ", "_")
    if name not in EDITABLE_FIELDS:
        hint = {
            "status": "change the status",
            "rag": "set the RAG",
            "target_date": "re-date it",
            "evidence": "add evidence",
        }.get(name)
        wanted = ", ".join(EDITABLE_FIELDS)
        raise InputError(
            f"field: {field_name!r} cannot be edited here"
            + (f" ({hint} instead)" if hint else f"; editable fields: {wanted}")
        )
    new_value = check_value(name, EDITABLE_FIELDS[name], value if value is not None else "")
    reason = check_value("reason", clean_reason, reason or "")
    author = clean_author(author)
    with _changing(
        conn,
        ref,
        author=author,
        clock=clock,
        expected_version=expected_version,
        effective=effective,
    ) as c:
        if c.before[name] == new_value:
            raise InputError(f"{label(name)}: is already {new_value!r}; nothing to change")
        if name == "ref":
            _ref_free(conn, new_value, except_id=c.before["id"])
        if name == "source":
            remember_source(conn, new_value)
        c.row = c.w.append(
            c.before,
            c.before["id"],
            "field_edit",
            field=name,
            old_value=encode(c.before[name]),
            new_value=encode(new_value),
            commentary=reason,
        )
    return c.row


def add_evidence(
    conn,
    ref: str,
    evidence: str,
    *,
    author: str,
    note: str | None = None,
    expected_version: int | None = None,
    clock: Clock = utc_now,
    effective: Effective = None,
) -> Row:
    """Record a reference to evidence (a report, a minute, a link) that work was done."""
    evidence = check_value("evidence", clean_required_line, evidence or "")
    note = check_value("note", clean_long, note) if note else None
    author = clean_author(author)
    with _changing(
        conn,
        ref,
        author=author,
        clock=clock,
        expected_version=expected_version,
        effective=effective,
    ) as c:
        c.row = _append_evidence(c.w, c.row, evidence, commentary=note)
    return c.row


def close_action(
    conn,
    ref: str,
    *,
    author: str,
    evidence: str | None = None,
    note: str | None = None,
    completed_date: str | None = None,
    rag: str | None = None,
    expected_version: int | None = None,
    clock: Clock = utc_now,
    effective: Effective = None,
) -> Row:
    """Close (verified): needs evidence, given now or recorded before.

    `completed_date` is when the work was done (default: when it was first
    marked implemented, else today). `rag` settles the rating as it closes
    (NO_RAG: unrated), its reason the note; without it a red rating is cleared
    with RED_SETTLED_ON_CLOSING logged as the reason.
    """
    settle = None
    if rag is not None:
        settle = None if rag.strip().lower() in (NO_RAG, "") else check_value("rag", parse_rag, rag)
    evidence = check_value("evidence", clean_line, evidence) if evidence else None
    if completed_date is not None:
        completed_date = check_value("completed date", parse_day, completed_date)
    note = check_value("note", clean_long, note) if note else None
    author = clean_author(author)
    with _changing(
        conn,
        ref,
        author=author,
        clock=clock,
        expected_version=expected_version,
        effective=effective,
    ) as c:
        if c.row["status"] == "closed":
            raise InputError(f"status: action {c.row['ref']} is already closed")
        _require_evidence(c.row, evidence)
        if evidence:
            c.row = _append_evidence(c.w, c.row, evidence)
        if rag is not None and settle != c.row["rag"]:
            c.row = c.w.append(
                c.row,
                c.row["id"],
                "rag",
                field="rag",
                old_value=c.row["rag"],
                new_value=settle,
                commentary=note or "Settled on closing",
            )
        c.row = c.w.set_status(c.row, "closed", commentary=note, completed_date=completed_date)
    return c.row


def correct_entry(
    conn,
    entry_uuid: str,
    *,
    reason: str,
    author: str,
    value: str | None = None,
    expected_version: int | None = None,
    clock: Clock = utc_now,
) -> Row:
    """Correct an earlier entry by appending one that supersedes it; nothing is edited.

    For a change (status, RAG, target date, field edit, evidence) `value` is the
    right value (give the old one to undo it). For a note, `value` is the
    corrected text. The reason says what was wrong.
    """
    reason = check_value("reason", clean_reason, reason or "")
    author = clean_author(author)
    with write_transaction(conn):
        found = conn.execute(
            f"SELECT {log.SELECT_COLUMNS} FROM progress_log WHERE uuid = ?",
            ((entry_uuid or "").strip(),),
        ).fetchone()
        if found is None:
            raise NotFound(f"entry: no log entry {entry_uuid!r} in this register")
        target = log.from_row(found)
        _correctable(target)
        ref = conn.execute("SELECT ref FROM action WHERE id = ?", (target.action_id,)).fetchone()[0]
        before = _load(conn, ref)
        _check_version(before, expected_version)
        w = EntryWriter(conn, author, clock)
        row = _append_correction(w, target, before, value, reason)
        save_row(conn, before, row)
    return row


def correct_entries(
    conn,
    corrections: list[tuple[str, str | None]],
    *,
    reason: str,
    author: str,
    expected_version: int | None = None,
    undo: bool = False,
    clock: Clock = utc_now,
) -> Row:
    """Correct several entries of one action in one transaction (undoing a triage decision).

    `corrections` are (entry uuid, value) pairs, applied in order, each exactly as
    :func:`correct_entry` would; if any is refused, none is recorded. With `undo`
    they take a decision back whole: a RAG put back gets back the reason it had
    (the correction carries it, since a RAG entry's commentary is its reason).
    """
    reason = check_value("reason", clean_reason, reason or "")
    author = clean_author(author)
    if not corrections:
        raise InputError("entry: nothing to correct")
    with write_transaction(conn):
        targets = []
        for entry_uuid, _ in corrections:
            found = conn.execute(
                f"SELECT {log.SELECT_COLUMNS} FROM progress_log WHERE uuid = ?",
                ((entry_uuid or "").strip(),),
            ).fetchone()
            if found is None:
                raise NotFound(f"entry: no log entry {entry_uuid!r} in this register")
            targets.append(_correctable(log.from_row(found)))
        if len({t.action_id for t in targets}) != 1:
            raise InputError("entry: the entries to correct belong to different actions")
        ref = conn.execute(
            "SELECT ref FROM action WHERE id = ?", (targets[0].action_id,)
        ).fetchone()[0]
        before = row = _load(conn, ref)
        _check_version(before, expected_version)
        w = EntryWriter(conn, author, clock)
        for target, (_, value) in zip(targets, corrections, strict=True):
            row = _append_correction(w, target, row, value, reason, undo=undo)
        save_row(conn, before, row)
    return row


def _correctable(target: log.LogEntry) -> log.LogEntry:
    """Only entries about an action are corrected; the register's own (a meeting, a
    setting, a snapshot) change by being recorded again."""
    if target.action_id is None:
        raise InputError(
            f"entry: {target.uuid} records a {target.kind} of the register, not a change to an "
            "action; it cannot be corrected"
        )
    return target


def _require_evidence(row: Row, evidence: str | None) -> None:
    """Closing means verified: something must show the work was done."""
    if not evidence and not row["evidence"]:
        raise InputError(
            "evidence: is required to close an action that has none recorded "
            "(what shows it is done? a report, minute or link)"
        )


def _append_evidence(w: EntryWriter, row: Row, evidence: str, commentary: str | None = None) -> Row:
    """Evidence accumulates, one reference per line; the entry carries the whole new list."""
    combined = f"{row['evidence']}\n{evidence}" if row["evidence"] else evidence
    return w.append(
        row,
        row["id"],
        "evidence",
        field="evidence",
        old_value=row["evidence"],
        new_value=combined,
        commentary=commentary,
    )


def _rag_reason_before(conn: sqlite3.Connection, target: log.LogEntry) -> str | None:
    """The RAG reason in force just before `target` (from the RAG entry before it)."""
    found = conn.execute(
        "SELECT commentary FROM progress_log WHERE action_id = ? AND id < ?"
        " AND (field = 'rag' OR (kind = 'created' AND json_extract(new_value, '$.rag')"
        " IS NOT NULL)) ORDER BY id DESC LIMIT 1",
        (target.action_id, target.id),
    ).fetchone()
    return found[0] if found else None


def _append_correction(
    w: EntryWriter,
    target: log.LogEntry,
    row: Row,
    value: str | None,
    reason: str,
    *,
    undo: bool = False,
) -> Row:
    """Append the entries that put `target` right, each validated like the original."""
    kind, aid = target.kind, row["id"]

    def correction(current: Row, field: str, old, new) -> Row:
        why = reason
        if undo and field == "rag" and encode(new) == target.old_value:
            why = _rag_reason_before(w.conn, target) or reason
        return w.append(
            current,
            aid,
            "correction",
            field=field,
            old_value=encode(old),
            new_value=encode(new),
            commentary=why,
            supersedes=target.uuid,
            superseded=target,
        )

    if kind == "correction":
        raise InputError("entry: correct the original entry, not a correction of it")
    commentary_only = target.field is None and kind in ("note", "chased", "import")
    if commentary_only or (kind == "created" and value is None):
        text = check_value("value", clean_long, value or "")
        if not text.strip():
            raise InputError("value: give the corrected text of the note")
        return correction(row, "commentary", target.commentary, text)
    if value is None:
        raise InputError(f"value: give the right {label(target.field or kind)}")
    if kind == "created":
        # A mistyped original target date is the one thing a creation may have corrected.
        new = check_value("target_date", parse_day, value)
        row = correction(row, "original_target_date", row["original_target_date"], new)
        if row["target_revisions"] == 0:
            row = correction(row, "target_date", row["target_date"], new)
        return row
    if kind == "evidence":
        added = (target.new_value or "").split("\n")[-1]
        fixed = check_value("evidence", clean_line, value)
        lines = [fixed if line == added else line for line in (row["evidence"] or "").split("\n")]
        return correction(
            row, "evidence", row["evidence"], "\n".join(x for x in lines if x) or None
        )
    name = target.field or kind
    checks = {
        "status": parse_status,
        "rag": parse_rag,
        "target_date": parse_day,
        **EDITABLE_FIELDS,
    }
    if name not in checks:
        raise InputError(f"entry: a {label(name)} entry cannot be corrected; record a new change")
    new = check_value(name, checks[name], value)
    if row[name] == new:
        raise InputError(f"{label(name)}: is already {new!r}; nothing to correct")
    if name == "ref":
        _ref_free(w.conn, new, except_id=aid)
    if name == "status":
        if new == "closed":
            _require_evidence(row, None)
        return w.set_status(row, new, kind="correction", commentary=reason, supersedes=target.uuid)
    return correction(row, name, row[name], new)


def record_chase(
    conn,
    ref: str,
    *,
    author: str,
    note: str | None = None,
    expected_version: int | None = None,
    clock: Clock = utc_now,
    effective: Effective = None,
) -> Row:
    """Record that the owner was chased for an update (a triage decision)."""
    note = check_value("note", clean_long, note) if note else None
    author = clean_author(author)
    text = f"Owner chased for an update: {note}" if note else "Owner chased for an update."
    with _changing(
        conn,
        ref,
        author=author,
        clock=clock,
        expected_version=expected_version,
        effective=effective,
    ) as c:
        c.row = c.w.append(c.row, c.row["id"], "chased", commentary=text)
    return c.row


def record_decision_note(conn, ref: str, text: str, *, author: str, clock: Clock = utc_now) -> Row:
    """Record a decision about the action that changes no field (an officer accepting or
    rejecting an owner's returned update, a committee refusing an extension).

    It is in the chain like every entry, but it is housekeeping, not progress: it
    never becomes the action's latest commentary. No version check: it changes nothing.
    """
    text = check_value("note", clean_reason, text or "")
    author = clean_author(author)
    with _changing(conn, ref, author=author, clock=clock, expected_version=None) as c:
        c.row = c.w.append(c.row, c.row["id"], "field_edit", commentary=text)
    return c.row
