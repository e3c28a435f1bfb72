"""The committee-cycle commands: meeting, snapshot, diff, export.

Snapshots, diffs and the exporters are imported by the handlers that use them:
building the parser (which every `actreg` command does) must not pay for them.
"""

from __future__ import annotations

import argparse
import dataclasses
from pathlib import Path

from db.cycles import meetings
from db.cycles.meetings import DEFAULT_COMMITTEE
from db.exporting.format_names import FORMATS, LAYOUT_NAMES, PARTS
from db.plural import plural
from tui.cli.session import UsageError, author, open_for_verb
from tui.text import output


def meeting(args: argparse.Namespace) -> int:
    conn = open_for_verb(args)
    if args.action == "add":
        if not args.date:
            raise UsageError("meeting add needs a DATE (YYYY-MM-DD)")
        meetings.add_meeting(
            conn,
            args.date,
            committee=args.committee or DEFAULT_COMMITTEE,
            deadline=args.deadline,
            title=args.title,
            cadence=args.cadence,
            author=author(args),
        )
        added = meetings.find_meeting(conn, args.date, args.committee or DEFAULT_COMMITTEE)
        print(
            f"Added the {added['committee']} meeting on {added['meeting_date']} "
            f"(paper deadline {added['paper_deadline']}; "
            f"{'due an update' if added['due'] else 'not due an update'})."
        )
        return 0
    rows = meetings.list_meetings(conn)
    if args.format == "json":
        output.write_json(rows)
        return 0
    if args.format == "csv":
        output.write_csv(rows, list(rows[0]) if rows else ["meeting_date"])
        return 0
    from tabulate import tabulate

    body = [
        [
            m["meeting_date"],
            m["committee"],
            m["paper_deadline"],
            "due" if m["due"] else "-",
            m["cadence"].replace("_", " "),
            f"#{m['snapshot_id']}" if m["snapshot_id"] else "",
            m["title"] or "",
        ]
        for m in rows
    ]
    if body:
        headers = [
            "Meeting",
            "Committee",
            "Paper deadline",
            "Update",
            "Cadence",
            "Snapshot",
            "Title",
        ]
        print(tabulate(body, headers=headers, disable_numparse=True))
    nxt = meetings.next_update_due(conn)
    if nxt:
        print(
            f"\nNext update due: {nxt['committee']} on {nxt['meeting_date']}; papers by "
            f"{nxt['paper_deadline']} ({_days(nxt['days_to_deadline'])})."
        )
    else:
        print("\nNo upcoming meeting is due an update. Add one with `actreg meeting add DATE`.")
    return 0


def _days(days: int) -> str:
    if days < 0:
        return f"{-days} day{'s' * (days != -1)} ago"
    return "today" if days == 0 else f"in {days} day{'s' * (days != 1)}"


def snapshot(args: argparse.Namespace) -> int:
    from db.cycles import snapshots

    conn = open_for_verb(args)
    if args.action == "list":
        rows = snapshots.list_snapshots(conn)
        if args.format == "json":
            output.write_json(rows)
            return 0
        from tabulate import tabulate

        body = [
            [
                f"#{s['id']}",
                s["meeting_date"],
                s["committee"],
                s["cut_off"],
                s["row_count"],
                s["rows_hash"][:16] + "…",
                "superseded" if s["superseded"] else "current",
            ]
            for s in rows
        ]
        headers = [
            "Snapshot",
            "Meeting",
            "Committee",
            "Cut-off (UTC)",
            "Actions",
            "SHA-256",
            "State",
        ]
        print(tabulate(body, headers=headers, disable_numparse=True) if body else "No snapshots.")
        return 0
    if not args.meeting:
        raise UsageError("snapshot needs --meeting DATE (or `snapshot list`)")
    snap = snapshots.take_snapshot(
        conn,
        args.meeting,
        author=author(args),
        committee=args.committee,
        as_at=args.as_at,
        replace=args.replace,
    )
    replaced = f"; it supersedes snapshot #{snap['supersedes']}" if snap["supersedes"] else ""
    print(
        f"Snapshot #{snap['id']} of the {snap['committee']} {snap['meeting_date']} meeting: "
        f"{plural(snap['row_count'], 'action')} as at {snap['cut_off']}{replaced}."
    )
    if not snap["row_count"]:
        print("Note: the register had no actions at that cut-off (is the meeting date right?).")
    print(f"Snapshot SHA-256: {snap['rows_hash']}")
    print(f"Log head hash:    {snap['log_head_hash']}")
    return 0


