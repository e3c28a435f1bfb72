"""New entries' uuids: RFC 9562 version 7, ordered by the time they were made.

Time-ordered uuids keep entries written together side by side in the log's unique
index of uuids (an import into a big register otherwise rewrites a random page of
it per entry); the figures are in bench/README.md.
"""

from __future__ import annotations

import time
import uuid
from pathlib import Path

from db.store import log
from db.store.connection import create_register, open_register
from db.store.register import add_action, record_update
from tests.conftest import FakeClock


def _next_millisecond() -> None:
    """Return once the clock's millisecond has changed (at most a millisecond)."""
    now = time.time_ns() // 1_000_000
    while time.time_ns() // 1_000_000 == now:
        pass


def test_a_new_uuid_is_version_7_with_the_rfc_variant() -> None:
    made = uuid.UUID(log.new_uuid())
    assert made.version == 7
    assert made.variant == uuid.RFC_4122


def test_a_new_uuid_carries_the_millisecond_it_was_made() -> None:
    before = time.time_ns() // 1_000_000
    made = uuid.UUID(log.new_uuid())
    after = time.time_ns() // 1_000_000
    assert before <= made.int >> 80 <= after


def test_uuids_made_later_sort_later_and_never_repeat() -> None:
    first = [log.new_uuid() for _ in range(20_000)]
    _next_millisecond()
    second = [log.new_uuid() for _ in range(20_000)]
    assert max(first) < min(second)
    assert len(set(first + second)) == 40_000


def test_entries_written_in_turn_have_uuids_in_the_same_order(tmp_path: Path) -> None:
    path = tmp_path / "r.db"
    create_register(path, name="Test register").close()
    conn = open_register(path)
    clock = FakeClock()
    draft = {"ref": "A1", "title": "One", "owner": "Ann Lee", "target_date": "2027-03-31"}
    _next_millisecond()
    add_action(conn, draft, author="Ann", clock=clock)
    for n in range(3):
        _next_millisecond()
        record_update(conn, "A1", author="Ann", clock=clock, note=f"note {n}")
    uuids = [
        r[0]
        for r in conn.execute(
            "SELECT uuid FROM progress_log WHERE action_id IS NOT NULL ORDER BY id"
        )
    ]
    conn.close()
    assert len(uuids) == 4
    assert uuids == sorted(uuids)
    assert all(uuid.UUID(u).version == 7 for u in uuids)
