"""Two actregs on one file queue, never fork the chain and never lose an update."""

from __future__ import annotations

import itertools
import multiprocessing
import sqlite3
import threading
import time
from pathlib import Path

import pytest

from db.errors import StaleVersion
from db.integrity import verifier
from db.store import register
from db.store.connection import open_register
from db.store.projection import ACTION_COLUMNS

WRITERS = 4
NOTES_EACH = 100


def test_the_second_writer_with_a_stale_version_is_refused(
    conn, register_path: Path, clock, draft, register_state
):
    register.add_action(conn, draft("A1"), author="Jo", clock=clock)
    other = open_register(register_path)
    try:
        # Both people open A1 at version 1.
        seen_here = conn.execute("SELECT version FROM action WHERE ref = 'A1'").fetchone()[0]
        seen_there = other.execute("SELECT version FROM action WHERE ref = 'A1'").fetchone()[0]
        assert seen_here == seen_there == 1

        clock.advance()
        register.set_rag(
            conn, "A1", "amber", reason="slow", author="Jo", expected_version=seen_here, clock=clock
        )
        before = register_state(other)
        assert (
            before.actions[0][ACTION_COLUMNS.index("rag")] == "amber"
        )  # the other connection sees the commit

        clock.advance()
        with pytest.raises(StaleVersion) as info:
            register.set_rag(
                other,
                "A1",
                "red",
                reason="blocked",
                author="Sam",
                expected_version=seen_there,
                clock=clock,
            )
        assert str(info.value).startswith(
            "Action A1 was changed by someone else since you opened it (version 1 is now 2)."
        )
        assert register_state(other) == before
        assert register_state(conn) == before
        assert verifier.verify(other).ok
    finally:
        other.close()


def test_a_writer_waits_for_another_writers_transaction(conn, register_path: Path, draft):
    """BEGIN IMMEDIATE queues the second writer (busy timeout) instead of failing it."""
    register.add_action(conn, draft("A1"), author="Jo")
    blocker = sqlite3.connect(register_path, isolation_level=None, check_same_thread=False)
    blocker.execute("BEGIN IMMEDIATE")
    release = threading.Timer(0.5, lambda: blocker.execute("COMMIT"))
    started = time.monotonic()
    release.start()
    try:
        row = register.record_note(conn, "A1", "After the wait", author="Sam")
    finally:
        release.join()
        blocker.close()
    assert time.monotonic() - started >= 0.4
    assert (row["version"], row["last_commentary"]) == (2, "After the wait")
    assert verifier.verify(conn).ok


def append_notes(path: str, writer: int, count: int, start) -> None:
    """Run in a spawned process: append `count` notes to A1, no expected version."""
    conn = open_register(path)
    try:
        start.wait(60)  # a barrier: all writers begin together
        for n in range(count):
            register.record_note(conn, "A1", f"writer {writer} note {n}", author=f"writer {writer}")
            time.sleep(0.002)  # let the others in: the writes should interleave
    finally:
        conn.close()


def test_four_processes_appending_never_fork_the_chain(conn, register_path: Path, draft):
    register.add_action(conn, draft("A1"), author="Jo")
    context = multiprocessing.get_context("spawn")
    start = context.Barrier(WRITERS)
    workers = [
        context.Process(target=append_notes, args=(str(register_path), w, NOTES_EACH, start))
        for w in range(WRITERS)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(120)
    assert [w.exitcode for w in workers] == [0] * WRITERS

    notes = conn.execute(
        "SELECT commentary FROM progress_log WHERE kind = 'note' ORDER BY id"
    ).fetchall()
    assert len(notes) == WRITERS * NOTES_EACH
    assert {n[0] for n in notes} == {
        f"writer {w} note {n}" for w in range(WRITERS) for n in range(NOTES_EACH)
    }
    for w in range(WRITERS):  # each writer's notes are in its own order
        mine = [n[0] for n in notes if n[0].startswith(f"writer {w} ")]
        assert mine == [f"writer {w} note {n}" for n in range(NOTES_EACH)]

    writers_in_order = [n[0].split()[1] for n in notes]
    switches = sum(1 for a, b in itertools.pairwise(writers_in_order) if a != b)
    assert switches >= 10, "the writers did not interleave: the test proves little"

    ids = [r[0] for r in conn.execute("SELECT id FROM progress_log ORDER BY id")]
    assert ids == list(range(1, WRITERS * NOTES_EACH + 3))  # the settings, A1, the notes
    prev_hashes = conn.execute("SELECT prev_hash FROM progress_log").fetchall()
    assert len(set(prev_hashes)) == len(prev_hashes), "two entries claim the same predecessor"
    version = conn.execute("SELECT version FROM action WHERE ref = 'A1'").fetchone()[0]
    assert version == WRITERS * NOTES_EACH + 1

    report = verifier.verify(conn)
    assert report.ok, report.problems
    assert report.entries == WRITERS * NOTES_EACH + 2
