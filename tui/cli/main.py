"""The `actreg` command: parse the arguments, run one verb, turn failures into messages.

Exit status: 0 success, 1 a refused or failed operation (message on stderr),
2 a usage error (argparse's own). No traceback ever reaches the user: an
unexpected error prints one line and writes the traceback to a log file.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys
from collections.abc import Callable

from db.errors import ActregError
from db.store.connection import RegisterConnection
from tui.cli import cycle_verbs, import_verbs, query_verbs, round_verbs, triage_verbs, verbs
from tui.cli.session import UsageError, author, open_for_verb


class _Version(argparse.Action):
    """`--version`: reads the installed version only when asked (importlib.metadata
    costs more than the rest of `actreg list`'s start-up)."""

    def __init__(self, option_strings, dest=argparse.SUPPRESS, **kwargs):
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, **kwargs)

    def __call__(self, parser, namespace, values, option_string=None):
        from importlib.metadata import PackageNotFoundError, version

        try:
            number = version("actreg")
        except PackageNotFoundError:  # running from a checkout that was never installed
            number = "0+unknown"
        print(f"actreg {number}")  # to stdout, as argparse's own version action does
        parser.exit()


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # same format as our own errors, exit 2 for usage
        self.print_usage(sys.stderr)
        self.exit(2, f"actreg: usage error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    # The global options work before or after the verb (`actreg --db f list`
    # and `actreg list --db f`); SUPPRESS keeps the verb's copy from
    # overwriting a value given before it.
    shared = argparse.ArgumentParser(add_help=False)
    shared.add_argument(
        "--db",
        metavar="FILE",
        default=argparse.SUPPRESS,
        help="register file (default: $ACTREG_DB, then one in your data folder)",
    )
    shared.add_argument(
        "--author",
        metavar="NAME",
        default=argparse.SUPPRESS,
        help="who is making the change (default: $ACTREG_AUTHOR, then your login)",
    )

    parser = _Parser(
        prog="actreg",
        description="A register of management actions for governance committees. "
        "With no command, opens the register in the terminal UI.",
        parents=[shared],
    )
    parser.add_argument("--version", action=_Version, help="show the version and exit")
    sub = parser.add_subparsers(dest="verb", metavar="COMMAND", parser_class=_Parser)

    def verb(name: str, handler, help: str) -> argparse.ArgumentParser:
        # argparse %-formats the help of each choice: a bare % ("date, %") crashed --help.
        p = sub.add_parser(name, help=help.replace("%", "%%"), description=help, parents=[shared])
        p.set_defaults(handler=handler)
        return p

    p = verb("init", verbs.init, "create a new, empty register")
    p.add_argument("--name", default="Management Action Table", help="the register's name")
    p.add_argument("--organisation", default="", help="the organisation it belongs to")

    verb("demo", verbs.demo, "create a demo register with a year of history")

    p = verb("add", verbs.add, "add an action")
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

    p = verb("update", verbs.update, "record progress: a note and/or new status, RAG, date, %")
    p.add_argument("ref")
    p.add_argument("--note")
    p.add_argument("--status", help="not started, in progress, implemented, closed, ...")
    p.add_argument("--rag", help="red, amber or green (needs --reason)")
    p.add_argument("--target", metavar="DATE", help="new target date, day first (needs --reason)")
    p.add_argument("--percent", help="percent complete, 0-100")
    p.add_argument("--reason", help="why the RAG, date or status changed")
    _expect_version(p)
    _on(p)

    p = verb("edit", verbs.edit, "change one field of an action, with a reason")
    p.add_argument("ref")
    p.add_argument("field", help="title, owner, directorate, theme, description, priority, ...")
    p.add_argument("value")
    p.add_argument("--reason", required=True)
    _expect_version(p)
    _on(p)

    p = verb("evidence", verbs.evidence, "record evidence that work was done")
    p.add_argument("ref")
    p.add_argument("evidence", help="a reference: report, minute, link")
    p.add_argument("--note")
    _expect_version(p)
    _on(p)

    p = verb("close", verbs.close, "close an action as verified (needs evidence)")
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

    p = verb("correct", verbs.correct, "correct an earlier log entry (appends a correction)")
    p.add_argument("entry", help="the entry's id (shown by `actreg show`)")
    p.add_argument("--value", help="the right value (or the corrected note text)")
    p.add_argument("--reason", required=True)

    p = verb("list", verbs.list_, "list actions, filtered")
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

    p = verb("show", verbs.show, "show an action and its whole log")
    p.add_argument("ref")
    p.add_argument(
        "--as-at", metavar="DATE", help="the action as it stood then, and its log up to then"
    )
    p.add_argument("--format", choices=("text", "json"), default="text")

    p = verb("verify", verbs.verify, "check the hash chain, the projection and the file")
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

    cycle_verbs.add_parsers(verb)
    import_verbs.add_parsers(verb)
    triage_verbs.add_parsers(verb)
    query_verbs.add_parsers(verb)
    round_verbs.add_parsers(verb)

    p = verb("backup", verbs.backup, "copy the register safely (even while it is in use)")
    p.add_argument("destination")

    p = verb("restore", verbs.restore, "put a backup back in place of a register (verified)")
    p.add_argument("backup", help="the backup file (made by `actreg backup`)")
    p.add_argument("--to", required=True, metavar="FILE", help="the register to restore into")
    return parser


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


#: Opens the TUI on a register for an author: given by the entry point, so that
#: this package never imports Textual (`actreg list` does not pay for it).
OpenApp = Callable[[RegisterConnection, str], None]


def main(argv: list[str] | None = None, *, open_app: OpenApp | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        handler = getattr(args, "handler", None)
        if handler is None:
            if open_app is None:
                raise UsageError("name a command (see `actreg --help`)")
            open_app(open_for_verb(args), author(args))
            return 0
        return handler(args) or 0
    except ActregError as exc:
        _fail(str(exc))
    except UsageError as exc:
        parser.print_usage(sys.stderr)
        _fail(f"usage error: {exc}")
        return 2
    except sqlite3.DatabaseError as exc:
        _fail(
            f"the register could not be read or written ({exc}). Run `actreg verify`; "
            "if it reports damage, restore a backup."
        )
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `actreg list | head`
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as exc:  # a bug: one line for the user, the traceback to a file
        where = _log_traceback()
        _fail(
            f"internal error ({type(exc).__name__}: {exc}). Nothing more was changed. "
            f"Details were written to {where}; please report them."
        )
    return 1


def _fail(message: str) -> None:
    print(f"actreg: {message}", file=sys.stderr)


def _log_traceback() -> str:
    import traceback

    from platformdirs import user_log_dir

    try:
        folder = user_log_dir("actreg", appauthor=False, ensure_exists=True)
        path = os.path.join(folder, "error.log")
        with open(path, "a", encoding="utf-8") as handle:
            traceback.print_exc(file=handle)
        return path
    except OSError:
        return "nowhere (the log folder is not writable)"
