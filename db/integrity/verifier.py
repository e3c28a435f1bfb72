"""Proving the register is what it claims: the hash chain, the replay, backups.

``verify`` recomputes every entry's hash from its content and its
predecessor's hash, replays the whole log through the same fold the writes
use, and compares the result with the ``action`` table field by field. An
edit anywhere (a log entry, or the projection behind the log's back) is
named; the head hash it prints lets a committee paper be checked later
(``--expect``), even if the whole file were rewritten.

Everything is checked in one process and one pass over the log: each entry is
read once, its hash checked and folded into its action (what verify must at
least pay is reading and hashing every entry; the fold is the rest).
"""

from __future__ import annotations

import operator
import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from db.cycles.snapshots import list_snapshots
from db.integrity.register_rows import check_register_rows
from db.integrity.schema_check import schema_problems
from db.integrity.search_index import search_index_problems
from db.integrity.snapshot_pass import SnapshotPass
from db.integrity.time_order import TimeOrder
from db.store import log
from db.store.log import END_OF_DAY
from db.store.projection import ACTION_COLUMNS, Replayer

Progress = Callable[[int, int], None]
PROGRESS_EVERY = 20_000  # entries between progress reports


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
        times = _verify(conn, report, expect, progress)
        # What the chain cannot see: the schema (the append-only triggers), the search
        # indexes, backdated times (met on the chain's one pass over the log).
        report.problems += schema_problems(conn)
        report.problems += search_index_problems(conn)
        if times.error is not None:
            raise times.error
        report.problems += times.problems()
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


def _verify(conn, report: VerifyReport, expect: str | None, progress: Progress | None) -> TimeOrder:
    expect = expect.strip().lower() if expect else None
    # One read transaction: the log, the table and the snapshots as of one moment,
    # even while another actreg writes.
    conn.execute("BEGIN")
    try:
        return _verify_consistent(conn, report, expect, progress)
    finally:
        if conn.in_transaction:
            conn.execute("COMMIT")


def _verify_consistent(conn, report: VerifyReport, expect, progress) -> TimeOrder:
    head_id = conn.execute("SELECT coalesce(max(id), 0) FROM progress_log").fetchone()[0]
    # Every snapshot is checked on the same pass: its rows are states the replay meets.
    snapshots = list_snapshots(conn)
    walk = LogPass(expect, SnapshotPass(snapshots))
    walk.feed(log.entries(conn, up_to=head_id), head_id, progress)
    report.entries = walk.entries
    report.head_hash = walk.head_hash
    if walk.problem:
        report.problems.append(walk.problem)
    if expect is not None:
        report.expected_found = walk.expected_found
    times = walk.times
    if walk.stuck is not None:  # the table cannot be compared with a replay that stopped
        report.problems.append(walk.stuck)
        return times
    if progress:
        progress(head_id, head_id)
    walk.snapshots.finish(walk.replayer.actions.values())
    snapshot_check = walk.snapshots
    report.actions, mismatches = _compare_projection(conn, walk.replayer.actions)
    del walk  # (the replayed rows are compared: their memory goes before the next checks)
    counted = conn.execute("SELECT n FROM action_count").fetchone()
    if counted is None or counted[0] != report.actions:
        kept = "missing" if counted is None else counted[0]
        mismatches.append(
            f"the kept count of actions is {kept} but the table holds {report.actions}"
        )
    if mismatches:
        shown = mismatches[:10]
        more = len(mismatches) - len(shown)
        report.problems.append(
            "the action table does not match the log: "
            + "; ".join(shown)
            + (f"; and {more} more" if more else "")
        )
    report.quick_check = _quick_check(conn)
    if report.quick_check != "ok":
        report.problems.append(f"SQLite's quick_check found damage: {report.quick_check}")
    report.snapshots = len(snapshots)
    report.problems += snapshot_check.check(conn)
    report.problems += check_register_rows(conn)
    return times


def _quick_check(conn) -> str:
    result = [r[0] for r in conn.execute("PRAGMA quick_check").fetchall()]
    return "ok" if result == ["ok"] else "; ".join(result[:5])


