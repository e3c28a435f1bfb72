"""`actreg query "SELECT ..."`: an analyst's own report, read-only (db.read.own_query)."""

from __future__ import annotations

import argparse

from db.plural import plural
from db.store.connection import open_register
from tui.cli.session import register_path
from tui.text import output


def query(args: argparse.Namespace) -> int:
    # sqlite-utils is imported only here: the other verbs never pay for it.
    from db.read.own_query import run_query

    # Read-only on request: nothing to tell the user, so no notice is printed.
    conn = open_register(register_path(args), readonly=True)
    try:
        result = run_query(conn, args.sql)
    finally:
        conn.close()
    if args.format == "json":
        output.write_json([dict(zip(result.columns, row, strict=True)) for row in result.rows])
    elif args.format == "csv":
        output.write_csv_rows(result.columns, result.rows)
    else:
        if result.columns:
            print(output.query_table(result.columns, result.rows))
        print(f"\n{plural(len(result.rows), 'row')}.")
    return 0


def add_parsers(verb) -> None:
    p = verb(
        "query",
        query,
        "run your own read-only SQL SELECT over the register (tables: action, progress_log, ...)",
    )
    p.add_argument("sql", metavar="SQL", help='one SELECT statement, e.g. "SELECT ref FROM action"')
    p.add_argument("--format", choices=("table", "csv", "json"), default="table")
