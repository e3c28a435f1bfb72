"""Property: random interleavings of updates and late (backdated) updates, with snapshots
taken along the way. Afterwards:

- replaying the log gives the action table, and verify finds nothing wrong;
- at the end of every day any entry is effective, the SQL as-at rebuild equals the
  fold (in Python) of exactly the entries in effect by then;
- every snapshot still holds the rows it was taken with: late entries never change it;
- a late update dated before an action's newest entry was refused and changed nothing.
"""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from db.cycles import meetings, snapshots
from db.errors import InputError
from db.integrity import verifier
from db.read import asat
from db.store import log, register
from db.store.connection import create_register
from db.store.log import END_OF_DAY, effective_moment
from db.store.projection import ACTION_COLUMNS, Replayer

REFS = ("A1", "A2", "A3")
STATUSES = ("not_started", "in_progress", "implemented")
START = dt.datetime(2025, 1, 6, 9, tzinfo=dt.UTC)

step = st.one_of(
    st.tuples(st.just("update"), st.sampled_from(REFS), st.integers(0, 12),
              st.sampled_from(STATUSES), st.sampled_from(("red", "amber", "green"))),
    st.tuples(st.just("advance"), st.integers(1, 4)),
    st.tuples(st.just("snapshot"), st.integers(0, 5)),
)  # fmt: skip


def fold_in_effect(conn, cut: str) -> dict[int, dict]:
    replayer = Replayer()
    for entry in log.entries(conn):
        if effective_moment(entry.recorded_at, entry.effective_date) <= cut:
            replayer.apply(entry)
    return replayer.actions


@given(steps=st.lists(step, min_size=1, max_size=25))
def test_late_entries_fold_rebuild_verify_and_snapshots_agree(tmp_path_factory, steps,
                                                             register_state):  # fmt: skip
    path = tmp_path_factory.mktemp("late") / "r.db"
    now = [START]
    clock = lambda: now[0]  # noqa: E731
    conn = create_register(path, name="Late entries", clock=clock)
    try:
        for ref in REFS:
            register.add_action(conn, {"ref": ref, "title": f"Action {ref}", "owner": "Jo",
                                       "target_date": "2025-12-31"},
                                author="Jo", clock=clock)  # fmt: skip
        taken: dict[int, list] = {}
        for number, (kind, *args) in enumerate(steps):
            if kind == "advance":
                now[0] += dt.timedelta(days=args[0], minutes=1)
            elif kind == "snapshot":
                day = (now[0] - dt.timedelta(days=args[0])).date().isoformat()
                meeting = (now[0] + dt.timedelta(days=30 + number)).date().isoformat()
                meetings.add_meeting(conn, meeting, deadline=day, author="Jo", clock=clock)
                snap = snapshots.take_snapshot(conn, meeting, author="Jo", clock=clock)
                taken[snap["id"]] = snapshots.snapshot_rows(conn, snap["id"])
            else:
                ref, back, status, rag = args
                effective = (now[0] - dt.timedelta(days=back)).date().isoformat()
                before = register_state(conn)
                current = conn.execute(
                    "SELECT status, rag, last_update_at FROM action WHERE ref = ?", (ref,)
                ).fetchone()
                try:
                    register.record_update(
                        conn, ref, note=f"step {number}", author="Jo", clock=clock,
                        status=status if status != current[0] else None,
                        rag=rag if rag != current[1] else None,
                        reason="because", effective=effective,
                    )  # fmt: skip
                except InputError as refused:
                    assert effective < current[2][:10], refused  # only an out-of-order day
                    assert register_state(conn) == before
                else:
                    assert effective >= current[2][:10]
            now[0] += dt.timedelta(minutes=1)

        report = verifier.verify(conn)
        assert report.ok, report.problems

        days = {r[0] for r in conn.execute("SELECT DISTINCT effective_date FROM progress_log")}
        head = asat.head_id(conn)
        for day in sorted(days):
            cut = day + END_OF_DAY
            want = fold_in_effect(conn, cut)
            got = {r["id"]: r for r in asat.rebuild(conn, head, cut=cut)}
            assert set(got) == set(want), day
            for action_id, row in want.items():
                assert {c: got[action_id][c] for c in ACTION_COLUMNS} == row, (day, row["ref"])

        for snapshot_id, rows in taken.items():
            assert snapshots.snapshot_rows(conn, snapshot_id) == rows
    finally:
        conn.close()
