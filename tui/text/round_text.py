"""How an owner's returned updates read, on the card and in `actreg show`.

Every submission is shown, whatever became of it: nothing an owner returned is
ever hidden, rejected and superseded ones included.
"""

from __future__ import annotations

from collections.abc import Sequence

STATE_WORDS = {
    None: "waiting for review",
    "accepted": "accepted",
    "rejected": "rejected",
    "superseded": "superseded by a later return",
}


def decision_words(sub) -> str:
    words = STATE_WORDS.get(sub.decision, sub.decision or "")
    if sub.decision:
        words += f" by {sub.decided_by} on {sub.decided_at[:10]}"
        if sub.reason and sub.decision != "superseded":
            words += f": {sub.reason}"
    sent_on = (sub.applied or {}).get("extension_request")
    if sent_on:
        words += f"; its new target date {sent_on['date']} went to the committee ({sent_on['why']})"
    return words


def submission_lines(sub) -> list[str]:
    """A heading line, then 'heading: value' for each cell returned, verbatim."""
    flags = " (changed since sent)" if sub.changed_since_sent else ""
    lines = [
        f"#{sub.id} from {sub.owner}, received {sub.received_at[:10]} in {sub.file_name}"
        f"{flags}: {decision_words(sub)}"
    ]
    for heading, value in sub.cells.items():
        first, *more = value.split("\n") or [""]
        lines.append(f"    {heading}: {first}")
        lines.extend(f"      {line}" for line in more)
    for problem in sub.problems:
        lines.append(f"    problem in {problem['column']!r}: {problem['why']}")
    return lines


def submissions_heading(subs: Sequence) -> str:
    count = len(subs)
    return f"Returned updates ({count} submission{'s' * (count != 1)}, newest first)"
