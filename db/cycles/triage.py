"""The triage queue: the actions that need attention, why, most urgent first.

A triage session is ten minutes with a director: the queue brings the next
action and says why it is there. Closed, cancelled and superseded actions
never appear; implemented ones appear until someone verifies and closes them.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import dataclass, field

from db.cycles import meetings
from db.cycles.round_state import unanswered_action_ids, waiting_action_ids
from db.plural import plural
from db.read.queries import NO_FILTER, ActionFilter, list_actions
from db.store import log
from db.store.clock import today
from db.store.projection import Row
from db.store.values import FINISHED_STATUSES, WITHDRAWN_TEXT

#: Reasons an action is in the queue, in the order they are shown, each with
#: the weight it adds to the action's urgency.
REASONS = {
    "overdue": 1000,
    "red": 300,
    "contradiction": 150,
    "due_soon": 200,
    "slipped": 100,
    "stale": 50,
    "unverified": 25,
    "review": 80,
    "unanswered": 60,
}
_NEVER = FINISHED_STATUSES - {"implemented"}


@dataclass
class QueueItem:
    row: Row
    reasons: dict[str, str] = field(default_factory=dict)
    """Reason key -> how a person reads it ("overdue by 12 days")."""
    urgency: int = 0


def triage_queue(
    conn: sqlite3.Connection, flt: ActionFilter = NO_FILTER, *, overdue_only: bool = False
) -> list[QueueItem]:
    """The actions needing attention within `flt`, most urgent first."""
    on = today()
    nxt = meetings.next_update_due(conn, on)
    deadline = nxt["paper_deadline"] if nxt else None
    waiting, unanswered = waiting_action_ids(conn), unanswered_action_ids(conn)
    queue = []
    for row in list_actions(conn, flt):
        if row["status"] in _NEVER:
            continue
        item = QueueItem(row, _reasons(row, on, deadline))
        if row["id"] in waiting:
            item.reasons["review"] = "update waiting for review"
        if row["id"] in unanswered:
            item.reasons["unanswered"] = "owner has not replied this round"
        if not item.reasons or (overdue_only and "overdue" not in item.reasons):
            continue
        item.urgency = sum(REASONS[k] for k in item.reasons) + row["days_overdue"]
        queue.append(item)
    queue.sort(key=lambda i: (-i.urgency, i.row["target_date"] or "9999", i.row["ref_key"]))
    return queue


def _reasons(row: Row, on: dt.date, deadline: str | None) -> dict[str, str]:
    found = {}
    days = row["days_overdue"]
    if row["overdue"]:
        found["overdue"] = f"overdue by {plural(days, 'day')}"
    if row["rag"] == "red":
        found["red"] = "rated red" + (f": {row['rag_reason']}" if row["rag_reason"] else "")
    if row["rag"] == "green" and row["overdue"]:
        # RAG is the officer's judgement: flag the contradiction, never override it.
        found["contradiction"] = "rated green but overdue"
    target = row["target_date"]
    open_ = row["status"] not in FINISHED_STATUSES
    if open_ and deadline and target and on.isoformat() <= target <= deadline:
        found["due_soon"] = f"due {target}, before the next paper deadline ({deadline})"
    if row["target_revisions"] >= 2:
        found["slipped"] = f"target moved {plural(row['target_revisions'], 'time')}"
    if row["stale"]:
        found["stale"] = "no update this cycle"
    if row["status"] == "implemented":
        found["unverified"] = "implemented, awaiting verification and closure"
    return found


@dataclass
class SessionSummary:
    """What a triage session (or any stretch of time) did, from the log."""

    since: str
    actions: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    lines: list[str] = field(default_factory=list)


_SUMMARY_KINDS = {
    "created": "added",
    "note": "updated",
    "rag": "re-rated",
    "target_date": "re-dated",
    "chased": "chased",
    "correction": "undone or corrected",
    "evidence": "evidence recorded",
}


def summarise(conn: sqlite3.Connection, since: str, *, author: str | None = None) -> SessionSummary:
    """Count what the log recorded since `since` (UTC text), optionally by one author."""
    summary = SessionSummary(
        since, counts=dict.fromkeys([*_SUMMARY_KINDS.values(), "closed", "status changed"], 0)
    )
    refs = dict(conn.execute("SELECT id, ref FROM action"))
    params: list = [since]
    where = "recorded_at >= ?"
    if author:
        where += " AND author = ?"
        params.append(author)
    cursor = conn.execute(
        f"SELECT {log.SELECT_COLUMNS} FROM progress_log WHERE {where} ORDER BY id", params
    )
    entries = list(map(log.from_row, cursor))
    undone = _undone(entries)
    seen: dict[int, list[str]] = {}
    for group in _writes(entries):
        for key, words in _describe_write([e for e in group if e.uuid not in undone]):
            summary.counts[key] += 1
            seen.setdefault(group[0].action_id, []).append(words)
    for action_id, changes in seen.items():
        summary.actions.append(refs[action_id])
        counted = {c: changes.count(c) for c in changes}  # in first-seen order
        words = [c if n == 1 else f"{c} (x{n})" for c, n in counted.items()]
        summary.lines.append(f"{refs[action_id]}: " + "; ".join(words))
    return summary


def _undone(entries: list[log.LogEntry]) -> set[str]:
    """The entries among `entries` a later one of them took back: a correction that puts
    back the value the entry replaced, or withdraws its note (a triage undo). They count
    as nothing, and their undo once, so the summary says what stands."""
    by_uuid = {e.uuid: e for e in entries}
    taken_back = set()
    for entry in entries:
        target = by_uuid.get(entry.supersedes or "")
        if entry.kind != "correction" or target is None:
            continue
        if entry.new_value == target.old_value or entry.new_value in WITHDRAWN_TEXT.values():
            taken_back.add(target.uuid)
    return taken_back


def _writes(entries: list[log.LogEntry]) -> list[list[log.LogEntry]]:
    """The entries grouped by the write that made them (one action, one recorded_at)."""
    groups: list[list[log.LogEntry]] = []
    for entry in entries:
        last = groups[-1][-1] if groups else None
        if last and (last.action_id, last.recorded_at) == (entry.action_id, entry.recorded_at):
            groups[-1].append(entry)
        else:
            groups.append([entry])
    return groups


def _describe_write(group: list[log.LogEntry]) -> list[tuple[str, str]]:
    """What one write did, as (count key, words): a close is one "closed" (its evidence and
    settled RAG are part of it); corrections are one "undone or corrected"."""
    if any(e.kind == "status" and e.new_value == "closed" for e in group):
        return [("closed", "closed")]
    found = []
    if any(e.kind == "correction" for e in group):
        found.append(("undone or corrected", "undone or corrected"))
    for entry in group:
        what = None if entry.kind == "correction" else _describe(entry)
        if what is not None:
            found.append(what)
    return found


def _describe(entry: log.LogEntry) -> tuple[str, str] | None:
    if entry.kind == "status" and entry.new_value == "closed":
        return "closed", "closed"
    if entry.kind == "status":
        return "status changed", f"status {entry.old_value} → {entry.new_value}"
    if entry.kind in _SUMMARY_KINDS:
        key = _SUMMARY_KINDS[entry.kind]
        if entry.kind == "rag":
            return key, f"RAG {entry.old_value or 'none'} → {entry.new_value}"
        if entry.kind == "target_date":
            return key, f"target {entry.old_value} → {entry.new_value}"
        return key, key
    return None


def summary_markdown(summary: SessionSummary, register_name: str) -> str:
    """The summary as Markdown, for the minutes."""
    lines = [f"# Triage summary: {register_name}", "", f"Since {summary.since}.", ""]
    lines += [f"- {name.capitalize()}: {count}" for name, count in summary.counts.items()]
    lines += ["", f"## Actions ({len(summary.actions)})", ""]
    lines += [f"- {line}" for line in summary.lines] or ["- None."]
    return "\n".join(lines) + "\n"
