"""What the meetings screen says: the next-update line, the snapshot question, the diff.

Pure functions of db's answers, so they are easy to test and the screens stay
about keys and workers.
"""

from __future__ import annotations

from rich.text import Text

from db.cycles.diffs import CATEGORIES, Diff
from db.cycles.meetings import Meeting, NextUpdate
from db.cycles.snapshots import SnapshotPreview


def days_phrase(days: int) -> str:
    if days < 0:
        return f"{-days} day{'s' * (days != -1)} ago"
    return "today" if days == 0 else f"in {days} day{'s' * (days != 1)}"


def next_update_line(nxt: NextUpdate | None) -> str:
    if nxt is None:
        return "No upcoming meeting is due an update: press a to add one."
    return (
        f"Next update due: {nxt['committee']} on {nxt['meeting_date']}; papers by "
        f"{nxt['paper_deadline']} ({days_phrase(nxt['days_to_deadline'])})."
    )


def moment(cut_off: str) -> str:
    """'2026-05-31 23:59:59 UTC' from canonical UTC text."""
    return f"{cut_off[:10]} {cut_off[11:19]} UTC"


def snapshot_question(meeting: Meeting, preview: SnapshotPreview) -> str:
    count = preview["count"]
    freeze = (
        f"Freeze {count:,} action{'s' * (count != 1)} as at {moment(preview['cut_off'])} "
        f"for the {meeting['committee']} {meeting['meeting_date']} meeting?"
    )
    if meeting["snapshot_id"] is None:
        return f"{freeze} The snapshot can never be changed."
    return (
        f"The {meeting['meeting_date']} meeting already has snapshot #{meeting['snapshot_id']}. "
        f"Replace it? {freeze} The old snapshot is kept, marked superseded; "
        "the new one can never be changed."
    )


def diff_lines(result: Diff, title_width: int = 44) -> list[Text]:
    """Counts per category first, then the changes grouped by category."""
    lines = [
        Text(f"Changes from {result.from_label} to {result.to_label}", style="bold"),
        Text(f"Cut-offs: {moment(result.from_cut_off)} → {moment(result.to_cut_off)}", "dim"),
        Text(""),
    ]
    counts = result.counts()
    for key, count in counts.items():
        lines.append(Text(f"  {CATEGORIES[key]:<36} {count:>6,}"))
    for key, heading in CATEGORIES.items():
        changes = [c for c in result.changes if c.category == key]
        if not changes:
            continue
        lines += [Text(""), Text(f"{heading} ({len(changes):,})", style="bold underline")]
        for change in changes:
            title = " ".join(change.title.split())
            if len(title) > title_width:
                title = title[: title_width - 1] + "…"
            line = Text(f"  {change.ref:<9} ", style="bold")
            line.append(f"{title:<{title_width}}  ")
            line.append(change.detail, style="italic")
            lines.append(line)
    if not result.changes:
        lines += [Text(""), Text("Nothing changed.", style="dim")]
    return lines