def diff(args: argparse.Namespace) -> int:
    from db.cycles import diffs

    conn = open_for_verb(args)
    result = diffs.diff(
        conn, from_meeting=args.from_meeting, to_meeting=args.to_meeting, committee=args.committee
    )
    rows = [dataclasses.asdict(c) for c in result.changes]
    for row in rows:
        del row["action_id"]
    if args.format == "json":
        output.write_json(
            {
                "from": result.from_label,
                "to": result.to_label,
                "from_cut_off": result.from_cut_off,
                "to_cut_off": result.to_cut_off,
                "counts": result.counts(),
                "changes": rows,
            }
        )
        return 0
    if args.format == "csv":
        output.write_csv(rows, ["category", "ref", "title", "old", "new", "detail"])
        return 0
    if args.from_meeting is None and args.to_meeting is None:
        which = (
            "the latest snapshot and now (there is only one snapshot)"
            if result.to_label == "now"
            else "the two latest meetings' snapshots"
        )
        print(f"No --from or --to given: comparing {which}.")
    print(f"Changes from {result.from_label} to {result.to_label}:\n")
    for key, count in result.counts().items():
        print(f"  {diffs.CATEGORIES[key]:<36} {count}")
    for key, heading in diffs.CATEGORIES.items():
        changes = [c for c in result.changes if c.category == key]
        if changes:
            print(f"\n{heading}")
            for c in changes:
                print(f"  {c.ref:<8} {output.shorten(c.title, 50):<50}  {c.detail}")
    return 0


def export(args: argparse.Namespace) -> int:
    from db.exporting import exporter
    from db.exporting.filters import Filters

    conn = open_for_verb(args)
    filters = Filters(
        source=args.source,
        directorate=args.directorate,
        owner=args.owner,
        open_only=args.open_only,
        changed_since_last=args.changed_since_last,
    )
    table = exporter.build_table(conn, args.meeting, args.committee, filters)
    part = args.table or "appendix"
    name = args.output or exporter.default_filename(table, args.format, part)
    path = Path(name).expanduser()
    exporter.export(table, args.format, path, layout=args.layout, part=part, force=args.force)
    what = plural(len(table.rows), "action") if part == "appendix" else f"the {part} table"
    print(f"Wrote {path} ({what}, {args.format.upper()}).")
    print(f"Snapshot #{table.snapshot_id} SHA-256: {table.rows_hash}")
    print(f"Log head hash: {table.log_head_hash}")
    return 0


def add_parsers(verb) -> None:
    """Register the cycle commands with the CLI's `verb(name, handler, help)` helper."""
    p = verb("meeting", meeting, "add or list committee meetings")
    p.add_argument("action", choices=("add", "list"), nargs="?", default="list")
    p.add_argument("date", nargs="?", metavar="DATE", help="meeting date, YYYY-MM-DD (for add)")
    p.add_argument("--committee", help=f"default: {DEFAULT_COMMITTEE}")
    p.add_argument(
        "--deadline",
        metavar="DATE",
        help=f"paper deadline (default: {meetings.DEFAULT_DEADLINE_DAYS} days before)",
    )
    p.add_argument("--title")
    p.add_argument("--cadence", help="every, every-other, quarterly or six-monthly")
    p.add_argument("--format", choices=("table", "csv", "json"), default="table")

    p = verb("snapshot", snapshot, "freeze the register for a meeting, or list snapshots")
    p.add_argument("action", choices=("take", "list"), nargs="?", default="take")
    p.add_argument("--meeting", metavar="DATE")
    p.add_argument("--committee")
    p.add_argument(
        "--as-at",
        metavar="DATETIME",
        help="cut-off (default: end of the paper-deadline day, or now if earlier)",
    )
    p.add_argument(
        "--replace",
        action="store_true",
        help="take a new snapshot; the old one is kept, marked superseded",
    )
    p.add_argument("--format", choices=("table", "json"), default="table")

    p = verb(
        "diff",
        diff,
        "what changed between two meetings' snapshots (default: the two latest), or since one",
    )
    p.add_argument("--from", dest="from_meeting", metavar="MEETING")
    p.add_argument("--to", dest="to_meeting", metavar="MEETING|now")
    p.add_argument("--committee")
    p.add_argument("--format", choices=("table", "csv", "json"), default="table")

    p = verb("export", export, "export a meeting's snapshot for the committee paper")
    p.add_argument("--meeting", required=True, metavar="DATE")
    p.add_argument("--committee")
    p.add_argument("--format", choices=FORMATS, default="csv")
    p.add_argument(
        "-o", "--output", metavar="FILE", help="default: <committee>-<date>.<format> in this folder"
    )
    p.add_argument("--layout", choices=LAYOUT_NAMES,
                   help="paper (the appendix columns; default but for xlsx) or full (every "
                   "field, what import reads back; default for xlsx)")  # fmt: skip
    p.add_argument(
        "--table",
        choices=PARTS,
        help="CSV only: which one table the file holds (default: appendix)",
    )
    p.add_argument(
        "--open-only",
        action="store_true",
        help="list only open actions (the summary still counts every one)",
    )
    p.add_argument(
        "--changed-since-last",
        action="store_true",
        help="list only actions changed since the last meeting's snapshot",
    )
    p.add_argument("--source", metavar="S", help="a pack for one source (review or report)")
    p.add_argument("--directorate", metavar="D", help="a pack for one lead directorate")
    p.add_argument("--owner", metavar="O", help="a pack for one owner")
    p.add_argument(
        "--force", action="store_true", help="replace the output file if it exists already"
    )
