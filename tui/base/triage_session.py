"""A triage session's state: the queue, where we are, and the decisions made (pure, no UI).

Every decision is already committed to the register when it is recorded here;
the session only remembers which log entries each one appended, so that `z`
can take the newest one back by appending corrections (history is never edited).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from db.cycles.triage import QueueItem
from db.store.clock import utc_now
from db.store.dates import utc_text
from db.store.log import LogEntry
from db.store.values import UNDO_REASON, WITHDRAWN_TEXT, label

__all__ = ["UNDO_REASON", "WITHDRAWN_TEXT"]  # (the screen and the tests name them from here)

#: Decision kinds, in the order the summary lists them, with the summary's word.
DECISION_WORDS = {
    "note": "updated",
    "rag": "re-rated",
    "redate": "re-dated",
    "close": "closed",
    "chase": "chased",
    "status": "status changed",
}


class CannotUndo(Exception):
    """A decision that corrections cannot take back (e.g. a first RAG: none is no RAG)."""


@dataclass
class Decision:
    kind: str  # a key of DECISION_WORDS
    action_id: int
    ref: str
    entries: list[LogEntry]  # what it appended, oldest first
    undone: bool = False


def undo_plan(decision: Decision) -> list[tuple[str, str | None]]:
    """The (entry uuid, value) corrections that take `decision` back, newest entry first.

    A change goes back to its old value; a note or chase is withdrawn (its text is
    replaced by WITHDRAWN_TEXT); evidence added is taken off the list; the
    completed date a status change set follows the status back by itself.
    """
    plan: list[tuple[str, str | None]] = []
    for entry in sorted(decision.entries, key=lambda e: e.id, reverse=True):
        if entry.kind == "field_edit" and entry.field == "completed_date":
            continue
        if entry.field is None and entry.kind in WITHDRAWN_TEXT:
            plan.append((entry.uuid, WITHDRAWN_TEXT[entry.kind]))
        elif entry.kind == "evidence":
            plan.append((entry.uuid, ""))
        elif entry.old_value is None:
            raise CannotUndo(
                f"{decision.ref} had no {label(entry.field or entry.kind)} before this decision, "
                "and it cannot be set back to none. Nothing was changed: record the right "
                "value instead."
            )
        else:
            plan.append((entry.uuid, entry.old_value))
    if not plan:
        raise CannotUndo(f"Nothing to take back for {decision.ref}.")
    return plan


@dataclass
class TriageSession:
    ids: list[int]  # the queue's actions, most urgent first (the first cards, until complete)
    #: False while only the first cards are known and the rest of the order is being read.
    complete: bool = True
    position: int = 0
    #: Each card's queue item (why it came up) as first read: only the cards shown are
    #: ever read, so a session's memory does not grow with the register.
    found: dict[int, QueueItem] = field(default_factory=dict)
    decisions: list[Decision] = field(default_factory=list)
    reviewed: set[int] = field(default_factory=set)  # action ids whose card was shown
    versions: dict[int, int] = field(default_factory=dict)  # after this session's own writes
    started: str = field(default_factory=lambda: utc_text(utc_now()))
    started_clock: float = field(default_factory=time.monotonic)
    ended_clock: float | None = None

    @property
    def action_id(self) -> int:
        return self.ids[self.position]

    @property
    def item(self) -> QueueItem | None:
        """The current card's queue item, None until its card is first read."""
        return self.found.get(self.action_id)

    @property
    def progress(self) -> str:
        if not self.complete:  # never a count that is not yet known
            return f"{self.position + 1} of … (counting)"
        return f"{self.position + 1} of {len(self.ids)}"

    def add_rest(self, queue: list[int]) -> None:
        """The whole queue, read after the first cards: its actions after them, in order.

        The first cards keep their places (one may be on screen, or decided on). A
        decision made meanwhile can only have changed a first card's action, and an
        action's place depends on nothing but its own row and the register's dates and
        round, so the rest of `queue` is in the order it had when the first were read.
        """
        shown = set(self.ids)
        self.ids = self.ids + [i for i in queue if i not in shown]
        self.complete = True

    def index_of(self, action_id: int) -> int | None:
        return self.ids.index(action_id) if action_id in self.ids else None

    def record(self, decision: Decision, version: int) -> None:
        self.decisions.append(decision)
        self.versions[decision.action_id] = version

    def last_standing(self) -> Decision | None:
        return next((d for d in reversed(self.decisions) if not d.undone), None)

    def decided_on(self, action_id: int) -> list[str]:
        return [
            DECISION_WORDS[d.kind] + (" (undone)" if d.undone else "")
            for d in self.decisions
            if d.action_id == action_id
        ]

    def end(self) -> None:
        if self.ended_clock is None:
            self.ended_clock = time.monotonic()

    @property
    def seconds(self) -> float:
        return (self.ended_clock or time.monotonic()) - self.started_clock

    def counts(self) -> dict[str, int]:
        """reviewed, each decision word (decisions still standing), undone, skipped."""
        standing = [d for d in self.decisions if not d.undone]
        counts = {"reviewed": len(self.reviewed)}
        for kind, word in DECISION_WORDS.items():
            counts[word] = sum(d.kind == kind for d in standing)
        counts["undone"] = len(self.decisions) - len(standing)
        decided = {d.action_id for d in standing}
        counts["skipped"] = len(self.reviewed - decided)
        return counts


def duration_text(seconds: float) -> str:
    minutes, secs = divmod(round(seconds), 60)
    return f"{minutes} min {secs} s" if minutes else f"{secs} s"
