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
import operator
import os
import pickle
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from db.cycles.snapshots import check_snapshots, list_snapshots
from db.store import log
from db.store.connection import open_register
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
    # The checks that read the whole file need little from each other: SQLite's
    # quick_check, the hash chain, and the replay of each action compared with its
    # row. On a machine with two cores a second process takes quick_check, the chain
    # and a sixth of the actions while this one replays the rest: that is what
    # brings two million entries within the ten seconds the issue allows.
    with _Beside(conn, head_id, expect) as beside:
        here = _replay_share(conn, head_id, beside.share_here, progress)
        report.quick_check, chain, there = beside.results()
    report.entries = chain.entries
    report.head_hash = chain.head_hash
    if chain.problem:
        report.problems.append(chain.problem)
    if report.quick_check != "ok":
        report.problems.append(f"SQLite's quick_check found damage: {report.quick_check}")
    if expect is not None:
        report.expected_found = chain.expected_found
    parts = [here] if there is None else [here, there]
    stuck = min((part.stuck for part in parts if part.stuck), default=None)
    if stuck is not None:  # the table cannot be compared with a replay that stopped
        report.problems.append(stuck[1])
        return
    if progress:
        progress(head_id, head_id)
    report.actions = sum(part.actions for part in parts)
    # In action order; an action's own mismatches stay in column order (a stable sort).
    found = sorted((m for part in parts for m in part.mismatches), key=lambda m: m[0])
    mismatches = [message for _, message in found]
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
    report.snapshots = len(list_snapshots(conn))
    report.problems += check_snapshots(conn)


@dataclass
class _ShareResult:
    """One share's replay: where it stopped, or how its rows differ from the log."""

    # The first entry it cannot fold: (its _id_order, why), so the earliest of two shares wins.
    stuck: tuple[tuple, str] | None = None
    mismatches: list[tuple[tuple, str]] = field(default_factory=list)  # (action order, what)
    actions: int = 0  # rows of this share in the action table


def _replay_share(
    conn, head_id: int, share: log.Share | None, progress: Progress | None = None
) -> _ShareResult:
    """Replay the entries of `share`'s actions (None: every action); compare their rows."""
    replayer = Replayer()
    apply = replayer.apply  # (bound once: this loop runs for every entry of the log)
    for count, entry in enumerate(log.entries(conn, up_to=head_id, share=share), start=1):
        if progress and not count % PROGRESS_EVERY:
            progress(entry.id, head_id)
        try:
            apply(entry)
        except (ValueError, KeyError, TypeError) as exc:
            why = f"entry #{entry.id} ({entry.uuid}) cannot be replayed: {exc}"
            return _ShareResult(stuck=(_id_order(entry.id), why))
    return _compare_projection(conn, replayer.actions, share)


#: From this many entries a second process shares the work: starting one costs a
#: few tenths of a second, what checking ~150,000 entries costs here.
BESIDE_FROM_ENTRIES = 200_000
#: The second process replays the actions whose id is a multiple of this (a
#: sixth): with quick_check and the chain, that evens out the two processes.
SHARE_EVERY = 6


#: What the second process runs: it reads its arguments from stdin and writes
#: _check_file's result to stdout, both pickled (between two of our own processes).
_WORKER = (
    "import pickle, sys; path, args = pickle.load(sys.stdin.buffer); sys.path[:] = path; "
    "from db.integrity.verifier import _check_file; "
    "pickle.dump(_check_file(*args), sys.stdout.buffer)"
)


class _Beside:
    """The second process: quick_check, the chain and a share of the replay.

    A plain child Python (subprocess), not multiprocessing: inside the TUI, whose
    stderr is not a file, multiprocessing cannot even start its resource tracker.
    Everything runs here instead when it cannot run there: a small log, no file
    path, one core, a child that fails to start or fails.
    """

    def __init__(self, conn, head_id: int, expect: str | None) -> None:
        self.conn, self.head_id, self.expect = conn, head_id, expect
        path = getattr(conn, "path", None)
        self.path = Path(path) if path else None
        self._child: subprocess.Popen | None = None
        self.share_here: log.Share | None = None  # None: every action is replayed here

    def __enter__(self) -> _Beside:
        small = self.head_id < BESIDE_FROM_ENTRIES
        if small or self.path is None or (os.cpu_count() or 1) < 2 or not sys.executable:
            return self
        share = log.Share(SHARE_EVERY, multiples=True)
        args = (self.path, self.head_id, self.expect, share)
        try:
            self._child = subprocess.Popen(
                [sys.executable, "-c", _WORKER],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
            )
            assert self._child.stdin is not None
            pickle.dump((sys.path, args), self._child.stdin)
            self._child.stdin.close()
        except (OSError, ValueError):  # no second process here: all is checked in this one
            self._stop()
            return self
        self.share_here = share._replace(multiples=False)
        return self

    def __exit__(self, *exc_info) -> None:
        self._stop()  # (this side was interrupted or failed: the child's work is not wanted)

    def _stop(self) -> None:
        child, self._child = self._child, None
        if child is not None:
            with contextlib.suppress(OSError):
                child.kill()
            child.wait()
            if child.stdout is not None:
                child.stdout.close()

    def results(self) -> tuple[str, ChainCheck, _ShareResult | None]:
        """(quick_check's verdict, the chain check, the second process's share or None)."""
        child, self._child = self._child, None
        if child is not None:
            assert child.stdout is not None
            with child.stdout:
                output = child.stdout.read()
            if child.wait() == 0:
                with contextlib.suppress(Exception):  # (a truncated answer: as if it failed)
                    return pickle.loads(output)
        quick, chain = _quick_check(self.conn), _chain_of(self.conn, self.head_id, self.expect)
        if self.share_here is None:
            return quick, chain, None
        # The second process failed after this one took its share: do the other here.
        share = self.share_here._replace(multiples=True)
        return quick, chain, _replay_share(self.conn, self.head_id, share)


