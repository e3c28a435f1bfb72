"""A child process for the crash and concurrency tests: appends notes to one action.

Appending: ``python note_writer.py append REGISTER REF TAG COUNT [PAUSE_MS]``
    Imports actreg, waits for a line on stdin ("go": lets a parent start several
    writers together), opens the register and appends COUNT notes to REF through
    the public write API (db.store.register.record_note), printing "VERSION NOTE" after
    each commit has returned, pausing PAUSE_MS between notes (so that several
    writers interleave rather than take turns in bursts).

Crash server: ``python note_writer.py serve REGISTER REF [AUTOCHECKPOINT]``
    Imports actreg once, then for each line "go TAG" on stdin forks a writer
    (a process of its own, with its own connection) that appends notes until it
    is killed. It prints "pid PID" for it, the writer prints "VERSION NOTE" after
    each commit (one write(2) per line, so a kill never leaves half a line), and
    once the writer is dead the server prints "dead PID". Forking from a warm
    process keeps a writer's life short and cheap, so the parent can kill
    hundreds of them in CI's time. AUTOCHECKPOINT (pages) sets the writer's
    PRAGMA wal_autocheckpoint: a small value makes it copy the WAL into the file
    every few commits, so kills also land in the middle of checkpoints.

In both modes an acknowledged entry is a line on stdout. Any error is printed to
stderr as "ERROR <type>: <message>" and the process exits 3.
"""

from __future__ import annotations

import os
import sys
import time


def _append(
    path: str, ref: str, tag: str, count: int | None, say, pause: float = 0, checkpoint: int = 0
) -> None:
    from db.store import register
    from db.store.connection import open_register

    conn = open_register(path)
    if checkpoint:
        conn.execute(f"PRAGMA wal_autocheckpoint = {checkpoint}")
    n = 0
    while count is None or n < count:
        note = f"{tag}-{n}"
        row = register.record_note(conn, ref, note, author=f"writer {tag}")
        say(f"{row['version']} {note}\n")
        n += 1
        if pause:
            time.sleep(pause)
    conn.close()


def _say(line: str) -> None:
    os.write(1, line.encode())


def serve(path: str, ref: str, checkpoint: int) -> int:
    import db.store.register  # noqa: F401  (imported once, before any fork)

    for command in sys.stdin:
        tag = command.split()[1]
        sys.stdout.flush()
        pid = os.fork()
        if pid == 0:
            try:
                _append(path, ref, tag, None, _say, checkpoint=checkpoint)
            except BaseException as exc:
                os.write(2, f"ERROR {type(exc).__name__}: {exc}\n".encode())
                os._exit(3)
            os._exit(0)
        _say(f"pid {pid}\n")
        _, status = os.waitpid(pid, 0)
        _say(f"dead {pid} {status}\n")
    return 0


def main(argv: list[str]) -> int:
    mode, path, ref = argv[:3]
    if mode == "serve":
        return serve(path, ref, int(argv[3]) if len(argv) > 3 else 0)
    tag, count = argv[3], int(argv[4])
    pause = float(argv[5]) / 1000 if len(argv) > 5 else 0
    import db.store.register  # noqa: F401  (the import is not part of the race)

    sys.stdin.readline()  # wait for "go"
    try:
        _append(path, ref, tag, count, lambda line: print(line, end="", flush=True), pause)
    except Exception as exc:
        print(f"ERROR {type(exc).__name__}: {exc}", file=sys.stderr, flush=True)
        return 3
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
