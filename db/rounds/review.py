"""Reviewing submissions: accept (its changes become the owner's log entries, with the
officer's acceptance recorded beside them), edit then accept, or reject with a reason.

Every decision is one transaction with the entries it records. A proposed date
the extension policy reserves for the committee is not applied on acceptance:
it becomes an extension request for the round's meeting. Nothing is deleted:
a rejected or superseded submission stays, with its decision.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field

from db.errors import InputError, NotFound
from db.rounds.columns import INPUT_COLUMNS, PROPOSED_FIELDS
from db.rounds.policy import load_policy, why_committee
from db.rounds.returned import read_value
from db.store import events, register
from db.store.chain import ChainWriter
from db.store.clock import Clock, utc_now
from db.store.connection import inserted_id, write_transaction
from db.store.dates import utc_text
from db.store.values import check_value, clean_reason, label

_KIND = {c.key: c.kind for c in INPUT_COLUMNS}
_HEADING = {c.key: c.heading for c in INPUT_COLUMNS}
#: Other names a person may give a field in --set (besides the field's own and its heading).
_ALIASES = {"target": "target_date", "percent": "percent_complete", "update": "note"}


@dataclass
class Submission:
    id: int
    action_id: int
    ref: str
    title: str
    owner: str
    received_at: str
    sent_version: int
    version_at_receipt: int
    file_name: str
    meeting_id: int
    cells: dict[str, str]
    proposed: dict[str, object]
    problems: list[dict]
    decision: str | None = None
    decided_at: str | None = None
    decided_by: str | None = None
    reason: str | None = None
    applied: dict | None = None
    committee: str | None = field(default=None)
    """Why the proposed date would go to the committee (None: the officer may accept it)."""

    @property
    def changed_since_sent(self) -> bool:
        return self.version_at_receipt != self.sent_version

    def as_dict(self) -> dict:
        out = dict(self.__dict__)
        out["changed_since_sent"] = self.changed_since_sent
        return out


_SELECT = (
    "SELECT s.id, s.action_id, a.ref, a.title, s.owner, s.received_at, s.sent_version,"
    " s.version_at_receipt, t.file_name, r.meeting_id, s.cells, s.proposed, s.problems,"
    " d.decision, d.decided_at, d.decided_by, d.reason, d.applied"
    " FROM submission s JOIN action a ON a.id = s.action_id"
    " JOIN round_return t ON t.id = s.return_id"
    " JOIN round_request q ON q.id = t.request_id JOIN round r ON r.id = q.round_id"
    " LEFT JOIN submission_decision d ON d.submission_id = s.id"
)


def _build(conn: sqlite3.Connection, row: tuple) -> Submission:
    *head, cells, proposed, problems, decision, at, by, reason, applied = row
    sub = Submission(
        *head,
        json.loads(cells),
        json.loads(proposed),
        json.loads(problems),
        decision,
        at,
        by,
        reason,
        json.loads(applied) if applied else None,
    )
    if sub.decision is None and "target_date" in sub.proposed:
        action = _action(conn, sub.action_id)
        if sub.proposed["target_date"] != action["target_date"]:
            sub.committee = why_committee(load_policy(conn), action, sub.proposed["target_date"])
    return sub


def _action(conn: sqlite3.Connection, action_id: int) -> dict:
    row = conn.execute(
        "SELECT ref, target_date, target_revisions, priority, status, rag,"
        " percent_complete, substr(last_update_at, 1, 10) FROM action WHERE id = ?",
        (action_id,),
    ).fetchone()
    keys = (
        "ref", "target_date", "target_revisions", "priority", "status", "rag", "percent", "latest",
    )  # fmt: skip
    return dict(zip(keys, row, strict=True))


def waiting_submissions(conn: sqlite3.Connection) -> list[Submission]:
    """Submissions no one has decided, oldest first."""
    rows = conn.execute(f"{_SELECT} WHERE d.submission_id IS NULL ORDER BY s.id").fetchall()
    return [_build(conn, r) for r in rows]


def action_submissions(conn: sqlite3.Connection, action_id: int) -> list[Submission]:
    """Every submission for one action, whatever became of it, newest first."""
    rows = conn.execute(f"{_SELECT} WHERE s.action_id = ? ORDER BY s.id DESC", (action_id,))
    return [_build(conn, r) for r in rows.fetchall()]


def get_submission(conn: sqlite3.Connection, submission_id: int) -> Submission:
    row = conn.execute(f"{_SELECT} WHERE s.id = ?", (submission_id,)).fetchone()
    if row is None:
        raise NotFound(f"submission: no submission {submission_id} in this register")
    return _build(conn, row)


def field_name(text: str) -> str:
    """'target', 'Proposed new target date' or 'target_date' -> 'target_date'."""
    folded = text.strip().casefold().replace("-", "_")
    for key in PROPOSED_FIELDS:
        if folded in (key, key.replace("_", " "), _HEADING[key].casefold()):
            return key
    if folded in _ALIASES:
        return _ALIASES[folded]
    raise InputError(
        f"set: {text!r} is not a field of a returned update; use one of: "
        + ", ".join(PROPOSED_FIELDS)
    )


def _edited(sub: Submission, changes: dict[str, str] | None) -> tuple[dict, list[str]]:
    values = dict(sub.proposed)
    edits = []
    settled = set()
    for raw, text in (changes or {}).items():
        key = field_name(raw)
        settled.add(key)
        if not (text or "").strip():
            values.pop(key, None)
            edits.append(f"{label(key)} left out")
            continue
        try:
            values[key] = read_value(_KIND[key], text)
        except ValueError as exc:
            raise InputError(f"{label(key)}: {exc}") from None
        edits.append(f"{label(key)} set to {values[key]}")
    open_problems = [p for p in sub.problems if p.get("field") not in settled]
    if open_problems:
        raise InputError(
            [
                f"submission {sub.id}: column {p['column']!r}: {p['why']}; settle it with "
                f"--set {p['field']}=VALUE (or --set {p['field']}= to leave it out)"
                for p in open_problems
            ]
        )
    for key, reason in (("rag", "rag_reason"), ("target_date", "target_reason")):
        if key in values and not str(values.get(reason) or "").strip():
            raise InputError(f"{label(reason)}: is required with a new {label(key)}: say why")
    return values, edits


def _undecided(conn: sqlite3.Connection, submission_id: int) -> Submission:
    sub = get_submission(conn, submission_id)
    if sub.decision is not None:
        raise InputError(
            f"submission {sub.id}: was already {sub.decision} on {sub.decided_at[:10]} "
            f"by {sub.decided_by}"
        )
    return sub


def accept_submission(
    conn: sqlite3.Connection,
    submission_id: int,
    *,
    author: str,
    changes: dict[str, str] | None = None,
    clock: Clock = utc_now,
) -> dict:
    """Accept a submission (after the officer's `changes`, field -> text; empty leaves one out).

    Returns what was applied, and the extension request made if the date went to the
    committee.
    """
    author = register.clean_author(author)
    with write_transaction(conn):
        sub = _undecided(conn, submission_id)
        values, edits = _edited(sub, changes)
        applied = _apply(conn, sub, values, author, clock)
        words = f"Accepted the update {sub.owner} returned on {sub.received_at[:10]}"
        words += f" (submission {sub.id})"
        if edits:
            words += f", edited: {'; '.join(edits)}"
        if "extension_request" in applied:
            words += (
                f". The new target date {values['target_date']} goes to the committee "
                f"({applied['extension_request']['why']})"
            )
        register.record_decision_note(conn, sub.ref, words + ".", author=author, clock=clock)
        conn.execute(
            "INSERT INTO submission_decision"
            " (submission_id, decision, decided_at, decided_by, reason, applied)"
            " VALUES (?, 'accepted', ?, ?, ?, ?)",
            (
                sub.id,
                utc_text(clock()),
                author,
                "; ".join(edits) or None,
                json.dumps(applied, ensure_ascii=False, sort_keys=True),
            ),
        )
        # In the chain after the owner's entries _apply recorded (a writer from the head now).
        w = ChainWriter(conn, author, clock)
        if "extension_request" in applied:
            events.record_row(w, "extension_request", applied["extension_request"]["id"])
        events.record_row(w, "submission_decision", sub.id)
    return applied


def _apply(conn, sub: Submission, values: dict, author: str, clock: Clock) -> dict:
    """Record the accepted values as the owner's entries; returns what was recorded."""
    now = _action(conn, sub.action_id)
    ref, owner = now["ref"], sub.owner
    # The owner's update took effect when it came back, unless something has been
    # recorded on the action since (an action's history never goes back in time).
    received = sub.received_at[:10]
    effective = received if received >= now["latest"] else None
    applied: dict = {}
    target = values.get("target_date")
    if target and target != now["target_date"]:
        why = why_committee(load_policy(conn), now, target)
        if why:
            request_id = inserted_id(
                conn.execute(
                    "INSERT INTO extension_request (action_id, submission_id, meeting_id,"
                    " current_target, proposed_date, reason, revisions, why_committee,"
                    " requested_at, requested_by) VALUES (?,?,?,?,?,?,?,?,?,?)",
                    (
                        sub.action_id,
                        sub.id,
                        sub.meeting_id,
                        now["target_date"],
                        target,
                        values.get("target_reason"),
                        now["target_revisions"],
                        why,
                        utc_text(clock()),
                        owner,
                    ),
                )
            )
            applied["extension_request"] = {"id": request_id, "date": target, "why": why}
        else:
            register.move_target_date(
                conn,
                ref,
                target,
                reason=values["target_reason"],
                author=owner,
                clock=clock,
                effective=effective,
            )
            applied["target_date"] = target
    rag = values.get("rag")
    if rag and rag != now["rag"]:
        register.set_rag(
            conn,
            ref,
            rag,
            reason=values["rag_reason"],
            author=owner,
            clock=clock,
            effective=effective,
        )
        applied["rag"] = rag
    update = {}
    if values.get("status") and values["status"] != now["status"]:
        update["status"] = values["status"]
    if values.get("percent_complete") is not None and values["percent_complete"] != now["percent"]:
        update["percent_complete"] = values["percent_complete"]
    if str(values.get("note") or "").strip():
        update["note"] = values["note"]
    if update:
        register.record_update(conn, ref, author=owner, clock=clock, effective=effective, **update)
        applied.update(update)
    if str(values.get("evidence") or "").strip():
        for line in str(values["evidence"]).splitlines():
            if line.strip():
                register.add_evidence(
                    conn, ref, line.strip(), author=owner, clock=clock, effective=effective
                )
        applied["evidence"] = values["evidence"]
    return applied


def reject_submission(
    conn: sqlite3.Connection,
    submission_id: int,
    *,
    author: str,
    reason: str,
    clock: Clock = utc_now,
) -> Submission:
    """Reject a submission with a reason: it stays in the register, and the log says so."""
    author = register.clean_author(author)
    reason = check_value("reason", clean_reason, reason or "")
    with write_transaction(conn):
        sub = _undecided(conn, submission_id)
        register.record_decision_note(
            conn,
            sub.ref,
            f"Rejected the update {sub.owner} returned on {sub.received_at[:10]} "
            f"(submission {sub.id}): {reason}",
            author=author,
            clock=clock,
        )
        conn.execute(
            "INSERT INTO submission_decision (submission_id, decision, decided_at, decided_by,"
            " reason) VALUES (?, 'rejected', ?, ?, ?)",
            (sub.id, utc_text(clock()), author, reason),
        )
        events.record_row(ChainWriter(conn, author, clock), "submission_decision", sub.id)
    return get_submission(conn, submission_id)
