"""Is the register's schema the one actreg gives it? Tables, indexes and triggers compared.

The append-only rules live in triggers: dropping them, or recreating one with
``WHEN 0`` so it never fires, leaves a register that still verifies entry by
entry but no longer protects anything. So `verify` compares the register's
``sqlite_master`` with what ``schema.sql`` makes in an empty database: every
table, index, view and trigger by name, and its SQL (comments and layout aside).
"""

from __future__ import annotations

import functools
import re
import sqlite3

from db.store.migrations import schema_sql

Schema = dict[tuple[str, str], str]  # (type, name) -> normalised SQL


def normalise(sql: str | None) -> str:
    """SQL without comments, with one space for any layout, and none around ( ) , ;"""
    if sql is None:  # SQLite's own automatic indexes
        return ""
    sql = re.sub(r"--[^\n]*", " ", sql)
    sql = re.sub(r"\s+", " ", sql)
    return re.sub(r"\s*([(),;])\s*", r"\1", sql).strip()


def schema_of(conn: sqlite3.Connection) -> Schema:
    """The schema objects of `conn` (SQLite's internal ones left out)."""
    return {
        (kind, name): normalise(sql)
        for kind, name, sql in conn.execute("SELECT type, name, sql FROM sqlite_master")
        if not name.startswith("sqlite_")
    }


@functools.cache
def expected_schema() -> Schema:
    """What schema.sql makes (in memory: a reference, not a register)."""
    reference = sqlite3.connect(":memory:")
    try:
        reference.executescript(schema_sql())
        return schema_of(reference)
    finally:
        reference.close()


def schema_problems(conn: sqlite3.Connection) -> list[str]:
    """Every difference between the register's schema and schema.sql's, in words."""
    have, want = schema_of(conn), expected_schema()
    problems = []
    for kind, name in sorted(want.keys() - have.keys()):
        problems.append(f"the {kind} {name} is missing from the register (dropped outside actreg)")
    for kind, name in sorted(have.keys() - want.keys()):
        problems.append(f"the register has a {kind} {name} that actreg never made")
    for key in sorted(have.keys() & want.keys()):
        if have[key] != want[key]:
            kind, name = key
            problems.append(
                f"the {kind} {name} is not as actreg made it (changed outside actreg): "
                f"it is now {have[key][:160]!r}"
            )
    if problems:
        return [
            "the register's schema differs from actreg's, so its protections may be gone: "
            + "; ".join(problems)
        ]
    return []
