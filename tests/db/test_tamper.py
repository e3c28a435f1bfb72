"""verify() finds changes made behind actreg's back, and names what was changed.

Each test drops the append-only triggers with a plain sqlite3 connection (as
someone with the sqlite3 shell could), changes the file, and checks what
``db.integrity.verifier.verify`` reports.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from db.errors import NotARegister
from db.integrity import verifier
from db.store import log, register
from db.store.connection import open_register

TRIGGERS = ("progress_log_no_update", "progress_log_no_delete", "progress_log_no_replace")


@pytest.fixture
def register_file(conn, register_path: Path, clock, draft) -> Path:
    """A closed register: A1 (created, two notes, a re-date) and A2 (created, RAG), after
    entry #1, which records the register's settings."""
    steps = [
        lambda: register.add_action(conn, draft("A1"), author="Jo", clock=clock),  # 2
        lambda: register.add_action(conn, draft("A2"), author="Jo", clock=clock),  # 3
        lambda: register.record_note(conn, "A1", "First note", author="Jo", clock=clock),  # 4
        lambda: register.record_note(conn, "A1", "Second note", author="Jo", clock=clock),  # 5
        lambda: register.move_target_date(
            conn, "A1", "2025-09-30", reason="supplier late", author="Jo", clock=clock
        ),  # 6
        lambda: register.set_rag(
            conn, "A2", "red", reason="blocked", author="Jo", clock=clock
        ),  # 7
    ]
    for step in steps:
        clock.advance()
        step()
    report = verifier.verify(conn)
    assert report.ok, report.problems
    conn.close()
    return register_path


def tamper(path: Path, *statements: str, params: tuple = ()) -> None:
    plain = sqlite3.connect(path)
    try:
        saved = [
            plain.execute("SELECT sql FROM sqlite_master WHERE name = ?", (t,)).fetchone()[0]
            for t in TRIGGERS
        ]
        for trigger in TRIGGERS:
            plain.execute(f"DROP TRIGGER {trigger}")
        for statement in statements:
            plain.execute(statement, params if "?" in statement else ())
        for sql in saved:  # put back, as a careful tamperer would (verify checks the schema)
            plain.execute(sql)
        plain.commit()
    finally:
        plain.close()


def entry(path: Path, entry_id: int) -> log.LogEntry:
    plain = sqlite3.connect(path)
    try:
        row = plain.execute(
            f"SELECT {log.SELECT_COLUMNS} FROM progress_log WHERE id = ?", (entry_id,)
        ).fetchone()
        return log.from_row(row)
    finally:
        plain.close()


def verify_file(path: Path, **kwargs) -> verifier.VerifyReport:
    conn = open_register(path)
    try:
        return verifier.verify(conn, **kwargs)
    finally:
        conn.close()


def head_hash(path: Path) -> str:
    plain = sqlite3.connect(path)
    try:
        return plain.execute("SELECT hash FROM progress_log ORDER BY id DESC LIMIT 1").fetchone()[0]
    finally:
        plain.close()


def test_an_untouched_register_verifies(register_file: Path):
    report = verify_file(register_file)
    assert report.ok
    assert report.problems == []
    assert (report.entries, report.actions) == (7, 2)
    assert report.head_hash == head_hash(register_file)
    assert report.quick_check == "ok"
    assert report.expected_found is None


def test_an_edited_commentary_is_named_by_entry_id_and_uuid(register_file: Path):
    victim = entry(register_file, 4)
    tamper(register_file, "UPDATE progress_log SET commentary = 'Edited later' WHERE id = 4")

    report = verify_file(register_file)

    assert not report.ok
    named = [p for p in report.problems if f"entry #4 ({victim.uuid}" in p]
    assert len(named) == 1, report.problems
    assert "does not match its hash" in named[0]
    assert "changed after it was written" in named[0]


def test_an_edited_action_row_is_named_by_action_and_column(register_file: Path):
    tamper(register_file, "UPDATE action SET status = 'closed' WHERE ref = 'A1'")

    report = verify_file(register_file)

    assert not report.ok
    assert len(report.problems) == 1
    problem = report.problems[0]
    assert problem.startswith("the action table does not match the log")
    assert "action A1: status is 'closed' in the table but the log says 'not_started'" in problem
    assert "A2" not in problem


