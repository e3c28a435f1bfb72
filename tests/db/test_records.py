"""The typed records db hands the CLI and the TUI carry exactly the keys they declare,
so mypy's check of every key read against them checks what really arrives."""

from __future__ import annotations

import datetime as dt

from db.cycles.meetings import Meeting, NextUpdate, add_meeting, list_meetings, next_update_due
from db.cycles.snapshots import (
    Snapshot,
    SnapshotPreview,
    get_snapshot,
    list_snapshots,
    snapshot_preview,
    take_snapshot,
)
from db.read.queries import (
    ActionRow,
    RegisterInfo,
    get_action,
    list_actions,
    list_as_at,
    register_info,
)
from db.store import register
from db.store.clock import utc_now
from db.store.dates import utc_text


def keys(record_type) -> set[str]:
    return set(record_type.__required_keys__ | record_type.__optional_keys__)


def test_actions_read_back_as_action_rows(conn, draft):
    register.add_action(conn, draft("A1"), author="Jo")
    register.record_note(conn, "A1", "Started.", author="Jo")
    assert set(get_action(conn, "A1")) == keys(ActionRow)
    assert [set(r) for r in list_actions(conn)] == [keys(ActionRow)]
    assert [set(r) for r in list_as_at(conn, utc_text(utc_now()))] == [keys(ActionRow)]


def test_meetings_snapshots_and_register_info_carry_their_declared_keys(conn, draft):
    register.add_action(conn, draft("A1"), author="Jo")
    add_meeting(conn, "2026-03-20", deadline="2026-03-10")
    add_meeting(conn, "2099-03-20", deadline="2099-03-10")
    assert [set(m) for m in list_meetings(conn)] == [keys(Meeting)] * 2
    nxt = next_update_due(conn, dt.date(2026, 3, 1))
    assert nxt is not None and set(nxt) == keys(NextUpdate) == keys(Meeting) | {"days_to_deadline"}
    meeting = list_meetings(conn)[0]
    assert set(snapshot_preview(conn, meeting, utc_now())) == keys(SnapshotPreview)
    taken = take_snapshot(conn, "2026-03-20", author="Jo")
    assert set(taken) == set(get_snapshot(conn, taken["id"])) == keys(Snapshot)
    assert [set(s) for s in list_snapshots(conn)] == [keys(Snapshot)]
    assert set(register_info(conn)) == keys(RegisterInfo)
