"""The head hash is an anchor outside the file: a rewritten history passes verify alone,
but not `verify --expect` with the hash a committee paper printed.

tests/db/test_tamper.py proves this for db.integrity.verifier.verify; here it is the
command a clerk runs, with the rewrite done as a forger would: drop the
triggers, change a note, recompute every later hash, fix the projection.
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest

from db.store import log, register
from db.store.connection import open_register

TRIGGERS = ("progress_log_no_update", "progress_log_no_delete", "progress_log_no_replace")


def _head(result) -> str:
    found = re.search(r"^Head hash: ([0-9a-f]{64})$", result.stdout, re.M)
    assert found, str(result)
    return found.group(1)


def _forge(path: Path, entry_id: int, commentary: str) -> str:
    """Rewrite entry `entry_id`'s commentary consistently; return the new head hash."""
    plain = sqlite3.connect(path)
    try:
        saved = [
            plain.execute("SELECT sql FROM sqlite_master WHERE name = ?", (t,)).fetchone()[0]
            for t in TRIGGERS
        ]
        for trigger in TRIGGERS:
            plain.execute(f"DROP TRIGGER {trigger}")
        old_text = plain.execute(
            "SELECT commentary FROM progress_log WHERE id = ?", (entry_id,)
        ).fetchone()[0]
        rows = plain.execute(f"SELECT {log.SELECT_COLUMNS} FROM progress_log ORDER BY id")
        prev_hash = log.GENESIS_HASH
        for entry in [log.from_row(r) for r in rows]:
            if entry.id < entry_id:
                prev_hash = entry.hash
                continue
            forged = entry._replace(prev_hash=prev_hash)
            if entry.id == entry_id:
                forged = forged._replace(commentary=commentary)
            new_hash = log.expected_hash(forged)
            plain.execute(
                "UPDATE progress_log SET commentary = ?, prev_hash = ?, hash = ? WHERE id = ?",
                (forged.commentary, prev_hash, new_hash, forged.id),
            )
            prev_hash = new_hash
        # The note rewritten is A1's latest: the projection shows it, so fix that too.
        plain.execute("UPDATE action SET last_commentary = ? WHERE ref = 'A1'", (commentary,))
        # A careful forger covers the other tracks verify looks at: the search index
        # holds the new words, and the triggers are put back as they were.
        plain.execute(
            "INSERT INTO commentary_fts (commentary_fts, rowid, commentary)"
            " VALUES ('delete', ?, ?)",
            (entry_id, old_text),
        )
        plain.execute(
            "INSERT INTO commentary_fts (rowid, commentary) VALUES (?, ?)", (entry_id, commentary)
        )
        for sql in saved:
            plain.execute(sql)
        plain.commit()
        return prev_hash
    finally:
        plain.close()


@pytest.mark.slow
def test_verify_expect_catches_a_consistently_rewritten_history(run, fresh_db: Path):
    conn = open_register(fresh_db)
    for text in ("Scoping agreed", "Draft circulated", "Consultation closed with 40 responses"):
        register.record_note(conn, "A1", text, author="Ann")
    older = conn.execute("SELECT hash FROM progress_log WHERE id = 2").fetchone()[0]
    target = conn.execute("SELECT max(id) FROM progress_log").fetchone()[0]
    conn.close()

    anchor = _head(run("verify", db=fresh_db))
    assert "expected hash" in run("verify", "--expect", anchor, db=fresh_db).stdout
    run("verify", "--expect", older, db=fresh_db)  # any entry's hash, not only the head
    run("verify", "--expect", f" {anchor.upper()} ", db=fresh_db)  # as pasted from a paper

    new_head = _forge(fresh_db, target, "Consultation closed with 4 responses")
    assert new_head != anchor

    plain = run("verify", db=fresh_db)  # self-consistent: verify alone cannot tell
    assert plain.stdout.startswith("Register OK")
    assert _head(plain) == new_head

    anchored = run("verify", "--expect", anchor, db=fresh_db, check_exit=1)
    assert f"the expected hash {anchor} is NOT in this register's history" in anchored.stderr
    assert "rewritten" in anchored.stderr
    # An entry before the rewrite keeps its hash: the anchor still finds it.
    run("verify", "--expect", older, db=fresh_db)
    print(f"\nanchor: head {anchor[:12]}… rewritten to {new_head[:12]}…: verify 0, --expect 1")
