"""Snapshots: frozen at the cut-off, immutable, reproducible from the log, checked by verify."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from contextlib import closing

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from db.cycles import meetings, snapshots
from db.errors import InputError, NotFound
from db.integrity.verifier import verify
from db.read.queries import with_flags
from db.store import register
from db.store.dates import utc_text
from db.store.projection import ACTION_COLUMNS
from tests.conftest import FakeClock

AUTHOR = "Officer"


def _history(conn, clock: FakeClock, draft) -> None:
    """A1 and A2 added in January, A1 re-dated and rated in February, A2 closed in March."""
    clock.set(dt.datetime(2025, 1, 10, 9, tzinfo=dt.UTC))
    register.add_action(conn, draft("A1", target_date="2025-02-28"), author=AUTHOR, clock=clock)
    register.add_action(conn, draft("A2", target_date="2025-06-30"), author=AUTHOR, clock=clock)
    clock.set(dt.datetime(2025, 2, 20, 9, tzinfo=dt.UTC))
    register.record_update(
        conn,
        "A1",
        author=AUTHOR,
        target_date="2025-04-30",
        rag="amber",
        reason="Supplier delay",
        note="Moved to April",
        clock=clock,
    )
    clock.set(dt.datetime(2025, 3, 20, 9, tzinfo=dt.UTC))
    register.close_action(conn, "A2", author=AUTHOR, evidence="Report 12", clock=clock)


def test_snapshot_freezes_the_register_at_the_paper_deadline(conn, clock, draft, monkeypatch):
    _history(conn, clock, draft)
    meetings.add_meeting(conn, "2025-03-11", deadline="2025-03-01", clock=clock)
    clock.set(dt.datetime(2025, 4, 1, tzinfo=dt.UTC))
    snap = snapshots.take_snapshot(conn, "2025-03-11", author=AUTHOR, clock=clock)
    assert snap["cut_off"] == "2025-03-01T23:59:59.999999Z"
    assert snap["taken_at"] == "2025-04-01T00:00:00.000000Z"
    rows = {r["ref"]: r for r in snapshots.snapshot_rows(conn, snap["id"])}
    # A2's closure (20 March) came after the cut-off: the snapshot shows it open.
    assert rows["A2"]["status"] == "not_started"
    assert rows["A1"]["target_date"] == "2025-04-30"
    assert rows["A1"]["original_target_date"] == "2025-02-28"
    assert rows["A1"]["target_revisions"] == 1
    assert rows["A1"]["last_commentary"] == "Moved to April"
    assert rows["A1"]["overdue"] is False  # as on 1 March, the 30 April target is ahead
    assert snap["row_count"] == 2
    assert verify(conn).ok


def test_cut_off_is_now_when_the_deadline_is_still_ahead(conn, clock, draft):
    _history(conn, clock, draft)
    meetings.add_meeting(conn, "2025-04-15", deadline="2025-04-05", clock=clock)
    clock.set(dt.datetime(2025, 3, 25, 12, tzinfo=dt.UTC))
    snap = snapshots.take_snapshot(conn, "2025-04-15", author=AUTHOR, clock=clock)
    assert snap["cut_off"] == utc_text(clock())
    rows = {r["ref"]: r for r in snapshots.snapshot_rows(conn, snap["id"])}
    assert rows["A2"]["status"] == "closed"


def test_one_snapshot_per_meeting_unless_replaced(conn, clock, draft):
    _history(conn, clock, draft)
    meetings.add_meeting(conn, "2025-03-11", deadline="2025-03-01", clock=clock)
    clock.set(dt.datetime(2025, 3, 5, tzinfo=dt.UTC))
    first = snapshots.take_snapshot(conn, "2025-03-11", author=AUTHOR, clock=clock)
    with pytest.raises(InputError, match=r"already has snapshot #1\. Use --replace"):
        snapshots.take_snapshot(conn, "2025-03-11", author=AUTHOR, clock=clock)
    second = snapshots.take_snapshot(
        conn, "2025-03-11", author=AUTHOR, clock=clock, as_at="2025-02-01", replace=True
    )
    assert second["supersedes"] == first["id"]
    listed = {s["id"]: s["superseded"] for s in snapshots.list_snapshots(conn)}
    assert listed == {first["id"]: True, second["id"]: False}
    assert snapshots.meeting_snapshot(conn, "2025-03-11")["id"] == second["id"]
    # The replacement is as at 1 February: before the re-date.
    rows = {r["ref"]: r for r in snapshots.snapshot_rows(conn, second["id"])}
    assert rows["A1"]["target_date"] == "2025-02-28"


def test_refusals(conn, clock, draft):
    _history(conn, clock, draft)
    with pytest.raises(NotFound, match="no meeting on 2025-03-11"):
        snapshots.take_snapshot(conn, "2025-03-11", author=AUTHOR, clock=clock)
    meetings.add_meeting(conn, "2025-03-11", clock=clock)
    with pytest.raises(InputError, match=r"^as at: 2030-01-01 is in the future"):
        snapshots.take_snapshot(conn, "2025-03-11", author=AUTHOR, clock=clock, as_at="2030-01-01")
    with pytest.raises(NotFound, match="has no snapshot yet; take one with `actreg snapshot"):
        snapshots.meeting_snapshot(conn, "2025-03-11")
    assert snapshots.list_snapshots(conn) == []


_values = st.none() | st.booleans() | st.integers(-(2**63), 2**63 - 1) | st.text()


@given(values=st.lists(_values, max_size=8))
def test_snapshot_rows_read_stored_rows_as_json_loads_does(values):
    """snapshot_rows parses with pydantic's parser, for speed; it must read every value
    SQLite's json_object can store exactly as the standard library does."""
    # Only the table snapshot_rows reads, not a register: no file is needed.
    with closing(sqlite3.connect(":memory:")) as conn:
        conn.execute("CREATE TABLE snapshot_row (snapshot_id, position, ref, data)")
        for position, value in enumerate(values):
            conn.execute(
                "INSERT INTO snapshot_row VALUES (1, ?, 'A1', json_object('id', ?, 'value',"
                " CASE WHEN ? THEN json(?) ELSE ? END))",
                (position, position, isinstance(value, bool), str(value).lower(), value),
            )
        stored = [json.loads(d) for (d,) in conn.execute("SELECT data FROM snapshot_row")]
        assert [row["value"] for row in stored] == values
        assert snapshots.snapshot_rows(conn, 1) == stored


