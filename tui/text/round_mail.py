"""The words of the update round's emails: the request, and the chaser."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence


def long_date(iso: str) -> str:
    """'2027-03-16' -> '16 March 2027'."""
    day = dt.date.fromisoformat(iso)
    return f"{day.day} {day:%B %Y}"


def _first_name(owner: str) -> str:
    """'Ann Archer, Head of Transport' -> 'Ann'."""
    return (owner.split(",")[0].split() or [owner])[0]


def _action_lines(actions: Sequence) -> list[str]:
    lines = []
    for action in actions:
        target = long_date(action.target_date) if action.target_date else "no target date"
        lines.append(f"  - {action.ref}: {action.title} (target {target})")
    return lines


def request_subject(register: str, committee: str, meeting_date: str, return_by: str) -> str:
    return (
        f"Update request: {register} for the {committee} on {long_date(meeting_date)}"
        f" (reply by {long_date(return_by)})"
    )


def request_body(
    *,
    owner: str,
    officer: str,
    committee: str,
    meeting_date: str,
    return_by: str,
    actions: Sequence,
    workbook: str,
) -> str:
    count = f"{len(actions)} action{'s' * (len(actions) != 1)}"
    return "\n".join(
        [
            f"Dear {_first_name(owner)},",
            "",
            f"The {committee} meets on {long_date(meeting_date)} and will review progress on "
            f"the management actions. You own {count}:",
            "",
            *_action_lines(actions),
            "",
            f"Please fill in the shaded cells of the attached workbook ({workbook}) and send it "
            f"back by {long_date(return_by)}: your progress update, and any new status, RAG "
            "rating, target date or evidence. A new target date or RAG rating needs a reason. "
            "Leave a cell empty if nothing has changed.",
            "",
            "Please return the same file (you may rename it); do not copy the rows into a new "
            "workbook.",
            "",
            "Thank you,",
            officer,
            "",
        ]
    )


def chaser_subject(register: str, meeting_date: str, return_by: str) -> str:
    return (
        f"Reminder: update request for {register}, {long_date(meeting_date)} meeting "
        f"(was due {long_date(return_by)})"
    )


def chaser_body(
    *,
    owner: str,
    officer: str,
    meeting_date: str,
    return_by: str,
    actions: list[str],
    workbook: str,
) -> str:
    count = f"action{'s' * (len(actions) != 1)} {', '.join(actions)}"
    return "\n".join(
        [
            f"Dear {_first_name(owner)},",
            "",
            f"I have not yet received your update on {count} for the meeting on "
            f"{long_date(meeting_date)}; it was due by {long_date(return_by)}.",
            "",
            f"The request workbook ({workbook}) is attached again. Please fill in the shaded "
            "cells and send it back as soon as you can, so that your update reaches the "
            "committee.",
            "",
            "Thank you,",
            officer,
            "",
        ]
    )
