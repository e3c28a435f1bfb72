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