_stored_values = (
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**63 - 1)
    | st.text(st.characters(exclude_categories=("Cs",)))  # (SQLite holds valid UTF-8 only)
    | st.sampled_from(["".join(map(chr, range(0x20))) + '"\\/\x7f\u2028\u2029\ufeff é 😀'])
)


@given(values=st.lists(_stored_values, max_size=8))
def test_verify_encodes_a_row_as_sqlites_json_object_stores_it(values):
    """verify encodes each state it rebuilds with compact_json (orjson, for speed) and
    compares it with the row take_snapshot stored, which SQLite's json_object wrote: the
    two must be the same bytes for every value a row holds."""
    from db.store.compact_json import compact_json

    row = {f"k{i}": value for i, value in enumerate(values)}
    arguments = ", ".join(
        f"'k{i}', CASE WHEN ? THEN json(?) ELSE ? END" for i in range(len(values))
    )
    params = [p for v in values for p in (isinstance(v, bool), str(v).lower(), v)]
    with closing(sqlite3.connect(":memory:")) as conn:
        (stored,) = conn.execute(f"SELECT json_object({arguments})", params).fetchone()
    assert compact_json(row) == stored.encode("utf-8")


def _tamper(path, sql: str, params=()) -> None:
    raw = sqlite3.connect(path)
    for trigger in ("snapshot_row_no_update", "snapshot_no_update"):
        raw.execute(f"DROP TRIGGER {trigger}")
    raw.execute(sql, params)
    raw.commit()
    raw.close()


