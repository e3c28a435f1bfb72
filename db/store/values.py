"""Vocabularies and the checks each single value gets, in plain Python.

Every check raises ``ValueError`` with a message that says what is wrong and what
is wanted; :func:`check_value` turns it into an :class:`~db.errors.InputError`
naming the field. Kept apart from the pydantic models (:mod:`db.store.models`) so
that reading the register -- `actreg list`, the TUI's first frame -- never pays
for importing pydantic: only writing a new action builds a model.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from db.errors import InputError

# --- vocabularies -----------------------------------------------------------

STATUSES = ("not_started", "in_progress", "implemented", "closed", "superseded", "cancelled")
RAGS = ("red", "amber", "green")
PRIORITIES = ("high", "medium", "low")
ACCEPTANCES = ("accepted", "in_principle", "not_accepted")
CADENCES = ("every", "every_other", "quarterly", "six_monthly")

#: Statuses in which an action no longer counts as open: never overdue, never stale.
FINISHED_STATUSES = frozenset({"implemented", "closed", "superseded", "cancelled"})

STATUS_LABELS = {
    "not_started": "Not started",
    "in_progress": "In progress",
    "implemented": "Implemented",
    "closed": "Closed",
    "superseded": "Superseded",
    "cancelled": "Cancelled",
}

# Friendly spellings people use, after normalising case, spaces, '-' and '_'.
_STATUS_ALIASES = {
    "not started": "not_started",
    "not yet started": "not_started",
    "open": "not_started",
    "in progress": "in_progress",
    "ongoing": "in_progress",
    "started": "in_progress",
    "implemented": "implemented",
    "implemented awaiting verification": "implemented",
    "awaiting verification": "implemented",
    "closed": "closed",
    "closed verified": "closed",
    "verified": "closed",
    "superseded": "superseded",
    "cancelled": "cancelled",
    "canceled": "cancelled",
    "withdrawn": "cancelled",
}
_RAG_ALIASES = {
    "red": "red",
    "r": "red",
    "amber": "amber",
    "a": "amber",
    "green": "green",
    "g": "green",
}
_PRIORITY_ALIASES = {
    "high": "high",
    "h": "high",
    "medium": "medium",
    "med": "medium",
    "m": "medium",
    "low": "low",
    "l": "low",
}
_ACCEPTANCE_ALIASES = {
    "accepted": "accepted",
    "in principle": "in_principle",
    "accepted in principle": "in_principle",
    "not accepted": "not_accepted",
    "rejected": "not_accepted",
}
_CADENCE_ALIASES = {
    "every": "every",
    "every meeting": "every",
    "every other": "every_other",
    "every other meeting": "every_other",
    "quarterly": "quarterly",
    "six monthly": "six_monthly",
    "half yearly": "six_monthly",
}


def _fold(value: str) -> str:
    """'In-Progress ', 'in_progress' and 'IN PROGRESS' all fold to 'in progress'."""
    return " ".join(re.sub(r"[-_()/]", " ", value).lower().split())


def _choice(value: str, aliases: dict[str, str], canonical: tuple[str, ...]) -> str:
    folded = _fold(value)
    if folded in aliases:
        return aliases[folded]
    wanted = ", ".join(canonical)
    raise ValueError(f"{value!r} is not one of: {wanted}")


def parse_status(value: str) -> str:
    return _choice(value, _STATUS_ALIASES, STATUSES)


def parse_rag(value: str) -> str:
    return _choice(value, _RAG_ALIASES, RAGS)


def parse_priority(value: str) -> str:
    return _choice(value, _PRIORITY_ALIASES, PRIORITIES)


def parse_acceptance(value: str) -> str:
    return _choice(value, _ACCEPTANCE_ALIASES, ACCEPTANCES)


def parse_cadence(value: str) -> str:
    return _choice(value, _CADENCE_ALIASES, CADENCES)


# --- text -------------------------------------------------------------------

LIMITS = {
    "ref": 20,
    "title": 300,
    "name": 120,  # owner, directorate, theme, source, recommendation, author
    "long": 20_000,  # description, commentary, completion criterion, evidence
}

_REF = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/-]*")


#: Characters no document can hold: XML (so XLSX, DOCX, HTML) forbids them. C0 controls
#: are refused below by category, and a lone surrogate (a byte that was not UTF-8,
#: as an argument brings it) is not text at all.
_NOT_A_CHARACTER = re.compile("[\ufffe\uffff]")


def _check_text(value: str, *, limit: int, multiline: bool) -> str:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("contains bytes that are not valid text (UTF-8)") from None
    bad = _NOT_A_CHARACTER.search(value)
    if bad:
        raise ValueError(
            f"contains U+{ord(bad.group()):04X} (not a character), which Excel, Word and "
            "web pages cannot hold"
        )
    allowed = "\n\t" if multiline else ""
    if multiline:
        value = value.replace("\r\n", "\n")
    for ch in value:
        if ch not in allowed and unicodedata.category(ch) == "Cc":
            where = "except new lines and tabs " if multiline else ""
            raise ValueError(
                f"contains a control character (U+{ord(ch):04X}); none are allowed {where}".strip()
            )
    if len(value) > limit:
        raise ValueError(f"is {len(value):,} characters long; the most allowed is {limit:,}")
    return value


def clean_line(value: str, limit: int = LIMITS["name"]) -> str:
    """A one-line value: trimmed, no control characters, within the limit."""
    return _check_text(value.strip(), limit=limit, multiline=False)


def clean_required_line(value: str, limit: int = LIMITS["name"]) -> str:
    value = clean_line(value, limit)
    if not value:
        raise ValueError("must not be empty")
    return value


def clean_long(value: str, limit: int = LIMITS["long"]) -> str:
    """Multi-line text (description, commentary): new lines and tabs allowed, kept exactly."""
    return _check_text(value, limit=limit, multiline=True)


def clean_reason(value: str) -> str:
    value = clean_long(value)
    if not value.strip():
        raise ValueError("is required: say why (it is recorded in the progress log)")
    return value


def clean_ref(value: str) -> str:
    text = value.strip()
    if not text:
        raise ValueError("must not be empty")
    text = clean_line(text, LIMITS["ref"])
    if not _REF.fullmatch(text):
        raise ValueError(
            f"{text!r} may only use letters, digits and . _ / - (and start with a letter or digit)"
        )
    return text


def clean_percent(value: int | str) -> int:
    try:
        number = int(str(value).strip().rstrip("%"))
    except ValueError:
        raise ValueError(f"{value!r} is not a whole number from 0 to 100") from None
    if not 0 <= number <= 100:
        raise ValueError(f"{number} is not between 0 and 100")
    return number


def optional(fn):
    """`fn` for a value that may be missing: None and "" both mean no value."""

    def check(value):
        if value is None:
            return None
        value = fn(value)
        return value if value != "" else None

    return check


#: Fields that `edit_field` may change, each with the check its new value gets.
#: Status, RAG, target date and evidence have intents of their own.
EDITABLE_FIELDS = {
    "ref": clean_ref,
    "title": lambda v: clean_required_line(v, LIMITS["title"]),
    "description": optional(clean_long),
    "owner": clean_required_line,
    "directorate": optional(clean_line),
    "theme": optional(clean_line),
    "source": optional(clean_line),
    "recommendation": optional(clean_line),
    "priority": parse_priority,
    "acceptance": parse_acceptance,
    "completion_criterion": optional(clean_long),
    "percent_complete": clean_percent,
}


def label(field: str) -> str:
    """How a field is named in messages: 'target_date' -> 'target date'."""
    return field.replace("_", " ")


def check_value(field: str, check, value: Any) -> Any:
    """Run one check, turning its ValueError into an InputError naming the field."""
    try:
        return check(value)
    except ValueError as exc:
        raise InputError(f"{label(field)}: {exc}") from None


#: Undoing a triage decision (correct_entries with undo=True): the reason logged,
#: and what an undone note or chase reads as afterwards (a note cannot become
#: nothing). A pack never shows these: see db.exporting.latest_update.
UNDO_REASON = "Undone in a triage session"
WITHDRAWN_TEXT = {
    "note": "(note withdrawn in triage)",
    "chased": "(chase withdrawn in triage)",
}
