"""Which proposed target dates the committee must approve: the register's extension policy.

Kept as one register setting (JSON). By default a move goes to the committee
when it would be the action's second or later revision, when the action is high
priority, or when it moves the date by more than three months; any other move
the officer may accept.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from dataclasses import asdict, dataclass

from db.errors import InputError
from db.plural import plural
from db.store.connection import setting
from db.store.settings import store_setting

SETTING = "extension_policy"


@dataclass(frozen=True)
class ExtensionPolicy:
    from_revision: int | None = 2
    """A move that would be this revision or later needs approval (None: no such rule)."""
    high_priority: bool = True
    """Any move of a high-priority action needs approval."""
    months: int | None = 3
    """A move of more than this many months needs approval (None: no such rule)."""

    def describe(self) -> str:
        rules = []
        if self.from_revision is not None:
            rules.append(f"revision {self.from_revision} or later")
        if self.high_priority:
            rules.append("any high-priority action")
        if self.months is not None:
            rules.append(f"a move of more than {self.months} month{'s' * (self.months != 1)}")
        if not rules:
            return "no proposed date needs the committee: the officer accepts them all"
        return "the committee decides: " + "; ".join(rules)


def load_policy(conn: sqlite3.Connection) -> ExtensionPolicy:
    text = setting(conn, SETTING)
    if not text:
        return ExtensionPolicy()
    values = json.loads(text)
    return ExtensionPolicy(**{k: values[k] for k in values if k in ExtensionPolicy.__annotations__})


def save_policy(
    conn: sqlite3.Connection, policy: ExtensionPolicy, *, author: str = "actreg"
) -> None:
    """Store the policy: a register setting, so the change is an entry in the chain."""
    if policy.from_revision is not None and policy.from_revision < 1:
        raise InputError("from revision: must be 1 or more (or off)")
    if policy.months is not None and policy.months < 0:
        raise InputError("months: must be 0 or more (or off)")
    store_setting(conn, SETTING, json.dumps(asdict(policy), sort_keys=True), author=author)


def _months_between(start: dt.date, end: dt.date) -> float:
    return (end.year - start.year) * 12 + (end.month - start.month) + (end.day - start.day) / 31


def why_committee(policy: ExtensionPolicy, row: dict, proposed: str) -> str | None:
    """Which rules send this proposed date to the committee (None: the officer may accept)."""
    reasons = []
    revision = int(row["target_revisions"] or 0) + 1
    if policy.from_revision is not None and revision >= policy.from_revision:
        reasons.append(f"it would be revision {revision}")
    if policy.high_priority and row["priority"] == "high":
        reasons.append("the action is high priority")
    current = row["target_date"]
    if policy.months is not None and current:
        moved = _months_between(dt.date.fromisoformat(current), dt.date.fromisoformat(proposed))
        if moved > policy.months:
            reasons.append(f"it moves the date by more than {plural(policy.months, 'month')}")
    return "; ".join(reasons) or None
