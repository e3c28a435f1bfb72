"""Several actregs on one file: they queue, never fork the chain, never lose an update.

tests/db/test_concurrency.py has four writers of 100 notes through
multiprocessing and the API's stale-version refusal; tests/cli/test_cli_writes.py
has `--expect-version` refused. Here: four separate Python processes (started
as a user would start actreg) append 250 notes each with no expected version,
and must never see "busy" or "locked"; and two people who read the same version
race to save, where exactly one wins.
"""

from __future__ import annotations

import itertools
import threading
import time
from pathlib import Path

import pytest

from db.errors import StaleVersion
from db.integrity import verifier
from db.store import register
from db.store.connection import open_register
from tests.reliability.conftest import scaled, spawn_writer

WRITERS = 4
NOTES_EACH = scaled(250, 2500)


@pytest.mark.slow
def test_four_processes_append_without_loss_fork_or_busy_errors(conn, register_path: Path, draft):
    register.add_action(conn, draft("A1"), author="Jo")
    started = time.monotonic()
    procs = [
        spawn_writer("append", str(register_path), "A1", f"w{w}", str(NOTES_EACH), "1")
        for w in range(WRITERS)
    ]
    time.sleep(0.5)  # let them all import actreg, then release them together
    for proc in procs:
        proc.stdin.write("go\n")
        proc.stdin.flush()
    results = [proc.communicate(timeout=300) for proc in procs]
    elapsed = time.monotonic() - started
    for proc, (out, err) in zip(procs, results, strict=True):
        assert "busy" not in err.lower() and "locked" not in err.lower(), err
        assert proc.returncode == 0, err
        assert len(out.splitlines()) == NOTES_EACH

    rows = conn.execute("SELECT id, commentary, prev_hash FROM progress_log ORDER BY id").fetchall()
    total = WRITERS * NOTES_EACH + 2  # the settings (with the first entry), A1, the notes
    assert [r[0] for r in rows] == list(range(1, total + 1)), "ids are not contiguous"
    notes = [r[1] for r in rows[2:]]
    assert sorted(notes) == sorted(f"w{w}-{n}" for w in range(WRITERS) for n in range(NOTES_EACH))
    for w in range(WRITERS):  # each writer's notes in the order it wrote them
        mine = [n for n in notes if n.startswith(f"w{w}-")]
        assert mine == [f"w{w}-{n}" for n in range(NOTES_EACH)]
    assert len({r[2] for r in rows}) == total, "two entries claim the same predecessor (a fork)"
    switches = sum(1 for a, b in itertools.pairwise(notes) if a.split("-")[0] != b.split("-")[0])
    assert switches >= 20, "the writers took turns in bursts: the test proves little"
    version = conn.execute("SELECT version FROM action WHERE ref = 'A1'").fetchone()[0]
    assert version == total - 1  # every entry but the settings is A1's

    # Every version a writer was told is unique: no two commits saw the same state.
    told = [int(line.split()[0]) for out, _ in results for line in out.splitlines()]
    assert sorted(told) == list(range(2, total))  # (A1's versions: all but the settings)

    report = verifier.verify(conn)
    assert report.ok, report.problems
    assert report.entries == total
    print(
        f"\ntwo writers: {WRITERS} processes x {NOTES_EACH} notes: 0 lost, ids 1-{total} "
        f"contiguous, chain verifies, {switches} interleavings, no busy/locked error; "
        f"{elapsed:.1f} s"
    )


@pytest.mark.parametrize("rounds", [scaled(20, 200)])
def test_two_saves_from_the_same_version_one_wins_one_is_told(
    conn, register_path: Path, draft, register_state, rounds
):
    """Both people opened A1 at version N and press save at the same moment."""
    register.add_action(conn, draft("A1"), author="Jo")
    other = open_register(register_path)
    try:
        for n in range(rounds):
            version = conn.execute("SELECT version FROM action WHERE ref = 'A1'").fetchone()[0]
            barrier = threading.Barrier(2)
            outcomes: dict[str, object] = {}

            def save(c, who: str, n=n, version=version, barrier=barrier, outcomes=outcomes):
                barrier.wait()
                try:  # (a field change: a note alone is never stale, see below)
                    outcomes[who] = register.record_update(
                        c,
                        "A1",
                        percent_complete=(n % 49) * 2 + 1 + (who == "Bob"),
                        author=who,
                        expected_version=version,
                    )
                except StaleVersion as exc:
                    outcomes[who] = exc

            threads = [
                threading.Thread(target=save, args=(c, who))
                for c, who in ((conn, "Ann"), (other, "Bob"))
            ]
            for t in threads:
                t.start()
            for t in threads:
                t.join(60)
            won = [who for who, o in outcomes.items() if isinstance(o, dict)]
            lost = [o for o in outcomes.values() if isinstance(o, StaleVersion)]
            assert len(won) == 1 and len(lost) == 1, outcomes
            message = str(lost[0])
            assert "was changed by someone else" in message
            assert f"version {version} is now {version + 1}" in message
            assert "Nothing was saved" in message
        entries = conn.execute("SELECT count(*) FROM progress_log").fetchone()[0]
        assert entries == rounds + 2  # the settings, A1's creation, one update a round
        assert verifier.verify(other).ok
    finally:
        other.close()


def test_a_stale_expect_version_from_the_cli_exits_1_and_changes_nothing(run, fresh_db, db_state):
    run("update", "A1", "--note", "first", "--expect-version", "1", db=fresh_db)
    before = db_state(fresh_db)
    result = run(
        "update", "A1", "--percent", "20", "--expect-version", "1", db=fresh_db, check_exit=1
    )
    assert "was changed by someone else" in result.stderr
    assert "version 1 is now 2" in result.stderr
    assert db_state(fresh_db) == before
