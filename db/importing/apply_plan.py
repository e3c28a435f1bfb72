"""Applying an import plan: every row's entries, in one transaction.

The plan decides, inside the transaction, what each row creates or changes
against the register as it then stands (db.importing.changes); the entries are
built through the same fold as every other write (db.store.projection) and
inserted in bulk rather than one by one.
"""

from __future__ import annotations

import json
import sqlite3
from operator import attrgetter

from db.errors import InputError
from db.importing.changes import ActionOps, plan_operations
from db.importing.plan import ImportPlan
from db.store import log
from db.store.clock import Clock, utc_now
from db.store.connection import write_transaction
from db.store.projection import (
    ACTION_COLUMNS,
    CREATED_FIELDS,
    Row,
    apply_entry,
    encode,
    ref_key,
)
from db.store.register import Effective, EntryWriter, clean_author, remember_source, save_row

_entry_values = attrgetter(*log.COLUMNS)


def apply_import(
    conn: sqlite3.Connection,
    plan: ImportPlan,
    *,
    author: str,
    clock: Clock = utc_now,
    as_of: Effective = None,
) -> list[ActionOps]:
    """Apply an import plan as one transaction: all or nothing.

    The plan decides, inside the transaction, what each row creates or changes
    against the register as it then stands; the entries are built through the
    same fold as every other write and inserted in bulk. Returns the operations.

    `as_of` imports a past edition of the table: every entry is effective that
    day. Editions go in oldest first: one older than what the register already
    holds for any action in it is refused, naming those actions.
    """
    author = clean_author(author)
    (cache_size,) = conn.execute("PRAGMA cache_size").fetchone()
    conn.execute("PRAGMA cache_size = -65536")  # 64 MB: a big import's index pages stay in memory
    try:
        return _apply_import(conn, plan, author, clock, as_of)
    finally:
        conn.execute(f"PRAGMA cache_size = {int(cache_size)}")


#: How many actions an out-of-order edition's refusal names before "and N more".
_NAMED_AT_MOST = 10


def check_edition(operations: list[ActionOps], day: str) -> None:
    """Refuse an edition as of `day` if the register holds later entries for its actions."""
    later = [
        op.existing
        for op in operations
        if op.existing is not None and str(op.existing["last_update_at"])[:10] > day
    ]
    if not later:
        return
    later.sort(key=lambda row: ref_key(str(row["ref"])))
    named = ", ".join(
        f"{row['ref']} (effective {str(row['last_update_at'])[:10]})"
        for row in later[:_NAMED_AT_MOST]
    )
    more = len(later) - _NAMED_AT_MOST
    raise InputError(
        f"as of: this edition (as of {day}) is older than what the register already holds "
        f"for {len(later)} action{'s' * (len(later) != 1)}: {named}"
        + (f" and {more} more" if more > 0 else "")
        + ". Import editions oldest first; nothing was imported."
    )


def _apply_import(
    conn: sqlite3.Connection, plan: ImportPlan, author: str, clock: Clock, as_of: Effective
) -> list[ActionOps]:
    with write_transaction(conn):
        operations = plan_operations(conn, plan)
        w = EntryWriter(conn, author, clock, as_of)
        if w.backdated:
            check_edition(operations, w.effective_date)
        next_id = conn.execute("SELECT coalesce(max(id), 0) + 1 FROM action").fetchone()[0]
        entries: list[tuple] = []
        created: list[Row] = []
        changed: list[tuple[Row, Row]] = []

        def append(row: Row | None, action_id: int, kind: str, **values) -> Row:
            entry = w.make(action_id, kind, **values)
            entries.append(_entry_values(entry))
            return apply_entry(row, entry)

        for op in operations:
            if op.existing is None:
                # A ref not in the register: plan_operations gave it the values to create.
                assert op.created is not None
                before, action_id = None, next_id
                next_id += 1
                values = {k: op.created[k] for k in CREATED_FIELDS}
                row = append(
                    None,
                    action_id,
                    "created",
                    commentary=op.commentary,
                    new_value=json.dumps(values, ensure_ascii=False, sort_keys=True),
                )
            else:
                before = row = op.existing
                action_id = row["id"]
            for kind, name, new, commentary in op.changes:
                old = encode(row[name]) if name else None
                row = append(
                    row,
                    action_id,
                    kind,
                    field=name,
                    old_value=old,
                    new_value=new,
                    commentary=commentary,
                )
            if before is None:
                created.append(row)
            elif row is not before:
                changed.append((before, row))
        sources = {op.created["source"] for op in operations if op.created and op.created["source"]}
        sources |= {
            new for op in operations for _, name, new, _ in op.changes if name == "source" and new
        }
        for source in sorted(sources):
            remember_source(conn, source)
        marks = ", ".join("?" * len(log.COLUMNS))
        conn.executemany(
            f"INSERT INTO progress_log ({log.SELECT_COLUMNS}) VALUES ({marks})", entries
        )
        columns = ", ".join(ACTION_COLUMNS)
        conn.executemany(
            f"INSERT INTO action ({columns}) VALUES ({', '.join('?' * len(ACTION_COLUMNS))})",
            [[row[c] for c in ACTION_COLUMNS] for row in created],
        )
        for before, row in changed:
            save_row(conn, before, row)
    return operations
