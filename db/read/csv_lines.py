"""CSV lines made by SQLite itself: for each row, the bytes Python's csv.writer writes.

`actreg list --format csv` at 100,000 rows spent its time turning SQLite's rows into
Python tuples and then in csv.writer quoting them. Here one SQL expression builds
each row's whole line, so Python handles one string per row. The line is one
``printf('%s,%s,...')`` of its cells: joining them with ``||`` copies the growing
line once per cell and cost three times as much.

The rules are csv.writer's (the excel dialect, ``lineterminator="\\n"``, as the
command line writes CSV), held to it byte for byte by ``tests/db/test_csv_lines.py``:

- NULL is an empty cell; an integer is its decimal digits; a BLOB its lowercase hex
  (what the CSV writer was handed for bytes); a REAL is Python's ``str`` of it, by a
  Python function only ever called for one (no sound register holds a REAL);
- text is written as it is unless it holds a comma, a double quote or a line feed
  (the line terminator): then it is quoted, its quotes doubled. A carriage return,
  a tab or a leading ``=`` are not quoted, as csv.writer does not quote them;
- a row of one field that is empty is written ``""`` (a blank line would be no row).

Nothing is escaped against spreadsheet formulas: csv.writer never did here either.
Text holding a NUL character would be cut short at it (printf reads C strings);
every write refuses control characters (db.store.values), so a register holds none.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

#: The SQL function a REAL cell goes through (registered by :func:`prepare`).
REAL_TEXT = "actreg_csv_real"
#: printf's limit on arguments (SQLITE_MAX_FUNCTION_ARG's default, less the format).
MOST_CELLS = 126


def prepare(conn: sqlite3.Connection) -> None:
    """Register the function :func:`cell_sql` calls for a REAL cell, on `conn`."""
    conn.create_function(REAL_TEXT, 1, str, deterministic=True)


def cell_sql(expr: str) -> str:
    """SQL for one cell of `expr` as csv.writer writes it. `expr` is evaluated up to
    five times: give a column, not a computation (for those, :func:`plain_cell_sql`)."""
    text = (
        f"CASE WHEN instr({expr}, ',') OR instr({expr}, '\"') OR instr({expr}, char(10))"
        f" THEN '\"' || replace({expr}, '\"', '\"\"') || '\"' ELSE {expr} END"
    )
    return (
        f"CASE typeof({expr}) WHEN 'text' THEN {text}"
        " WHEN 'null' THEN ''"
        f" WHEN 'integer' THEN {expr}"
        f" WHEN 'real' THEN {REAL_TEXT}({expr})"
        f" ELSE lower(hex({expr})) END"
    )


def plain_cell_sql(expr: str) -> str:
    """SQL for a cell whose values are only integers, NULL or text with no comma, quote
    or line feed (a derived flag's 'true'/'false', a count, a checked vocabulary):
    printf writes NULL as nothing and an integer as its digits, as csv.writer does."""
    return expr


def line_sql(cells: Sequence[str]) -> str:
    """SQL for a row's whole line, its line feed included, from its cells' SQL (the
    functions above)."""
    if not 0 < len(cells) <= MOST_CELLS:
        raise ValueError(f"a CSV line of {len(cells)} cells: 1 to {MOST_CELLS} can be made")
    if len(cells) == 1:
        (cell,) = cells
        return f"CASE WHEN ifnull({cell}, '') = '' THEN '\"\"\n' ELSE printf('%s\n', {cell}) END"
    return f"printf('{','.join(['%s'] * len(cells))}\n', {', '.join(cells)})"
