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
from db.read.queries import dated_flags, with_flags
from db.store import log
from db.store.dates import parse_utc_text
from db.store.projection import Row, ref_key

_MODULUS = 1 << 256
_BEYOND = float("inf")  # (after the last snapshot's head)
_JSON = {True: b"true", False: b"false"}


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
        # The entries come in id order, so the snapshots whose head is at or after the
        # entry's id change only when the pass goes beyond a head: kept, not bisected.
        self._head_mask = 0
        self._next_head: float = 0  # a head's entry id, or _BEYOND
        self._last: dict[int, int] = {}  # action id -> the mask of its last entry met

    def _mask(self, entry_id: int, effective_at: str) -> int:
        return (
            self._by_head[bisect_left(self._heads, entry_id)]
            & self._by_cut[bisect_left(self._cut_offs, effective_at)]
        )

    def before(self, action_id: int, entry_id: int, moment: str, row: Row | None) -> None:
        """The entry `entry_id` of `action_id`, effective at `moment`, is about to be
        folded into `row` (the action as it stands, None if new). Entries come in id order."""
        if entry_id > self._next_head:
            place = bisect_left(self._heads, entry_id)
            self._head_mask = self._by_head[place]
            self._next_head = self._heads[place] if place < len(self._heads) else _BEYOND
        now = self._head_mask
        if now:
            now &= self._by_cut[bisect_left(self._cut_offs, moment)]
        last = self._last.get(action_id)
        if last != now:
            self._last[action_id] = now
            # The snapshots that include the action's entry before this one but not this
            # one: the row as it stands is the action as in each of them.
            if row is not None and last is not None and last & ~now:
                self._add(row, last & ~now)

    def finish(self, actions: Iterable[Row]) -> None:
        """Every action's final state: the state of each snapshot that includes all of it."""
        for row in actions:
            self._add(row, self._mask(row["last_entry_id"], row["last_update_at"]))

    def _add(self, row: Row, mask: int) -> None:
        """`row` is the action as in each snapshot of `mask`: fold its row into their sums."""
        # The snapshots share the row but for the flags that depend on the day (days
        # overdue, overdue, stale): the row is encoded once, and each other snapshot's
        # text is that encoding with its own flags put in (the same bytes: a test holds
        # the two to each other). Snapshots with the same flags share the digest too.
        met: dict[tuple[int, bool], int] = {}
        pieces: list[bytes] | None = None
        index = 0
        while mask:
            if mask & 1:
                cut = self.cuts[index]
                flags = dated_flags(row, cut.today, cut.stale_before)
                digest = met.get(flags)
                if digest is None:
                    if pieces is None:
                        pieces, data = self._pieces(row, cut, flags)
                    else:
                        days, stale = flags
                        data = b"".join((
                            pieces[0], b"%d" % days, pieces[1], _JSON[days > 0],
                            pieces[2], _JSON[stale], pieces[3],
                        ))  # fmt: skip
                    digest = met[flags] = int.from_bytes(hashlib.sha256(data).digest(), "big")
                cut.total += digest
                cut.rows += 1
            mask >>= 1
            index += 1

    def _pieces(self, row: Row, cut: _Cut, flags: tuple[int, bool]) -> tuple[list[bytes], bytes]:
        """(the digested text of `row` in `cut` cut around its three dated flags, and
        the whole of it): ref, a newline, and the row's JSON, as _digest digests."""
        flagged: Mapping[str, object] = with_flags(row, on=cut.today, stale_before=cut.stale_before)
        data = self._encode({name: flagged[name] for name in SNAPSHOT_FIELDS})
        days, stale = flags
        pieces, done = [], 0
        # Each flag's key is found where it stands as a key: inside a string value a
        # quote is always escaped, so `,"stale":` can only be the key itself.
        for key, value in (
            (b',"days_overdue":', b"%d" % days),
            (b',"overdue":', _JSON[days > 0]),
            (b',"stale":', _JSON[stale]),
        ):
            start = data.index(key, done) + len(key)
            if data[start : start + len(value)] != value:
                raise ValueError(f"the row of {row['ref']!r} does not encode its flags as expected")
            pieces.append(data[done:start])
            done = start + len(value)
        pieces.append(data[done:])
        pieces[0] = str(row["ref"]).encode() + b"\n" + pieces[0]
        return pieces, b"".join((pieces[0], b"%d" % days, pieces[1], _JSON[days > 0],
                                 pieces[2], _JSON[stale], pieces[3]))  # fmt: skip

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
