"""Bad input gets a clear message that starts with the field's label, and changes nothing.

Every refusal is checked word for word (the CLI and the TUI show these
messages as they are) and against the register before and after: same head
hash, same entries, same action rows.
"""

from __future__ import annotations

import pytest

from db.errors import InputError, NotFound, StaleVersion
from db.store import register

CHOICES_STATUS = "not_started, in_progress, implemented, closed, superseded, cancelled"
REASON_REQUIRED = "reason: is required: say why (it is recorded in the progress log)"
REASON_WITH_CHANGE = "reason: is required with a new RAG or target date: say why"


@pytest.fixture
def a1(conn, clock, draft):
    """A register holding A1 ('Action A1', owner Jo Bloggs, target 2025-06-30), version 1."""
    clock.advance()
    register.add_action(conn, draft("A1"), author="Jo", clock=clock)
    return conn


@pytest.fixture
def refuse(conn, register_state):
    """refuse(call, error=InputError) -> message; asserts the register did not change."""

    def check(call, error: type[Exception] = InputError) -> str:
        before = register_state(conn)
        with pytest.raises(error) as info:
            call()
        assert register_state(conn) == before, "a refused write changed the register"
        message = str(info.value)
        if isinstance(info.value, InputError):
            assert message == "; ".join(info.value.problems)
        return message

    return check


# --- dates ---------------------------------------------------------------------------

FORMS = "write it as 28/02/2027, 28 Feb 2027 or 2027-02-28 (day first)"
BAD_DATES = {
    "2023-02-31": "'2023-02-31' is not a real date",
    "12/31/2023": "'12/31/2023' is not a real date (dates are read day first: DD/MM/YYYY)",
    "30 Feb 2025": "'30 Feb 2025' is not a real date",
    "20230101": f"'20230101' is not a date; {FORMS}",
    "soon": f"'soon' is not a date; {FORMS}",
    "": f"'' is not a date; {FORMS}",
}


@pytest.mark.parametrize(("value", "why"), BAD_DATES.items(), ids=BAD_DATES.keys())
def test_a_new_action_with_a_bad_target_date_is_refused(a1, refuse, draft, value, why):
    message = refuse(lambda: register.add_action(a1, draft("A2", target_date=value), author="Jo"))
    assert message == f"target date: {why}"


@pytest.mark.parametrize(("value", "why"), BAD_DATES.items(), ids=BAD_DATES.keys())
def test_re_dating_to_a_bad_date_is_refused(a1, refuse, value, why):
    message = refuse(
        lambda: register.move_target_date(a1, "A1", value, reason="slipped", author="Jo")
    )
    assert message == f"target date: {why}"


def test_record_update_names_the_bad_date(a1, refuse):
    message = refuse(
        lambda: register.record_update(
            a1, "A1", target_date="12/31/2023", reason="slipped", author="Jo"
        )
    )
    assert message.startswith("target date: '12/31/2023' is not a real date")


def test_a_real_date_is_accepted_and_stored_as_iso_text(a1, clock):
    clock.advance()
    row = register.move_target_date(
        a1, "A1", " 2024-02-29 ", reason="leap", author="Jo", clock=clock
    )
    assert row["target_date"] == "2024-02-29"
    assert row["original_target_date"] == "2025-06-30"


UK_DAYS = {
    "28/02/2027": "2027-02-28",
    "28-02-2027": "2027-02-28",
    "28.2.27": "2027-02-28",
    "1/4/2027": "2027-04-01",
    "31 March 2027": "2027-03-31",
    "31 Mar 2027": "2027-03-31",
    "31st March 2027": "2027-03-31",
    "March 31, 2027": "2027-03-31",
    "2027-03-31": "2027-03-31",
}


@pytest.mark.parametrize(("typed", "stored"), UK_DAYS.items(), ids=UK_DAYS.keys())
def test_a_date_written_the_uk_way_is_stored_as_iso_text(a1, clock, typed, stored):
    clock.advance()
    row = register.move_target_date(a1, "A1", typed, reason="slipped", author="Jo", clock=clock)
    assert row["target_date"] == stored


def test_numbers_are_read_day_first_never_month_first(a1, clock):
    clock.advance()
    row = register.move_target_date(a1, "A1", "03/04/2027", reason="r", author="Jo", clock=clock)
    assert row["target_date"] == "2027-04-03"


