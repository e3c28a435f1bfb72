"""Crash durability: SIGKILL a writer at random moments; nothing it acknowledged is lost.

A writer process appends notes to A1 through db.store.register.record_note and prints
each one after its commit returns (note_writer.py). The test kills it with
SIGKILL a random 0-40 ms after its first acknowledgement, again and again on
the same file, and after every kill checks that every acknowledged entry is
there, that SQLite's integrity_check and actreg's verify pass, and that A1's
version still equals its number of entries (the projection moved with the log).

Starting Python and importing actreg costs more than a writer's whole life, so
the writers are forked from one warm server process (note_writer.py serve): each
is still a process of its own with its own connection, killed by SIGKILL.
"""

from __future__ import annotations

import os
import queue
import random
import signal
import sqlite3
import threading
import time
from pathlib import Path

import pytest

from db.integrity import verifier
from db.store import register
from db.store.connection import create_register, open_register
from tests.reliability.conftest import scaled, spawn_writer

KILLS = scaled(200, 2000)
#: Kills for the variant whose writers checkpoint every 20 pages.
CHECKPOINT_KILLS = scaled(100, 2000)


class Lines:
    """The server's stdout, line by line, with a timeout (a thread reads the pipe)."""

    def __init__(self, proc) -> None:
        self.proc, self.queue = proc, queue.Queue()
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        for line in self.proc.stdout:
            self.queue.put(line)
        self.queue.put("")

    def next(self, timeout: float = 30.0) -> str:
        try:
            line = self.queue.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError(f"the writer said nothing for {timeout} s") from None
        assert line, f"the writer server died: {self.proc.stderr.read()}"
        return line


def _check(path: Path, acknowledged: dict[str, int]) -> int:
    """Every acknowledged note is in the log; the file and the chain are sound.

    actreg opens the file first, as the next user would after the crash (before
    any other SQLite connection could recover or checkpoint its WAL).
    """
    conn = open_register(path)
    try:
        report = verifier.verify(conn)
        assert report.ok, report.problems
    finally:
        conn.close()
    plain = sqlite3.connect(path)
    try:
        assert plain.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        notes = {r[0] for r in plain.execute("SELECT commentary FROM progress_log")}
        lost = [n for n in acknowledged if n not in notes]
        assert not lost, f"acknowledged entries lost after a kill: {lost[:5]}"
        version, entries = plain.execute(
            "SELECT a.version, (SELECT count(*) FROM progress_log p WHERE p.action_id = a.id)"
            " FROM action a WHERE ref = 'A1'"
        ).fetchone()
        assert version == entries, f"A1 is at version {version} but has {entries} entries"
        assert version >= max(acknowledged.values(), default=1)
    finally:
        plain.close()
    return report.entries


@pytest.mark.slow
@pytest.mark.parametrize(
    ("kills", "checkpoint"),
    [
        # Whether a kill lands in the middle of a checkpoint is chance (the writers' own
        # automatic checkpoints: rarely by default, 3 runs in 4 at 20 pages), so these are
        # not strict; only that refusal is tolerated (raises=), any loss still fails, and
        # the deterministic test below pins the bug. Remove the marks once it is fixed.
        pytest.param(KILLS, 0, id="default-checkpoints"),
        pytest.param(CHECKPOINT_KILLS, 20, id="checkpoint-every-20-pages"),
    ],
)
def test_sigkill_never_loses_an_acknowledged_entry(
    tmp_path: Path, draft, kills: int, checkpoint: int
):
    path = tmp_path / "crash.db"
    conn = create_register(path, name="Crash test")
    register.add_action(conn, draft("A1"), author="Jo")
    conn.close()
    rng = random.Random(20251128)
    acknowledged: dict[str, int] = {}
    started = time.monotonic()
    server = spawn_writer("serve", str(path), "A1", str(checkpoint))
    lines = Lines(server)
    entries = 1
    try:
        for kill in range(kills):
            server.stdin.write(f"go k{kill}\n")
            server.stdin.flush()
            pid, acks = None, []
            while pid is None or not acks:  # its pid, and a first acknowledged entry
                line = lines.next()
                if line.startswith("pid "):
                    pid = int(line.split()[1])
                else:
                    assert not line.startswith("dead"), "the writer died unkilled (see stderr)"
                    acks.append(line)
            time.sleep(rng.uniform(0, 0.040))
            os.kill(pid, signal.SIGKILL)
            while not (line := lines.next()).startswith(f"dead {pid} "):
                acks.append(line)
            status = int(line.split()[2])
            assert os.WIFSIGNALED(status), f"the writer ended by itself (status {status})"
            for ack in acks:
                version, note = ack.split()
                acknowledged[note] = int(version)
            entries = _check(path, acknowledged)
    finally:
        server.stdin.close()
        server.wait(30)
        server.stderr.close()
    elapsed = time.monotonic() - started
    assert len(acknowledged) >= kills
    unacknowledged = entries - 1 - len(acknowledged)
    print(
        f"\ncrash durability (writers checkpoint every {checkpoint or 1000} pages): {kills} kills, "
        f"0 of {len(acknowledged)} acknowledged entries lost ({entries} entries in the log: "
        f"{unacknowledged} committed but not yet acknowledged when killed); {elapsed:.1f} s"
    )


def test_a_crash_in_the_middle_of_a_checkpoint_leaves_an_openable_register(tmp_path: Path, draft):
    """The state a SIGKILL mid-checkpoint leaves, built deterministically.

    A register with commits in its -wal; its checkpointed image (page 1 with the new page
    count) cut back to the file's old length (the checkpoint had not yet extended the
    file); beside it, the -wal as it was before the checkpoint (not yet reset).
    """
    path = tmp_path / "crash.db"
    conn = create_register(path, name="Crash test")
    register.add_action(conn, draft("A1"), author="Jo")
    conn.close()
    old_size = path.stat().st_size
    conn = open_register(path)
    conn.execute("PRAGMA wal_autocheckpoint = 0")  # everything stays in the -wal
    for n in range(40):
        register.record_note(conn, "A1", f"note {n} " + "x" * 2000, author="Jo")
    wal = Path(f"{path}-wal").read_bytes()
    head = conn.execute("SELECT hash FROM progress_log ORDER BY id DESC LIMIT 1").fetchone()[0]
    conn.execute("PRAGMA wal_checkpoint(FULL)")
    checkpointed = path.read_bytes()
    conn.close()
    assert len(checkpointed) > old_size
    for side in ("-wal", "-shm"):
        Path(f"{path}{side}").unlink(missing_ok=True)
    path.write_bytes(checkpointed[:old_size])
    Path(f"{path}-wal").write_bytes(wal)

    plain = sqlite3.connect(path)  # SQLite itself recovers it from the -wal
    assert plain.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    assert (
        plain.execute("SELECT count(*) FROM progress_log").fetchone()[0] == 42
    )  # the settings, A1, 40 notes
    plain.close()
    for side in ("-wal", "-shm"):  # and again, as the crash left it, for actreg
        Path(f"{path}{side}").unlink(missing_ok=True)
    path.write_bytes(checkpointed[:old_size])
    Path(f"{path}-wal").write_bytes(wal)

    conn = open_register(path)  # today: NotARegister "... the file is cut short ..."
    try:
        report = verifier.verify(conn)
        assert report.ok, report.problems
        assert report.head_hash == head
    finally:
        conn.close()
