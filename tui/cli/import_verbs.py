"""The `import` command: bring an existing CSV or Excel register into actreg."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from db.errors import InputError
from db.plural import plural
from tui.cli.session import UsageError, author, open_for_verb
from tui.text import output

if TYPE_CHECKING:
    from db.importing.importer import ImportResult

_LEVELS = {"error": "ERROR", "warning": "warning", "info": "info"}


def import_(args: argparse.Namespace) -> int:
    from db.importing import headers, importer  # only here: `actreg list` never pays for them

    try:
        mapping = headers.parse_mapping(args.map)
    except InputError as exc:
        raise UsageError(str(exc)) from None
    conn = open_for_verb(args)
    result = importer.import_file(
        conn,
        args.file,
        author=author(args),
        sheet=args.sheet,
        mapping=mapping,
        dry_run=args.dry_run,
        skip_invalid=args.skip_invalid,
        keep_unmapped=args.keep_unmapped,
        as_of=args.as_of,
    )
    if args.format == "json":
        output.write_json(result.as_dict())
    else:
        _print_report(result)
    if result.refused:
        errors = result.plan.errors
        rows = result.plan.error_rows
        shown = ", ".join(map(str, rows[:12])) + (", ..." if len(rows) > 12 else "")
        advice = (
            "Fix them: the file cannot be read to its end, so --skip-invalid cannot help."
            if result.plan.unreadable
            else "Fix them, or use --skip-invalid to import the other rows."
        )
        print(
            f"actreg: import refused: {plural(len(errors), 'error')} "
            f"(row{'s' * (len(rows) != 1)} {shown}); nothing was imported. {advice}",
            file=sys.stderr,
        )
        for problem in errors[:20]:
            column = f" {problem.column}" if problem.column else ""
            print(f"  row {problem.row}{column}: {problem.message}", file=sys.stderr)
        return 1
    return 0


def _print_report(result: ImportResult) -> None:
    from tabulate import tabulate

    plan = result.plan
    where = plan.file_name + (f", sheet {plan.sheet!r}" if plan.sheet else "")
    print(f"{where}: header on row {plan.header_row}; action rows read: {len(plan.rows)}.")
    mapped = [f"{h} → {f}" for h, f in plan.columns if f]
    print("Columns: " + "; ".join(mapped))
    if plan.problems:
        order = {"error": 0, "warning": 1, "info": 2}
        body = [
            [
                p.row if p.row is not None else "",
                _LEVELS[p.level],
                p.column or "",
                output.shorten(p.message, 100),
            ]
            for p in sorted(plan.problems, key=lambda p: (order[p.level], p.row or 0))
        ]
        print()
        print(tabulate(body, headers=["Row", "Level", "Column", "Problem"], disable_numparse=True))
        print()
    skipped = len(result.skipped) if not result.refused else 0
    counts = (
        f"{result.new} new, {result.updated} updated, {result.unchanged} unchanged, "
        f"{plural(skipped, 'row')} skipped"
    )
    if result.refused:
        print(f"Refused: nothing imported. Without the rows in error it would be: {counts}.")
    elif result.dry_run:
        print(f"Dry run, nothing changed. Would import: {counts}.")
    else:
        print(f"Imported: {counts}.")


def add_parsers(verb) -> None:
    """Register `import` with the CLI's `verb(name, handler, help)` helper."""
    p = verb("import", import_, "import actions from a CSV or Excel (.xlsx) table")
    p.add_argument("file", help="the .csv or .xlsx file")
    p.add_argument(
        "--sheet", metavar="NAME", help="the sheet to read (default: the first with a header row)"
    )
    p.add_argument(
        "--map",
        action="append",
        metavar="COLUMN=field",
        help="read COLUMN as field (e.g. \"Lead officer=owner\"; field 'ignore' drops it)",
    )
    p.add_argument(
        "--dry-run", action="store_true", help="report what would happen; change nothing"
    )
    p.add_argument(
        "--skip-invalid",
        action="store_true",
        help="import the valid rows, skipping exactly the rows reported in error",
    )
    p.add_argument(
        "--keep-unmapped",
        action="store_true",
        help="keep unknown columns as commentary on each new action",
    )
    p.add_argument(
        "--as-of",
        metavar="DATE",
        help="the table is an edition as it stood on DATE (a past committee paper): every "
        "change is recorded as effective then; import editions oldest first",
    )
    p.add_argument("--format", choices=("table", "json"), default="table")
