"""What an import does to each action: the entries that create it or bring it up to date.

A new action is created with the file's values (its original target date, when
the file has original and revised columns, then a re-date to the revised one).
An existing action (same ref, any case) gets one 'import' entry per field whose
value differs, naming the file; a changed progress update becomes an 'import'
entry whose commentary is the new text. Equal values append nothing, so the same
file imported twice changes nothing the second time. Empty cells never clear a value.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field

from db.exporting.latest_update import progress_notes
from db.importing.plan import ImportPlan, ImportRow
from db.store.models import ImportDraft
from db.store.projection import ACTION_COLUMNS, CREATED_FIELDS, Row, encode

#: Fields an import compares with an existing action (the others are read specially).
COMPARED = ("title", "description", "source", "recommendation", "theme", "directorate",
            "owner", "priority", "acceptance", "status", "rag", "percent_complete",
            "completion_criterion", "evidence", "completed_date")  # fmt: skip


@dataclass
class ActionOps:
    """What an import does to one action: create it (values) and/or append changes."""

    row: int
    ref: str
    existing: Row | None
    created: dict | None = None
    commentary: str | None = None
    changes: list[tuple[str, str | None, str | None, str | None]] = field(default_factory=list)
    """(kind, field, new value, commentary): old values come from the action as it stands."""


def existing_actions(conn: sqlite3.Connection, refs: Iterable[str]) -> dict[str, Row]:
    """The register's actions with these refs (any case), keyed by lower-case ref.

    Looked up on the ref index a batch at a time: an import of a few rows into a
    register of 100,000 actions reads those rows, not the whole table.
    """
    wanted = list(dict.fromkeys(ref.lower() for ref in refs))
    found: dict[str, Row] = {}
    for start in range(0, len(wanted), _BATCH):
        batch = wanted[start : start + _BATCH]
        cursor = conn.execute(
            f"SELECT {', '.join(ACTION_COLUMNS)} FROM action"
            f" WHERE ref IN ({', '.join('?' * len(batch))})",  # (ref is COLLATE NOCASE)
            batch,
        )
        for row in cursor:
            found[row[1].lower()] = dict(zip(ACTION_COLUMNS, row, strict=True))
    return found


_BATCH = 500  # refs per lookup: well within SQLite's limit on parameters


#: A target as read from a row: (its checked value, the wording the cell had).
_Target = tuple[object, str | None]


def _targets(row: ImportRow) -> tuple[_Target, _Target | None]:
    """((first date, its wording), (current date, its wording) or None): see the module doc."""
    v, t = row.values, row.texts

    def pick(name: str) -> _Target | None:
        if name in v:
            return v[name], t.get(name)
        return None

    original = pick("original_target_date")
    revised = pick("revised_target_date")
    target = pick("target_date")
    if original is not None:
        return original, revised or target
    if revised is not None and target is not None:
        return target, revised
    return (revised or target or (None, None)), None


#: How the tracker's own word for a status is written into the log (and found there again).
STATUS_WORDING = "Status in the tracker: {}."
_STATUS_WORDING_LIKE = "%" + STATUS_WORDING.format("%")
_STATUS_WORDING_AT_END = re.compile(re.escape(STATUS_WORDING).replace(r"\{\}", "(.*)") + "$")


def _status_wording(row: ImportRow) -> list[str]:
    """The tracker's own word for the status, when it says more than the status ("On hold")."""
    word = row.texts.get("status")
    return [STATUS_WORDING.format(word)] if word else []


def status_words_logged(conn: sqlite3.Connection, action_ids: list[int]) -> dict[int, str]:
    """Each action's latest logged tracker wording of its status (the whole sentence)."""
    found: dict[int, str] = {}
    for start in range(0, len(action_ids), _BATCH):
        batch = action_ids[start : start + _BATCH]
        marks = ", ".join("?" * len(batch))
        cursor = conn.execute(
            f"SELECT action_id, commentary FROM progress_log WHERE action_id IN ({marks})"
            " AND commentary LIKE ? ORDER BY id",
            (*batch, _STATUS_WORDING_LIKE),
        )
        for action_id, commentary in cursor:
            for line in commentary.splitlines():  # (the sentence ends its line)
                if m := _STATUS_WORDING_AT_END.search(line):
                    found[action_id] = STATUS_WORDING.format(m[1])
    return found


def _progress(row: ImportRow) -> str | None:
    parts = [str(row.values["progress"])] if row.values.get("progress") else []
    if row.values.get("next_steps"):
        parts.append(f"Next steps: {row.values['next_steps']}")
    return "\n\n".join(parts) or None


