"""Counts in words people read: "1 log entry", "2 log entries", "0 actions".

One helper for every message that prints a count, in db and in the CLI and TUI,
so no message says "1 entries".
"""

from __future__ import annotations


def plural(count: int, noun: str, many: str | None = None) -> str:
    """'1 action', '3 actions', '2 log entries', '1,200 entries' (`many` overrides)."""
    if count == 1:
        return f"1 {noun}"
    return f"{count:,} {many or _plural_noun(noun)}"


def _plural_noun(noun: str) -> str:
    """English's regular plurals, on the last word: entry -> entries, box -> boxes."""
    head, _, last = noun.rpartition(" ")
    if last.endswith("y") and last[-2:-1] not in ("a", "e", "i", "o", "u"):
        last = last[:-1] + "ies"
    elif last.endswith(("s", "x", "ch", "sh")):
        last += "es"
    else:
        last += "s"
    return f"{head} {last}" if head else last
