"""Appending to the chain inside an open write transaction: the head, the time, the day.

Every entry of one transaction carries the same recorded_at, so a cut by recorded
time sees a whole write or none of it, and the same effective date, which is the
recorded day unless the write was backdated (``effective``): then it must not be
later than the recorded day. The first entry of a register is preceded by one
recording its settings (db.store.events). (That each action's entries never go backwards in
effective date is checked where the action is known: db.store.register.)
"""

from __future__ import annotations

import datetime as dt
import sqlite3

from db.errors import InputError
from db.store import events, log
from db.store.clock import Clock
from db.store.dates import parse_day, utc_text
from db.store.values import check_value


def parse_effective(value: str | dt.date | None) -> str | None:
    """An effective date as given (YYYY-MM-DD), checked; None means the recorded day."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return check_value("effective date", parse_day, value)


class ChainWriter:
    """The end of the chain for one open write transaction, and its author and times."""

    def __init__(
        self,
        conn: sqlite3.Connection,
        author: str,
        clock: Clock,
        effective: str | dt.date | None = None,
    ) -> None:
        self.conn, self.author = conn, author
        self.head_id, self.head_hash, head_time = log.head(conn)
        now = utc_text(clock())
        # Kept in time order even if the system clock steps back, so that a cut
        # by time is always a prefix of the chain.
        self.recorded_at = max(now, head_time) if head_time else now
        recorded_day = self.recorded_at[:10]
        day = parse_effective(effective) or recorded_day
        if day > recorded_day:
            raise InputError(
                f"effective date: {day} is later than {recorded_day}, the day this is recorded; "
                "record what has happened, on or before today"
            )
        self.effective_date = day
        if self.head_id == 0:
            self._record_settings()

    def _record_settings(self) -> None:
        """A register's first entry records its settings: from then on they are in the chain.

        (Not when it is created: a register may be built with a clock of its own, as
        the demo's year of history is, and its first entry sets where time starts.)
        """
        row = events.settings_row(self.conn)
        if row is not None:
            entry = log.make_entry(
                prev_id=0,
                prev_hash=log.GENESIS_HASH,
                action_id=None,
                kind="setting",
                author=self.author,
                recorded_at=self.recorded_at,
                field=events.SETTINGS_KEY,
                new_value=row,
            )
            log.insert_entry(self.conn, entry)
            self.head_id, self.head_hash = entry.id, entry.hash

    @property
    def backdated(self) -> bool:
        return self.effective_date < self.recorded_at[:10]

    def make(self, action_id: int | None, kind: str, **values) -> log.LogEntry:
        """The next entry (not yet inserted); the head moves on to it."""
        entry = log.make_entry(
            prev_id=self.head_id,
            prev_hash=self.head_hash,
            action_id=action_id,
            kind=kind,
            author=self.author,
            recorded_at=self.recorded_at,
            effective_date=self.effective_date,
            **values,
        )
        self.head_id, self.head_hash = entry.id, entry.hash
        return entry

    def append_entry(self, action_id: int | None, kind: str, **values) -> log.LogEntry:
        """Make the next entry and insert it."""
        entry = self.make(action_id, kind, **values)
        log.insert_entry(self.conn, entry)
        return entry
