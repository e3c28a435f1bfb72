"""SQLite's CSV lines are csv.writer's, byte for byte, on hostile cells (db.read.csv_lines)."""

from __future__ import annotations

import csv
import io
import sqlite3
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from db.read import csv_lines

HOSTILE = [
    "plain",
    "",
    " leading and trailing ",
    "a,b",
    'say "hi"',
    '"',
    '""',
    ",",
    "line\nbreak",
    "carriage\rreturn",
    "windows\r\nline",
    "tab\there",
    "=1+2",
    "+44 1234",
    "-5",
    "@SUM(A1)",
    '=HYPERLINK("http://x","y")',
    "é, ü and ß",
    'emoji 🚌, "quoted"',
    "日本語\n改行",
    "back\\slash",
    "'apostrophe",
    "semi;colon",
]
OTHER = [None, 0, 7, -12, 2**62, 1.5, -0.0, 1e20, float("inf"), b"\x00\xffbytes", b""]


def _csv_writer_lines(rows) -> str:
    """What the command line's writer (output.write_csv_rows) makes of `rows`."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for row in rows:
        writer.writerow([v.hex() if isinstance(v, bytes) else v for v in row])
    return out.getvalue()


def _sqlite_lines(path: Path, rows, width: int) -> str:
    conn = sqlite3.connect(path)
    try:
        columns = [f"c{i}" for i in range(width)]
        conn.execute(f"CREATE TABLE t (n INTEGER PRIMARY KEY, {', '.join(columns)})")
        conn.executemany(
            f"INSERT INTO t ({', '.join(columns)}) VALUES ({', '.join('?' * width)})", rows
        )
        csv_lines.prepare(conn)
        line = csv_lines.line_sql([csv_lines.cell_sql(c) for c in columns])
        return "".join(text for (text,) in conn.execute(f"SELECT {line} FROM t ORDER BY n"))
    finally:
        conn.close()


def test_hostile_text_and_every_other_type_match_csv_writer(tmp_path):
    cells = HOSTILE + OTHER
    rows = [(v, "next", v) for v in cells] + [tuple(cells[i : i + 3]) for i in range(len(cells))]
    rows = [r + (None,) * (3 - len(r)) for r in rows]
    got = _sqlite_lines(tmp_path / "t.db", rows, 3)
    assert got == _csv_writer_lines(rows)
    assert '"a,b"' in got and '"say ""hi"""' in got and "carriage\rreturn" in got  # (quoted or not)


@pytest.mark.parametrize("value", ["", None, "x", "a,b"])
def test_a_row_of_one_field(tmp_path, value):
    # csv.writer writes a lone empty field as "" (else the line would read as no row).
    assert _sqlite_lines(tmp_path / "t.db", [(value,)], 1) == _csv_writer_lines([(value,)])


def test_plain_cells_are_the_flags_and_counts_as_written(tmp_path):
    conn = sqlite3.connect(tmp_path / "t.db")
    rows = [("true", 3), ("false", 0), (None, None), ("true", -2)]
    conn.execute("CREATE TABLE t (n INTEGER PRIMARY KEY, f, d)")
    conn.executemany("INSERT INTO t (f, d) VALUES (?, ?)", rows)
    line = csv_lines.line_sql([csv_lines.plain_cell_sql("f"), csv_lines.plain_cell_sql("d")])
    got = "".join(t for (t,) in conn.execute(f"SELECT {line} FROM t ORDER BY n"))
    conn.close()
    assert got == _csv_writer_lines(rows)


_text = st.text(
    alphabet=st.one_of(
        st.sampled_from(list(",\"\n\r\t =+-@;\\'")),
        st.characters(exclude_categories=["Cs"], exclude_characters="\x00"),
    ),
    max_size=12,
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=st.lists(
        st.tuples(_text, _text, st.one_of(st.none(), st.integers(-(2**63), 2**63 - 1), _text)),
        max_size=8,
    )
)
def test_any_text_matches_csv_writer(tmp_path_factory, rows):
    path = tmp_path_factory.mktemp("csv") / "t.db"
    assert _sqlite_lines(path, rows, 3) == _csv_writer_lines(rows)
