"""The full-text search indexes: checked against what they index, and rebuilt on request.

``action_fts`` and ``commentary_fts`` are FTS5 indexes over the action table and
the log's commentary. They are not in the hash chain, so an edit to them could
hide an action from search or make a search find what is not there.

FTS5's ``integrity-check`` with rank 1 compares an index with its content, but
it counts every row of the content table as a document, while only entries with
commentary are indexed (the trigger skips the rest). So the check runs on a copy:
a temporary FTS5 table over exactly the rows the triggers index, given the
register's index pages. That also never writes to the register, so a read-only
one is checked too. ``repair`` makes each index again from those rows and
changes nothing else.
"""

from __future__ import annotations

import sqlite3
from typing import NamedTuple

from db.store.connection import write_transaction


class SearchIndex(NamedTuple):
    name: str
    what: str  # what it makes searchable, for messages
    columns: tuple[str, ...]
    rows: str  # SELECT id, columns... : exactly the rows its triggers index


INDEXES = (
    SearchIndex(
        "action_fts",
        "refs, titles and descriptions",
        ("ref", "title", "description"),
        "SELECT id, ref, title, description FROM main.action",
    ),
    SearchIndex(
        "commentary_fts",
        "commentary",
        ("commentary",),
        "SELECT id, commentary FROM main.progress_log"
        " WHERE commentary IS NOT NULL AND commentary <> ''",
    ),
)
#: As in schema.sql (which the schema check holds the register to).
_TOKENIZE = "unicode61 remove_diacritics 2"
_SHADOWS = ("data", "idx", "docsize", "config")


def search_index_problems(conn: sqlite3.Connection) -> list[str]:
    """One problem for each index that does not match what it indexes (empty if all do)."""
    problems = []
    for index in INDEXES:
        why = _check(conn, index)
        if why:
            problems.append(
                f"the search index of {index.what} ({index.name}) does not match the register "
                f"({why}): searches may miss actions or find wrong ones. "
                "`actreg verify --repair` rebuilds it"
            )
    return problems


def _check(conn: sqlite3.Connection, index: SearchIndex) -> str | None:
    columns = ", ".join(index.columns)
    conn.execute(f"CREATE TEMP VIEW actreg_check_rows AS {index.rows}")
    try:
        conn.execute(
            f"CREATE VIRTUAL TABLE temp.actreg_check USING fts5({columns}, "
            f"content = 'actreg_check_rows', content_rowid = 'id', tokenize = '{_TOKENIZE}')"
        )
        try:
            for shadow in _SHADOWS:
                conn.execute(f"DELETE FROM temp.actreg_check_{shadow}")
                conn.execute(
                    f"INSERT INTO temp.actreg_check_{shadow}"
                    f" SELECT * FROM main.{index.name}_{shadow}"
                )
            conn.execute(
                "INSERT INTO temp.actreg_check (actreg_check, rank) VALUES ('integrity-check', 1)"
            )
            return None
        except sqlite3.DatabaseError as exc:
            return str(exc)
        finally:
            conn.execute("DROP TABLE temp.actreg_check")
    finally:
        conn.execute("DROP VIEW temp.actreg_check_rows")


def repair_search_indexes(conn: sqlite3.Connection) -> list[str]:
    """Make every search index again from what it indexes, in one transaction; their names."""
    with write_transaction(conn):
        for index in INDEXES:
            columns = ", ".join(index.columns)
            conn.execute(f"INSERT INTO {index.name} ({index.name}) VALUES ('delete-all')")
            conn.execute(
                f"INSERT INTO {index.name} (rowid, {columns})"
                f" SELECT * FROM ({index.rows.replace('main.', '')})"
            )
    return [index.name for index in INDEXES]