def test_closing_a_red_action_clears_the_rating_with_its_reason(a1, clock):
    from db.integrity.verifier import verify

    clock.advance()
    register.set_rag(a1, "A1", "red", reason="Supplier late", author="Jo", clock=clock)
    clock.advance()
    row = register.close_action(a1, "A1", evidence="Minute 4", author="Jo", clock=clock)
    assert (row["status"], row["rag"]) == ("closed", None)
    assert row["rag_reason"] == register.RED_SETTLED_ON_CLOSING
    assert verify(a1).ok  # the projection is what the log replays to


@pytest.mark.parametrize(
    ("rag", "stored"), [("green", "green"), ("amber", "amber"), ("none", None)]
)
def test_closing_settles_the_rag_as_asked(a1, clock, rag, stored):
    clock.advance()
    register.set_rag(a1, "A1", "red", reason="Supplier late", author="Jo", clock=clock)
    clock.advance()
    row = register.close_action(
        a1, "A1", evidence="Minute 4", rag=rag, note="Verified", author="Jo", clock=clock
    )
    assert (row["status"], row["rag"], row["rag_reason"]) == ("closed", stored, "Verified")


# --- refs ----------------------------------------------------------------------------


@pytest.mark.parametrize("ref", ["", "   "])
def test_an_empty_ref_is_refused(conn, refuse, draft, ref):
    message = refuse(lambda: register.add_action(conn, draft(ref), author="Jo"))
    assert message == "ref: must not be empty"


@pytest.mark.parametrize("ref", ["A1", "a1", " A1 "])
def test_a_duplicate_ref_is_refused_whatever_its_case(a1, refuse, draft, ref):
    message = refuse(lambda: register.add_action(a1, draft(ref), author="Jo"))
    assert message == f"ref: {ref.strip()!r} is already used by action A1 ('Action A1')"


def test_renaming_to_a_used_ref_is_refused_whatever_its_case(a1, refuse, draft, clock):
    register.add_action(a1, draft("A2"), author="Jo", clock=clock)
    message = refuse(lambda: register.edit_field(a1, "A2", "ref", "a1", reason="x", author="Jo"))
    assert message == "ref: 'a1' is already used by action A1 ('Action A1')"


@pytest.mark.parametrize("ref", ["A 1", "-A1", "A1;", "Ä1", "A1*", "(A1)"])
def test_a_ref_with_other_characters_is_refused(conn, refuse, draft, ref):
    message = refuse(lambda: register.add_action(conn, draft(ref), author="Jo"))
    assert message == (
        f"ref: {ref!r} may only use letters, digits and . _ / - (and start with a letter or digit)"
    )


def test_a_ref_over_20_characters_is_refused(conn, refuse, draft):
    register.add_action(conn, draft("R" * 20), author="Jo")
    message = refuse(lambda: register.add_action(conn, draft("R" * 21), author="Jo"))
    assert message == "ref: is 21 characters long; the most allowed is 20"


@pytest.mark.parametrize("ref", ["A1", "2.3", "SEND-4", "a_b/c.d-1", "7"])
def test_refs_people_use_are_accepted(conn, draft, ref):
    assert register.add_action(conn, draft(ref), author="Jo")["ref"] == ref


# --- status, RAG and other vocabularies ----------------------------------------------


@pytest.mark.parametrize(
    "spelling", ["In progress", "in-progress", "in_progress", "IN PROGRESS", " in  Progress "]
)
def test_status_spellings_are_accepted(a1, clock, spelling):
    clock.advance()
    row = register.change_status(a1, "A1", spelling, author="Jo", clock=clock)
    assert row["status"] == "in_progress"


@pytest.mark.parametrize(
    ("spelling", "rag"), [("G", "green"), ("Amber", "amber"), ("r", "red"), ("GREEN", "green")]
)
def test_rag_spellings_are_accepted(a1, clock, spelling, rag):
    clock.advance()
    row = register.set_rag(a1, "A1", spelling, reason="judgement", author="Jo", clock=clock)
    assert (row["rag"], row["rag_reason"]) == (rag, "judgement")


