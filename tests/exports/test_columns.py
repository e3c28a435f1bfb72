"""The column-at-a-time path of the CSV export gives exactly what the row-at-a-time one did.

ExportTable.cells() is the definition of what a row shows; ExportTable.column() computes
the same values a column at a time, which is what makes a big CSV export fast. These
tests hold the two together, and hold the CSV bytes to a plain row-by-row rendering
of cells(), for the fixed register and for arbitrary rows.
"""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from db.exporting import csv_table
from db.exporting.csv_table import neutralise, preamble
from db.exporting.layouts import LAYOUTS, PAPER_COLUMNS, WriteOptions
from db.exporting.table import _LABELS, FULL_COLUMNS, ExportTable

KEYS = sorted({c.key for c in FULL_COLUMNS + PAPER_COLUMNS})


def _reference_csv(table: ExportTable) -> bytes:
    """The CSV as a row-by-row rendering of cells() would write it."""

    def text(value: object) -> str:
        if value is None:
            return ""
        return neutralise(value) if isinstance(value, str) else str(value)

    out = io.StringIO(newline="")
    writer = csv.writer(out, dialect="excel")
    for line in preamble(table):
        writer.writerow([line])
    writer.writerow([])
    writer.writerow([c.header for c in FULL_COLUMNS])
    for row in table.rows:
        cells = table.cells(row)
        writer.writerow([text(cells[c.key]) for c in FULL_COLUMNS])
    return out.getvalue().encode("utf-8-sig")


FULL = WriteOptions(LAYOUTS["full"])


@pytest.mark.parametrize("which", ["first_table", "table"])
def test_columns_agree_with_cells_on_the_fixed_register(which, request):
    table = request.getfixturevalue(which)
    rows = list(table.rows)
    for key in KEYS:
        assert table.column(key, rows) == [table.cells(row)[key] for row in rows], key


@pytest.mark.parametrize("which", ["first_table", "table"])
def test_csv_matches_a_row_by_row_rendering_on_the_fixed_register(which, request, tmp_path):
    table = request.getfixturevalue(which)
    csv_table.write(table, tmp_path / "out.csv", FULL)
    assert (tmp_path / "out.csv").read_bytes() == _reference_csv(table)


# Text that starts like a formula, a number or an apostrophe, or anything at all.
_text = st.one_of(
    st.sampled_from(["=1+1", "-5", "+3.5", "-", "'quoted", "@x", "\tx", "\rx", "", "a,b", 'q"']),
    st.text(max_size=12),
)
_optional_text = st.none() | _text


def _label(key: str) -> st.SearchStrategy:
    """A vocabulary value, an unknown value (shown as it is), or none."""
    return st.none() | st.sampled_from(sorted(_LABELS[key])) | _text


_rows = st.lists(
    st.fixed_dictionaries(
        {
            **{c.key: _optional_text for c in FULL_COLUMNS if c.key != "change"},
            **{key: _label(key) for key in _LABELS},
            "percent_complete": st.integers(-5, 100),
            "target_revisions": st.integers(0, 3),
            "overdue": st.booleans(),
            "last_commentary_at": _optional_text,
        }
    ),
    max_size=6,
)


@given(rows=_rows, data=st.data())
def test_columns_and_csv_agree_with_cells_for_any_rows(rows, data, tmp_path_factory):
    for number, row in enumerate(rows):
        row["id"] = number
    changed = data.draw(st.sets(st.integers(0, max(len(rows) - 1, 0))))
    table = ExportTable(
        register_name="=Register", organisation="Org", committee="-Committee",
        meeting_date="2025-01-01", paper_deadline="2024-12-20", cut_off="@cut-off",
        snapshot_id=3, rows_hash="0" * 64, log_head_hash="1" * 64, taken_at="t",
        taken_by="Clerk", rows=rows, changes={n: data.draw(_text) for n in changed},
    )  # fmt: skip
    for key in KEYS:
        assert table.column(key, rows) == [table.cells(row)[key] for row in rows], key
    path = tmp_path_factory.mktemp("csv") / "out.csv"
    csv_table.write(table, path, FULL)
    assert path.read_bytes() == _reference_csv(table)
