"""Re-importing a newer copy of the same table: changes become 'import' entries, once."""

from __future__ import annotations

from db.store import log
from tests.importing.conftest import FIXTURES


def _entries(conn, ref: str) -> list[log.LogEntry]:
    (action_id,) = conn.execute("SELECT id FROM action WHERE ref = ?", (ref,)).fetchone()
    return list(log.entries(conn, action_id=action_id))


def _row(conn, ref: str) -> dict:
    cursor = conn.execute("SELECT * FROM action WHERE ref = ?", (ref,))
    names = [d[0] for d in cursor.description]
    return dict(zip(names, cursor.fetchone(), strict=True))


def test_importing_the_same_file_twice_changes_nothing_the_second_time(
    conn, do_import, register_state
):
    first = do_import("mat_v1.csv")
    assert (first.new, first.updated, first.unchanged) == (3, 0, 0)
    state = register_state(conn)
    again = do_import("mat_v1.csv")
    assert (again.new, again.updated, again.unchanged) == (0, 0, 3)
    assert register_state(conn) == state


def test_a_newer_table_appends_import_entries_naming_the_file(conn, do_import, register_state):
    do_import("mat_v1.csv")
    count = register_state(conn).entry_count
    result = do_import("mat_v2.csv")
    assert (result.new, result.updated, result.unchanged) == (1, 2, 1)
    one = _entries(conn, "1")
    changes = [(e.kind, e.field, e.old_value, e.new_value, e.commentary) for e in one[-2:]]
    assert changes == [
        ("import", "status", "in_progress", "implemented", "Imported from mat_v2.csv"),
        ("import", None, None, None, "Published on the website"),
    ]
    assert _row(conn, "1")["last_commentary"] == "Published on the website"
    two = [(e.kind, e.field, e.old_value, e.new_value) for e in _entries(conn, "2")[1:]]
    assert two == [
        ("import", "rag", "amber", "red"),
        ("import", "target_date", "2026-06-30", "2026-09-30"),
        ("import", "target_date_text", "Q1 2026/27", "30/09/2026"),
    ]
    row = _row(conn, "2")
    assert (row["original_target_date"], row["target_date"], row["target_revisions"]) == (
        "2026-06-30",
        "2026-09-30",
        1,
    )
    assert row["rag_reason"] == "Imported from mat_v2.csv"
    # Action 3 did not change; 4 is new. Nothing else was written.
    assert len(_entries(conn, "3")) == 2
    assert register_state(conn).entry_count == count + 2 + 3 + 1
    assert do_import("mat_v2.csv").unchanged == 4


def test_actions_missing_from_the_file_are_reported_never_deleted(conn, do_import, tmp_path):
    do_import("mat_v2.csv")
    path = tmp_path / "shorter.csv"
    lines = (FIXTURES / "mat_v2.csv").read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join(lines[:3]) + "\n", encoding="utf-8")
    result = do_import(path)
    assert (
        "info",
        None,
        None,
        "2 actions in the register are not in this file (3, 4); left as they are",
    ) in [(p.level, p.row, p.column, p.message) for p in result.plan.problems]
    assert conn.execute("SELECT count(*) FROM action").fetchone()[0] == 4


def test_refs_match_case_insensitively(conn, do_import, tmp_path):
    do_import("duplicate_refs.csv", skip_invalid=True)
    path = tmp_path / "lower.csv"
    path.write_text("Ref,Action\nd2,Second renamed\n", encoding="utf-8")
    result = do_import(path)
    assert (result.new, result.updated) == (0, 1)
    assert _row(conn, "D2")["title"] == "Second renamed"
    assert _row(conn, "D2")["ref"] == "D2"


def test_original_and_revised_dates_make_one_revision(conn, do_import):
    do_import("original_revised.csv")
    o1, o2, o3 = (_row(conn, r) for r in ("O1", "O2", "O3"))
    assert (o1["original_target_date"], o1["target_date"], o1["target_revisions"]) == (
        "2025-03-31",
        "2025-09-30",
        1,
    )
    (redate,) = [e for e in _entries(conn, "O1") if e.field == "target_date"]
    assert (redate.kind, redate.field, redate.old_value, redate.new_value) == (
        "import",
        "target_date",
        "2025-03-31",
        "2025-09-30",
    )
    assert "original_revised.csv" in redate.commentary
    assert (o2["target_date"], o2["target_revisions"]) == ("2025-03-31", 0)
    assert (o3["target_date"], o3["target_date_text"], o3["target_revisions"]) == (
        "2025-06-30",
        "Q1 2025/26",
        0,
    )
    assert do_import("original_revised.csv").unchanged == 3


def test_rag_reason_and_evidence_and_progress_on_a_new_action(conn, do_import, tmp_path):
    path = tmp_path / "full.csv"
    path.write_text(
        "Ref,Action,RAG,RAG reason,Evidence,Progress update,Next steps\n"
        "A1,Thing,Amber,Supplier late,Minute 12/25,Half done,Chase supplier\n",
        encoding="utf-8",
    )
    do_import(path)
    row = _row(conn, "A1")
    assert (row["rag"], row["rag_reason"], row["evidence"]) == (
        "amber",
        "Supplier late",
        "Minute 12/25",
    )
    assert row["last_commentary"] == "Half done\n\nNext steps: Chase supplier"
    assert do_import(path).unchanged == 1


def test_an_import_reads_only_the_actions_its_rows_name(conn, clock, draft):
    # Import scales with the file, not the register: existing actions are looked up
    # by ref (any case), never read whole.
    from db.importing.changes import existing_actions
    from db.store import register

    for ref in ("A1", "A2", "B7"):
        register.add_action(conn, draft(ref), author="Tester", clock=clock)
    statements: list[str] = []
    conn.set_trace_callback(statements.append)
    try:
        found = existing_actions(conn, ["a1", "b7", "Z9", "A1"])
    finally:
        conn.set_trace_callback(None)
    assert sorted(found) == ["a1", "b7"]
    assert found["b7"]["ref"] == "B7"
    assert all(" WHERE ref IN " in s for s in statements if "FROM action" in s), statements
