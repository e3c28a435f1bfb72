"""Proving the register is what it claims: the hash chain, the replay, backups.

``verify`` recomputes every entry's hash from its content and its
predecessor's hash, replays the whole log through the same fold the writes
use, and compares the result with the ``action`` table field by field. An
edit anywhere (a log entry, or the projection behind the log's back) is
named; the head hash it prints lets a committee paper be checked later
(``--expect``), even if the whole file were rewritten.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from db import log
from db.errors import ActregError, WriteFailed
from db.projection import ACTION_COLUMNS, Replayer

Progress = Callable[[int, int], None]


@dataclass
class VerifyReport:
    entries: int = 0
    actions: int = 0
    snapshots: int = 0
    head_hash: str = log.GENESIS_HASH
    quick_check: str = "ok"
    problems: list[str] = field(default_factory=list)
    expected_found: bool | None = None  # None: no --expect given

    @property
    def ok(self) -> bool:
        return not self.problems and self.expected_found is not False


def verify(
    conn: sqlite3.Connection, *, expect: str | None = None, progress: Progress | None = None
) -> VerifyReport:
    """Check the file, the chain and the projection; never raises for a damaged register."""
    report = VerifyReport()
    try:
        _verify(conn, report, expect, progress)
    except sqlite3.DatabaseError as exc:
        report.problems.append(f"the file is damaged: SQLite says {exc!s}")
    except UnicodeDecodeError:
        report.problems.append("the file is damaged: its schema or an error about it is garbled")
    except (TypeError, ValueError) as exc:
        # A value of the wrong type (bytes where text belongs, a garbled date) can
        # only come from damage or an edit outside actreg: report it, never crash.
        report.problems.append(
            f"the register holds a value of the wrong type ({exc}): "
            "it was damaged or changed outside actreg"
        )
    return report


def _verify(conn, report: VerifyReport, expect: str | None, progress: Progress | None) -> None:
    expect = expect.strip().lower() if expect else None
    # One read transaction: the log, the table and the snapshots as of one moment,
    # even while another actreg writes.
    conn.execute("BEGIN")
    try:
        _verify_consistent(conn, report, expect, progress)
    finally:
        if conn.in_transaction:
            conn.execute("COMMIT")


def _verify_consistent(conn, report: VerifyReport, expect, progress) -> None:
    head_id = conn.execute("SELECT coalesce(max(id), 0) FROM progress_log").fetchone()[0]
    result = [r[0] for r in conn.execute("PRAGMA quick_check").fetchall()]
    report.quick_check = "ok" if result == ["ok"] else "; ".join(result[:5])
    if report.quick_check != "ok":
        report.problems.append(f"SQLite's quick_check found damage: {report.quick_check}")
    chain = ChainCheck(expect)
    replayer = Replayer()
    for entry in log.entries(conn, up_to=head_id):
        report.entries += 1
        if progress and report.entries % 20_000 == 0:
            progress(report.entries, head_id)
        chain.feed(entry)
        try:
            replayer.apply(entry)
        except (ValueError, KeyError, TypeError) as exc:
            report.problems.append(f"entry #{entry.id} ({entry.uuid}) cannot be replayed: {exc}")
            return
    report.head_hash = chain.head_hash
    if chain.problem:
        report.problems.insert(0, chain.problem)
    if expect is not None:
        report.expected_found = chain.expected_found
    if progress:
        progress(report.entries, head_id)
    _compare_projection(conn, replayer.actions, report)
    from db.snapshots import check_snapshots, list_snapshots

    report.snapshots = len(list_snapshots(conn))
    report.problems += check_snapshots(conn)


class ChainCheck:
    """Walks the chain entry by entry: ids contiguous, each follows the last, hashes true."""

    def __init__(self, expect: str | None) -> None:
        self.expect = expect
        self.expected_found = False
        self.prev_id, self.head_hash = 0, log.GENESIS_HASH
        self.problem: str | None = None

    def feed(self, entry: log.LogEntry) -> None:
        if entry.hash == self.expect:
            self.expected_found = True
        if self.problem is None:
            try:
                self.problem = _chain_problem(entry, self.prev_id, self.head_hash)
            except TypeError:  # bytes or numbers where text belongs: cannot even be hashed
                self.problem = _type_problem(entry)
        self.prev_id, self.head_hash = entry.id, entry.hash


def _type_problem(entry: log.LogEntry) -> str:
    return f"entry #{entry.id} holds a value of the wrong type: it was damaged or altered"


def _chain_problem(entry: log.LogEntry, prev_id: int, prev_hash: str) -> str | None:
    where = f"entry #{entry.id} ({entry.uuid}, {entry.kind}, recorded {entry.recorded_at})"
    if entry.id != prev_id + 1:
        return f"{where}: entries #{prev_id + 1}–#{entry.id - 1} are missing from the log"
    if entry.prev_hash != prev_hash:
        return f"{where}: it does not follow entry #{prev_id} (the chain is broken here)"
    if log.expected_hash(entry) != entry.hash:
        return f"{where}: its content does not match its hash: it was changed after it was written"
    return None


def _id_order(action_id) -> tuple:
    # Ids come from the file: a damaged one may be None or text, and must not crash the sort.
    return (0, action_id, "") if isinstance(action_id, int) else (1, 0, str(action_id))


def _compare_projection(conn, replayed: dict[int, dict], report: VerifyReport) -> None:
    stored = {
        row[0]: dict(zip(ACTION_COLUMNS, row, strict=True))
        for row in conn.execute(f"SELECT {', '.join(ACTION_COLUMNS)} FROM action")
    }
    report.actions = len(stored)
    mismatches = []
    for action_id in sorted(set(stored) | set(replayed), key=_id_order):
        have, want = stored.get(action_id), replayed.get(action_id)
        if have is None:
            mismatches.append(f"action {want['ref']} is in the log but missing from the table")
        elif want is None:
            mismatches.append(f"action {have['ref']} is in the table but has no log history")
        else:
            for column in ACTION_COLUMNS:
                if have[column] != want[column]:
                    mismatches.append(
                        f"action {want['ref']}: {column} is {have[column]!r} in the table but "
                        f"the log says {want[column]!r}"
                    )
    counted = conn.execute("SELECT n FROM action_count").fetchone()
    if counted is None or counted[0] != len(stored):
        kept = "missing" if counted is None else counted[0]
        mismatches.append(f"the kept count of actions is {kept} but the table holds {len(stored)}")
    if mismatches:
        shown = mismatches[:10]
        more = len(mismatches) - len(shown)
        report.problems.append(
            "the action table does not match the log: "
            + "; ".join(shown)
            + (f"; and {more} more" if more else "")
        )


def backup_to(conn: sqlite3.Connection, destination: str | Path) -> Path:
    """Copy the register with SQLite's backup API: consistent even while others write."""
    destination = Path(destination)
    try:
        exists = destination.exists() or destination.is_symlink()
    except OSError as exc:  # a name too long, an unreadable folder
        raise ActregError(f"cannot write the backup {destination}: {exc.strerror}.") from None
    if exists:
        raise ActregError(f"{destination} already exists: choose a new file for the backup.")
    temp = destination.with_name(f".actreg-backup.{os.getpid()}.partial")
    try:
        target = sqlite3.connect(temp)
        try:
            conn.backup(target)
            target.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
        finally:
            target.close()
        os.link(temp, destination)
    except OSError as exc:
        raise ActregError(f"cannot write the backup {destination}: {exc.strerror}.") from None
    except sqlite3.Error as exc:
        raise WriteFailed(
            f"the backup to {destination} failed ({exc}); no backup was made."
        ) from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()
    return destination