def test_verify_catches_an_altered_snapshot(conn, clock, draft, register_path):
    _history(conn, clock, draft)
    meetings.add_meeting(conn, "2025-03-11", deadline="2025-03-01", clock=clock)
    snap = snapshots.take_snapshot(conn, "2025-03-11", author=AUTHOR, clock=clock)
    assert verify(conn).ok
    data = conn.execute("SELECT data FROM snapshot_row WHERE ref = 'A1'").fetchone()[0]
    _tamper(
        register_path,
        "UPDATE snapshot_row SET data = ? WHERE ref = 'A1'",
        (data.replace('"amber"', '"green"'),),
    )
    report = verify(conn)
    assert not report.ok
    assert any(
        f"snapshot #{snap['id']}" in p and "do not match its hash" in p for p in report.problems
    )


def test_verify_catches_a_snapshot_rewritten_with_a_matching_hash(
    conn, clock, draft, register_path
):
    _history(conn, clock, draft)
    meetings.add_meeting(conn, "2025-03-11", deadline="2025-03-01", clock=clock)
    snap = snapshots.take_snapshot(conn, "2025-03-11", author=AUTHOR, clock=clock)
    rows = [d for (d,) in conn.execute("SELECT data FROM snapshot_row ORDER BY position")]
    forged = [r.replace('"amber"', '"green"') for r in rows]
    forged_hash = snapshots.rows_hash(forged, snap)
    _tamper(register_path, "UPDATE snapshot SET rows_hash = ?", (forged_hash,))
    raw = sqlite3.connect(register_path)
    for position, data in enumerate(forged):
        raw.execute("UPDATE snapshot_row SET data = ? WHERE position = ?", (data, position))
    raw.commit()
    raw.close()
    problems = verify(conn).problems
    assert any(
        f"snapshot #{snap['id']}" in p and "differ from the register rebuilt" in p for p in problems
    )


def _log_reads(conn) -> tuple[bool, int]:
    """(verify's verdict, how many statements it ran that read the log)."""
    statements: list[str] = []
    conn.set_trace_callback(statements.append)
    try:
        ok = verify(conn).ok
    finally:
        conn.set_trace_callback(None)
    return ok, sum("progress_log" in sql for sql in statements)


def test_verify_reads_the_log_once_whatever_the_number_of_snapshots(conn, clock, draft):
    """Snapshots are checked during verify's one pass, not by reading the log per snapshot."""
    _history(conn, clock, draft)
    meetings.add_meeting(conn, "2025-01-21", deadline="2025-01-15", clock=clock)
    snapshots.take_snapshot(conn, "2025-01-21", author=AUTHOR, clock=clock)
    ok, one = _log_reads(conn)
    assert ok
    # Three more, at cut-offs between the writes and after them all.
    for meeting, deadline in (("2025-02-25", "2025-02-21"), ("2025-03-11", "2025-03-01"),
                              ("2025-04-08", "2025-04-01")):  # fmt: skip
        meetings.add_meeting(conn, meeting, deadline=deadline, clock=clock)
        snapshots.take_snapshot(conn, meeting, author=AUTHOR, clock=clock)
    ok, four = _log_reads(conn)
    assert ok
    assert four == one


def test_verify_catches_snapshot_rows_reordered_with_a_matching_hash(
    conn, clock, draft, register_path
):
    _history(conn, clock, draft)
    meetings.add_meeting(conn, "2025-03-11", deadline="2025-03-01", clock=clock)
    snap = snapshots.take_snapshot(conn, "2025-03-11", author=AUTHOR, clock=clock)
    rows = conn.execute("SELECT ref, data FROM snapshot_row ORDER BY position").fetchall()
    swapped = [rows[1], rows[0], *rows[2:]]
    forged_hash = snapshots.rows_hash([data for _, data in swapped], snap)
    _tamper(register_path, "UPDATE snapshot SET rows_hash = ?", (forged_hash,))
    raw = sqlite3.connect(register_path)
    raw.execute("UPDATE snapshot_row SET position = -1 WHERE position = 0")
    raw.execute("UPDATE snapshot_row SET position = 0 WHERE position = 1")
    raw.execute("UPDATE snapshot_row SET position = 1 WHERE position = -1")
    raw.commit()
    raw.close()
    problems = verify(conn).problems
    assert any(
        f"snapshot #{snap['id']}" in p and "differ from the register rebuilt" in p for p in problems
    )


