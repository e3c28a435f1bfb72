"""CSV formula injection: cells a spreadsheet would run are neutralised, and restorable."""

from __future__ import annotations

import csv
import io
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from db.exporting.csv_table import neutralise, restore

PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")

DANGEROUS = [
    '=HYPERLINK("http://x","click")',
    "=1+1",
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1:A2)",
    "\tleading tab",
    "\rleading carriage return",
    "'already quoted",
    "''twice",
    "-",
    "+",
    "=",
    "@",
    "'",
]
NUMBERS = ["-5", "+3.5", "-0.25", "+1e3", "-.5", "42", "3.", "-7E-2"]


@pytest.mark.parametrize("value", DANGEROUS)
def test_a_dangerous_cell_gets_an_apostrophe_and_restores_exactly(value):
    safe = neutralise(value)
    assert safe == "'" + value
    assert not safe.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert restore(safe) == value


@pytest.mark.parametrize("value", NUMBERS)
def test_a_plain_signed_number_is_left_alone(value):
    assert neutralise(value) == value
    assert restore(neutralise(value)) == value


@pytest.mark.parametrize("value", ["Plain text", "", "Café – naïve", "a=b", "1-2", "x@y.z"])
def test_harmless_text_is_left_alone(value):
    assert neutralise(value) == value


@given(st.text())
def test_restore_undoes_neutralise_for_any_text(value):
    safe = neutralise(value)
    assert restore(safe) == value
    if safe.startswith(("=", "+", "-", "@", "\t", "\r")):  # only a plain number may
        assert safe == value and PLAIN_NUMBER.fullmatch(value)


@given(st.lists(st.text(st.characters(blacklist_characters="\x00")), min_size=1, max_size=5))
def test_neutralised_cells_survive_a_csv_round_trip(values):
    out = io.StringIO(newline="")
    csv.writer(out, dialect="excel").writerow([neutralise(v) for v in values])
    read = next(csv.reader(io.StringIO(out.getvalue(), newline="")))
    assert [restore(v) for v in read] == values