def test_spellings_are_accepted_on_a_new_action(conn, draft):
    row = register.add_action(
        conn, draft("A1", status="In progress", rag="G", priority="H"), author="Jo"
    )
    assert (row["status"], row["rag"], row["priority"]) == ("in_progress", "green", "high")


def test_an_unknown_status_is_refused_listing_the_choices(a1, refuse):
    message = refuse(lambda: register.change_status(a1, "A1", "Doing", author="Jo"))
    assert message == f"status: 'Doing' is not one of: {CHOICES_STATUS}"


def test_an_unknown_rag_is_refused_listing_the_choices(a1, refuse):
    message = refuse(lambda: register.set_rag(a1, "A1", "purple", reason="x", author="Jo"))
    assert message == "rag: 'purple' is not one of: red, amber, green"


def test_an_unknown_status_on_a_new_action_is_refused(conn, refuse, draft):
    message = refuse(lambda: register.add_action(conn, draft("A1", status="Doing"), author="Jo"))
    assert message == f"status: 'Doing' is not one of: {CHOICES_STATUS}"


def test_an_unknown_priority_is_refused(a1, refuse):
    message = refuse(
        lambda: register.edit_field(a1, "A1", "priority", "urgent", reason="x", author="Jo")
    )
    assert message == "priority: 'urgent' is not one of: high, medium, low"


def test_every_problem_with_an_update_is_listed(a1, refuse):
    with pytest.raises(InputError) as info:
        register.record_update(
            a1, "A1", status="Doing", rag="purple", percent_complete="150", author="Jo"
        )
    assert info.value.problems == [
        f"status: 'Doing' is not one of: {CHOICES_STATUS}",
        "rag: 'purple' is not one of: red, amber, green",
        "percent complete: 150 is not between 0 and 100",
    ]
    refuse(lambda: register.record_update(a1, "A1", status="Doing", author="Jo"))


def test_every_problem_with_a_new_action_is_listed(conn, refuse):
    message = refuse(lambda: register.add_action(conn, {"ref": "B1", "colour": "blue"}, author="J"))
    problems = message.split("; ")
    assert "title: is required" in problems
    assert "owner: is required" in problems
    assert "target date: is required" in problems
    assert "colour: is not a field actreg knows" in problems


# --- lengths and characters ----------------------------------------------------------


def test_a_title_of_300_characters_is_accepted_and_301_refused(conn, refuse, draft):
    assert (
        register.add_action(conn, draft("A1", title="t" * 300), author="Jo")["title"] == "t" * 300
    )
    message = refuse(lambda: register.add_action(conn, draft("A2", title="t" * 301), author="Jo"))
    assert message == "title: is 301 characters long; the most allowed is 300"


def test_an_edited_title_over_300_characters_is_refused(a1, refuse):
    message = refuse(
        lambda: register.edit_field(a1, "A1", "title", "t" * 301, reason="x", author="Jo")
    )
    assert message == "title: is 301 characters long; the most allowed is 300"


def test_an_owner_over_120_characters_is_refused(conn, refuse, draft):
    message = refuse(lambda: register.add_action(conn, draft("A1", owner="o" * 121), author="Jo"))
    assert message == "owner: is 121 characters long; the most allowed is 120"


def test_a_note_over_20000_characters_is_refused(a1, refuse):
    message = refuse(lambda: register.record_note(a1, "A1", "n" * 20_001, author="Jo"))
    assert message == "note: is 20,001 characters long; the most allowed is 20,000"


@pytest.mark.parametrize(
    ("text", "code"),
    [("a\x00b", "0000"), ("a\x1b[31mb", "001B"), ("a\nb", "000A"), ("a\tb", "0009")],
)
@pytest.mark.parametrize("field", ["title", "owner", "directorate", "theme", "source"])
def test_control_characters_are_refused_in_one_line_fields(conn, refuse, draft, field, text, code):
    message = refuse(lambda: register.add_action(conn, draft("A1", **{field: text}), author="Jo"))
    assert message == f"{field}: contains a control character (U+{code}); none are allowed"


@pytest.mark.parametrize(("text", "code"), [("a\x00b", "0000"), ("esc \x1b[2J", "001B")])
def test_control_characters_are_refused_in_commentary(a1, refuse, text, code):
    message = refuse(lambda: register.record_note(a1, "A1", text, author="Jo"))
    assert message == (
        f"note: contains a control character (U+{code}); none are allowed except new lines and tabs"
    )