def test_verify_names_the_one_forged_snapshot_of_two_that_saw_the_same_state(
    conn, clock, draft, register_path
):
    """Two snapshots after every write see the same rows: verify shares their encoding,
    and still checks each against its own stored rows."""
    _history(conn, clock, draft)
    clock.set(dt.datetime(2025, 4, 20, tzinfo=dt.UTC))
    for meeting, deadline in (("2025-04-08", "2025-04-01"), ("2025-04-15", "2025-04-10")):
        meetings.add_meeting(conn, meeting, deadline=deadline, clock=clock)
        first = snapshots.take_snapshot(conn, meeting, author=AUTHOR, clock=clock)
    second = first
    first = snapshots.list_snapshots(conn)[0]
    assert verify(conn).ok
    rows = [
        d
        for (d,) in conn.execute(
            "SELECT data FROM snapshot_row WHERE snapshot_id = ? ORDER BY position",
            (second["id"],),
        )
    ]
    forged = [r.replace('"amber"', '"green"') for r in rows]
    assert forged != rows
    _tamper(
        register_path,
        "UPDATE snapshot SET rows_hash = ? WHERE id = ?",
        (snapshots.rows_hash(forged, second), second["id"]),
    )
    raw = sqlite3.connect(register_path)
    for position, data in enumerate(forged):
        raw.execute(
            "UPDATE snapshot_row SET data = ? WHERE snapshot_id = ? AND position = ?",
            (data, second["id"], position),
        )
    raw.commit()
    raw.close()
    problems = [p for p in verify(conn).problems if p.startswith("snapshot #")]
    assert len(problems) == 1
    assert f"snapshot #{second['id']}" in problems[0]
    assert "differ from the register rebuilt" in problems[0]
    assert f"snapshot #{first['id']}" not in problems[0]


def test_verify_names_a_snapshot_row_of_the_wrong_type(conn, clock, draft, register_path):
    """Bytes where a row's text belongs: named, never a crash."""
    _history(conn, clock, draft)
    meetings.add_meeting(conn, "2025-03-11", deadline="2025-03-01", clock=clock)
    snap = snapshots.take_snapshot(conn, "2025-03-11", author=AUTHOR, clock=clock)
    _tamper(register_path, "UPDATE snapshot_row SET data = ? WHERE ref = 'A2'", (b"\x00{}",))
    problems = verify(conn).problems
    assert any(
        f"snapshot #{snap['id']}" in p and "holds a value of the wrong type" in p for p in problems
    )


def test_verify_passes_snapshots_of_odd_text(conn, clock, draft):
    """verify encodes each replayed row as SQLite wrote it: quotes, escapes, any script."""
    odd = 'Say "hi" \\ back é 😀 \u2028 </end>'
    clock.set(dt.datetime(2025, 1, 10, 9, tzinfo=dt.UTC))
    register.add_action(
        conn,
        draft("A1", title=odd, description=f"{odd}\ttab\nline two"),
        author=AUTHOR,
        clock=clock,
    )
    clock.set(dt.datetime(2025, 2, 10, 9, tzinfo=dt.UTC))
    register.record_note(conn, "A1", f"note: {odd}", author=AUTHOR, clock=clock)
    meetings.add_meeting(conn, "2025-03-11", deadline="2025-03-01", clock=clock)
    snapshots.take_snapshot(conn, "2025-03-11", author=AUTHOR, clock=clock)
    data = conn.execute("SELECT data FROM snapshot_row").fetchone()[0]
    assert json.loads(data)["last_commentary"] == f"note: {odd}"
    assert verify(conn).ok


# --- property: a snapshot is the as-at rebuild at its cut-off ------------------

_steps = st.lists(
    st.tuples(
        st.sampled_from(["note", "status", "rag", "redate", "percent", "snapshot"]),
        st.integers(0, 2),  # which action
        st.integers(1, 3 * 86_400),  # seconds to advance first
    ),
    min_size=1,
    max_size=25,
)


