"""`actreg round ...` (ask every owner, chase, collect, review) and `actreg decide`."""

from __future__ import annotations

import argparse
import csv
from pathlib import Path

from db.errors import InputError
from db.plural import plural
from db.store.clock import today
from db.store.connection import setting
from db.store.values import label
from tui.cli.session import UsageError, author, open_for_verb
from tui.text import output, round_mail

#: start and chase name this many owners, then say how many more.
LISTED = 30
STEPS = ("start", "status", "chase", "collect", "review", "policy")


def run(args: argparse.Namespace) -> int:
    handler = {
        "start": _start,
        "status": _status,
        "chase": _chase,
        "collect": _collect,
        "review": _review,
        "policy": _policy,
    }[args.step]
    if args.files and args.step != "collect":
        raise UsageError(f"round {args.step} takes no file names (only round collect does)")
    return handler(args)


def _addresses(path: str | None) -> dict[str, str]:
    """Owners' email addresses from a CSV with 'name' and 'email' columns (optional)."""
    if not path:
        return {}
    try:
        with open(Path(path).expanduser(), encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.DictReader(handle))
    except OSError as exc:
        raise InputError(f"addresses: cannot read {path}: {exc.strerror}") from None
    found = {}
    for number, row in enumerate(rows, start=2):
        keys = {k.strip().casefold(): (v or "").strip() for k, v in row.items() if k}
        if "name" not in keys or "email" not in keys:
            raise InputError(f"addresses: {path} needs 'name' and 'email' columns")
        if keys["email"] and "@" not in keys["email"]:
            raise InputError(
                f"addresses: row {number}, column 'email': {keys['email']!r} is not an address"
            )
        found[keys["name"].casefold()] = keys["email"]
    return found


def _start(args: argparse.Namespace) -> int:
    from db.rounds import start
    from db.rounds.mail_draft import write_draft

    conn = open_for_verb(args)
    officer = author(args)
    addresses = _addresses(args.addresses)
    started = start.start_round(
        conn,
        folder=Path(args.out) if args.out else Path.cwd() / "update-round",
        author=officer,
        meeting=args.meeting,
        return_by=args.return_by,
    )
    register = setting(conn, "name", "") or "Management Action Table"
    found = started.meeting
    for request in started.requests:
        write_draft(
            request.path.with_suffix(".eml"),
            to_name=request.owner,
            to_address=addresses.get(request.owner.casefold()),
            subject=round_mail.request_subject(
                register, found["committee"], found["meeting_date"], started.return_by
            ),
            body=round_mail.request_body(
                owner=request.owner,
                officer=officer,
                committee=found["committee"],
                meeting_date=found["meeting_date"],
                return_by=started.return_by,
                actions=request.actions,
                workbook=request.path.name,
            ),
            attachment=request.path,
        )
    actions = sum(len(r.actions) for r in started.requests)
    print(
        f"Started the update round for the {found['committee']} on {found['meeting_date']}: "
        f"{plural(len(started.requests), 'owner')}, {plural(actions, 'action')}; "
        f"replies by {started.return_by}."
    )
    print(
        f"Wrote {plural(len(started.requests), 'workbook')} and "
        f"{plural(len(started.requests), 'email draft')} in {started.folder}:"
    )
    for request in started.requests[:LISTED]:
        print(f"  {request.path.name}  ({plural(len(request.actions), 'action')})")
    if len(started.requests) > LISTED:
        print(
            f"  ... and {len(started.requests) - LISTED:,} more (`actreg round status` lists all)"
        )
    print("Send the drafts, then collect the replies with `actreg round collect FILE...`.")
    return 0


def _status(args: argparse.Namespace) -> int:
    from db.rounds import status

    conn = open_for_verb(args)
    info = status.current_round(conn, args.round)
    owners = status.owner_statuses(conn, info)
    if args.format == "json":
        output.write_json(
            {
                "round": info.id,
                "meeting": info.meeting_date,
                "committee": info.committee,
                "return_by": info.return_by,
                "started_at": info.started_at,
                "owners": [
                    {
                        "owner": o.owner,
                        "state": o.state,
                        "actions": o.actions,
                        "returned_at": o.returned_at,
                        "chased": o.chased,
                        "workbook": str(o.workbook),
                    }
                    for o in owners
                ],
            }
        )
        return 0
    from tabulate import tabulate

    print(
        f"Update round {info.id} for the {info.committee} on {info.meeting_date}: sent "
        f"{info.started_at[:10]} by {info.started_by}; replies due {info.return_by}."
    )
    body = [
        [
            o.owner,
            ", ".join(o.actions),
            o.state,
            o.returned_at[:16].replace("T", " ") if o.returned_at else "",
            o.chased or "",
        ]
        for o in owners
    ]
    print(
        tabulate(
            body, headers=["Owner", "Actions", "State", "Returned", "Chased"], disable_numparse=True
        )
    )
    back = sum(1 for o in owners if o.returned_at)
    late = sum(1 for o in owners if o.state == "late")
    print(
        f"\n{back} of {plural(len(owners), 'owner')} returned; "
        f"{len(owners) - back} outstanding ({late} late)."
    )
    return 0