class LogPass:
    """verify's one pass over the log: each entry read once, its place in the chain and
    its hash checked (ids contiguous, each follows the last, hashes true), and folded
    into its action, meeting on the way each snapshot's state of each action."""

    def __init__(self, expect: str | None, snapshots: SnapshotPass) -> None:
        self.expect = expect
        self.expected_found = False
        self.head_hash = log.GENESIS_HASH
        self.problem: str | None = None  # the first break in the chain
        self.entries = 0
        self.replayer = Replayer()
        self.snapshots = snapshots
        self.stuck: str | None = None  # why the fold stopped, at the first entry it cannot fold
        self.times = TimeOrder()

    def feed(
        self, entries: Iterable[log.LogEntry], head_id: int, progress: Progress | None
    ) -> None:
        """Check and fold `entries`, the whole log in chain order."""
        # Locals, and the per-entry steps written out in one loop: it runs two million
        # times on a big register, and a call or a generator per entry per step was
        # most of verify's time.
        prev_id, prev_hash, expect = 0, log.GENESIS_HASH, self.expect
        found, problem, stuck = False, None, None
        # The latest recorded time so far (one ISO form in UTC: text compares as time).
        latest, times = "", self.times
        expected_hash, apply = log.expected_hash, self.replayer.apply
        actions = self.replayer.actions
        # Without snapshots the loop does not look at them at all (most registers).
        before = self.snapshots.before if self.snapshots.cuts else None
        count = 0
        for entry in entries:
            count += 1
            entry_id, entry_hash = entry[0], entry[13]
            if progress and not count % PROGRESS_EVERY:
                progress(entry_id, head_id)
            if entry_hash == expect:
                found = True
            if problem is None:
                try:
                    sound = (
                        entry_id == prev_id + 1
                        and entry[12] == prev_hash
                        and expected_hash(entry) == entry_hash
                    )
                    if not sound:
                        problem = _chain_problem(entry, prev_id, prev_hash)
                except TypeError:  # bytes or numbers where text belongs: cannot be hashed
                    problem = _type_problem(entry)
            prev_id, prev_hash = entry_id, entry_hash
            recorded = entry[9]
            try:
                if recorded >= latest:
                    latest = recorded
                else:
                    times.earlier(entry_id, entry[1], recorded, latest)
            except (TypeError, ValueError) as exc:  # a time that is not text, or garbled
                times.error = times.error or exc
            if stuck is None and entry[2] is not None:
                try:
                    if before is not None:
                        effective = entry[11]
                        moment = recorded if effective == recorded[:10] else effective + END_OF_DAY
                        before(entry[2], entry_id, moment, actions.get(entry[2]))
                    apply(entry)
                except (ValueError, KeyError, TypeError) as exc:
                    stuck = f"entry #{entry_id} ({entry[1]}) cannot be replayed: {exc}"
        self.head_hash, self.entries = prev_hash, count
        self.expected_found, self.problem, self.stuck = found, problem, stuck


def _type_problem(entry: log.LogEntry) -> str:
    return f"entry #{entry.id} holds a value of the wrong type: it was damaged or altered"


def _chain_problem(entry: log.LogEntry, prev_id: int, prev_hash: str) -> str | None:
    if entry.id != prev_id + 1:
        why = f"entries #{prev_id + 1}–#{entry.id - 1} are missing from the log"
    elif entry.prev_hash != prev_hash:
        why = f"it does not follow entry #{prev_id} (the chain is broken here)"
    elif log.expected_hash(entry) != entry.hash:
        why = "its content does not match its hash: it was changed after it was written"
    else:
        return None
    return f"entry #{entry.id} ({entry.uuid}, {entry.kind}, recorded {entry.recorded_at}): {why}"


def _id_order(action_id) -> tuple:
    # Ids come from the file: a damaged one may be None or text, and must not crash the sort.
    return (0, action_id, "") if isinstance(action_id, int) else (1, 0, str(action_id))


_REF = ACTION_COLUMNS.index("ref")


def _compare_projection(conn, replayed: dict[int, dict]) -> tuple[int, list[str]]:
    """(rows in the action table, how they differ from the replay), in action order.

    The table is read a row at a time (not held beside the replay); whole rows are
    compared as tuples (one comparison in C per action), and only an action that
    differs is gone through column by column to say what differs. Replayed rows are
    dropped as they are matched.
    """
    as_row = operator.itemgetter(*ACTION_COLUMNS)
    found: list[tuple[tuple, str]] = []
    actions = 0
    for have in conn.execute(f"SELECT {', '.join(ACTION_COLUMNS)} FROM action"):
        actions += 1
        action_id = have[0]
        want = replayed.pop(action_id, None) if isinstance(action_id, int) else None
        order = _id_order(action_id)
        if want is None:
            what = f"action {have[_REF]} is in the table but has no log history"
            found.append((order, what))
        elif have != as_row(want):
            for column, value in zip(ACTION_COLUMNS, have, strict=True):
                if value != want[column]:
                    what = (
                        f"action {want['ref']}: {column} is {value!r} in the table but "
                        f"the log says {want[column]!r}"
                    )
                    found.append((order, what))
    for action_id, want in replayed.items():
        what = f"action {want['ref']} is in the log but missing from the table"
        found.append((_id_order(action_id), what))
    # In action order; an action's own mismatches stay in column order (a stable sort).
    found.sort(key=lambda m: m[0])
    return actions, [message for _, message in found]
