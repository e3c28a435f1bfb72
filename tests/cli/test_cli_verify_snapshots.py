"""`actreg verify` on a register with many snapshots of the same states: one action
finished before them all, one overdue by a different number of days in each, one not
yet due; and a flag forged in one snapshot of the many is named, and only that one."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from db.cycles import snapshots

HEADER = "Ref,Action,Owner,Target date,Status,RAG,Progress\n"
EDITION = (
    HEADER
    + "A1,Publish the risk register,Ann Archer,2025-03-31,In progress,Amber,Drafting\n"
    + "A2,Train the committee,Bob Brown,2025-02-28,Closed,Green,Done\n"
    + "A3,Review the constitution,Cat Cole,2026-12-31,Not started,Green,\n"
)
#: Meeting -> paper deadline: each snapshot cut at the end of its deadline day.
MEETINGS = {
    "2025-04-15": "2025-04-05",
    "2025-05-13": "2025-05-05",
    "2025-06-17": "2025-06-05",
    "2025-07-15": "2025-07-05",
    "2025-09-16": "2025-09-05",
}


@pytest.fixture(scope="module")
def many(tmp_path_factory, sandbox) -> Path:
    """Five snapshots of one edition imported as it stood on 2025-01-15."""
    from tests.cli.conftest import run_actreg

    folder = tmp_path_factory.mktemp("many")
    db = folder / "r.db"
    run_actreg(sandbox, "init", "--name", "Many snapshots", db=db)
    edition = folder / "edition.csv"
    edition.write_text(EDITION, encoding="utf-8")
    run_actreg(sandbox, "import", edition, "--as-of", "2025-01-15", db=db)
    for meeting, deadline in MEETINGS.items():
        run_actreg(sandbox, "meeting", "add", meeting, "--deadline", deadline, db=db)
        run_actreg(sandbox, "snapshot", "--meeting", meeting, db=db)
    return db


def _rows(db: Path) -> dict[tuple[int, str], dict]:
    """(snapshot id, ref) -> the row the snapshot holds."""
    with sqlite3.connect(db) as conn:
        found = conn.execute("SELECT snapshot_id, ref, data FROM snapshot_row").fetchall()
    return {(snap, ref): json.loads(data) for snap, ref, data in found}


def _forge(source: Path, target: Path, snapshot_id: int, ref: str, **values: object) -> None:
    """Copy `source` to `target`, then give `ref` in one snapshot `values` and that snapshot
    a rows hash that matches (what someone who knows the format could do by hand). The
    append-only triggers are put back as they were, so the forgery is all verify can see."""
    target.write_bytes(source.read_bytes())
    conn = sqlite3.connect(target)
    triggers = dict(
        conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"
            " AND name IN ('snapshot_row_no_update', 'snapshot_no_update')"
        ).fetchall()
    )
    assert len(triggers) == 2
    for name in triggers:
        conn.execute(f"DROP TRIGGER {name}")
    data = conn.execute(
        "SELECT data FROM snapshot_row WHERE snapshot_id = ? AND ref = ?", (snapshot_id, ref)
    ).fetchone()[0]
    row = json.loads(data)
    assert all(name in row for name in values)
    forged = data
    for name, value in values.items():
        old = f'"{name}":{json.dumps(row[name])}'
        assert forged.count(old) == 1
        forged = forged.replace(old, f'"{name}":{json.dumps(value)}')
    conn.execute(
        "UPDATE snapshot_row SET data = ? WHERE snapshot_id = ? AND ref = ?",
        (forged, snapshot_id, ref),
    )
    rows = [
        d
        for (d,) in conn.execute(
            "SELECT data FROM snapshot_row WHERE snapshot_id = ? ORDER BY position",
            (snapshot_id,),
        )
    ]
    header = dict(zip(snapshots.HEADER_FIELDS, _header_values(conn, snapshot_id), strict=True))
    conn.execute(
        "UPDATE snapshot SET rows_hash = ? WHERE id = ?",
        (snapshots.rows_hash(rows, header), snapshot_id),
    )
    for sql in triggers.values():
        conn.execute(sql)
    conn.commit()
    conn.close()


def _header_values(conn: sqlite3.Connection, snapshot_id: int) -> tuple:
    return conn.execute(
        "SELECT c.name, m.meeting_date, s.cut_off, s.stale_before, s.taken_at, s.taken_by,"
        " s.log_head_id, s.log_head_hash FROM snapshot s JOIN meeting m ON m.id = s.meeting_id"
        " JOIN committee c ON c.id = m.committee_id WHERE s.id = ?",
        (snapshot_id,),
    ).fetchone()


def test_many_snapshots_of_the_same_states_verify(run, many):
    rows = _rows(many)
    ids = sorted({snap for snap, _ in rows})
    assert len(ids) == len(MEETINGS)
    # A2 was closed before them all: the same row in every snapshot.
    assert len({json.dumps(rows[snap, "A2"], sort_keys=True) for snap in ids}) == 1
    assert rows[ids[0], "A2"]["days_overdue"] == 0
    # A1, due 2025-03-31 and open, is overdue by another number of days in each.
    assert [rows[snap, "A1"]["days_overdue"] for snap in ids] == [5, 35, 66, 96, 158]
    assert all(rows[snap, "A1"]["overdue"] for snap in ids)
    # A3 is not due in any of them; whether it is stale depends on each cycle.
    assert {rows[snap, "A3"]["days_overdue"] for snap in ids} == {0}
    result = run("verify", db=many)
    assert "snapshot" not in result.stderr


@pytest.mark.parametrize(
    ("which", "ref", "values"),
    [
        (3, "A1", {"days_overdue": 35}),  # another snapshot's days overdue for the same state
        (2, "A1", {"days_overdue": 0, "overdue": False}),
        (4, "A2", {"stale": True}),  # a finished action made stale in one snapshot of five
        (5, "A3", {"overdue": True}),
    ],
)
def test_verify_names_the_one_snapshot_of_many_with_a_forged_flag(
    run, many, tmp_path, which, ref, values
):
    ids = sorted({snap for snap, _ in _rows(many)})
    forged = tmp_path / "forged.db"
    _forge(many, forged, ids[which - 1], ref, **values)
    result = run("verify", db=forged, check_exit=1)
    # (the rows hash forged is also named where the chain recorded it: "the snapshot
    # table does not match the log")
    named = [line for line in result.stderr.splitlines() if line.startswith("  - snapshot #")]
    assert named == [
        f"  - snapshot #{ids[which - 1]} (Governance and Audit Committee,"
        f" {list(MEETINGS)[which - 1]}): its rows differ from the register rebuilt from the"
        " log as at its cut-off"
    ], str(result)
    for other in ids:
        if other != ids[which - 1]:
            assert f"snapshot #{other} " not in result.stderr
