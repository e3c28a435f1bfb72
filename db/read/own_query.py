"""An analyst's own SELECT over the register, which can never change it.

Three guards, each enough alone for the common case and together for the odd
one: the register is opened read-only (``mode=ro``); the statement must start
as a read (SELECT, WITH, VALUES, EXPLAIN or a schema PRAGMA); and an SQLite
authorizer denies every action but reading, so ``WITH ... DELETE``, ``ATTACH``
(which could create a file) or a PRAGMA that sets something is refused before
it runs. sqlite-utils runs the statement and names the columns (duplicates get
``_2``), and lists the tables when a name is wrong.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass

import sqlite_utils
from sqlite_utils.utils import dedupe_keys

from db.errors import InputError

#: How a read may start. (VACUUM INTO writes a file even on a read-only connection.)
_READ_KEYWORDS = frozenset({"SELECT", "WITH", "VALUES", "EXPLAIN", "PRAGMA"})

#: Statements that change something: refused by name before they reach SQLite.
_WRITE_KEYWORDS = frozenset(
    {
        *("INSERT", "UPDATE", "DELETE", "REPLACE", "UPSERT", "CREATE", "DROP", "ALTER"),
        *("ATTACH", "DETACH", "VACUUM", "REINDEX", "ANALYZE"),
        *("BEGIN", "COMMIT", "END", "ROLLBACK", "SAVEPOINT", "RELEASE"),
    }
)

#: PRAGMAs that describe the schema, whatever their argument.
_SCHEMA_PRAGMAS = frozenset(
    {
        "table_info",
        "table_xinfo",
        "table_list",
        "index_list",
        "index_info",
        "index_xinfo",
        "foreign_key_list",
    }
)
#: PRAGMAs that may be read (with no `= value`).
_VALUE_PRAGMAS = frozenset(
    {"user_version", "application_id", "page_count", "page_size", "freelist_count"}
)

_ALLOWED_ACTIONS = frozenset(
    {sqlite3.SQLITE_SELECT, sqlite3.SQLITE_READ, sqlite3.SQLITE_FUNCTION, sqlite3.SQLITE_RECURSIVE}
)

_WRITE_WORDS = {
    sqlite3.SQLITE_INSERT: "INSERT",
    sqlite3.SQLITE_UPDATE: "UPDATE",
    sqlite3.SQLITE_DELETE: "DELETE",
    sqlite3.SQLITE_ATTACH: "ATTACH",
    sqlite3.SQLITE_DETACH: "DETACH",
    sqlite3.SQLITE_TRANSACTION: "a transaction",
    sqlite3.SQLITE_SAVEPOINT: "a savepoint",
    sqlite3.SQLITE_ALTER_TABLE: "ALTER TABLE",
    sqlite3.SQLITE_ANALYZE: "ANALYZE",
    sqlite3.SQLITE_REINDEX: "REINDEX",
}


@dataclass(frozen=True)
class QueryResult:
    """Column names (made unique) and the rows, as SQLite returned them."""

    columns: list[str]
    rows: list[tuple]


def first_keyword(sql: str) -> str:
    """The statement's first word, past any comments: 'SELECT', 'DELETE' ..."""
    text = sql
    while True:
        text = text.lstrip()
        if text.startswith("--"):
            text = text.partition("\n")[2]
        elif text.startswith("/*"):
            text = text.partition("*/")[2]
        else:
            break
    found = re.match(r"[A-Za-z]+", text)
    return found.group(0).upper() if found else ""


def run_query(conn: sqlite3.Connection, sql: str) -> QueryResult:
    """Run one read-only statement; InputError (one line, prefixed 'query:') if it cannot."""
    if not getattr(conn, "readonly", False):
        raise InputError("query: the register must be opened read-only to run a query")
    keyword = first_keyword(sql)
    if not keyword:
        raise InputError('query: give one SQL statement, e.g. "SELECT ref, title FROM action"')
    if keyword in _WRITE_KEYWORDS:
        raise InputError(_refusal(keyword))
    if keyword not in _READ_KEYWORDS:
        raise InputError(
            f"query: {keyword!r} does not start a query: begin with SELECT (or WITH, VALUES, "
            "EXPLAIN, PRAGMA)"
        )
    denied: list[str] = []
    db = sqlite_utils.Database(conn, recursive_triggers=False, execute_plugins=False)
    conn.set_authorizer(lambda *args: _authorize(denied, *args))
    try:
        cursor = db.execute(sql)
        columns = dedupe_keys(d[0] for d in cursor.description or ())
        rows = cursor.fetchall()
    except (sqlite3.DatabaseError, sqlite3.Warning) as exc:
        if denied:
            raise InputError(_refusal(denied[0])) from None
        raise InputError(_sql_error(db, exc)) from None
    finally:
        conn.set_authorizer(None)
    return QueryResult(columns, rows)


def _authorize(denied: list[str], action: int, arg1, arg2, _db, _trigger) -> int:
    if action in _ALLOWED_ACTIONS:
        return sqlite3.SQLITE_OK
    if action == sqlite3.SQLITE_UPDATE and arg1 == "sqlite_master":
        # SQLite asks this of itself when `SELECT ... FROM pragma_table_info(...)`
        # declares its table; the schema cannot be written by a query anyway.
        return sqlite3.SQLITE_OK
    if action == sqlite3.SQLITE_PRAGMA:
        name = (arg1 or "").lower()
        if name in _SCHEMA_PRAGMAS or (name in _VALUE_PRAGMAS and arg2 is None):
            return sqlite3.SQLITE_OK
        denied.append(f"PRAGMA {name}" + (" = …" if arg2 is not None else ""))
        return sqlite3.SQLITE_DENY
    denied.append(_WRITE_WORDS.get(action, "a statement that changes the file (CREATE, DROP ...)"))
    return sqlite3.SQLITE_DENY


def _refusal(what: str) -> str:
    return (
        f"query: {what} is not allowed: a query only reads the register. Changes go "
        "through actreg's commands (add, update, edit, ...), which keep the log."
    )


def _sql_error(db: sqlite_utils.Database, exc: Exception) -> str:
    message = " ".join(str(exc).split())
    if message == "not authorized":  # e.g. load_extension, which is off
        return "query: SQLite refused this statement (not authorized): a query only reads"
    if "one statement at a time" in message:
        return "query: one statement at a time: remove what follows the first ';'"
    if message.startswith("no such table"):
        tables = [t for t in db.table_names() if not _internal(t)] + db.view_names()
        return f"query: {message} (the tables are {', '.join(sorted(tables))})"
    return f"query: {message}"


def _internal(table: str) -> bool:
    """The full-text indexes' own tables: not something to query."""
    return "_fts" in table or table.startswith("sqlite_")
