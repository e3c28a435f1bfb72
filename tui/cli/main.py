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
from importlib import import_module

from db.errors import ActregError
from db.store.connection import RegisterConnection
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


#: Where each command is declared and handled, in the order `actreg --help` lists
#: them: (module, its function that adds the commands' parsers, the commands).
#: A run imports only the module of the command it names and builds only that
#: command's parser (every verb's takes argparse about 20 ms, and their modules
#: bring the cycle, import and update-round code): `actreg list` starts sooner.
#: ``tests/cli/test_cli_help.py`` holds this table to what each module declares.
VERB_HOMES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    (
        "tui.cli.verbs",
        "add_parsers",
        (
            "init",
            "demo",
            "add",
            "update",
            "edit",
            "evidence",
            "close",
            "correct",
            "list",
            "show",
            "verify",
        ),
    ),
    ("tui.cli.cycle_verbs", "add_parsers", ("meeting", "snapshot", "diff", "export")),
    ("tui.cli.import_verbs", "add_parsers", ("import",)),
    ("tui.cli.triage_verbs", "add_parsers", ("triage",)),
    ("tui.cli.query_verbs", "add_parsers", ("query",)),
    ("tui.cli.round_verbs", "add_parsers", ("round", "decide")),
    ("tui.cli.verbs", "add_file_parsers", ("backup", "restore")),
)
_VERB_NAMES = frozenset(name for _, _, names in VERB_HOMES for name in names)
#: The global options that take a value, and the shortest abbreviation argparse takes.
_VALUED = (("--db", 3), ("--author", 3))


class _NotBuilt:
    """What a command's arguments are added to when this run does not build its
    parser (an ArgumentParser each would cost a gettext look-up and more)."""

    def add_argument(self, *args, **kwargs) -> None:
        pass


_NOT_BUILT = _NotBuilt()


def build_parser(
    only: str | None = None, *, parser_class: type[_Parser] = _Parser
) -> argparse.ArgumentParser:
    """The `actreg` parser: every command's, or (`only`) one command's, or none (``""``)."""
    # The global options work before or after the verb (`actreg --db f list`
    # and `actreg list --db f`); SUPPRESS keeps the verb's copy from
    # overwriting a value given before it.
    shared = _Parser(add_help=False)
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

    parser = parser_class(
        prog="actreg",
        description="A register of management actions for governance committees. "
        "With no command, opens the register in the terminal UI.",
        parents=[shared],
    )
    parser.add_argument("--version", action=_Version, help="show the version and exit")
    sub = parser.add_subparsers(dest="verb", metavar="COMMAND", parser_class=parser_class)

    def verb(name: str, handler, help: str) -> argparse.ArgumentParser | _NotBuilt:
        if only is not None and name != only:  # declared beside the chosen one
            return _NOT_BUILT
        # argparse %-formats the help of each choice: a bare % ("date, %") crashed --help.
        p = sub.add_parser(name, help=help.replace("%", "%%"), description=help, parents=[shared])
        p.set_defaults(handler=handler)
        return p

    for module, adder, names in VERB_HOMES:
        if only is None or only in names:
            getattr(import_module(module), adder)(verb)
    return parser


def chosen_verb(argv: list[str]) -> str | None:
    """The command `argv` names, read as argparse reads it; ``""`` for none (the TUI);
    None when only the whole parser can answer (help before any command, a word
    that is no command, ``--``)."""
    args = iter(argv)
    for arg in args:
        if arg in ("-h", "--help", "--"):
            return None
        if arg.startswith("-"):
            if "=" not in arg and any(
                len(arg) >= shortest and option.startswith(arg) for option, shortest in _VALUED
            ):
                next(args, None)  # the option's value, whatever it looks like
            continue
        return arg if arg in _VERB_NAMES else None
    return ""


class _Reparse(Exception):
    """The one-command parser met something only the whole parser words right."""


class _OneVerbParser(_Parser):
    def error(self, message: str):
        raise _Reparse(message)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Parse `argv` with the named command's parser alone. Whatever it refuses is
    parsed again by the whole parser, so usage errors and `actreg --help` read as
    they always have; `actreg VERB --help` is that command's own parser either way."""
    argv = sys.argv[1:] if argv is None else list(argv)
    only = chosen_verb(argv)
    if only is not None:
        try:
            return build_parser(only, parser_class=_OneVerbParser).parse_args(argv)
        except _Reparse:
            pass
    return build_parser().parse_args(argv)


#: Opens the TUI on a register for an author: given by the entry point, so that
#: this package never imports Textual (`actreg list` does not pay for it).
OpenApp = Callable[[RegisterConnection, str], None]


def main(argv: list[str] | None = None, *, open_app: OpenApp | None = None) -> int:
    args = parse_args(argv)
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
        build_parser("").print_usage(sys.stderr)  # the top line names no command: none built
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