def _quick_check(conn) -> str:
    result = [r[0] for r in conn.execute("PRAGMA quick_check").fetchall()]
    return "ok" if result == ["ok"] else "; ".join(result[:5])


def _chain_of(conn, head_id: int, expect: str | None) -> ChainCheck:
    chain = ChainCheck(expect)
    chain.feed(log.entries(conn, up_to=head_id))
    return chain


def _check_file(
    path: Path, head_id: int, expect: str | None, share: log.Share
) -> tuple[str, ChainCheck, _ShareResult]:
    """(In the second process.) quick_check, the chain up to `head_id`, and `share`'s
    replay. The log is append-only, so these are the very entries the first process
    reads; a read transaction keeps the action table as of one moment too."""
    conn = open_register(path, readonly=True, check_pages=False)
    try:
        conn.execute("BEGIN")
        return (
            _quick_check(conn),
            _chain_of(conn, head_id, expect),
            _replay_share(conn, head_id, share),
        )
    finally:
        conn.close()


class ChainCheck:
    """Walks the chain entry by entry: ids contiguous, each follows the last, hashes true."""

    def __init__(self, expect: str | None) -> None:
        self.expect = expect
        self.expected_found = False
        self.prev_id, self.head_hash = 0, log.GENESIS_HASH
        self.problem: str | None = None
        self.entries = 0

    def feed(self, entries: Iterable[log.LogEntry]) -> None:
        """Check `entries`, in chain order, following on from what was fed before."""
        # Locals and one inlined test per entry: this loop runs two million times.
        prev_id, prev_hash, expect = self.prev_id, self.head_hash, self.expect
        found, problem, expected_hash = self.expected_found, self.problem, log.expected_hash
        count = self.entries
        for entry in entries:
            count += 1
            entry_id, entry_hash = entry.id, entry.hash
            if entry_hash == expect:
                found = True
            if problem is None:
                try:
                    sound = (
                        entry_id == prev_id + 1
                        and entry.prev_hash == prev_hash
                        and expected_hash(entry) == entry_hash
                    )
                    if not sound:
                        problem = _chain_problem(entry, prev_id, prev_hash)
                except TypeError:  # bytes or numbers where text belongs: cannot be hashed
                    problem = _type_problem(entry)
            prev_id, prev_hash = entry_id, entry_hash
        self.prev_id, self.head_hash, self.entries = prev_id, prev_hash, count
        self.expected_found, self.problem = found, problem


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


def _compare_projection(conn, replayed: dict[int, dict], share: log.Share | None) -> _ShareResult:
    """How the table's rows of `share`'s actions differ from the replay of their entries."""
    # Whole rows are compared as tuples (one comparison in C per action); only an
    # action that differs is gone through column by column to say what differs.
    as_row = operator.itemgetter(*ACTION_COLUMNS)
    where = f" WHERE {share.sql('id')}" if share else ""
    stored = {
        row[0]: row
        for row in conn.execute(f"SELECT {', '.join(ACTION_COLUMNS)} FROM action{where}")
    }
    result = _ShareResult(actions=len(stored))
    for action_id in set(stored) | set(replayed):
        have, want = stored.get(action_id), replayed.get(action_id)
        order = _id_order(action_id)
        if have is None:
            what = f"action {want['ref']} is in the log but missing from the table"
            result.mismatches.append((order, what))
        elif want is None:
            what = f"action {have[_REF]} is in the table but has no log history"
            result.mismatches.append((order, what))
        elif have != as_row(want):
            for column, value in zip(ACTION_COLUMNS, have, strict=True):
                if value != want[column]:
                    what = (
                        f"action {want['ref']}: {column} is {value!r} in the table but "
                        f"the log says {want[column]!r}"
                    )
                    result.mismatches.append((order, what))
    return result