def _chase(args: argparse.Namespace) -> int:
    from db.rounds import status
    from db.rounds.mail_draft import write_draft

    conn = open_for_verb(args)
    officer = author(args)
    info = status.current_round(conn, args.round)
    folder = Path(args.out).expanduser() if args.out else info.folder
    addresses = _addresses(args.addresses)
    outstanding = [s for s in status.owner_statuses(conn, info) if not s.returned_at]
    if not outstanding:
        print("Every owner has returned their update: there is no one to chase.")
        return 0
    missing = [s.workbook for s in outstanding if not s.workbook.is_file()]
    if missing and not args.out:
        raise InputError(
            f"out: the request workbook {missing[0]} is not there any more (attached again to "
            "the chaser); give the folder it was moved to with --out"
        )
    chased = status.chase_outstanding(conn, info, author=officer)
    register = setting(conn, "name", "") or "Management Action Table"
    on = today().isoformat()
    folder.mkdir(parents=True, exist_ok=True)
    for s in chased:
        workbook = folder / s.workbook.name
        draft = folder / f"{s.workbook.stem.replace('update request', 'reminder')} {on}.eml"
        write_draft(
            draft,
            to_name=s.owner,
            to_address=addresses.get(s.owner.casefold()),
            subject=round_mail.chaser_subject(register, info.meeting_date, info.return_by),
            body=round_mail.chaser_body(
                owner=s.owner,
                officer=officer,
                meeting_date=info.meeting_date,
                return_by=info.return_by,
                actions=s.actions,
                workbook=workbook.name,
            ),
            attachment=workbook if workbook.is_file() else None,
        )
    actions = sum(len(s.actions) for s in chased)
    print(
        f"Chased {plural(len(chased), 'owner')} ({plural(actions, 'action')}; the chase is "
        f"recorded on each). Wrote {plural(len(chased), 'reminder draft')} in {folder}:"
    )
    for s in chased[:LISTED]:
        print(f"  {s.owner}: {', '.join(s.actions)}")
    if len(chased) > LISTED:
        print(f"  ... and {len(chased) - LISTED:,} more (`actreg round status` lists all)")
    return 0


def _collect(args: argparse.Namespace) -> int:
    from db.rounds import collect, review

    if not args.files:
        raise UsageError("round collect needs the returned workbooks: FILE...")
    conn = open_for_verb(args)
    results = collect.collect_files(
        conn,
        [Path(f).expanduser() for f in args.files],
        author=author(args),
        with_problems=args.with_problems,
    )
    for result in results:
        if result.already:
            print(f"{result.path.name}: already collected; nothing changed.")
            continue
        print(
            f"{result.path.name}: {plural(len(result.submissions), 'submission')} from "
            f"{result.owner}"
            + (
                f" (superseding {', '.join(map(str, result.superseded))})"
                if result.superseded
                else ""
            )
            + "."
        )
        for problem in result.problems:
            print(f"  kept for review: {problem.text()}")
    waiting = len(review.waiting_submissions(conn))
    print(f"{plural(waiting, 'submission')} waiting for review (`actreg round review`).")
    return 0


def _sets(values: list[str] | None) -> dict[str, str]:
    out = {}
    for item in values or []:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise UsageError(f"--set {item!r}: write FIELD=VALUE (an empty VALUE leaves it out)")
        out[name.strip()] = value
    return out


def _review(args: argparse.Namespace) -> int:
    from db.rounds import review

    conn = open_for_verb(args)
    officer = author(args)
    if args.accept is not None and args.reject is not None:
        raise UsageError("give --accept or --reject, not both")
    if args.accept is not None:
        applied = review.accept_submission(
            conn, args.accept, author=officer, changes=_sets(args.set)
        )
        sub = review.get_submission(conn, args.accept)
        done = [f"{label(k)} {v}" for k, v in applied.items() if k != "extension_request"]
        print(
            f"Accepted submission {sub.id} ({sub.ref}, from {sub.owner}): "
            + ("; ".join(done) if done else "nothing differed from the register")
            + "."
        )
        if "extension_request" in applied:
            ext = applied["extension_request"]
            print(f"The new target date {ext['date']} goes to the committee: {ext['why']}.")
        return 0
    if args.set:
        raise UsageError("--set goes with --accept ID")
    if args.reject is not None:
        if not args.reason:
            raise UsageError("--reject needs --reason TEXT (it is recorded in the log)")
        sub = review.reject_submission(conn, args.reject, author=officer, reason=args.reason)
        print(f"Rejected submission {sub.id} ({sub.ref}, from {sub.owner}); it stays on the card.")
        return 0
    waiting = review.waiting_submissions(conn)
    if args.format == "json":
        output.write_json([s.as_dict() for s in waiting])
        return 0
    if not waiting:
        print("No submission is waiting for review.")
        return 0
    for sub in waiting:
        flags = []
        if sub.changed_since_sent:
            flags.append("changed since sent")
        if sub.problems:
            flags.append(plural(len(sub.problems), "problem"))
        if sub.committee:
            flags.append(f"new date goes to the committee ({sub.committee})")
        print(
            f"#{sub.id}  {sub.ref}  {output.shorten(sub.title, 50)}  from {sub.owner}, "
            f"received {sub.received_at[:10]}" + (f"  [{'; '.join(flags)}]" if flags else "")
        )
        for heading, value in sub.cells.items():
            print(f"      {heading}: {output.shorten(value.replace(chr(10), ' '), 70)}")
        for problem in sub.problems:
            print(f"      problem in {problem['column']!r}: {problem['why']}")
    print(
        f"\n{plural(len(waiting), 'submission')} waiting. Decide each with "
        "`actreg round review --accept ID [--set FIELD=VALUE]` or `--reject ID --reason TEXT`."
    )
    return 0


