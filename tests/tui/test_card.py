"""The action card's lines: flags, the timeline newest first, corrections beside their entry."""

from __future__ import annotations

from db.read.queries import action_log, get_action
from db.store.register import correct_entry, edit_field
from tui.text.card import card_lines, wrap


def card_text(conn, ref: str, width: int = 100) -> list[str]:
    row = get_action(conn, ref)
    return [line.plain for line in card_lines(row, action_log(conn, row["id"]), width)]


def test_card_shows_every_field_and_the_derived_flags(mat_conn):
    text = card_text(mat_conn, "A1")
    joined = "\n".join(text)
    for expected in (
        "Status: In progress",
        "Owner: Jo Smith",
        "Directorate: Corporate",
        "Target date: 2026-05-15 ↻2 !",
        "Original target: 2026-03-31",
        "! OVERDUE by 17 days",
        "↻ SLIPPED 2 times",
        "Source: Lessons Learned Review 2025",
        "RAG reason: Consultation running late",
    ):
        assert expected in joined, expected
    stale = "\n".join(card_text(mat_conn, "A5"))
    assert "STALE: no update this cycle" in stale


def test_a_narrow_card_wraps_its_fields_and_hides_none(mat_conn):
    owner = "Fiona Marsh, Passenger Transport Commissioning Manager"
    recommendation = "R1: Route planning must start in the spring term, not the summer"
    edit_field(mat_conn, "A1", "owner", owner, reason="Full title", author="officer")
    edit_field(mat_conn, "A1", "recommendation", recommendation, reason="Quoted", author="officer")
    width = 50
    text = card_text(mat_conn, "A1", width)
    fields = text[: text.index("Progress log (8 entries, newest first)")]
    assert all(len(line) <= width for line in fields), [x for x in fields if len(x) > width]
    joined = " ".join(line.strip() for line in fields)
    for expected in (
        f"Owner: {owner}",
        "Directorate: Corporate",
        "Theme: —",
        f"Recommendation: {recommendation}",
        "Acceptance:",
        "RAG reason: Consultation running late",
    ):
        assert expected in joined, expected


def test_timeline_is_newest_first_with_old_and_new_values(mat_conn):
    text = card_text(mat_conn, "A1")
    start = text.index("Progress log (6 entries, newest first)")
    heads = [line for line in text[start + 1 :] if line.startswith("2026-")]
    assert heads[0].startswith("2026-05-04 10:00  officer  rag")
    assert "2026-04-30 → 2026-05-15" in heads[1]
    assert heads[-1].endswith("created with target 2026-03-31")


def test_a_correction_is_shown_under_the_entry_it_supersedes(mat_conn):
    note = next(e for e in action_log(mat_conn, 3) if e.kind == "note")
    correct_entry(
        mat_conn, note.uuid, value="Procurement asked for dates twice", reason="typo", author="x"
    )
    text = card_text(mat_conn, "A3")
    # The correction is the newest entry, so it heads the timeline ...
    start = text.index("Progress log (4 entries, newest first)")
    assert "correction" in text[start + 1] and text[start + 1].endswith(
        "(corrects an earlier entry)"
    )
    # ... and it is shown again right under the note it supersedes.
    at = next(i for i, line in enumerate(text) if line.endswith("(corrected)"))
    assert "  note  " in text[at]
    assert text[at + 1].strip() == "Procurement team asked for dates"
    fix = text[at + 2]
    assert fix.startswith("  ↳ ") and "  x  correction" in fix
    assert "Procurement asked for dates twice" in fix


def test_long_commentary_wraps_to_the_width():
    lines = wrap("word " * 40, 30, "  ")
    assert all(len(line) <= 30 for line in lines) and len(lines) > 5