def test_an_edited_action_row_names_every_changed_column(register_file: Path):
    tamper(
        register_file,
        "UPDATE action SET original_target_date = '2030-01-01', target_revisions = 0"
        " WHERE ref = 'A1'",
    )

    problem = " ".join(verify_file(register_file).problems)

    assert "action A1: original_target_date is '2030-01-01' in the table" in problem
    assert "action A1: target_revisions is 0 in the table but the log says 1" in problem


def test_a_deleted_action_row_and_an_invented_one_are_reported(register_file: Path):
    tamper(
        register_file,
        "PRAGMA foreign_keys = OFF",
        "DELETE FROM action WHERE ref = 'A2'",
        "INSERT INTO action (id, ref, ref_key, title, created_at) VALUES (9, 'X9', 'x9', 't', 'c')",
    )

    problem = " ".join(verify_file(register_file).problems)

    assert "action A2 is in the log but missing from the table" in problem
    assert "action X9 is in the table but has no log history" in problem


def test_a_deleted_entry_is_reported_missing(register_file: Path):
    tamper(register_file, "DELETE FROM progress_log WHERE id = 4")

    report = verify_file(register_file)

    assert not report.ok
    gaps = [p for p in report.problems if "missing from the log" in p]
    assert len(gaps) == 1, report.problems
    assert gaps[0].startswith("entry #5 (")
    assert "entries #4–#4 are missing from the log" in gaps[0]
    assert report.entries == 6


def test_a_deleted_head_entry_is_caught_by_the_projection_and_the_anchor(register_file: Path):
    old_head = head_hash(register_file)
    tamper(register_file, "DELETE FROM progress_log WHERE id = 7")

    report = verify_file(register_file, expect=old_head)

    assert not report.ok
    assert report.expected_found is False
    assert "action A2: rag is 'red' in the table but the log says None" in " ".join(report.problems)


def test_a_rehashed_entry_breaks_the_chain_at_the_next_entry(register_file: Path):
    victim = entry(register_file, 4)
    forged_content = (*log.content_of(victim)[:6], "Edited later", *log.content_of(victim)[7:])
    forged_hash = log.compute_hash(victim.prev_hash, forged_content)
    tamper(
        register_file,
        "UPDATE progress_log SET commentary = 'Edited later', hash = ? WHERE id = 4",
        params=(forged_hash,),
    )
    following = entry(register_file, 5)

    report = verify_file(register_file)

    assert not report.ok
    chain = [p for p in report.problems if p.startswith("entry #")]
    assert len(chain) == 1, report.problems
    assert chain[0].startswith(f"entry #5 ({following.uuid}, note, recorded ")
    assert "does not follow entry #4 (the chain is broken here)" in chain[0]


def rewrite_chain(path: Path, from_id: int, commentary: str) -> str:
    """Change one entry's commentary and recompute every hash after it; return the new head."""
    plain = sqlite3.connect(path)
    try:
        saved = [
            plain.execute("SELECT sql FROM sqlite_master WHERE name = ?", (t,)).fetchone()[0]
            for t in TRIGGERS
        ]
        for trigger in TRIGGERS:
            plain.execute(f"DROP TRIGGER {trigger}")
        rows = plain.execute(
            f"SELECT {log.SELECT_COLUMNS} FROM progress_log ORDER BY id"
        ).fetchall()
        prev_hash = log.GENESIS_HASH
        for row in rows:
            current = log.from_row(row)
            if current.id < from_id:
                prev_hash = current.hash
                continue
            content = list(log.content_of(current))
            if current.id == from_id:
                # ...the search index made to agree (verify checks it against the log)
                plain.execute(
                    "INSERT INTO commentary_fts (commentary_fts, rowid, commentary)"
                    " VALUES ('delete', ?, ?)",
                    (current.id, content[6]),
                )
                plain.execute(
                    "INSERT INTO commentary_fts (rowid, commentary) VALUES (?, ?)",
                    (current.id, commentary),
                )
                content[6] = commentary
            new_hash = log.compute_hash(prev_hash, tuple(content))
            plain.execute(
                "UPDATE progress_log SET commentary = ?, prev_hash = ?, hash = ? WHERE id = ?",
                (content[6], prev_hash, new_hash, current.id),
            )
            prev_hash = new_hash
        for sql in saved:  # ...and the triggers put back (verify checks the schema)
            plain.execute(sql)
        plain.commit()
        return prev_hash
    finally:
        plain.close()


