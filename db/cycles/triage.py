"""The triage queue: the actions that need attention, why, most urgent first.

A triage session is ten minutes with a director: the queue brings the next
action and says why it is there. Closed, cancelled and superseded actions
never appear; implemented ones appear until someone verifies and closes them.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from dataclasses import dataclass, field

from db.cycles import meetings
from db.cycles.round_state import unanswered_action_ids, waiting_action_ids
from db.plural import plural
from db.read.paging import rows_by_ids
from db.read.queries import (
    FLAG_SQL,
    NO_FILTER,
    OPEN_SQL,
    OVERDUE_SQL,
    ActionFilter,
    cycle_start,
    where_clause,
    with_values,
)
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
    """The actions needing attention within `flt`, most urgent first (what `triage --list`
    prints: every item, read a page of rows at a time)."""
    ids = queue_ids(conn, flt, overdue_only=overdue_only)
    return [
        item for at in range(0, len(ids), _PAGE) for item in queue_items(conn, ids[at : at + _PAGE])
    ]


_PAGE = 500
#: Each reason as SQL over the action table (named parameters :today, :deadline,
#: :stale_before; :waiting and :unanswered are JSON arrays of ids): the same answers
#: as :func:`_reasons` and the round sets (a test holds the queue to the Python one).
_REASON_SQL = {
    "overdue": OVERDUE_SQL,
    "red": "rag = 'red'",
    "contradiction": f"(rag = 'green' AND {OVERDUE_SQL})",
    "due_soon": (
        f"({OPEN_SQL} AND :deadline IS NOT NULL AND coalesce(target_date, '') <> ''"
        " AND target_date BETWEEN :today AND :deadline)"
    ),
    "slipped": "target_revisions >= 2",
    "stale": f"({OPEN_SQL} AND coalesce(last_update_at, '') < :stale_before)",
    "unverified": "status = 'implemented'",
    "review": "id IN (SELECT value FROM json_each(:waiting))",
    "unanswered": "id IN (SELECT value FROM json_each(:unanswered))",
}


def queue_ids(
    conn: sqlite3.Connection,
    flt: ActionFilter = NO_FILTER,
    *,
    overdue_only: bool = False,
    limit: int | None = None,
) -> list[int]:
    """The ids of the queue's actions, most urgent first: chosen, weighed and ordered in
    SQL, so a session over 100,000 actions starts without reading them into Python
    (reading every action as a dict took seconds and left the allocator its peak).

    `limit`: only the first that many, in the same order. SQLite then keeps only the
    best of them while it weighs every action, instead of sorting them all: the
    first cards of a session come before the whole order is known. They are looked
    for among the overdue actions first (the head of the queue, see _OVERDUE_LEADS),
    which spares weighing every other reason of every action."""
    on = today()
    stale_before = cycle_start(conn, on)
    nxt = meetings.next_update_due(conn, on)
    named = {
        "today": on.isoformat(),
        "stale_before": stale_before,
        "deadline": nxt["paper_deadline"] if nxt else None,
        "waiting": json.dumps(sorted(waiting_action_ids(conn))),
        "unanswered": json.dumps(sorted(unanswered_action_ids(conn))),
    }
    where, params = where_clause(flt, on=on, stale_before=stale_before)
    never = ", ".join(f"'{s}'" for s in sorted(_NEVER))
    weight = " + ".join(
        f"(CASE WHEN {sql} THEN {REASONS[k]} ELSE 0 END)" for k, sql in _REASON_SQL.items()
    )
    chosen = f"status NOT IN ({never}) AND ({' OR '.join(_REASON_SQL.values())})"
    if overdue_only:
        chosen += f" AND {_OVERDUE_SCANNED}"

    def ordered(choice: str) -> list[int]:
        sql = (
            f"SELECT id FROM action{where}{' AND ' if where else ' WHERE '}{choice}"
            f" ORDER BY {weight} + {FLAG_SQL['days_overdue']} DESC,"
            " CASE WHEN coalesce(target_date, '') = '' THEN '9999' ELSE target_date END,"
            " ref_key, id"
        )
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        # where_clause's parameters are positional: the reasons' named ones go in as literals.
        return [r[0] for r in conn.execute(with_values(sql, named), params)]

    if limit is not None and _OVERDUE_LEADS:
        head = ordered(_OVERDUE_SCANNED)  # (overdue implies chosen)
        if len(head) == limit:
            return head
        # Fewer overdue actions than asked for: the first page reaches past them.
    return ordered(chosen)


#: Overdue outweighs every other reason put together, so every overdue action comes
#: before every other one: the queue's first page, when that many are overdue, is the
#: first page of the overdue actions alone.
_OVERDUE_LEADS = REASONS["overdue"] > sum(w for k, w in REASONS.items() if k != "overdue")
#: OVERDUE_SQL with its date comparison kept off the target_date index (the unary +):
#: in a big register half the actions are overdue, and reading them in table order is
#: twice as fast as looking each up from the index (the planner's choice otherwise).
_OVERDUE_SCANNED = OVERDUE_SQL.replace("target_date < :today", "+target_date < :today")


def queue_items(conn: sqlite3.Connection, ids: list[int]) -> list[QueueItem]:
    """The queue items for `ids` (in that order), each with why it is there, in words."""
    on = today()
    nxt = meetings.next_update_due(conn, on)
    deadline = nxt["paper_deadline"] if nxt else None
    waiting, unanswered = waiting_action_ids(conn), unanswered_action_ids(conn)
    items = []
    for row in rows_by_ids(conn, ids):
        item = QueueItem(row, _reasons(row, on, deadline))
        if row["id"] in waiting:
            item.reasons["review"] = "update waiting for review"
        if row["id"] in unanswered:
            item.reasons["unanswered"] = "owner has not replied this round"
        item.urgency = sum(REASONS[k] for k in item.reasons) + row["days_overdue"]
        items.append(item)
    return items


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
        said = [c if n == 1 else f"{c} (x{n})" for c, n in counted.items()]
        summary.lines.append(f"{refs[action_id]}: " + "; ".join(said))
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
