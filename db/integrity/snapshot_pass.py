"""Checking every snapshot inside verify's one pass over the log.

A snapshot's rows are the register as in effect at its cut-off from the entries
up to its head (db.cycles.snapshots). Along one action's entries the effective
moment never goes backwards (db.store.log.effective_moment), so the entries a
snapshot includes of an action are a prefix of them: the action's state in the
snapshot is its replayed state just before its first entry the snapshot leaves
out (or its final state if there is none). So verify's replay, entry by entry,
meets every snapshot's state of every action on the way, and rebuilding each
snapshot with the as-at SQL (a full rebuild each: tens of seconds on a big
register) is not needed.

Memory stays flat whatever the number of snapshots: a state met is encoded at
once and only folded into its snapshot's sum of row digests (SHA-256 of the ref
and the row, added modulo 2**256: order-free, since states are met in log
order, not ref order). The stored rows are read a snapshot at a time, in order,
into the same sum, besides their rows hash and a check that they are in ref
order: equal sums and counts mean the same rows.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import sqlite3
from bisect import bisect_left
from collections.abc import Iterable, Iterator, Mapping

from db.cycles.snapshots import SNAPSHOT_FIELDS, Snapshot, rows_hash
from db.read.queries import with_flags
from db.store import log
from db.store.dates import parse_utc_text
from db.store.projection import Row, ref_key

_MODULUS = 1 << 256


def _digest(ref: str, data: bytes) -> int:
    found = hashlib.sha256(ref.encode() + b"\n" + data).digest()
    return int.from_bytes(found, "big")


class _Cut:
    """One snapshot being checked: what it includes, and the sum of the rows met."""

    def __init__(self, snap: Snapshot) -> None:
        head, cut, stale_before = snap["log_head_id"], snap["cut_off"], snap["stale_before"]
        if not isinstance(head, int) or not isinstance(stale_before, str):
            raise TypeError(f"head {head!r}, stale before {stale_before!r}")
        self.snap, self.head, self.cut, self.stale_before = snap, head, cut, stale_before
        self.today: dt.date = parse_utc_text(cut).date()  # (raises for a garbled cut-off)
        self.total = self.rows = 0


class SnapshotPass:
    """Fed each entry (with its action's state before it) during verify's replay."""

    def __init__(self, snapshots: Iterable[Snapshot]) -> None:
        # pydantic_core's encoder writes the as-at SQL's json_object text (keys in the
        # order given, SNAPSHOT_FIELDS' sorted one; no spaces; non-ASCII as it is: tests
        # hold the two to each other) in half the time of json's, the largest part of
        # checking a snapshot. Imported here: `actreg list` must not load it.
        from pydantic_core import to_json

        self._encode = to_json
        self.cuts: list[_Cut] = []
        self.problems: list[str] = []
        for snap in snapshots:
            try:
                self.cuts.append(_Cut(snap))
            except (ValueError, TypeError) as exc:  # a garbled cut-off or id: damage or an edit
                self.problems.append(f"{_name(snap)}: it holds a value of the wrong type ({exc})")
        # Which snapshots include an entry, as a bit mask (bit i: self.cuts[i]), from two
        # bisections: those whose head is at or after its id, and those whose cut-off is
        # at or after its effective moment (a loop over the snapshots per entry of the
        # log cost more than the rest of the check at 20 snapshots).
        self.everything = (1 << len(self.cuts)) - 1
        self._heads, self._by_head = _masks([c.head for c in self.cuts])
        self._cut_offs, self._by_cut = _masks([c.cut for c in self.cuts])

    def _mask(self, entry_id: int, effective_at: str) -> int:
        return (
            self._by_head[bisect_left(self._heads, entry_id)]
            & self._by_cut[bisect_left(self._cut_offs, effective_at)]
        )

    def before(self, entry: log.LogEntry, row: Row | None) -> None:
        """`entry` is about to be folded into `row` (its action's state, None if new)."""
        if row is None:
            return
        now = self._mask(entry.id, log.effective_moment(entry.recorded_at, entry.effective_date))
        if now == self.everything:
            return
        # The snapshots that include the action's entry before this one but not this one:
        # the row as it stands is the action as in each of them.
        ending = self._mask(row["last_entry_id"], row["last_update_at"]) & ~now
        self._add(row, ending)

    def finish(self, actions: Iterable[Row]) -> None:
        """Every action's final state: the state of each snapshot that includes all of it."""
        for row in actions:
            self._add(row, self._mask(row["last_entry_id"], row["last_update_at"]))

    def _add(self, row: Row, mask: int) -> None:
        """`row` is the action as in each snapshot of `mask`: fold its row into their sums."""
        # Snapshots that see the same state with the same flags (a finished action, in
        # every snapshot after it) share one encoding: the flags are all that differ.
        met: dict[tuple, int] = {}
        index = 0
        while mask:
            if mask & 1:
                cut = self.cuts[index]
                flagged = with_flags(row, on=cut.today, stale_before=cut.stale_before)
                flags = (flagged["days_overdue"], flagged["slipped"], flagged["stale"])
                digest = met.get(flags)
                if digest is None:
                    fields: Mapping[str, object] = flagged  # read by name from a list of names
                    data = self._encode({name: fields[name] for name in SNAPSHOT_FIELDS})
                    digest = met[flags] = _digest(row["ref"], data)
                cut.total += digest
                cut.rows += 1
            mask >>= 1
            index += 1

    def check(self, conn: sqlite3.Connection) -> list[str]:
        """Problems with any snapshot: its stored rows against its hash and the replay."""
        problems = list(self.problems)
        if not self.cuts:
            return problems
        heads = {c.head for c in self.cuts}
        keys: dict[str, str] = {}  # each ref's sort key, worked out once for every snapshot
        found = dict(
            conn.execute(
                f"SELECT id, hash FROM progress_log WHERE id IN ({', '.join('?' * len(heads))})",
                sorted(heads),
            ).fetchall()
        )
        for cut in self.cuts:
            try:
                problem = _stored_problem(conn, cut, found.get(cut.head, log.GENESIS_HASH), keys)
            except (ValueError, TypeError) as exc:
                problem = f"it holds a value of the wrong type ({exc})"
            if problem:
                problems.append(f"{_name(cut.snap)}: {problem}")
        return problems


def _masks(limits: list) -> tuple[list, list[int]]:
    """(the limits sorted, and for each place a value may bisect to, the bit mask of
    the snapshots whose limit is at or after it)."""
    order = sorted(range(len(limits)), key=lambda i: limits[i])
    masks = [0] * (len(limits) + 1)
    for place in range(len(order) - 1, -1, -1):
        masks[place] = masks[place + 1] | (1 << order[place])
    return [limits[i] for i in order], masks


def _name(snap: Snapshot) -> str:
    return f"snapshot #{snap['id']} ({snap['committee']}, {snap['meeting_date']})"


def _stored_problem(
    conn: sqlite3.Connection, cut: _Cut, head_hash: str, keys: dict[str, str]
) -> str | None:
    snap = cut.snap
    seen = _StoredRows(keys)
    cursor = conn.execute(
        "SELECT ref, data FROM snapshot_row WHERE snapshot_id = ? ORDER BY position", (snap["id"],)
    )
    # The rows stream through the rows hash (a snapshot's rows are never all held).
    if rows_hash(seen.read(cursor), snap) != snap["rows_hash"] or seen.rows != snap["row_count"]:
        return "its rows or details do not match its hash: they were altered"
    if head_hash != snap["log_head_hash"]:
        return "the log it was taken from is not the log in this register"
    if not seen.in_order or seen.rows != cut.rows or seen.total % _MODULUS != cut.total % _MODULUS:
        return "its rows differ from the register rebuilt from the log as at its cut-off"
    return None


class _StoredRows:
    """A snapshot's stored rows as they pass: how many, their digests' sum, their order."""

    def __init__(self, keys: dict[str, str]) -> None:
        self.keys = keys
        self.rows = self.total = 0
        self.in_order = True

    def read(self, cursor: Iterable[tuple[str, str]]) -> Iterator[str]:
        last = None
        for ref, data in cursor:
            if ref.__class__ is not str or data.__class__ is not str:
                raise TypeError(f"a row holds {ref!r}: {data!r}"[:200])
            self.rows += 1
            self.total += _digest(ref, data.encode())
            key = self.keys.get(ref)
            if key is None:
                key = self.keys[ref] = ref_key(ref)
            if last is not None and key <= last:
                self.in_order = False
            last = key
            yield data
