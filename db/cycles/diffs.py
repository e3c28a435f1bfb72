"""What changed between two snapshots (or a snapshot and now), exactly, from frozen rows.

Committee papers describe "changes since the last report" by hand: completed
since last meeting, extensions requested, still outstanding. Here every action
is compared field by field between two frozen tables, so nothing is missed, and
the entries recorded after the earlier snapshot was taken but effective before
its cut-off (late entries: the earlier pack could not show them) are listed too.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from db.cycles import snapshots
from db.errors import InputError
from db.read.queries import list_actions
from db.store import log
from db.store.clock import utc_now
from db.store.dates import utc_text
from db.store.projection import ref_key
from db.store.values import FINISHED_STATUSES, STATUS_LABELS

#: The categories of a diff, in the order they are reported.
CATEGORIES = {
    "new": "New actions",
    "completed": "Completed or closed",
    "status_changed": "Other status changes",
    "rag_up": "RAG improved",
    "rag_down": "RAG worsened",
    "target_moved": "Target dates moved",
    "field_changed": "Other fields changed",
    "no_update": "No update since the last snapshot",
    "withdrawn": "Withdrawn or superseded",
    "late": "Late entries for the earlier meeting",
}
#: Categories counted only when they hold something (a late entry is the exception).
_SHOWN_WHEN_FOUND = {"late"}
#: Worse to better. Unrated sits between amber and green: a first rating of red
#: or amber is a warning (down), a first rating of green is reassurance (up).
_RAG_ORDER = {"red": 0.0, "amber": 1.0, None: 1.5, "green": 2.0}
_DONE = {"implemented", "closed"}
#: The fields an officer edits besides status, RAG and target (each reported with
#: its old and new value), with the words the diff uses for them.
_EDITED_FIELDS = {
    "ref": "Ref",
    "title": "Title",
    "owner": "Owner",
    "directorate": "Lead directorate",
    "theme": "Theme",
    "priority": "Priority",
    "acceptance": "Acceptance",
    "percent_complete": "% complete",
    "description": "Description",
    "source": "Source",
    "recommendation": "Recommendation",
    "completion_criterion": "Completion criterion",
    "evidence": "Evidence",
    "target_date_text": "Target as written",
}
_WITHDRAWN = {"superseded", "cancelled"}
#: What :func:`compare` reads of the earlier table's rows (and the export's summary
#: tables and moved targets, which read id, status, rag and target_date of them).
COMPARED_FIELDS = ("id", "status", "rag", "target_date", "version", "last_update_at",
                   *_EDITED_FIELDS)  # fmt: skip


@dataclass
class Change:
    category: str
    ref: str
    title: str
    old: str | None
    new: str | None
    detail: str
    action_id: int


@dataclass
class Diff:
    from_label: str
    to_label: str
    from_cut_off: str
    to_cut_off: str
    changes: list[Change] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        found = {change.category for change in self.changes}
        shown = (k for k in CATEGORIES if k not in _SHOWN_WHEN_FOUND or k in found)
        counts = dict.fromkeys(shown, 0)
        for change in self.changes:
            counts[change.category] += 1
        return counts

    def summaries(self) -> dict[int, str]:
        """Action id -> one line for the "Change since last meeting" column of exports."""
        out: dict[int, list[str]] = {}
        for change in self.changes:
            out.setdefault(change.action_id, []).append(change.detail)
        return {k: "; ".join(v) for k, v in out.items()}


def compare(
    before: Sequence[Mapping[str, Any]], after: Sequence[Mapping[str, Any]], **labels
) -> Diff:
    """Compare two frozen tables (rows with SNAPSHOT_FIELDS), action by action."""
    earlier = {row["id"]: row for row in before}
    changes = (change for row in after for change in row_changes(earlier.get(row["id"]), row))
    return collect(changes, **labels)


def collect(changes: Iterable[Change], **labels) -> Diff:
    """The diff of `changes` (each from :func:`row_changes`), in report order."""
    diff = Diff(**labels)
    diff.changes += changes
    order = list(CATEGORIES)
    diff.changes.sort(key=lambda c: (order.index(c.category), _natural(c)))
    return diff


def _natural(change: Change) -> str:
    return ref_key(change.ref)


def row_changes(old: Mapping[str, Any] | None, new: Mapping[str, Any]) -> list[Change]:
    """What changed in one action between two frozen rows of it (`old` None: it is new)."""

    def change(category, before, after, detail):
        return Change(category, new["ref"], new["title"], before, after, detail, new["id"])

    if old is None:
        return [change("new", None, new["status"], "New action")]
    found = []
    status_was, status_is = old["status"], new["status"]
    if status_was != status_is:
        words = f"{STATUS_LABELS[status_was]} → {STATUS_LABELS[status_is]}"
        if status_is in _DONE and status_was not in _DONE | _WITHDRAWN:
            found.append(change("completed", status_was, status_is, f"Status: {words}"))
        elif status_is in _WITHDRAWN:
            found.append(change("withdrawn", status_was, status_is, f"Status: {words}"))
        else:
            found.append(change("status_changed", status_was, status_is, f"Status: {words}"))
    if old["rag"] != new["rag"]:
        rag_was, rag_is = _RAG_ORDER[old["rag"]], _RAG_ORDER[new["rag"]]
        category = "rag_up" if rag_is > rag_was else "rag_down"
        words = f"RAG: {(old['rag'] or 'none').title()} → {(new['rag'] or 'none').title()}"
        if new["rag"] and new.get("rag_reason"):
            words += f" ({_short(new['rag_reason'], 80)})"
        found.append(change(category, old["rag"], new["rag"], words))
    if old["target_date"] != new["target_date"]:
        revisions = new["target_revisions"]
        words = (f"Target moved {old['target_date'] or '—'} → {new['target_date'] or '—'} "
                 f"(revised {revisions} time{'s' * (revisions != 1)} in all"
                 + ("; slipped more than once)" if revisions > 1 else ")"))  # fmt: skip
        found.append(change("target_moved", old["target_date"], new["target_date"], words))
    for name, label in _EDITED_FIELDS.items():
        was, now = old.get(name), new.get(name)
        if was != now:
            words = f"{label}: {_short(was)} → {_short(now)}"
            found.append(change("field_changed", _text(was), _text(now), words))
    if old["version"] == new["version"] and new["status"] not in FINISHED_STATUSES:
        found.append(change("no_update", old["last_update_at"], new["last_update_at"],
                            "No update since the last snapshot"))  # fmt: skip
    return found


def add_reasons(conn: sqlite3.Connection, diff: Diff, head: int) -> Diff:
    """Say why each target moved: the reason recorded with its newest re-date up to entry
    `head` (the rows a diff compares hold the RAG reason, but not the date's)."""
    for change in diff.changes:
        if change.category != "target_moved":
            continue
        found = conn.execute(
            "SELECT commentary FROM progress_log WHERE action_id = ? AND field = 'target_date'"
            " AND id <= ? AND coalesce(commentary, '') <> '' ORDER BY id DESC LIMIT 1",
            (change.action_id, head),
        ).fetchone()
        if found:
            change.detail += f": {_short(found[0], 80)}"
    return diff


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def _short(value: object, width: int = 60) -> str:
    """A value as the diff line shows it: one line, cut at `width`, '—' for empty."""
    text = " ".join(str(value).split()) if value not in (None, "") else "—"
    return text if len(text) <= width else text[: width - 1] + "…"


def late_changes(conn: sqlite3.Connection, earlier: snapshots.Snapshot,
                 up_to: int | None = None) -> list[Change]:  # fmt: skip
    """Entries recorded after the `earlier` snapshot was taken but effective by its cut-off
    (up to entry `up_to`, a later snapshot's head): late entries, which the earlier pack
    could not show and the next one lists."""
    bound = "" if up_to is None else " AND p.id <= :up_to"
    rows = conn.execute(
        "SELECT p.action_id, a.ref, a.title, p.kind, p.field, p.old_value, p.new_value,"
        " p.effective_date, p.recorded_at FROM progress_log p JOIN action a ON a.id = p.action_id"
        f" WHERE p.id > :head AND {log.effective_at_sql('p')} <= :cut{bound} ORDER BY p.id",
        {"head": earlier["log_head_id"], "cut": earlier["cut_off"], "up_to": up_to},
    )
    changes = []
    for action_id, ref, title, kind, name, old, new, effective, recorded in rows:
        what = kind.replace("_", " ") if name is None else f"{name.replace('_', ' ')} "
        if name is not None:
            what += f"{_short(old) if old else '—'} → {_short(new) if new else '—'}"
        detail = f"Late entry (effective {effective}, recorded {recorded[:10]}): {what}"
        changes.append(Change("late", ref, title, old, new, detail, action_id))
    return changes


def _label(snap: snapshots.Snapshot) -> str:
    return f"{snap['committee']} {snap['meeting_date']} (snapshot #{snap['id']})"


def diff(conn: sqlite3.Connection, *, from_meeting: str | None = None,
         to_meeting: str | None = None, committee: str | None = None) -> Diff:  # fmt: skip
    """Changes from one meeting's snapshot to another's.

    With neither meeting named: the two latest meetings' snapshots (the latest one and
    now, when there is only one). With only `to_meeting`: the snapshot before it.
    With only `from_meeting`: that snapshot and now.
    """
    if from_meeting is None and to_meeting is None:
        current = sorted((s for s in snapshots.list_snapshots(conn) if not s["superseded"]),
                         key=lambda s: s["cut_off"])  # fmt: skip
        if len(current) >= 2:
            from_snap, to_snap = current[-2], current[-1]
            result = compare(
                snapshots.snapshot_rows(conn, from_snap["id"]),
                snapshots.snapshot_rows(conn, to_snap["id"]),
                from_label=_label(from_snap), to_label=_label(to_snap),
                from_cut_off=from_snap["cut_off"], to_cut_off=to_snap["cut_off"],
            )  # fmt: skip
            result.changes += late_changes(conn, from_snap, to_snap["log_head_id"])
            return add_reasons(conn, result, to_snap["log_head_id"])
    to_rows: Sequence[Mapping[str, Any]]
    if to_meeting in (None, "now"):
        to_rows = list_actions(conn)
        to_label, to_cut_off = "now", utc_text(utc_now())
        (to_head,) = conn.execute("SELECT coalesce(max(id), 0) FROM progress_log").fetchone()
    else:
        to_snap = snapshots.meeting_snapshot(conn, to_meeting, committee)
        to_rows = snapshots.snapshot_rows(conn, to_snap["id"])
        to_label, to_cut_off = _label(to_snap), to_snap["cut_off"]
        to_head = to_snap["log_head_id"]
    if from_meeting is not None:
        from_snap = snapshots.meeting_snapshot(conn, from_meeting, committee)
    else:
        earlier = [s for s in snapshots.list_snapshots(conn)
                   if not s["superseded"] and s["cut_off"] < to_cut_off]  # fmt: skip
        if not earlier:
            raise InputError(
                "diff: there is no earlier snapshot to compare with; take one for a meeting "
                "with `actreg snapshot --meeting DATE`"
            )
        from_snap = max(earlier, key=lambda s: s["cut_off"])
    if from_snap["cut_off"] > to_cut_off:
        raise InputError("diff: --from must be an earlier meeting than --to")
    result = compare(
        snapshots.snapshot_rows(conn, from_snap["id"]), to_rows,
        from_label=_label(from_snap), to_label=to_label,
        from_cut_off=from_snap["cut_off"], to_cut_off=to_cut_off,
    )  # fmt: skip
    result.changes += late_changes(conn, from_snap, to_head)
    return add_reasons(conn, result, to_head)
