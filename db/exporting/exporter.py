"""Committee exports: a snapshot as CSV, Markdown, HTML, XLSX or DOCX.

:func:`build_table` gathers what every format shows (the frozen rows, the
"change since last meeting" per action, and the provenance: register,
committee, meeting, cut-off, snapshot id and hashes). The writers in
this package are pure functions of that table. :func:`write_atomic`
writes to a temporary file beside the target and renames it, so a failed
export never leaves a partial file behind.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import re
import sqlite3
import stat
from collections.abc import Callable
from itertools import islice
from operator import itemgetter
from pathlib import Path

from db.cycles import diffs, snapshots
from db.errors import ActregError, InputError, OutputExists
from db.exporting import extensions, summary
from db.exporting.appendix_rows import AppendixRows
from db.exporting.filters import Filters
from db.exporting.format_names import FORMATS, PARTS
from db.exporting.formats import WRITERS
from db.exporting.latest_update import progress_notes
from db.exporting.layouts import WriteOptions, get_layout
from db.exporting.table import ExportTable
from db.exporting.writable_text import snapshot_needs_replacing, writable
from db.store.connection import setting
from db.store.temp_files import create_temp, remove_dead


def build_table(conn: sqlite3.Connection, meeting_date: str, committee: str | None = None,
                filters: Filters | None = None) -> ExportTable:  # fmt: skip
    """The pack of a meeting's current snapshot: its rows (those `filters` keep), the
    changes since the snapshot before, and the summary tables.

    The rows are read once, a batch at a time: each is compared with the earlier
    snapshot's row of the same action as it comes, and only what the summary tables read
    of it is kept (summary.ROW_FIELDS). The table's rows read the snapshot again when a
    writer goes through them (appendix_rows)."""
    filters = filters or Filters()
    snap = writable(snapshots.meeting_snapshot(conn, meeting_date, committee))
    head = snap["log_head_id"]
    earlier = [s for s in snapshots.list_snapshots(conn)
               if not s["superseded"] and s["cut_off"] < snap["cut_off"]]  # fmt: skip
    previous = max(earlier, key=lambda s: s["cut_off"]) if earlier else None
    before = _Earlier(conn, previous["id"]) if previous else None
    replace = snapshot_needs_replacing(conn, snap["id"])
    current = snapshots.each_snapshot_row(conn, snap["id"])
    scoped = filters.scope(map(writable, current) if replace else current)
    rows: list[dict] = []  # the scoped rows, as much of each as the summary tables read
    changes: list[diffs.Change] = []
    notes: dict[int, tuple[str | None, str | None]] = {}
    shared: dict[object, object] = {}  # one object for each repeated value (see _REPEATED)
    while batch := list(islice(scoped, _BATCH)):
        notes.update(progress_notes(conn, batch, head))
        for row in batch:
            if before is not None:
                changes += diffs.row_changes(before.row_like(row), row)
            kept = {key: row.get(key) for key in summary.ROW_FIELDS}
            for key in _REPEATED:
                kept[key] = shared.setdefault(kept[key], kept[key])
            rows.append(kept)
    diff = compared = previous_rows = None
    if previous is not None and before is not None:
        previous_rows = before.rows
        diff = diffs.collect(
            changes, from_label=f"{previous['committee']} {previous['meeting_date']}",
            to_label=f"{snap['committee']} {snap['meeting_date']}",
            from_cut_off=previous["cut_off"], to_cut_off=snap["cut_off"],
        )  # fmt: skip
        shown = {row["id"] for row in rows}
        diff.changes += [c for c in diffs.late_changes(conn, previous, head)
                         if c.action_id in shown]  # fmt: skip
        diffs.add_reasons(conn, diff, head)
        for change in diff.changes:  # (the reasons come from the log)
            change.detail = writable(change.detail)
        compared = f"snapshot #{previous['id']} ({previous['meeting_date']} meeting)"
    requested = extensions.round_requests(conn, rows, snap["meeting_date"], snap["committee"],
                                          snap["cut_off"])  # fmt: skip
    if requested is None:
        requested = extensions.moved_targets(conn, rows, previous_rows, head)
        from_round = False
    else:
        from_round = True
    tables = summary.build(rows, previous_rows, snap["cut_off"],
                           previous["cut_off"] if previous else None, requested,
                           from_round=from_round)  # fmt: skip
    listed = filters.appendix(rows, diff)
    appendix = AppendixRows(
        _register_path(conn), snap["id"], len(listed), replace=replace, notes=notes,
        listed=None if filters == Filters() else frozenset(row["id"] for row in listed),
    )  # fmt: skip
    return ExportTable(
        register_name=writable(setting(conn, "name", "") or ""),
        organisation=writable(setting(conn, "organisation", "") or ""),
        committee=snap["committee"], meeting_date=snap["meeting_date"],
        paper_deadline=snap["paper_deadline"], cut_off=snap["cut_off"],
        snapshot_id=snap["id"], rows_hash=snap["rows_hash"],
        log_head_hash=snap["log_head_hash"], taken_at=snap["taken_at"],
        taken_by=snap["taken_by"], rows=appendix,
        changes=diff.summaries() if diff else {}, diff=diff, compared_with=compared,
        summaries=tables, rows_note=filters.describe(),
        listed_overdue=sum(1 for row in listed if row["overdue"]),
        reconstructed_on=snapshots.reconstructed_on(conn, snap),
    )  # fmt: skip


def _register_path(conn: sqlite3.Connection) -> Path:
    """The file `conn` reads (the main database's)."""
    return Path(next(row[2] for row in conn.execute("PRAGMA database_list") if row[1] == "main"))


#: The kept fields whose values repeat from row to row (each row's own copy of "in_progress"
#: or an owner's name, from the JSON, cost 40 MB at 100,000 rows).
_REPEATED = ("owner", "directorate", "source", "priority", "status", "rag", "target_date",
             "original_target_date", "completed_date")  # fmt: skip
#: Rows read (and looked up in the log for their progress notes) at a time.
_BATCH = 5_000


class _Earlier:
    """The earlier snapshot, as little of it as the comparison needs: of each row, its
    place and a digest of the fields diffs compares, and (for the summary tables and the
    moved targets) its id, status, RAG and target date. A row whose digest differs from
    the current row's is read again whole to say what changed. Two whole snapshots of
    100,000 rows were most of an export's peak memory (bench/README.md)."""

    def __init__(self, conn: sqlite3.Connection, snapshot_id: int) -> None:
        self.conn, self.snapshot_id = conn, snapshot_id
        self.replace = snapshot_needs_replacing(conn, snapshot_id)
        self.places: dict[int, tuple[int, bytes]] = {}
        self.rows: list[dict] = []
        shared: dict[object, object] = {}  # one object for each repeated value
        for position, row in snapshots.each_placed_row(conn, snapshot_id):
            row = writable(row) if self.replace else row
            self.places[row["id"]] = (position, _digest(row))
            kept = {key: row.get(key) for key in ("id", "status", "rag", "target_date")}
            for key in ("status", "rag", "target_date"):
                kept[key] = shared.setdefault(kept[key], kept[key])
            self.rows.append(kept)

    def row_like(self, row: dict) -> dict | None:
        """The earlier row of `row`'s action, as far as diffs.row_changes reads it (None:
        the action is new): `row` itself when none of the compared fields changed."""
        place = self.places.get(row["id"])
        if place is None:
            return None
        position, digest = place
        if digest == _digest(row):
            return row
        old = snapshots.snapshot_row_at(self.conn, self.snapshot_id, position)
        old = writable(old) if self.replace else old
        return {key: old.get(key) for key in diffs.COMPARED_FIELDS}


#: The compared fields of a row, in order (a KeyError for a row from before one existed).
_COMPARED = itemgetter(*diffs.COMPARED_FIELDS)


def _digest(row: dict) -> bytes:
    """A digest of the fields diffs compares. Equal digests mean equal values (pickle's
    bytes give back the values they were made from), so a row whose digest matches is
    unchanged; rows whose digests differ are compared field by field."""
    try:
        values = _COMPARED(row)
    except KeyError:
        values = tuple(row.get(key) for key in diffs.COMPARED_FIELDS)
    return hashlib.blake2b(pickle.dumps(values, 5), digest_size=16).digest()


def default_filename(table: ExportTable, fmt: str, part: str = "appendix") -> str:
    """e.g. 'governance-and-audit-committee-2026-12-15.csv', or '...-2026-12-15-overdue.csv'
    for a CSV of one summary table."""
    slug = re.sub(r"[^a-z0-9]+", "-", table.committee.lower()).strip("-") or "committee"
    tail = "" if part == "appendix" or fmt != "csv" else f"-{part}"
    return f"{slug}-{table.meeting_date}{tail}.{fmt}"


def write_atomic(path: Path, write: Callable[[Path], None], *, force: bool = False) -> Path:
    """Call write(temp) for a temp file beside `path`, then rename it into place.

    An existing file is replaced only with `force`; an SQLite database (a register,
    its -wal), a device, a pipe or a folder never is.
    """
    path = Path(path)
    try:
        _check_output(path, force=force)
        if not path.parent.is_dir():
            raise InputError(f"output: the folder {path.parent} does not exist")
        remove_dead(path.parent)  # exports and backups a kill left half-written here
        temp = create_temp(path, "export")
    except OSError as exc:  # a name too long, a folder we may not write in
        raise InputError(f"output: cannot write {path}: {exc.strerror or exc}") from None
    try:
        write(temp)
        with open(temp, "rb") as done:  # on disk before the rename makes it visible
            os.fsync(done.fileno())
        os.replace(temp, path)
    except OSError as exc:
        raise ActregError(
            f"cannot write {path}: {exc.strerror or exc}. No file was written."
        ) from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()
    return path


#: The first bytes of an SQLite database and of its write-ahead log.
_SQLITE_MAGICS = (b"SQLite format 3\x00", b"\x37\x7f\x06\x82", b"\x37\x7f\x06\x83")
_SQLITE_SIDE_FILES = ("-wal", "-shm", "-journal")


def _check_output(path: Path, *, force: bool) -> None:
    """Refuse to write over what must never be replaced, and over anything without `force`."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return
    if stat.S_ISDIR(mode):
        raise InputError(f"output: {path} is a folder; give a file name")
    if not stat.S_ISREG(mode):
        raise InputError(
            f"output: {path} is not a regular file (a device, pipe or socket): "
            "give the name of a file"
        )
    with open(path, "rb") as handle:
        start = handle.read(16)
    side_file = (
        path.name.endswith(_SQLITE_SIDE_FILES)
        and path.with_name(path.name.rsplit("-", 1)[0]).exists()
    )
    if start.startswith(_SQLITE_MAGICS) or side_file:
        raise InputError(
            f"output: {path} is an SQLite database (a register?) or part of one: "
            "actreg never writes an export over it. Give another file name."
        )
    if not force:
        raise OutputExists(
            f"output: {path} already exists: give a new file name, or --force to replace it"
        )


def export(table: ExportTable, fmt: str, path: Path, *, layout: str | None = None,
           part: str = "appendix", force: bool = False) -> Path:  # fmt: skip
    """Write `table` as `fmt` to `path`, atomically, in `layout` (the format's default if
    None); a CSV holds one table, `part`: the appendix or one of the summary tables. A
    file already at `path` is replaced only with `force`."""
    if fmt not in WRITERS:
        raise InputError(f"format: {fmt!r} is not one of: {', '.join(FORMATS)}")
    if part not in PARTS:
        raise InputError(f"table: {part!r} is not one of: {', '.join(PARTS)}")
    if part != "appendix" and fmt != "csv":
        raise InputError(f"table: --table is for CSV, one table a file; {fmt.upper()} holds "
                         "the appendix and every summary table")  # fmt: skip
    options = WriteOptions(get_layout(layout, fmt), part)
    return write_atomic(path, lambda temp: WRITERS[fmt](table, temp, options), force=force)
