"""`actreg triage`: the triage queue for an agenda, and a session's summary for the minutes."""

from __future__ import annotations

import argparse
from pathlib import Path

from db.read.queries import ActionFilter
from db.store.connection import setting
from db.store.dates import parse_moment
from db.store.values import check_value
from tui.cli.session import UsageError, open_for_verb
from tui.text import output


def run(args: argparse.Namespace) -> int:
    from db.cycles import triage  # (the queue brings the round state and meetings)

    conn = open_for_verb(args)
    if args.summary:
        since = check_value("since", lambda v: parse_moment(v, end_of_day=False), args.summary)
        summary = triage.summarise(conn, since, author=args.by)
        text = triage.summary_markdown(summary, setting(conn, "name", "") or "")
        if args.output:
            from db.exporting.exporter import write_atomic

            path = write_atomic(
                Path(args.output).expanduser(),
                lambda temp: temp.write_text(text, encoding="utf-8"),
                force=args.force,
            )
            print(f"Wrote the summary to {path}.")
        else:
            print(text, end="")
        return 0
    if not args.list:
        raise UsageError("say --list (the queue) or --summary SINCE; sessions run in the UI (t)")
    flt = ActionFilter(owner=args.owner, directorate=args.directorate, theme=args.theme)
    queue = triage.triage_queue(conn, flt, overdue_only=args.overdue)
    if args.format == "json":
        output.write_json(
            [
                {**output.machine_row(i.row), "reasons": i.reasons, "urgency": i.urgency}
                for i in queue
            ]
        )
        return 0
    for position, item in enumerate(queue, start=1):
        row = item.row
        print(f"{position:>3}. {row['ref']:<8} {output.shorten(row['title'], 60)}")
        print(
            f"     {row['owner'] or 'no owner'} · {row['directorate'] or 'no directorate'}"
            f" · {output.target_cell(row) or 'no target'}"
        )
        print(f"     why: {'; '.join(item.reasons.values())}")
    print(f"\n{len(queue)} action{'s' * (len(queue) != 1)} need attention.")
    return 0


def add_parsers(verb) -> None:
    p = verb("triage", run, "the actions that need attention (--list), or a summary (--summary)")
    p.add_argument("--list", action="store_true", help="print the queue with its reasons")
    p.add_argument("--owner")
    p.add_argument("--directorate")
    p.add_argument("--theme")
    p.add_argument("--overdue", action="store_true", help="only overdue actions")
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.add_argument(
        "--summary",
        metavar="SINCE",
        help="Markdown summary of what was recorded since (YYYY-MM-DD[THH:MM])",
    )
    p.add_argument("--by", metavar="AUTHOR", help="with --summary: only this author's entries")
    p.add_argument("-o", "--output", metavar="FILE", help="with --summary: write it to a file")
    p.add_argument(
        "--force", action="store_true", help="with -o: replace the file if it exists already"
    )
