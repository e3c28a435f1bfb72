"""`--help` works at the top and for every verb the parser knows, including verbs added later."""

from __future__ import annotations

import argparse

import pytest

from tui.cli.main import build_parser


def _verbs() -> list[str]:
    parser = build_parser()
    (sub,) = (a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return sorted(sub.choices)


def test_the_parser_has_the_documented_verbs():
    # guards the discovery below: if it found nothing, the per-verb test would pass vacuously
    assert {"add", "update", "import", "diff", "export", "triage"} <= set(_verbs())


@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_top_level_help_lists_every_verb(run, flag):
    result = run(flag)
    assert result.stdout.startswith("usage: actreg")
    for name in _verbs():
        assert name in result.stdout
    assert result.stderr == ""


@pytest.mark.parametrize("name", _verbs())
def test_every_verb_has_help(run, name):
    result = run(name, "--help")
    assert result.stdout.startswith(f"usage: actreg {name}")
    assert result.stderr == ""


# --- one command's parser (what a run builds) against the whole parser ----------------


def _subparser(parser: argparse.ArgumentParser, name: str) -> argparse.ArgumentParser:
    (sub,) = (a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return sub.choices[name]


def test_the_verb_table_names_every_verb_where_it_is_declared_in_help_order():
    # A run builds only the chosen verb's parser from VERB_HOMES: a verb missing from
    # it, or filed under the wrong module, would be "invalid choice" on its own.
    from tui.cli.main import VERB_HOMES

    whole = build_parser()
    (sub,) = (a for a in whole._actions if isinstance(a, argparse._SubParsersAction))
    declared = [(name, p.get_default("handler").__module__) for name, p in sub.choices.items()]
    tabled = [(name, module) for module, _, names in VERB_HOMES for name in names]
    assert declared == tabled


@pytest.mark.parametrize("name", _verbs())
def test_a_verb_alone_has_the_help_and_defaults_it_has_in_the_whole_parser(name, monkeypatch):
    monkeypatch.setenv("COLUMNS", "100")  # (the same width for both)
    alone = build_parser(name)
    assert [n for n in _subparser(alone, name).prog.split()] == ["actreg", name]
    assert _subparser(alone, name).format_help() == _subparser(build_parser(), name).format_help()
    assert alone.format_usage() == build_parser().format_usage()
    (sub,) = (a for a in alone._actions if isinstance(a, argparse._SubParsersAction))
    assert list(sub.choices) == [name]


ARGVS = [
    ["list"],
    ["--db", "r.db", "list", "--format", "csv"],
    ["list", "--db", "r.db", "--status", "in progress", "--status", "closed"],
    ["--db=list", "show", "A1"],
    ["--db", "list", "show", "A1"],  # the register is a file called "list"
    ["--author", "meeting", "meeting", "add", "2025-07-01"],
    ["--auth", "show", "list"],  # an abbreviated --author takes "show" as its value
    ["--d", "export", "export", "--meeting", "2025-07-01"],
    ["--db", "r.db"],  # no command: the TUI
    ["--db", "r.db", "--author", "A"],
    ["update", "A1", "--note", "list", "--expect-version", "3"],
    ["round", "start", "--meeting", "2025-07-01"],
    ["query", "SELECT ref FROM action", "--format", "json"],
]


@pytest.mark.parametrize("argv", ARGVS, ids=" ".join)
def test_a_run_parses_as_the_whole_parser_does(argv):
    from tui.cli.main import parse_args

    def plain(namespace: argparse.Namespace) -> dict:
        values = vars(namespace)
        handler = values.pop("handler", None)
        return {**values, "handler": handler and f"{handler.__module__}.{handler.__name__}"}

    assert plain(parse_args(argv)) == plain(build_parser().parse_args(argv))


@pytest.mark.parametrize(
    "argv, verb",
    [
        (["list"], "list"),
        (["--db", "x", "list"], "list"),
        (["--db=x", "list"], "list"),
        (["--au", "list", "show"], "show"),
        (["--db", "x"], ""),
        ([], ""),
        (["-h", "list"], None),  # help before the command: the whole parser's help
        (["lsit"], None),  # not a command: the whole parser says which are
        (["--", "list"], None),
    ],
)
def test_the_command_is_read_as_argparse_reads_it(argv, verb):
    from tui.cli.main import chosen_verb

    assert chosen_verb(argv) == verb


@pytest.mark.parametrize(
    "argv, says",
    [
        (["lsit"], "invalid choice: 'lsit' (choose from 'init', 'demo',"),
        (["list", "--format", "xml"], "argument --format: invalid choice: 'xml'"),
        (["list", "--bogus"], "unrecognized arguments: --bogus"),
        (["add", "--ref", "A"], "the following arguments are required: --title"),
        (["round"], "the following arguments are required: step"),
    ],
)
def test_usage_errors_read_as_the_whole_parser_words_them(run, argv, says):
    # The one-command parser hands anything it refuses to the whole parser, whose
    # usage line and message the user has always seen.
    result = run(*argv, check_exit=2)
    assert result.stderr.startswith(
        "usage: actreg [-h] [--db FILE] [--author NAME] [--version] COMMAND ...\n"
    ) or result.stderr.startswith(f"usage: actreg {argv[0]}")
    assert says in result.stderr
