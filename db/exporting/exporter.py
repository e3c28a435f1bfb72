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
import os
import re
import sqlite3
import tempfile
from collections.abc import Callable
from pathlib import Path

from db.cycles import diffs, snapshots
from db.errors import ActregError, InputError
from db.exporting import extensions, summary
from db.exporting.filters import Filters
from db.exporting.format_names import FORMATS, PARTS
from db.exporting.formats import WRITERS
from db.exporting.latest_update import use_progress_notes
from db.exporting.layouts import WriteOptions, get_layout
from db.exporting.table import ExportTable
from db.store.connection import setting


def build_table(conn: sqlite3.Connection, meeting_date: str, committee: str | None = None,
                filters: Filters | None = None) -> ExportTable:  # fmt: skip
    """The pack of a meeting's current snapshot: its rows (those `filters` keep), the
    changes since the snapshot before, and the summary tables."""
    filters = filters or Filters()
    snap = snapshots.meeting_snapshot(conn, meeting_date, committee)
    everything = snapshots.snapshot_rows(conn, snap["id"])
    rows = filters.scope(everything)
    use_progress_notes(conn, rows, snap["log_head_id"])
    earlier = [s for s in snapshots.list_snapshots(conn)
               if not s["superseded"] and s["cut_off"] < snap["cut_off"]]  # fmt: skip
    diff = compared = previous = previous_rows = None
    if earlier:
        previous = max(earlier, key=lambda s: s["cut_off"])
        previous_rows = snapshots.snapshot_rows(conn, previous["id"])
        diff = diffs.compare(
            previous_rows, rows,
            from_label=f"{previous['committee']} {previous['meeting_date']}",
            to_label=f"{snap['committee']} {snap['meeting_date']}",
            from_cut_off=previous["cut_off"], to_cut_off=snap["cut_off"],
        )  # fmt: skip
        diffs.add_reasons(conn, diff, snap["log_head_id"])
        compared = f"snapshot #{previous['id']} ({previous['meeting_date']} meeting)"
    requested = extensions.round_requests(conn, rows, snap["meeting_date"], snap["committee"],
                                          snap["cut_off"])  # fmt: skip
    if requested is None:
        requested = extensions.moved_targets(conn, rows, previous_rows, snap["log_head_id"])
        from_round = False
    else:
        from_round = True
    tables = summary.build(rows, previous_rows, snap["cut_off"],
                           previous["cut_off"] if previous else None, requested,
                           from_round=from_round)  # fmt: skip
    return ExportTable(
        register_name=setting(conn, "name", "") or "",
        organisation=setting(conn, "organisation", "") or "",
        committee=snap["committee"], meeting_date=snap["meeting_date"],
        paper_deadline=snap["paper_deadline"], cut_off=snap["cut_off"],
        snapshot_id=snap["id"], rows_hash=snap["rows_hash"],
        log_head_hash=snap["log_head_hash"], taken_at=snap["taken_at"],
        taken_by=snap["taken_by"], rows=filters.appendix(rows, diff),
        changes=diff.summaries() if diff else {}, diff=diff, compared_with=compared,
        summaries=tables, rows_note=filters.describe(),
    )  # fmt: skip


def default_filename(table: ExportTable, fmt: str, part: str = "appendix") -> str:
    """e.g. 'governance-and-audit-committee-2026-12-15.csv', or '...-2026-12-15-overdue.csv'
    for a CSV of one summary table."""
    slug = re.sub(r"[^a-z0-9]+", "-", table.committee.lower()).strip("-") or "committee"
    tail = "" if part == "appendix" or fmt != "csv" else f"-{part}"
    return f"{slug}-{table.meeting_date}{tail}.{fmt}"


def write_atomic(path: Path, write: Callable[[Path], None]) -> Path:
    """Call write(temp) for a temp file beside `path`, then rename it into place."""
    path = Path(path)
    try:
        if path.is_dir():
            raise InputError(f"output: {path} is a folder; give a file name")
        if not path.parent.is_dir():
            raise InputError(f"output: the folder {path.parent} does not exist")
        handle, name = tempfile.mkstemp(prefix=".actreg-", suffix=".partial", dir=path.parent)
    except OSError as exc:  # a name too long, a folder we may not write in
        raise InputError(f"output: cannot write {path}: {exc.strerror or exc}") from None
    os.close(handle)
    temp = Path(name)
    try:
        # mkstemp makes the file private (0600); the export is for colleagues on a
        # shared drive, so it gets the mode any new file of the user's would.
        os.chmod(temp, 0o666 & ~_umask())
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


def _umask() -> int:
    """The process's umask, read without changing it where the system allows."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)  # elsewhere the only way to read it is to set it, then put it back
    os.umask(mask)
    return mask


def export(table: ExportTable, fmt: str, path: Path, *, layout: str | None = None,
           part: str = "appendix") -> Path:  # fmt: skip
    """Write `table` as `fmt` to `path`, atomically, in `layout` (the format's default if
    None); a CSV holds one table, `part`: the appendix or one of the summary tables."""
    if fmt not in WRITERS:
        raise InputError(f"format: {fmt!r} is not one of: {', '.join(FORMATS)}")
    if part not in PARTS:
        raise InputError(f"table: {part!r} is not one of: {', '.join(PARTS)}")
    if part != "appendix" and fmt != "csv":
        raise InputError(f"table: --table is for CSV, one table a file; {fmt.upper()} holds "
                         "the appendix and every summary table")  # fmt: skip
    options = WriteOptions(get_layout(layout, fmt), part)
    return write_atomic(path, lambda temp: WRITERS[fmt](table, temp, options))
