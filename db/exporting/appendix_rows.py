"""The appendix's rows, read from the register again each time a writer goes through them.

At 100,000 actions a snapshot's rows as dicts are 140 MB: held for the whole
export, they were most of its peak memory. build_table keeps only what the
summary tables and the comparison read of each row; a writer iterates this
instead, and gets each full row in the table's order, one at a time, as
build_table would have held it: characters a format cannot hold replaced
(writable_text) and the latest commentary the latest progress note
(latest_update). The snapshot's rows never change, so every pass reads the
same rows.

Each pass opens its own read-only connection, so a table built in one thread
(the TUI's database gateway) can be written in another.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from db.cycles.snapshots import each_snapshot_row
from db.errors import ActregError
from db.exporting.writable_text import writable
from db.plural import plural
from db.store.connection import open_register


class AppendixRows:
    """The rows of snapshot `snapshot_id` in `path` a pack lists, in order, as full dicts.

    `listed`: the ids of the rows listed (None: every row); `notes`: action id ->
    (latest progress note, its time) for the rows whose latest commentary is not one;
    `replace`: the snapshot holds text some format cannot (see writable_text)."""

    def __init__(self, path: Path, snapshot_id: int, count: int, *,
                 listed: frozenset[int] | None, notes: dict[int, tuple[str | None, str | None]],
                 replace: bool) -> None:  # fmt: skip
        self.path = path
        self.snapshot_id = snapshot_id
        self.count = count
        self.listed = listed
        self.notes = notes
        self.replace = replace

    def __len__(self) -> int:
        return self.count

    def __iter__(self) -> Iterator[dict]:
        conn = open_register(self.path, readonly=True, check_pages=False)
        try:
            n = 0
            for row in each_snapshot_row(conn, self.snapshot_id):
                if self.listed is not None and row["id"] not in self.listed:
                    continue
                row = writable(row) if self.replace else row
                if row["id"] in self.notes:
                    row["last_commentary"], row["last_commentary_at"] = self.notes[row["id"]]
                row["last_commentary"] = writable(row.get("last_commentary"))
                n += 1
                yield row
        finally:
            conn.close()
        if n != self.count:  # (a snapshot is immutable: only a file swapped under us)
            raise ActregError(f"snapshot #{self.snapshot_id} in {self.path} now has "
                              f"{plural(n, 'row')} to list, not {self.count:,}: the file "
                              "changed during the export. No file was written.")  # fmt: skip
