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

import hashlib
import operator
import sqlite3
from bisect import bisect_left
from collections.abc import Callable, Iterable

from db.cycles.snapshots import SNAPSHOT_FIELDS, RowsHash, Snapshot
from db.read.asat import FLAG_FIELDS
from db.read.queries import flag_basis, flags_on, slipped
from db.store import log
from db.store.compact_json import compact_json
from db.store.dates import parse_utc_text
from db.store.projection import Row, ref_key

_MODULUS = 1 << 256
_BEYOND = float("inf")  # (after the last snapshot's head)
_JSON = {True: b"true", False: b"false"}


class _Cut:
    """One snapshot being checked: what it includes, and the sum of the rows met."""

    def __init__(self, snap: Snapshot) -> None:
        head, cut, stale_before = snap["log_head_id"], snap["cut_off"], snap["stale_before"]
        if not isinstance(head, int) or not isinstance(stale_before, str):
            raise TypeError(f"head {head!r}, stale before {stale_before!r}")
        self.snap, self.head, self.cut, self.stale_before = snap, head, cut, stale_before
        # The cut-off's day, as a day number (raises for a garbled cut-off).
        self.day = parse_utc_text(cut).date().toordinal()
        self.total = self.rows = 0


class SnapshotPass:
    """Fed each entry (with its action's state before it) during verify's replay."""

    def __init__(self, snapshots: Iterable[Snapshot]) -> None:
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
        self._chosen: dict[int, tuple[_Cut, ...]] = {}  # a mask -> its snapshots, in order

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
        if not mask:
            return
        cuts = self._chosen.get(mask)
        if cuts is None:  # (the same few masks recur all along the log: each is walked once)
            cuts = self._chosen[mask] = tuple(c for i, c in enumerate(self.cuts) if mask >> i & 1)
        # The flags that depend on the day (days overdue, overdue, stale): what they read
        # of the row is read once, and each snapshot's day is a day number. A finished
        # action has the same flags in every snapshot: one digest for all of them.
        basis = flag_basis(row)
        if basis is None:
            digest = self._whole(row, flags_on(None, 0, ""))[0]
            for cut in cuts:
                cut.total += digest
                cut.rows += 1
            return
        # The row is encoded once, and each snapshot that needs other flags gets that
        # encoding with its own put in (the same bytes: a test holds the two to each
        # other). Snapshots with the same flags share the digest.
        met: dict[tuple[int, bool], int] = {}
        first: tuple[tuple[int, bool], bytes] | None = None  # the flags and JSON encoded
        pieces: list[bytes] | None = None  # that text cut around its flags, once needed
        for cut in cuts:
            flags = flags_on(basis, cut.day, cut.stale_before)
            known = met.get(flags)
            if known is not None:
                digest = known
            else:
                if first is None:
                    digest, encoded = self._whole(row, flags)
                    first = (flags, encoded)
                else:
                    if pieces is None:
                        # (cut in the JSON only: the ref before it is not escaped)
                        pieces = _cut_flags(*first)
                        pieces[0] = str(row["ref"]).encode() + b"\n" + pieces[0]
                    data = b"".join((
                        pieces[0], b"%d" % flags[0], pieces[1], _JSON[flags[0] > 0],
                        pieces[2], _JSON[flags[1]], pieces[3],
                    ))  # fmt: skip
                    digest = int.from_bytes(hashlib.sha256(data).digest(), "big")
                met[flags] = digest
            cut.total += digest
            cut.rows += 1

    def _whole(self, row: Row, flags: tuple[int, bool]) -> tuple[int, bytes]:
        """(the row's digest with `flags`, as a number to add; its JSON)."""
        # compact_json writes the as-at SQL's json_object text (keys in the order given,
        # SNAPSHOT_FIELDS' sorted one; no spaces; non-ASCII as it is: tests hold the two
        # to each other; a float, which only damage puts in a row, as orjson writes it).
        encoded = compact_json(_snapshot_row(row, *flags))
        data = str(row["ref"]).encode() + b"\n" + encoded
        return int.from_bytes(hashlib.sha256(data).digest(), "big"), encoded

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