@given(steps=_steps)
def test_snapshot_equals_the_projection_as_it_stood_at_the_cut_off(tmp_path_factory, steps):
    from db.store.connection import create_register

    path = tmp_path_factory.mktemp("prop") / "register.db"
    conn = create_register(path, name="Property")
    clock = FakeClock()
    refs = ["A1", "A2", "A3"]
    # (time of the state, action rows) after each write; before the first, nothing.
    history: list[tuple[str, dict]] = [("", {})]

    def remember():
        rows = conn.execute(f"SELECT {', '.join(ACTION_COLUMNS)} FROM action ORDER BY id")
        history.append(
            (utc_text(clock()), {r[0]: dict(zip(ACTION_COLUMNS, r, strict=True)) for r in rows})
        )

    for ref in refs:
        clock.advance(3600)
        register.add_action(
            conn,
            {"ref": ref, "title": ref, "owner": "O", "target_date": "2025-02-01"},
            author=AUTHOR,
            clock=clock,
        )
        remember()
    meeting_day = dt.date(2025, 1, 1)
    for kind, which, seconds in steps:
        clock.advance(seconds)
        ref = refs[which]
        if kind == "snapshot":
            meeting_day += dt.timedelta(days=1)
            meetings.add_meeting(conn, meeting_day.isoformat(), deadline="2024-12-01", clock=clock)
            # A cut-off up to five days back: often between two earlier writes.
            as_at = utc_text(clock() - dt.timedelta(seconds=seconds * 5 // 3))
            snap = snapshots.take_snapshot(
                conn, meeting_day.isoformat(), author=AUTHOR, clock=clock, as_at=as_at
            )
            expected = [state for when, state in history if when <= as_at][-1]
            frozen = {r["id"]: r for r in snapshots.snapshot_rows(conn, snap["id"])}
            assert frozen.keys() == expected.keys()
            on = dt.date.fromisoformat(snap["cut_off"][:10])
            for action_id, row in expected.items():
                for column in snapshots.SNAPSHOT_FIELDS:
                    if column in row:
                        assert frozen[action_id][column] == row[column], column
                # The flags computed in SQL agree with the Python definition (with_flags).
                flags = with_flags(row, on=on, stale_before=snap["stale_before"])
                for flag in ("overdue", "days_overdue", "slipped", "stale"):
                    assert frozen[action_id][flag] == flags[flag], flag
            continue
        if kind == "note":
            register.record_note(conn, ref, f"note {seconds}", author=AUTHOR, clock=clock)
        elif kind == "status":
            current = conn.execute("SELECT status FROM action WHERE ref = ?", (ref,)).fetchone()[0]
            new = "in_progress" if current != "in_progress" else "implemented"
            register.change_status(conn, ref, new, author=AUTHOR, clock=clock)
        elif kind == "rag":
            current = conn.execute("SELECT rag FROM action WHERE ref = ?", (ref,)).fetchone()[0]
            new = "red" if current != "red" else "green"
            register.set_rag(conn, ref, new, reason=f"r{seconds}", author=AUTHOR, clock=clock)
        elif kind == "redate":
            current = conn.execute(
                "SELECT target_date FROM action WHERE ref = ?", (ref,)
            ).fetchone()[0]
            new = (dt.date.fromisoformat(current) + dt.timedelta(days=30)).isoformat()
            register.move_target_date(conn, ref, new, reason="later", author=AUTHOR, clock=clock)
        elif kind == "percent":
            current = conn.execute(
                "SELECT percent_complete FROM action WHERE ref = ?", (ref,)
            ).fetchone()[0]
            register.record_update(
                conn, ref, author=AUTHOR, percent_complete=(current + 7) % 101, clock=clock
            )
        remember()
    assert verify(conn).ok
    conn.close()


def test_verify_names_a_snapshot_given_another_snapshots_days_overdue(
    conn, clock, draft, register_path
):
    """Two snapshots see A1 unchanged but overdue by different days: verify encodes the row
    once and puts each snapshot's own flags in, and still tells the two apart."""
    _history(conn, clock, draft)  # A1 due 2025-04-30, open
    clock.set(dt.datetime(2025, 5, 25, tzinfo=dt.UTC))
    for meeting, deadline in (("2025-05-13", "2025-05-10"), ("2025-05-22", "2025-05-20")):
        meetings.add_meeting(conn, meeting, deadline=deadline, clock=clock)
        snapshots.take_snapshot(conn, meeting, author=AUTHOR, clock=clock)
    _first, second = snapshots.list_snapshots(conn)
    assert verify(conn).ok
    rows = [
        d
        for (d,) in conn.execute(
            "SELECT data FROM snapshot_row WHERE snapshot_id = ? ORDER BY position",
            (second["id"],),
        )
    ]
    assert '"days_overdue":20,' in rows[0]
    forged = [rows[0].replace('"days_overdue":20,', '"days_overdue":10,'), *rows[1:]]
    _tamper(
        register_path,
        "UPDATE snapshot SET rows_hash = ? WHERE id = ?",
        (snapshots.rows_hash(forged, second), second["id"]),
    )
    raw = sqlite3.connect(register_path)
    raw.execute(
        "UPDATE snapshot_row SET data = ? WHERE snapshot_id = ? AND position = 0",
        (forged[0], second["id"]),
    )
    raw.commit()
    raw.close()
    problems = [p for p in verify(conn).problems if p.startswith("snapshot #")]
    assert len(problems) == 1
    assert f"snapshot #{second['id']}" in problems[0]
    assert "differ from the register rebuilt" in problems[0]


_TEXT = st.text(st.characters(codec="utf-8"), max_size=12) | st.sampled_from(
    ['","stale":true,"', ',"days_overdue":3,', '\\",\\"overdue\\":false', "é 😀 \u2028"]
)


@given(
    text=st.lists(_TEXT, min_size=4, max_size=4),
    status=st.sampled_from(["not_started", "in_progress", "closed"]),
    target=st.none() | st.dates(dt.date(2024, 1, 1), dt.date(2026, 12, 31)),
    update=st.dates(dt.date(2024, 1, 1), dt.date(2026, 12, 31)),
    days=st.lists(st.integers(0, 900), min_size=1, max_size=6),
)
@example(  # a ref that looks like a flag: the ref before the row's JSON is not escaped
    text=[',"days_overdue":3,', "", "", ""],
    status="not_started",
    target=None,
    update=dt.date(2024, 1, 1),
    days=[0, 91],
)
def test_verify_encodes_a_state_seen_by_many_snapshots_as_each_would_alone(
    text, status, target, update, days
):
    """The replay's row in each snapshot, made from one encoding with each snapshot's
    dated flags put in, is byte for byte the row encoded whole with that snapshot's flags:
    whatever text the row holds (even text that looks like a flag)."""
    import hashlib

    from pydantic_core import to_json

    from db.integrity.snapshot_pass import SnapshotPass

    row = dict.fromkeys(ACTION_COLUMNS)
    row.update(
        id=1, ref=text[0] or "A1", title=text[1], description=text[2], last_commentary=text[3],
        status=status, percent_complete=40, target_revisions=1, version=3, last_entry_id=7,
        target_date=target and target.isoformat(), original_target_date="2024-06-30",
        last_update_at=f"{update.isoformat()}T10:00:00.000000Z", created_at="2024-01-01",
    )  # fmt: skip
    start = dt.date(2024, 1, 1)
    cuts = [start + dt.timedelta(days=d) for d in days]
    snaps = [
        {
            "id": i, "committee": "GAC", "meeting_date": cut.isoformat(), "log_head_id": 7,
            "cut_off": f"{cut.isoformat()}T23:59:59.999999Z",
            "stale_before": (cut - dt.timedelta(days=90)).isoformat(),
        }
        for i, cut in enumerate(cuts)
    ]  # fmt: skip
    checked = SnapshotPass(snaps)  # type: ignore[arg-type]
    checked.finish([row])
    for snap, cut, seen in zip(snaps, cuts, checked.cuts, strict=True):
        if row["last_update_at"] > snap["cut_off"]:
            assert seen.rows == 0  # (the state is after this snapshot's cut-off)
            continue
        flagged = with_flags(row, on=cut, stale_before=snap["stale_before"])
        data = to_json({name: flagged[name] for name in snapshots.SNAPSHOT_FIELDS})
        whole = hashlib.sha256(str(row["ref"]).encode() + b"\n" + data).digest()
        assert (seen.rows, seen.total) == (1, int.from_bytes(whole, "big"))
