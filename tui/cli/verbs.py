"""What each `actreg` command does: resolve the register and author, call db, print.

Each handler takes the parsed arguments and returns the exit status. They hold
no rules of their own: validation and every write live in db/.

The write side (``db.store.register``, which brings pydantic) and the verifier are
imported by the handlers that use them, so that `actreg list` does not pay for
them at start-up.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from db.errors import ActregError
from db.plural import plural
from db.read import queries
from db.store.connection import create_register, open_register
from db.store.dates import parse_moment
from db.store.values import check_value, clean_line, clean_required_line, parse_rag, parse_status
from tui.cli.session import author, new_register_path, open_for_verb
from tui.text import output
from tui.text.round_text import submission_lines, submissions_heading


def init(args: argparse.Namespace) -> int:
    path = new_register_path(args)
    name = check_value("name", clean_required_line, args.name)
    organisation = check_value("organisation", clean_line, args.organisation)
    create_register(path, name=name, organisation=organisation).close()
    print(f"Created the register {name!r} in {path}.")
    return 0


def demo(args: argparse.Namespace) -> int:
    from db.demo import build_demo

    path = new_register_path(args)
    # Built whole under a temporary name and only then linked into place: a demo
    # killed half-way leaves nothing at `path` (and the next run clears its temp file).
    conn = create_register(
        path,
        name="Management Action Table (demo)",
        organisation="Kentish County Council (fictional)",
        fill=build_demo,
    )
    info = queries.register_info(conn)
    conn.close()
    print(
        f"Created a demo register in {path}: {plural(info['actions'], 'action')}, "
        f"{plural(info['entries'], 'log entry')}."
    )
    return 0


def add(args: argparse.Namespace) -> int:
    from db.store import register

    conn = open_for_verb(args)
    draft = {
        "ref": args.ref,
        "title": args.title,
        "owner": args.owner,
        "target_date": args.target,
        "directorate": args.directorate,
        "theme": args.theme,
        "priority": args.priority,
        "acceptance": args.acceptance,
        "description": args.description,
        "source": args.source,
        "recommendation": args.recommendation,
        "completion_criterion": args.criterion,
    }
    row = register.add_action(
        conn, draft, author=author(args), commentary=args.note, effective=args.on
    )
    print(f"Added {row['ref']}: {row['title']} (target {row['target_date']}).")
    return 0


def update(args: argparse.Namespace) -> int:
    from db.store import register

    conn = open_for_verb(args)
    row = register.record_update(
        conn,
        args.ref,
        author=author(args),
        note=args.note,
        status=args.status,
        rag=args.rag,
        target_date=args.target,
        percent_complete=args.percent,
        reason=args.reason,
        expected_version=args.expect_version,
        effective=args.on,
    )
    print(f"Updated {row['ref']} (now version {row['version']}).")
    return 0


def edit(args: argparse.Namespace) -> int:
    from db.store import register

    conn = open_for_verb(args)
    row = register.edit_field(
        conn,
        args.ref,
        args.field,
        args.value,
        reason=args.reason,
        author=author(args),
        expected_version=args.expect_version,
        effective=args.on,
    )
    print(f"Updated {row['ref']}: {args.field} changed (now version {row['version']}).")
    return 0


def evidence(args: argparse.Namespace) -> int:
    from db.store import register

    conn = open_for_verb(args)
    row = register.add_evidence(
        conn,
        args.ref,
        args.evidence,
        author=author(args),
        note=args.note,
        expected_version=args.expect_version,
        effective=args.on,
    )
    print(f"Recorded evidence for {row['ref']}.")
    return 0


def close(args: argparse.Namespace) -> int:
    from db.store import register

    conn = open_for_verb(args)
    row = register.close_action(
        conn,
        args.ref,
        author=author(args),
        evidence=args.evidence,
        note=args.note,
        rag=args.rag,
        expected_version=args.expect_version,
        effective=args.on,
    )
    print(f"Closed {row['ref']}.")
    return 0


def correct(args: argparse.Namespace) -> int:
    from db.store import register

    conn = open_for_verb(args)
    row = register.correct_entry(
        conn, args.entry, reason=args.reason, value=args.value, author=author(args)
    )
    print(f"Recorded a correction on {row['ref']} (now version {row['version']}).")
    return 0


def _filter(args: argparse.Namespace) -> queries.ActionFilter:
    return queries.ActionFilter(
        statuses=tuple(check_value("status", parse_status, s) for s in args.status or ()),
        rags=tuple(check_value("rag", parse_rag, r) for r in args.rag or ()),
        owner=args.owner,
        directorate=args.directorate,
        theme=args.theme,
        overdue=args.overdue,
        stale=args.stale,
        search=args.search,
    )


def list_(args: argparse.Namespace) -> int:
    conn = open_for_verb(args)
    flt = _filter(args)
    if args.as_at:
        moment = check_value("as at", parse_moment, args.as_at)
        rows = iter(queries.list_as_at(conn, moment, flt))
    elif args.format == "csv":  # each line made by SQLite: flat memory, SQLite's pace
        output.write_csv_lines(
            output.LIST_FIELDS, queries.list_csv_lines(conn, output.LIST_FIELDS, flt)
        )
        return 0
    else:
        rows = queries.iter_actions(conn, flt)  # streamed: flat memory on any register
    if args.format == "json":
        output.write_json_list(map(output.machine_row, rows))
    elif args.format == "csv":
        output.write_csv(rows, output.LIST_FIELDS)
    else:
        shown, overdue = output.write_people_table(rows)
        heading = f"as at {args.as_at}: " if args.as_at else ""
        print(f"\n{heading}{plural(shown, 'action')}, {overdue} overdue.")
    return 0


def show(args: argparse.Namespace) -> int:
    # (Submissions are read by the update-round code, which brings the write side.)
    from db.rounds.review import action_submissions

    conn = open_for_verb(args)
    if args.as_at:
        moment = check_value("as at", parse_moment, args.as_at)
        row = queries.get_action_as_at(conn, args.ref, moment)
        entries = queries.action_log(conn, row["id"], effective_by=moment)
    else:
        row = queries.get_action(conn, args.ref)
        entries = queries.action_log(conn, row["id"])
    if args.format == "json":
        action = {k: v for k, v in row.items() if k not in ("id", "ref_key", "last_entry_id")}
        output.write_json(
            {
                "action": action,
                "log": [output.entry_json(e) for e in entries],
                "submissions": [s.as_dict() for s in action_submissions(conn, row["id"])],
            }
        )
    else:
        print(output.action_text(row, entries))
        submissions = action_submissions(conn, row["id"])
        if submissions:
            print(f"\n{submissions_heading(submissions)}")
            for sub in submissions:
                print("\n".join(f"  {line}" for line in submission_lines(sub)))
    return 0


def verify(args: argparse.Namespace) -> int:
    from db.integrity.verifier import verify as verify_register

    conn = open_for_verb(args, check_pages=False)  # verify reports damage itself, in detail
    if args.repair:
        from db.integrity.search_index import repair_search_indexes

        rebuilt = repair_search_indexes(conn)
        print(f"Rebuilt the search indexes ({', '.join(rebuilt)}); nothing else was changed.")
    progress = _stderr_progress if sys.stderr.isatty() else None
    report = verify_register(conn, expect=args.expect, progress=progress)
    if report.problems:
        print(f"actreg: verify FAILED for {conn.path}:", file=sys.stderr)
        for problem in report.problems:
            print(f"  - {problem}", file=sys.stderr)
    else:
        print(
            f"Register OK: {plural(report.entries, 'log entry')} and "
            f"{plural(report.actions, 'action')} checked; "
            "the hash chain is intact, the action table matches the log, the schema, "
            "search indexes and order of recorded times are as actreg writes them, "
            f"and SQLite's quick_check says {report.quick_check}."
        )
    print(f"Head hash: {report.head_hash}")
    if report.expected_found is True:
        print(f"The expected hash {args.expect.strip()} is in this register's history.")
    elif report.expected_found is False:
        print(
            f"actreg: the expected hash {args.expect.strip()} is NOT in this register's "
            "history: the register is not the one that hash was taken from, or its history "
            "was rewritten.",
            file=sys.stderr,
        )
    return 0 if report.ok else 1


def _stderr_progress(done: int, total: int) -> None:
    end = "\n" if done >= total else ""
    print(
        f"\rverifying: {done:,} of {plural(total, 'entry')}", end=end, file=sys.stderr, flush=True
    )


def backup(args: argparse.Namespace) -> int:
    from db.integrity.verifier import verify as verify_register
    from db.store.backup import backup_to

    conn = open_for_verb(args)
    destination = backup_to(conn, Path(args.destination).expanduser())
    copy = open_register(destination, readonly=True)
    report = verify_register(copy)
    copy.close()
    if not report.ok:
        raise ActregError(f"the backup in {destination} does not verify: {report.problems[0]}")
    print(
        f"Backed up to {destination} ({plural(report.entries, 'entry')}; verified). "
        f"Head hash: {report.head_hash}"
    )
    return 0


def restore(args: argparse.Namespace) -> int:
    from db.integrity.restore import restore as restore_backup

    done = restore_backup(Path(args.backup).expanduser(), Path(args.to).expanduser())
    what = "Replaced the register in" if done.replaced else "Restored into the new file"
    print(
        f"{what} {done.target} from {args.backup} ({plural(done.entries, 'entry')}; verified). "
        f"Head hash: {done.head_hash}"
    )
    return 0


def add_parsers(verb) -> None:
    """Register the core commands (init to verify) with the CLI's `verb(name, handler, help)`."""
    p = verb("init", init, "create a new, empty register")
    p.add_argument("--name", default="Management Action Table", help="the register's name")
    p.add_argument("--organisation", default="", help="the organisation it belongs to")

    verb("demo", demo, "create a demo register with a year of history")

    p = verb("add", add, "add an action")
    p.add_argument("--ref", required=True, help="unique reference, e.g. A1 or 2.3")
    p.add_argument("--title", required=True)
    p.add_argument("--owner", required=True, help="the officer responsible")
    p.add_argument(
        "--target", required=True, metavar="DATE", help="original target date, e.g. 28/02/2027"
    )
    p.add_argument("--directorate")
    p.add_argument("--theme")
    p.add_argument("--priority", default="medium", help="high, medium or low")
    p.add_argument(
        "--acceptance", default="accepted", help="accepted, in principle or not accepted"
    )
    p.add_argument("--description")
    p.add_argument("--source", help="the review or report the action answers")
    p.add_argument("--recommendation", help="the recommendation's number in the source")
    p.add_argument("--criterion", help="how we will know it is done")
    p.add_argument("--note", help="commentary recorded with the new action")
    _on(p)

    p = verb("update", update, "record progress: a note and/or new status, RAG, date, %")
    p.add_argument("ref")
    p.add_argument("--note")
    p.add_argument("--status", help="not started, in progress, implemented, closed, ...")
    p.add_argument("--rag", help="red, amber or green (needs --reason)")
    p.add_argument("--target", metavar="DATE", help="new target date, day first (needs --reason)")
    p.add_argument("--percent", help="percent complete, 0-100")
    p.add_argument("--reason", help="why the RAG, date or status changed")
    _expect_version(p)
    _on(p)

    p = verb("edit", edit, "change one field of an action, with a reason")
    p.add_argument("ref")
    p.add_argument("field", help="title, owner, directorate, theme, description, priority, ...")
    p.add_argument("value")
    p.add_argument("--reason", required=True)
    _expect_version(p)
    _on(p)

    p = verb("evidence", evidence, "record evidence that work was done")
    p.add_argument("ref")
    p.add_argument("evidence", help="a reference: report, minute, link")
    p.add_argument("--note")
    _expect_version(p)
    _on(p)

    p = verb("close", close, "close an action as verified (needs evidence)")
    p.add_argument("ref")
    p.add_argument("--evidence")
    p.add_argument("--note")
    p.add_argument(
        "--rag",
        help="settle the RAG as it closes: green, amber or none (default: a red rating is "
        "cleared, with the reason logged)",
    )
    _expect_version(p)
    _on(p)

    p = verb("correct", correct, "correct an earlier log entry (appends a correction)")
    p.add_argument("entry", help="the entry's id (shown by `actreg show`)")
    p.add_argument("--value", help="the right value (or the corrected note text)")
    p.add_argument("--reason", required=True)

    p = verb("list", list_, "list actions, filtered")
    p.add_argument("--status", action="append", help="repeat for several")
    p.add_argument("--rag", action="append", help="repeat for several")
    p.add_argument("--owner")
    p.add_argument("--directorate")
    p.add_argument("--theme")
    p.add_argument("--overdue", action="store_true")
    p.add_argument("--stale", action="store_true", help="no update this cycle")
    p.add_argument("--search", help="words in titles, descriptions or commentary")
    p.add_argument("--as-at", metavar="DATE", help="the register as it stood then (YYYY-MM-DD)")
    p.add_argument("--format", choices=("table", "csv", "json"), default="table")

    p = verb("show", show, "show an action and its whole log")
    p.add_argument("ref")
    p.add_argument(
        "--as-at", metavar="DATE", help="the action as it stood then, and its log up to then"
    )
    p.add_argument("--format", choices=("text", "json"), default="text")

    p = verb("verify", verify, "check the hash chain, the projection and the file")
    p.add_argument(
        "--expect",
        metavar="HASH",
        help="also confirm this hash (e.g. from a committee paper) is in the history",
    )
    p.add_argument(
        "--repair",
        action="store_true",
        help="first rebuild the search indexes from the register (changes nothing else)",
    )


def add_file_parsers(verb) -> None:
    """Register backup and restore (listed last in `actreg --help`)."""
    p = verb("backup", backup, "copy the register safely (even while it is in use)")
    p.add_argument("destination")

    p = verb("restore", restore, "put a backup back in place of a register (verified)")
    p.add_argument("backup", help="the backup file (made by `actreg backup`)")
    p.add_argument("--to", required=True, metavar="FILE", help="the register to restore into")


def _on(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--on",
        metavar="DATE",
        help="the day it happened, if before today (a late update); default today",
    )


def _expect_version(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--expect-version",
        type=int,
        metavar="N",
        help="refuse if the action is no longer at version N",
    )
