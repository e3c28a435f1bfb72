"""The export table: what every format shows of one meeting's snapshot.

The rows as frozen, the change since the last meeting per action, and the
provenance (register, committee, meeting, cut-off, snapshot id and hashes).
The writers beside this module are pure functions of it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from itertools import repeat
from operator import itemgetter

from db.cycles import diffs
from db.store.values import STATUS_LABELS


@dataclass(frozen=True)
class Column:
    header: str
    """The column's heading, as committee papers and spreadsheets show it."""
    key: str
    """The key of the value in ExportTable.cells()."""


#: Every column of the full table (CSV, XLSX), in order. A documented, stable
#: contract: actreg's own import maps these headers back to fields.
FULL_COLUMNS = (
    Column("Ref", "ref"),
    Column("Action", "title"),
    Column("Description", "description"),
    Column("Source", "source"),
    Column("Recommendation", "recommendation"),
    Column("Theme", "theme"),
    Column("Lead directorate", "directorate"),
    Column("Owner", "owner"),
    Column("Priority", "priority"),
    Column("Acceptance", "acceptance"),
    Column("Status", "status"),
    Column("RAG", "rag"),
    Column("RAG reason", "rag_reason"),
    Column("% complete", "percent_complete"),
    Column("Original target date", "original_target_date"),
    Column("Current target date", "target_date"),
    Column("Target revisions", "target_revisions"),
    Column("Overdue", "overdue"),
    Column("Completion criterion", "completion_criterion"),
    Column("Evidence", "evidence"),
    Column("Completed date", "completed_date"),
    Column("Latest update", "last_commentary"),
    Column("Latest update date", "last_commentary_date"),
    Column("Change since last meeting", "change"),
)

RAG_LABELS = {"red": "Red", "amber": "Amber", "green": "Green"}
_LABELS = {
    "priority": {"high": "High", "medium": "Medium", "low": "Low"},
    "acceptance": {"accepted": "Accepted", "in_principle": "In principle",
                   "not_accepted": "Not accepted"},
    "status": STATUS_LABELS,
    "rag": RAG_LABELS,
}  # fmt: skip


#: The cells computed from a row's other fields (see ExportTable.cells).
_DERIVED: dict[str, Callable[[dict], object]] = {
    "overdue": lambda row: "Yes" if row["overdue"] else "No",
    "last_commentary_date": lambda row: (row["last_commentary_at"] or "")[:10] or None,
}
#: The change column of an action that did not change since the last meeting.
NO_CHANGE = "No change"


def cut_off_words(cut_off: str) -> str:
    """'2025-06-01T23:59:59.999999Z' -> '2025-06-01 23:59:59 UTC': to the second, as cited."""
    return f"{cut_off[:10]} {cut_off[11:19]} UTC" if len(cut_off) >= 19 else cut_off


@dataclass
class ExportTable:
    """Everything an export shows; every writer is a pure function of this."""

    register_name: str
    organisation: str
    committee: str
    meeting_date: str
    paper_deadline: str
    cut_off: str
    snapshot_id: int
    rows_hash: str
    log_head_hash: str
    taken_at: str
    taken_by: str
    rows: Collection[dict]
    """The appendix's rows, in order: a list, or (from build_table) an AppendixRows that
    reads them from the register again on each pass, one at a time."""
    changes: dict[int, str] = field(default_factory=dict)
    """Action id -> the "change since last meeting" text."""
    diff: diffs.Diff | None = None
    """The changes since the previous snapshot (None for the first snapshot)."""
    compared_with: str | None = None
    reconstructed_on: str | None = None
    """The day the snapshot was taken, if it was rebuilt from history recorded after its
    cut-off (a past meeting, from imported editions or late entries)."""
    summaries: dict[str, list] = field(default_factory=dict)
    """The pack's summary tables (db.exporting.summary.build), keyed as --table names them."""
    rows_note: str | None = None
    """Which actions the pack covers and lists, when not all of them (the filters)."""
    listed_overdue: int | None = None
    """How many of the rows are overdue, when counted as they were read (see
    overdue_listed)."""

    def overdue_listed(self) -> int:
        """How many of the rows are overdue: counted by build_table as it read them, so a
        writer need not read every row an extra time for it."""
        if self.listed_overdue is None:
            return sum(1 for row in self.rows if row["overdue"])
        return self.listed_overdue

    def title(self) -> str:
        return f"{self.register_name}: {self.committee}, {self.meeting_date}"

    def meeting_words(self) -> str:
        """'Governance and Audit Committee, 10 June 2025'."""
        day = dt.date.fromisoformat(self.meeting_date)
        return f"{self.committee}, {day.day} {day:%B %Y}"

    def pack_title(self) -> str:
        """The title a committee paper gives its appendix."""
        return (f"Appendix 1: Management Action Table — {self.register_name} — "
                f"{self.meeting_words()}")  # fmt: skip

    def reconstructed(self) -> str:
        """'; reconstructed from history recorded on DATE', or '' for a snapshot taken in time."""
        if self.reconstructed_on is None:
            return ""
        return f"; reconstructed from history recorded on {self.reconstructed_on}"

    def provenance(self) -> list[tuple[str, str]]:
        """The facts every export prints, so a table can be checked against the register."""
        return [
            ("Register", self.register_name),
            ("Organisation", self.organisation),
            ("Committee", self.committee),
            ("Meeting date", self.meeting_date),
            ("Cut-off", cut_off_words(self.cut_off)),
            (
                "Snapshot",
                f"#{self.snapshot_id}, taken {cut_off_words(self.taken_at)} by {self.taken_by}"
                + self.reconstructed(),
            ),
            ("Snapshot SHA-256", self.rows_hash),
            ("Log head hash", self.log_head_hash),
            ("Compared with", self.compared_with or "no earlier snapshot"),
            *([("Rows", self.rows_note)] if self.rows_note else []),
        ]

    def cells(self, row: dict) -> dict[str, object]:
        """One row's values for display: labels for vocabularies, None for empty."""
        out = dict(row)
        for key, labels in _LABELS.items():
            out[key] = labels.get(row[key], row[key])  # None and unknown values stay as they are
        for key, derive in _DERIVED.items():
            out[key] = derive(row)
        out["change"] = self.changes.get(row["id"], NO_CHANGE)
        return out

    def column(self, key: str, rows: list[dict]) -> list[object]:
        """One column of :meth:`cells` for each of `rows` (some of this table's rows):
        ``[cells(r)[key] for r in rows]``.

        For writers of the whole table on big registers (CSV): picking one key out of
        every row and looking its labels up runs in C (map, itemgetter, dict.get),
        where cells() copies every row into a new dict first.
        """
        if key in _LABELS:
            raw = list(map(itemgetter(key), rows))
            return list(map(_LABELS[key].get, raw, raw))
        if key in _DERIVED:
            return list(map(_DERIVED[key], rows))
        if key == "change":
            return list(map(self.changes.get, map(itemgetter("id"), rows), repeat(NO_CHANGE)))
        return list(map(itemgetter(key), rows))


def change_counts(table: ExportTable) -> list[tuple[str, int]] | None:
    """(label, count) for each category of change since the last meeting, in report
    order; None when there is no earlier snapshot to compare with."""
    if table.diff is None:
        return None
    return [(diffs.CATEGORIES[key], n) for key, n in table.diff.counts().items()]