def test_a_consistently_rewritten_chain_passes_but_not_against_the_old_anchor(
    register_file: Path,
):
    old_head = head_hash(register_file)
    untouched = entry(register_file, 3).hash
    # Entry 4 is A1's first note: no longer its latest commentary, so the table agrees.
    new_head = rewrite_chain(register_file, 4, "A different story")
    assert new_head != old_head

    rewritten = verify_file(register_file)
    assert rewritten.ok, rewritten.problems
    assert rewritten.head_hash == new_head

    anchored = verify_file(register_file, expect=old_head)
    assert anchored.expected_found is False
    assert not anchored.ok
    assert anchored.problems == []  # the file is self-consistent: only the anchor knows

    # An anchor is found wherever it is in the chain, and typed loosely.
    assert verify_file(register_file, expect=f"  {new_head.upper()} ").expected_found is True
    assert verify_file(register_file, expect=untouched).expected_found is True
    assert verify_file(register_file, expect=untouched).ok


def test_a_file_damaged_below_sqlite_is_reported_not_raised(register_file: Path):
    plain = sqlite3.connect(register_file)
    page_size = plain.execute("PRAGMA page_size").fetchone()[0]
    plain.close()
    data = bytearray(register_file.read_bytes())
    assert len(data) > 3 * page_size
    # Scribble over the second page (a b-tree page of one of the tables).
    data[page_size : page_size + 64] = b"\xff" * 64
    register_file.write_bytes(bytes(data))

    # Opening refuses it (quick_check on open) ...
    with pytest.raises(NotARegister, match="is damaged"):
        open_register(register_file)
    # ... and verify, which opens without that check, reports the damage in detail.
    conn = open_register(register_file, check_pages=False)
    try:
        report = verifier.verify(conn)
    finally:
        conn.close()

    assert not report.ok
    assert report.problems
    assert any("damage" in p or "damaged" in p for p in report.problems), report.problems


def append_forged(path: Path, **values) -> log.LogEntry:
    """Append an entry with a valid hash after the head, as a forger with the code could."""
    plain = sqlite3.connect(path)
    try:
        head_id, head_hash, head_time = log.head(plain)
        forged = log.make_entry(
            prev_id=head_id, prev_hash=head_hash, recorded_at=head_time, author="Forger", **values
        )
        log.insert_entry(plain, forged)
        plain.commit()
        return forged
    finally:
        plain.close()


def test_a_forged_entry_with_a_valid_hash_still_disagrees_with_the_table(register_file: Path):
    append_forged(
        register_file, action_id=1, kind="status", field="status", old_value="not_started",
        new_value="closed",
    )  # fmt: skip

    report = verify_file(register_file)

    assert not report.ok
    assert not [p for p in report.problems if p.startswith("entry #")]  # the chain is whole
    assert "action A1: status is 'not_started' in the table but the log says 'closed'" in (
        " ".join(report.problems)
    )


def test_a_forged_entry_that_sets_a_bookkeeping_column_cannot_be_replayed(register_file: Path):
    forged = append_forged(
        register_file, action_id=1, kind="field_edit", field="version", new_value="1"
    )

    report = verify_file(register_file)

    assert not report.ok
    assert any(
        p.startswith(f"entry #8 ({forged.uuid}) cannot be replayed") and "'version'" in p
        for p in report.problems
    ), report.problems


def test_a_forged_entry_for_an_action_that_does_not_exist_cannot_be_replayed(register_file: Path):
    forged = append_forged(register_file, action_id=42, kind="note", commentary="ghost")

    report = verify_file(register_file)

    assert not report.ok
    assert any(
        p.startswith(f"entry #8 ({forged.uuid}) cannot be replayed") for p in report.problems
    ), report.problems


def test_the_kept_action_count_follows_inserts_and_an_edit_of_it_is_caught(
    register_file: Path,
):
    plain = sqlite3.connect(register_file)
    try:
        kept = plain.execute("SELECT n FROM action_count").fetchone()[0]
        assert kept == plain.execute("SELECT count(*) FROM action").fetchone()[0] == 2
    finally:
        plain.close()
    tamper(register_file, "UPDATE action_count SET n = 7")

    report = verify_file(register_file)

    assert not report.ok
    assert "the kept count of actions is 7 but the table holds 2" in " ".join(report.problems)
