"""Which field a spreadsheet column holds: a table of the headings trackers really use.

Headings are compared folded (:func:`fold`): case, spaces and punctuation do not
matter, so "Lead Officer", "lead-officer" and "LEAD OFFICER:" are one heading.
actreg's own export headings (db.exporting.table.FULL_COLUMNS) are in the table too,
so an export imports back; its derived and provenance columns are ignored.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from db.errors import InputError

#: Import fields: what each holds. Most are action fields; a few are read specially.
FIELDS = {
    "ref": "the action's reference",
    "title": "the action itself",
    "description": "more detail",
    "source": "the review or report",
    "recommendation": "the recommendation it answers",
    "theme": "theme or area",
    "directorate": "lead directorate",
    "owner": "responsible officer",
    "priority": "high, medium or low",
    "acceptance": "accepted, in principle, not accepted",
    "target_date": "the target date (or the current one)",
    "original_target_date": "the original target date",
    "revised_target_date": "the revised (current) target date",
    "status": "not started, in progress, implemented, closed, ...",
    "rag": "red, amber or green",
    "rag_reason": "why that RAG",
    "percent_complete": "percent complete",
    "completion_criterion": "how we will know it is done",
    "evidence": "evidence references",
    "completed_date": "when it was done",
    "progress": "the latest progress update (becomes the latest commentary)",
    "next_steps": "next steps (added to the progress update)",
    "ignore": "(drop this column)",
}

_SYNONYMS = {
    "ref": ["Ref", "Ref.", "Reference", "No.", "No", "Number", "Ref no", "Action ref",
            "Action reference", "Action no", "Action number", "Item", "Item no", "ID"],
    "title": ["Action", "Actions", "Management action", "Agreed action", "Proposed action",
              "Action title", "Title", "Action to be taken", "Agreed management action",
              "Management response"],
    "description": ["Description", "Details", "Detail", "Action description"],
    "source": ["Source", "Review", "Report", "Source review", "Source report", "Audit report"],
    "recommendation": ["Recommendation", "Recommendation no", "Recommendation number",
                       "Recommendation ref", "Rec", "Rec no", "Finding", "Lesson",
                       "Lesson learned"],
    "theme": ["Theme", "Area", "Category", "Workstream", "Theme area"],
    "directorate": ["Directorate", "Lead directorate", "Service", "Service area",
                    "Department", "Lead service"],
    "owner": ["Owner", "Lead officer", "Responsible officer", "Action owner",
              "Responsible person", "Lead", "Officer", "Responsibility", "Responsible",
              "Lead officer(s)"],
    "priority": ["Priority", "Priority level"],
    "acceptance": ["Acceptance", "Accepted", "Agreed", "Accepted / not accepted"],
    "target_date": ["Target date", "Target", "Due date", "Deadline", "Implementation date",
                    "Target implementation date", "When this will happen", "Timescale",
                    "Timescales", "Target completion date", "Date due"],
    "original_target_date": ["Original target date", "Original implementation date",
                             "Original date", "Original deadline", "Original due date"],
    "revised_target_date": ["Revised target date", "Revised date", "Current target date",
                            "Revised deadline", "Revised implementation date",
                            "New target date", "Revised due date"],
    "status": ["Status", "Progress status", "Action status", "Current status"],
    "rag": ["RAG", "RAG status", "RAG rating", "Rating", "BRAG"],
    "rag_reason": ["RAG reason", "Reason for RAG", "RAG comment", "RAG justification"],
    "percent_complete": ["% complete", "Percent complete", "Percentage complete", "% done",
                         "Progress %", "%"],
    "completion_criterion": ["Completion criterion", "Completion criteria", "Success measure",
                             "Measure of success", "Success criteria", "How we will know"],
    "evidence": ["Evidence", "Evidence references", "Evidence of completion", "Evidence ref"],
    "completed_date": ["Completed date", "Date completed", "Completion date",
                       "Actual completion date", "Date implemented"],
    "progress": ["Progress update", "Our progress", "Latest update", "Update", "Progress",
                 "Commentary", "Comments", "Comment", "Progress commentary",
                 "Current position", "Position statement", "Latest position",
                 "Progress to date", "Update / comments"],
    "next_steps": ["Next steps", "Next actions"],
}  # fmt: skip

#: Columns of actreg's export that are derived from the log: ignored on import.
DERIVED = ("Overdue", "Target revisions", "Latest update date", "Change since last meeting")
#: The provenance columns older actreg CSV exports ended every row with (now a preamble).
PROVENANCE = ("Register", "Committee", "Meeting date", "Cut-off (UTC)", "Snapshot",
              "Snapshot SHA-256", "Log head hash")  # fmt: skip


def fold(header: str) -> str:
    """'% Complete' -> 'percentcomplete'; 'Lead Officer:' -> 'leadofficer'."""
    text = str(header).casefold().replace("%", " percent ").replace("&", " and ")
    return re.sub(r"[^0-9a-z]+", "", text)


SYNONYMS: dict[str, str] = {
    fold(name): field for field, names in _SYNONYMS.items() for name in names
}
_DERIVED = {fold(h) for h in DERIVED}
_PROVENANCE = {fold(h) for h in PROVENANCE}


def known_field(header: str) -> str | None:
    return SYNONYMS.get(fold(header))


def is_derived(header: str) -> bool:
    return fold(header) in _DERIVED


def is_provenance(header: str) -> bool:
    return fold(header) in _PROVENANCE


#: The line of actreg's export preamble (above the header row) that marks its files.
EXPORT_MARK = "# Snapshot SHA-256:"


def looks_like_actreg_export(headers: list[str], above: Sequence[Sequence[object]] = ()) -> bool:
    """actreg's CSV export: its preamble names the snapshot's hash (older exports ended
    each row with the provenance columns instead: the hashes mark those)."""
    folded = {fold(h) for h in headers}
    if {fold("Snapshot SHA-256"), fold("Log head hash")} <= folded:
        return True
    return any(cells and isinstance(cells[0], str) and cells[0].startswith(EXPORT_MARK)
               for cells in above)  # fmt: skip


def field_name(text: str) -> str:
    """A field as a person writes it in --map: 'target date', 'Lead officer', 'owner'."""
    folded = fold(text)
    for name in FIELDS:
        if fold(name) == folded:
            return name
    if folded in ("skip", "none", "drop", ""):
        return "ignore"
    if folded in SYNONYMS:
        return SYNONYMS[folded]
    wanted = ", ".join(FIELDS)
    raise InputError(f"--map: {text.strip()!r} is not a field actreg imports; use one of: {wanted}")


def parse_mapping(items: list[str] | None) -> dict[str, str]:
    """['Lead officer=owner', ...] -> {folded column: field}."""
    mapping: dict[str, str] = {}
    for item in items or []:
        column, sep, field = item.rpartition("=")
        if not sep or not column.strip():
            raise InputError(f'--map: {item!r} is not COLUMN=field (e.g. "Lead officer=owner")')
        mapping[fold(column)] = field_name(field)
    return mapping