def _cut_flags(flags: tuple[int, bool], data: bytes) -> list[bytes]:
    """`data` (a row's JSON, encoded with `flags`) cut around its three dated flags: the
    text between them, to put other flags in."""
    days, stale = flags
    pieces, done = [], 0
    # Each flag's key is found where it stands as a key: inside a string value a quote
    # is always escaped, so `,"stale":` can only be the key itself.
    for key, value in (
        (b',"days_overdue":', b"%d" % days),
        (b',"overdue":', _JSON[days > 0]),
        (b',"stale":', _JSON[stale]),
    ):
        start = data.index(key, done) + len(key)
        if data[start : start + len(value)] != value:
            raise ValueError("a row does not encode its flags as expected")
        pieces.append(data[done:start])
        done = start + len(value)
    pieces.append(data[done:])
    return pieces


def _columns(names: list[str]) -> Callable[[Row], tuple]:
    """A function reading `names` of a row as a tuple (itemgetter, always a tuple)."""
    if len(names) == 1:
        name = names[0]
        return lambda row: (row[name],)
    return operator.itemgetter(*names)


def _layout() -> list[Callable[[Row], tuple]]:
    """SNAPSHOT_FIELDS as the row's columns between the flags (which must come in the
    order _snapshot_row puts them)."""
    runs: list[list[str]] = [[]]
    flags = []
    for name in SNAPSHOT_FIELDS:
        if name in FLAG_FIELDS:
            flags.append(name)
            runs.append([])
        else:
            runs[-1].append(name)
    if flags != ["days_overdue", "overdue", "slipped", "stale"]:
        raise RuntimeError(f"the snapshot's flags are not where verify puts them: {flags}")
    return [_columns(names) for names in runs]


_RUNS = _layout()


def _snapshot_row(row: Row, days: int, stale: bool) -> dict[str, object]:
    """The row a snapshot holds of `row` on a day it is `days` overdue and `stale` or not:
    with_flags' row, by SNAPSHOT_FIELDS (tests hold the two to each other). Built from the
    columns directly, not by copying the row and then picking from it: verify builds one
    per action per snapshot the action changed in."""
    first, second, third, fourth, fifth = _RUNS
    values = (
        *first(row), days, *second(row), days > 0, *third(row), slipped(row), *fourth(row),
        stale, *fifth(row),
    )  # fmt: skip
    return dict(zip(SNAPSHOT_FIELDS, values, strict=True))


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
    hashed = RowsHash(snap)
    # Each row's text as SQLite holds it (UTF-8), not decoded into Python text only to be
    # encoded again for the two hashes; its type is asked for beside it.
    cursor = conn.execute(
        "SELECT ref, CAST(data AS BLOB), typeof(data) FROM snapshot_row WHERE snapshot_id = ?"
        " ORDER BY position",
        (snap["id"],),
    )
    # The rows stream through the rows hash (a snapshot's rows are never all held).
    seen.read(cursor, hashed)
    if hashed.hexdigest() != snap["rows_hash"] or seen.rows != snap["row_count"]:
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

    def read(self, cursor: Iterable[tuple[str, bytes, str]], hashed: RowsHash) -> None:
        """Count, digest and order-check the rows of `cursor`, feeding each to `hashed`."""
        keys, add, sha256 = self.keys, hashed.add, hashlib.sha256
        rows, total, in_order, last = 0, 0, True, None
        for ref, line, kind in cursor:
            if ref.__class__ is not str or kind != "text":
                raise TypeError(f"a row holds {ref!r}: {line!r} ({kind})"[:200])
            rows += 1
            add(line)
            # The row's digest: SHA-256 of its ref, a newline and its JSON (as _add).
            total += int.from_bytes(sha256(ref.encode() + b"\n" + line).digest(), "big")
            key = keys.get(ref)
            if key is None:
                key = keys[ref] = ref_key(ref)
            if last is not None and key <= last:
                in_order = False
            last = key
        self.rows, self.total, self.in_order = rows, total, in_order