def _switch(value: str | None, name: str) -> int | None:
    """'off' -> None, a number -> int (for the number rules)."""
    text = (value or "").strip().casefold()
    if text in ("off", "none", "no"):
        return None
    try:
        return int(text)
    except ValueError:
        raise InputError(f"{name}: {value!r} is not a whole number or 'off'") from None


def _policy(args: argparse.Namespace) -> int:
    from db.rounds import policy

    conn = open_for_verb(args)
    current = policy.load_policy(conn)
    changed = False
    values = dict(current.__dict__)
    if args.from_revision is not None:
        values["from_revision"] = _switch(args.from_revision, "from revision")
        changed = True
    if args.months is not None:
        values["months"] = _switch(args.months, "months")
        changed = True
    if args.high_priority is not None:
        text = args.high_priority.strip().casefold()
        if text not in ("yes", "no", "on", "off"):
            raise InputError(f"high priority: {args.high_priority!r} is not yes or no")
        values["high_priority"] = text in ("yes", "on")
        changed = True
    if changed:
        current = policy.ExtensionPolicy(**values)
        policy.save_policy(conn, current, author=author(args))
    if args.format == "json":
        output.write_json(current.__dict__)
    else:
        print(f"Extension policy: {current.describe()}.")
    return 0


def decide(args: argparse.Namespace) -> int:
    from db.rounds import extensions

    conn = open_for_verb(args)
    outcome = extensions.decide_extension(
        conn,
        args.ref,
        meeting=args.meeting,
        decision=args.decision,
        author=author(args),
        minute=args.minute,
    )
    where = f"the {outcome['meeting']['committee']} on {outcome['meeting']['meeting_date']}"
    if outcome["decision"] == "approved":
        print(
            f"Recorded: {where} approved the extension of {outcome['ref']} to "
            f"{outcome['proposed_date']}; its target date is now {outcome['proposed_date']}."
        )
    else:
        print(
            f"Recorded: {where} refused the extension of {outcome['ref']} to "
            f"{outcome['proposed_date']}; its target date stays {outcome['target_date']}."
        )
    return 0


def add_parsers(verb) -> None:
    p = verb(
        "round",
        run,
        "the update round: ask every owner (start), see replies (status), chase, collect, review",
    )
    p.add_argument("step", choices=STEPS)
    p.add_argument("files", nargs="*", metavar="FILE", help="returned workbooks (collect)")
    p.add_argument("--meeting", metavar="DATE", help="start: the meeting (default: the next due)")
    p.add_argument("--out", metavar="DIR", help="start/chase: where to write workbooks and drafts")
    p.add_argument("--return-by", metavar="DATE", help="start: the date owners reply by")
    p.add_argument(
        "--addresses", metavar="CSV", help="start/chase: owners' email addresses (name,email)"
    )
    p.add_argument("--round", type=int, metavar="N", help="status/chase: an earlier round")
    p.add_argument(
        "--with-problems",
        action="store_true",
        help="collect: keep cells that cannot be read, verbatim, for the review to settle",
    )
    p.add_argument("--accept", type=int, metavar="ID", help="review: accept a submission")
    p.add_argument(
        "--set", action="append", metavar="FIELD=VALUE", help="review: edit before accepting"
    )
    p.add_argument("--reject", type=int, metavar="ID", help="review: reject a submission")
    p.add_argument("--reason", help="review: why it is rejected")
    p.add_argument("--from-revision", metavar="N|off", help="policy: committee from revision N")
    p.add_argument("--high-priority", metavar="yes|no", help="policy: high priority to committee")
    p.add_argument("--months", metavar="N|off", help="policy: moves of more than N months")
    p.add_argument("--format", choices=("table", "json"), default="table")

    p = verb("decide", decide, "record the committee's decision on an extension request")
    p.add_argument("ref")
    p.add_argument("decision", metavar="approve|refuse")
    p.add_argument("--meeting", required=True, metavar="DATE", help="the meeting that decided")
    p.add_argument("--minute", help="the minute's words or number")