def test_control_characters_are_refused_in_an_edited_field_and_a_reason(a1, refuse):
    message = refuse(
        lambda: register.edit_field(a1, "A1", "owner", "Jo\x00", reason="x", author="Jo")
    )
    assert message == "owner: contains a control character (U+0000); none are allowed"
    message = refuse(lambda: register.set_rag(a1, "A1", "red", reason="late \x1b[0m", author="Jo"))
    assert message.startswith("reason: contains a control character (U+001B)")


def test_new_lines_and_tabs_in_commentary_round_trip(a1, clock, draft):
    text = "Done so far:\n\t- scoping\n\t- procurement\n\nNext: build"
    clock.advance()
    row = register.record_note(a1, "A1", text, author="Jo", clock=clock)
    assert row["last_commentary"] == text
    stored = a1.execute("SELECT commentary FROM progress_log ORDER BY id DESC LIMIT 1").fetchone()
    assert stored[0] == text
    description = "Line one\n\tLine two"
    row = register.add_action(a1, draft("A2", description=description), author="Jo", clock=clock)
    assert (
        a1.execute("SELECT description FROM action WHERE ref = 'A2'").fetchone()[0] == description
    )


def test_windows_line_ends_in_commentary_become_new_lines(a1, clock):
    clock.advance()
    row = register.record_note(a1, "A1", "one\r\ntwo", author="Jo", clock=clock)
    assert row["last_commentary"] == "one\ntwo"


def test_a_lone_surrogate_is_refused(a1, refuse, draft):
    message = refuse(lambda: register.record_note(a1, "A1", "bad \ud800 text", author="Jo"))
    assert message == "note: contains bytes that are not valid text (UTF-8)"
    message = refuse(lambda: register.add_action(a1, draft("A2", title="x\udcff"), author="Jo"))
    assert message == "title: contains bytes that are not valid text (UTF-8)"


def test_an_empty_author_is_refused(a1, refuse):
    message = refuse(lambda: register.record_note(a1, "A1", "note", author="  "))
    assert message == "author: must not be empty"


# --- reasons -------------------------------------------------------------------------


@pytest.mark.parametrize("reason", ["", "   ", "\n\t"])
def test_a_rag_needs_a_reason(a1, refuse, reason):
    message = refuse(lambda: register.set_rag(a1, "A1", "red", reason=reason, author="Jo"))
    assert message == REASON_REQUIRED


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_new_target_date_needs_a_reason(a1, refuse, reason):
    message = refuse(
        lambda: register.move_target_date(a1, "A1", "2025-09-30", reason=reason, author="Jo")
    )
    assert message == REASON_REQUIRED


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_field_edit_needs_a_reason(a1, refuse, reason):
    message = refuse(
        lambda: register.edit_field(a1, "A1", "owner", "Sam", reason=reason, author="Jo")
    )
    assert message == REASON_REQUIRED


@pytest.mark.parametrize("change", [{"rag": "red"}, {"target_date": "2025-09-30"}])
def test_record_update_asks_for_a_reason_with_a_new_rag_or_target_date(a1, refuse, change):
    message = refuse(lambda: register.record_update(a1, "A1", author="Jo", **change))
    assert message == REASON_WITH_CHANGE


@pytest.mark.parametrize("change", [{"rag": "red"}, {"target_date": "2025-09-30"}])
def test_record_update_refuses_a_blank_reason_with_a_new_rag_or_target_date(a1, refuse, change):
    message = refuse(lambda: register.record_update(a1, "A1", reason="   ", author="Jo", **change))
    assert message == REASON_WITH_CHANGE


# --- closing -------------------------------------------------------------------------


def test_closing_without_evidence_is_refused(a1, refuse):
    message = refuse(lambda: register.close_action(a1, "A1", author="Jo"))
    assert message == (
        "evidence: is required to close an action that has none recorded "
        "(what shows it is done? a report, minute or link)"
    )


