"""Fuzzing the argument parser and the verbs behind it with the real command.

Argument lists mix real option names with random text (argv cannot carry NUL or
lone surrogates, so the text has neither). Whatever comes in, actreg exits 0, 1
or 2 and never shows a traceback or an "internal error" (the run fixture checks
both on every call).

The date-like values stay within 1900-2100; years outside 1900-9999 are refused,
as test_cli_read.py::test_tiny_years_are_handled_cleanly shows.
"""

from __future__ import annotations

import datetime as dt
import shutil

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

REQUIRED = {
    "add": ["--ref", "--title", "--owner", "--target"],
    "update": [],
    "list": [],
    "show": [],
}
OPTIONAL = {
    "add": ["--directorate", "--theme", "--priority", "--acceptance", "--description", "--source",
            "--recommendation", "--criterion", "--note", "--author"],
    "update": ["--note", "--status", "--rag", "--target", "--percent", "--reason",
               "--expect-version", "--author"],
    "list": ["--status", "--rag", "--owner", "--directorate", "--theme", "--overdue", "--stale",
             "--search", "--as-at", "--format"],
    "show": ["--format"],
}  # fmt: skip
FLAGS = {"--overdue", "--stale"}
POSITIONAL_REF = {"update", "show"}

text = st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=30)
dates = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31))
date_like = st.one_of(
    dates.map(dt.date.isoformat),
    dates.map(lambda d: d.strftime("%d/%m/%Y")),
    st.datetimes(min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(2100, 12, 31)).map(
        dt.datetime.isoformat
    ),
    st.sampled_from(["2023-02-31", "2025-13-01", "20230101", "0", ""]),
)
numbers = st.integers(-5, 200).map(str)
VALUES = {
    "--target": date_like,
    "--as-at": date_like,
    "--status": st.sampled_from(["in progress", "closed", "implemented", "not_started", "done"]),
    "--rag": st.sampled_from(["red", "amber", "G", "purple"]),
    "--priority": st.sampled_from(["high", "M", "urgent"]),
    "--acceptance": st.sampled_from(["accepted", "in principle", "maybe"]),
    "--percent": numbers,
    "--expect-version": numbers,
    "--format": st.sampled_from(["json", "csv", "text", "table", "xml"]),
    "--ref": st.sampled_from(["B-7", "2.3", "A1", "a1", "A 1", "-x"]),
}
words = st.sampled_from(["Ann Archer", "Finance", "Policy review", "A1", "polic*", '"x'])


def realistic_or_random(realistic):
    """Three times in four a realistic value, else random text."""
    return st.integers(0, 3).flatmap(lambda n: text if n == 3 else realistic)


@st.composite
def argument_lists(draw) -> list[str]:
    """Mostly well-formed commands with random values, sometimes with a stray token."""
    command = draw(st.sampled_from(sorted(OPTIONAL)))
    args = [command]
    if command in POSITIONAL_REF:
        args.append(draw(realistic_or_random(st.sampled_from(["A1", "a1", "Z9"]))))
    chosen = REQUIRED[command] + draw(st.lists(st.sampled_from(OPTIONAL[command]), max_size=4))
    for option in chosen:
        args.append(option)
        if option not in FLAGS:
            args.append(draw(realistic_or_random(VALUES.get(option, words))))
    if draw(st.integers(0, 9)) == 9:  # a stray token somewhere
        args.insert(draw(st.integers(1, len(args))), draw(text))
    return args


@pytest.fixture(scope="module")
def fuzz_db(template_db, tmp_path_factory):
    path = tmp_path_factory.mktemp("fuzz") / "fuzz.db"
    shutil.copyfile(template_db, path)
    return path


@pytest.mark.slow
@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(args=argument_lists())
def test_random_arguments_never_crash(run, fuzz_db, args):
    result = run(*args, db=fuzz_db, check_exit=None)
    event(f"{args[0]} exit {result.returncode}")  # see --hypothesis-show-statistics


def test_the_fuzzed_register_still_verifies(run, fuzz_db):
    # runs after the fuzz (same module, file order): whatever it wrote is a valid chain
    run("verify", db=fuzz_db)
