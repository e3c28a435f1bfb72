"""The columns of an update request workbook: what the owner reads, and what they fill in.

One list, used both to write the workbook and to read it back, so the two can
never disagree. A returned file is read by heading, not by position: an owner
may add, move or hide columns.
"""

from __future__ import annotations

from dataclasses import dataclass

from db.store.values import STATUS_LABELS


@dataclass(frozen=True)
class Column:
    heading: str
    key: str
    width: int
    locked: bool
    kind: str = "text"  # text | date | percent | status | rag
    """How the cell is written and read back."""


#: Statuses an owner may propose (verification and closure are the officer's).
OWNER_STATUSES = ("not_started", "in_progress", "implemented", "superseded", "cancelled")
RAG_WORDS = ("Red", "Amber", "Green")

#: The heading row's position on the request sheet (1-based), and the first action row.
HEADING_ROW = 4
FIRST_ROW = HEADING_ROW + 1

COLUMNS = (
    Column("Ref", "ref", 8, True),
    Column("Action", "title", 40, True),
    Column("Status now", "status_now", 14, True),
    Column("RAG now", "rag_now", 9, True),
    Column("Target date now", "target_now", 14, True, "date"),
    Column("Latest update", "latest_now", 40, True),
    Column("Progress update", "note", 45, False),
    Column("New status", "status", 16, False, "status"),
    Column("New RAG", "rag", 10, False, "rag"),
    Column("Reason for RAG", "rag_reason", 30, False),
    Column("Proposed new target date", "target_date", 16, False, "date"),
    Column("Reason for new date", "target_reason", 30, False),
    Column("% complete", "percent_complete", 11, False, "percent"),
    Column("Evidence", "evidence", 30, False),
)

INPUT_COLUMNS = tuple(c for c in COLUMNS if not c.locked)
BY_HEADING = {c.heading.casefold(): c for c in COLUMNS}

#: Proposed fields in the order a review shows them.
PROPOSED_FIELDS = tuple(c.key for c in INPUT_COLUMNS)


def status_words() -> list[str]:
    return [STATUS_LABELS[s] for s in OWNER_STATUSES]