def _rewords(date: str | None, wording: str | None, state: Row) -> bool:
    """Whether the target's wording changes: new words, or a new date written plainly
    (the old words described the old date). A plain date equal to the target keeps the
    words ("Q3 2026/27"): actreg's own export writes the date alone."""
    if wording is not None:
        return wording != state["target_date_text"]
    return (
        state["target_date_text"] is not None and date is not None and date != state["target_date"]
    )


def decide(
    plan: ImportPlan,
    row: ImportRow,
    existing: Row | None,
    latest_note: str | None = None,
    status_said: str | None = None,
) -> ActionOps:
    """`latest_note`: the existing action's latest progress note (what actreg's own
    export shows as "Latest update"), when it is not its latest commentary.
    `status_said`: the tracker's wording of its status last logged for it, if any."""
    note = f"Imported from {plan.file_name}"
    progress = _progress(row)
    v = row.values
    first, current = _targets(row)
    if existing is None:
        # Every value was checked cell by cell above (with its row and column).
        draft = ImportDraft.model_construct(
            **{k: v[k] for k in CREATED_FIELDS if k in v and k != "target_date"},
            target_date=first[0],
            target_date_text=first[1],
        )
        created = draft.model_dump()
        kept = [*_status_wording(row), *row.extra]
        ops = ActionOps(row.number, row.ref, None, created, "\n".join(kept) or None)
        if v.get("rag") and (v.get("rag_reason") or ops.commentary):
            # Set below with its own reason (or none): the creation's commentary (the
            # columns kept by --keep-unmapped) would otherwise become the RAG reason.
            created["rag"] = None
            reason = v.get("rag_reason")
            ops.changes.append(("field_edit", "rag", str(v["rag"]), reason and str(reason)))
        if v.get("evidence"):
            ops.changes.append(("evidence", "evidence", str(v["evidence"]), None))
        state = dict(created)
    else:
        ops = ActionOps(row.number, existing["ref"], existing)
        state = existing
        for name in COMPARED:
            if name not in v or v[name] is None or encode(v[name]) == encode(existing[name]):
                continue
            if name == "rag":
                reason = v.get("rag_reason") or note
                ops.changes.append(("import", "rag", str(v["rag"]), str(reason)))
            elif name == "status" and (said := _status_wording(row)):
                ops.changes.append(("import", name, encode(v[name]), f"{note}. {said[0]}"))
            else:
                ops.changes.append(("import", name, encode(v[name]), note))
        said = _status_wording(row)
        if said and not any(c[1] == "status" for c in ops.changes) and said[0] != status_said:
            # The status reads the same ("On hold" is still in progress) but the tracker's
            # word for it is new: kept, once (the same file again adds nothing).
            ops.changes.append(("import", None, None, f"{note}. {said[0]}"))
        first, current = (current or first), None
    if current is not None and current != first:
        date, wording = current
        if date is not None and date != state["target_date"]:
            ops.changes.append(("import", "target_date", date, f"{note}: revised target date"))
        if _rewords(date, wording, state):
            ops.changes.append(("import", "target_date_text", wording, None))
    elif existing is not None and first != (None, None):
        date, wording = first
        if date is not None and date != existing["target_date"]:
            ops.changes.append(("import", "target_date", date, f"{note}: new target date"))
        if _rewords(date, wording, existing):
            ops.changes.append(("import", "target_date_text", wording, None))
    latest = latest_note or (existing or {}).get("last_commentary") or ""
    buried = any(c[3] for c in ops.changes if c[0] != "field_edit")
    if progress and (progress.strip() != latest.strip() or buried):
        ops.changes.append(("import", None, None, progress))
    return ops


def plan_operations(conn: sqlite3.Connection, plan: ImportPlan) -> list[ActionOps]:
    """Every action's operations against the register as it stands (rows with errors out)."""
    bad = set(plan.error_rows)
    good = [r for r in plan.rows if r.number not in bad]
    existing = existing_actions(conn, (r.ref for r in good))
    rows = [(r, existing.get(r.ref.lower())) for r in good]
    (head,) = conn.execute("SELECT coalesce(max(id), 0) FROM progress_log").fetchone()
    notes = progress_notes(conn, [e for _, e in rows if e is not None], head)
    worded = [e["id"] for r, e in rows if e is not None and r.texts.get("status")]
    said = status_words_logged(conn, worded) if worded else {}
    return [
        decide(plan, r, e, e and notes.get(e["id"], (None,))[0], e and said.get(e["id"]))
        for r, e in rows
    ]
