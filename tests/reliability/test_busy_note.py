"""A note on a busy action is never refused as stale; a field change still is.

Four writer threads, each with its own connection, change A1's percent complete
in a loop. Meanwhile notes are saved with the version read just before: each
note that finds the action moved on is appended all the same (it changes no
field, so it conflicts with nothing), and a field change from that stale
version is still refused with the stale message.
"""

from __future__ import annotations

import threading
from pathlib import Path

from db.errors import InputError, StaleVersion
from db.integrity import verifier
from db.store import register
from db.store.connection import open_register
from tests.reliability.conftest import scaled

WRITERS = 4
CHANGES_EACH = scaled(15, 100)
NOTES = scaled(20, 200)


def test_notes_on_an_action_four_writers_keep_changing(conn, register_path: Path, draft):
    register.add_action(conn, draft("A1"), author="Jo")
    stop = threading.Event()
    changes = [0] * WRITERS
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        other = open_register(register_path)
        try:
            for k in range(CHANGES_EACH):
                try:
                    register.record_update(
                        other, "A1", percent_complete=(k * WRITERS + n) % 100 + 1, author=f"w{n}"
                    )
                except InputError:  # another writer set that very percent just before
                    continue
                changes[n] += 1
                if stop.is_set():
                    return
        except BaseException as exc:  # anything else fails the test
            errors.append(exc)
        finally:
            other.close()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
    for t in threads:
        t.start()
    saved = stale_notes = 0
    try:
        for n in range(NOTES):
            seen = conn.execute("SELECT version FROM action WHERE ref = 'A1'").fetchone()[0]
            # Make sure the action moves on between reading and saving at least once here.
            register.record_update(conn, "A1", rag="amber" if n % 2 else "red", reason="r",
                                   author="Jo")  # fmt: skip
            row = register.record_note(
                conn, "A1", f"note {n}", author="TUI user", expected_version=seen
            )
            saved += 1
            stale_notes += row["version"] > seen + 1
    finally:
        stop.set()
        for t in threads:
            t.join(60)
    assert not errors, errors
    assert saved == NOTES and stale_notes == NOTES  # every one saved over a newer version
    notes = [
        r[0]
        for r in conn.execute(
            "SELECT commentary FROM progress_log WHERE author = 'TUI user' ORDER BY id"
        )
    ]
    assert notes == [f"note {n}" for n in range(NOTES)]
    # A field change from a version that is no longer current is still refused.
    seen = conn.execute("SELECT version FROM action WHERE ref = 'A1'").fetchone()[0]
    register.record_note(conn, "A1", "moves it on", author="Jo")
    try:
        register.record_update(conn, "A1", percent_complete=3, author="Jo", expected_version=seen)
    except StaleVersion as exc:
        assert "was changed by someone else" in str(exc)
    else:
        raise AssertionError("a field change from a stale version was saved")
    assert verifier.verify(conn).ok
    print(
        f"\nbusy note: {saved} of {NOTES} notes saved from a stale version while {WRITERS} "
        f"writers made {sum(changes)} field changes; 0 refused; a stale field change refused"
    )


def test_a_note_from_the_cli_with_a_stale_version_is_saved(run, fresh_db, db_state):
    run("update", "A1", "--percent", "20", db=fresh_db)  # version 2
    run("update", "A1", "--note", "late but fine", "--expect-version", "1", db=fresh_db)
    before = db_state(fresh_db)
    for change in (["--status", "in progress"], ["--note", "x", "--percent", "30"]):
        refused = run("update", "A1", *change, "--expect-version", "1", db=fresh_db, check_exit=1)
        assert "was changed by someone else" in refused.stderr
    assert db_state(fresh_db) == before