def test_closing_with_evidence_given_now_or_before(a1, clock, draft):
    clock.advance()
    row = register.close_action(a1, "A1", evidence="Cabinet minute 12", author="Jo", clock=clock)
    assert (row["status"], row["evidence"]) == ("closed", "Cabinet minute 12")
    assert row["completed_date"] == clock.now.date().isoformat()
    register.add_action(a1, draft("A2"), author="Jo", clock=clock)
    register.add_evidence(a1, "A2", "Audit report p.4", author="Jo", clock=clock)
    assert register.close_action(a1, "A2", author="Jo", clock=clock)["status"] == "closed"


def test_closing_a_closed_action_is_refused(a1, refuse):
    register.close_action(a1, "A1", evidence="minute", author="Jo")
    message = refuse(lambda: register.close_action(a1, "A1", evidence="again", author="Jo"))
    assert message == "status: action A1 is already closed"


def test_closing_through_change_status_also_needs_evidence(a1, refuse):
    message = refuse(lambda: register.change_status(a1, "A1", "closed", author="Jo"))
    assert message.startswith("evidence: is required")


def test_empty_evidence_is_refused(a1, refuse):
    message = refuse(lambda: register.add_evidence(a1, "A1", "   ", author="Jo"))
    assert message == "evidence: must not be empty"


# --- nothing to do -------------------------------------------------------------------


def test_an_empty_update_is_refused(a1, refuse):
    message = refuse(lambda: register.record_update(a1, "A1", author="Jo"))
    assert message == "nothing to record: give a note, status, RAG, target date or percent"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"status": "Not started"}, "status: is already not_started"),
        ({"target_date": "2025-06-30", "reason": "x"}, "target date: is already 2025-06-30"),
        ({"percent_complete": "0%"}, "percent complete: is already 0"),
    ],
)
def test_an_update_to_the_current_value_is_refused(a1, refuse, change, message):
    assert refuse(lambda: register.record_update(a1, "A1", author="Jo", **change)) == message


def test_an_edit_to_the_current_value_is_refused(a1, refuse):
    message = refuse(
        lambda: register.edit_field(a1, "A1", "Title", " Action A1 ", reason="x", author="Jo")
    )
    assert message == "title: is already 'Action A1'; nothing to change"


def test_an_empty_note_is_refused(a1, refuse):
    assert refuse(lambda: register.record_note(a1, "A1", " \n ", author="Jo")) == (
        "note: must not be empty"
    )


def test_record_update_refuses_a_blank_note(a1, refuse):
    message = refuse(lambda: register.record_update(a1, "A1", note="   ", author="Jo"))
    assert message == "note: must not be empty"


# --- fields that are not edited by edit_field ----------------------------------------


@pytest.mark.parametrize(
    ("field", "hint"),
    [
        ("status", "change the status"),
        ("RAG", "set the RAG"),
        ("target date", "re-date it"),
        ("evidence", "add evidence"),
    ],
)
def test_fields_with_their_own_intent_point_to_it(a1, refuse, field, hint):
    message = refuse(lambda: register.edit_field(a1, "A1", field, "x", reason="x", author="Jo"))
    assert message == f"field: {field!r} cannot be edited here ({hint} instead)"


def test_an_unknown_field_lists_the_editable_ones(a1, refuse):
    message = refuse(
        lambda: register.edit_field(a1, "A1", "created_at", "x", reason="x", author="J")
    )
    assert message.startswith("field: 'created_at' cannot be edited here; editable fields: ref,")
    assert "title" in message
    assert "percent_complete" in message


# --- things that are not there -------------------------------------------------------


def test_an_unknown_ref_is_not_found(a1, refuse):
    message = refuse(lambda: register.record_note(a1, "Z9", "n", author="Jo"), NotFound)
    assert message == "ref: no action 'Z9' in this register"


def test_an_unknown_entry_is_not_found(a1, refuse):
    message = refuse(
        lambda: register.correct_entry(a1, "no-such-uuid", value="x", reason="x", author="Jo"),
        NotFound,
    )
    assert message == "entry: no log entry 'no-such-uuid' in this register"


# --- stale versions ------------------------------------------------------------------

STALE_WRITES = {
    "record_update": lambda c, v: register.record_update(
        c, "A1", note="n", percent_complete=50, author="B", **v
    ),
    "change_status": lambda c, v: register.change_status(c, "A1", "in progress", author="B", **v),
    "set_rag": lambda c, v: register.set_rag(c, "A1", "red", reason="r", author="B", **v),
    "move_target_date": lambda c, v: register.move_target_date(
        c, "A1", "2026-01-01", reason="r", author="B", **v
    ),
    "edit_field": lambda c, v: register.edit_field(
        c, "A1", "owner", "B", reason="r", author="B", **v
    ),
    "add_evidence": lambda c, v: register.add_evidence(c, "A1", "report", author="B", **v),
    "close_action": lambda c, v: register.close_action(c, "A1", evidence="e", author="B", **v),
    "correct_entry": lambda c, v: register.correct_entry(
        c,
        c.execute("SELECT uuid FROM progress_log WHERE kind = 'note'").fetchone()[0],
        value="fixed",
        reason="typo",
        author="B",
        **v,
    ),
}


def test_a_note_alone_is_saved_over_a_newer_version(a1, clock):
    """A note changes no field, so it conflicts with nothing (issue 14, item 16)."""
    clock.advance()
    register.record_note(a1, "A1", "Someone else's note", author="A", clock=clock)  # version 2
    register.record_note(a1, "A1", "mine", author="B", expected_version=1, clock=clock)
    row = register.record_update(
        a1, "A1", note="mine too", author="B", expected_version=1, clock=clock
    )
    assert row["last_commentary"] == "mine too" and row["version"] == 4


@pytest.mark.parametrize("write", STALE_WRITES.values(), ids=STALE_WRITES.keys())
def test_a_stale_expected_version_is_refused_naming_the_action(a1, refuse, clock, write):
    clock.advance()
    register.record_note(a1, "A1", "Someone else's note", author="A", clock=clock)  # version 2
    message = refuse(lambda: write(a1, {"expected_version": 1}), StaleVersion)
    assert message.startswith(
        "Action A1 was changed by someone else since you opened it (version 1 is now 2)."
    )
    assert "Nothing was saved" in message
    # The version the caller saw is the current one: the same write goes through.
    row = write(a1, {"expected_version": 2})
    assert row["version"] >= 3


# --- corrections ---------------------------------------------------------------------


def test_a_correction_cannot_itself_be_corrected(a1, refuse, clock):
    clock.advance()
    register.record_note(a1, "A1", "Teh note", author="Jo", clock=clock)
    note = a1.execute("SELECT uuid FROM progress_log WHERE kind = 'note'").fetchone()[0]
    register.correct_entry(a1, note, value="The note", reason="typo", author="Jo", clock=clock)
    fix = a1.execute("SELECT uuid FROM progress_log WHERE kind = 'correction'").fetchone()[0]
    message = refuse(
        lambda: register.correct_entry(a1, fix, value="x", reason="again", author="Jo")
    )
    assert message == "entry: correct the original entry, not a correction of it"


def test_a_correction_needs_a_reason_and_a_value(a1, refuse, clock):
    clock.advance()
    register.change_status(a1, "A1", "in progress", author="Jo", clock=clock)
    entry = a1.execute("SELECT uuid FROM progress_log WHERE kind = 'status'").fetchone()[0]
    message = refuse(
        lambda: register.correct_entry(a1, entry, value="closed", reason="", author="J")
    )
    assert message == REASON_REQUIRED
    message = refuse(lambda: register.correct_entry(a1, entry, reason="wrong", author="Jo"))
    assert message == "value: give the right status"
    message = refuse(
        lambda: register.correct_entry(a1, entry, value="Doing", reason="wrong", author="Jo")
    )
    assert message == f"status: 'Doing' is not one of: {CHOICES_STATUS}"
    message = refuse(
        lambda: register.correct_entry(a1, entry, value="In progress", reason="x", author="Jo")
    )
    assert message == "status: is already 'in_progress'; nothing to correct"


def test_correcting_a_ref_edit_to_a_used_ref_is_refused(a1, refuse, draft, clock):
    register.add_action(a1, draft("A2"), author="Jo", clock=clock)
    clock.advance()
    register.edit_field(a1, "A1", "ref", "A3", reason="renumbered", author="Jo", clock=clock)
    edit = a1.execute("SELECT uuid FROM progress_log WHERE kind = 'field_edit'").fetchone()[0]
    message = refuse(
        lambda: register.correct_entry(a1, edit, value="a2", reason="wrong ref", author="Jo")
    )
    assert message == "ref: 'a2' is already used by action A2 ('Action A2')"
