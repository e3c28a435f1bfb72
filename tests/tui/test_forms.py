"""The edit forms: each writes through db with the app's author, or shows db's words inline."""

from __future__ import annotations

from textual import events
from textual.widgets import Input, Select, Static, TextArea

from db.store.connection import open_register
from db.store.register import record_note
from tests.tui.tui_helpers import run_async, settle
from tui.app.app import ActregApp
from tui.screens.action import ActionScreen
from tui.screens.confirm import ConfirmScreen
from tui.screens.form_screen import FormScreen
from tui.widgets.action_table import ActionTable
from tui.widgets.lines_view import LinesView

KEY_NAMES = {" ": "space", "!": "exclamation_mark"}


def log_rows(conn, ref: str) -> list[tuple]:
    return conn.execute(
        "SELECT p.kind, p.field, p.new_value, p.commentary, p.author FROM progress_log p"
        " JOIN action a ON a.id = p.action_id WHERE a.ref = ? ORDER BY p.id",
        (ref,),
    ).fetchall()


def error_of(app, name: str) -> str:
    return str(app.screen.query_one(f"#error-{name}", Static).render())


def written_elsewhere(path, ref: str) -> None:
    """Another actreg on the same file adds a note to `ref`."""
    other = open_register(path)
    try:
        record_note(other, ref, "Written by another officer", author="someone else")
    finally:
        other.close()


async def open_card(pilot, ref: str) -> ActionScreen:
    app = pilot.app
    await settle(pilot)
    table = app.screen.query_one(ActionTable)
    index = next(i for i in range(table.total) if table.row_at(i)["ref"] == ref)
    for _ in range(index):
        await pilot.press("down")
    await pilot.press("enter")
    await settle(pilot)
    assert isinstance(app.screen, ActionScreen) and app.screen.ref == ref
    return app.screen


async def type_into(pilot, text: str) -> None:
    """Type into the focused field: the first letter as a key press, the rest inserted."""
    await pilot.press("space" if text[0] == " " else text[0])
    focused = pilot.app.focused
    if isinstance(focused, TextArea):
        focused.insert(text[1:])
    else:
        focused.insert_text_at_cursor(text[1:])
    await pilot.pause()


@run_async
async def test_update_form_records_the_note_with_the_author(mat_conn):
    app = ActregApp(mat_conn, author="tester")
    async with app.run_test(size=(120, 40)) as pilot:
        card = await open_card(pilot, "A1")
        version = card.row["version"]
        await pilot.press("u")
        await settle(pilot)
        assert isinstance(app.screen, FormScreen)
        await type_into(pilot, "Consultation closed on time")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ActionScreen)
        assert app.screen.row["version"] == version + 1
        text = "\n".join(line.plain for line in app.screen.query_one("#card").lines)
        assert "Consultation closed on time" in text
    assert log_rows(mat_conn, "A1")[-1] == (
        "note",
        None,
        None,
        "Consultation closed on time",
        "tester",
    )


@run_async
async def test_update_form_with_a_rag_uses_the_note_as_the_reason(mat_conn):
    app = ActregApp(mat_conn, author="tester")
    async with app.run_test(size=(120, 40)) as pilot:
        await open_card(pilot, "A2")
        await pilot.press("u")
        await settle(pilot)
        app.screen.query_one("#field-rag", Select).value = "amber"
        app.screen.query_one("#field-note", TextArea).focus()
        await type_into(pilot, "Supplier late")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ActionScreen)
    rows = log_rows(mat_conn, "A2")[-2:]
    assert rows[0] == ("rag", "rag", "amber", "Supplier late", "tester")
    assert rows[1] == ("note", None, None, "Supplier late", "tester")


@run_async
async def test_choice_boxes_take_a_typed_letter(mat_conn):
    app = ActregApp(mat_conn, author="tester")
    async with app.run_test(size=(120, 40)) as pilot:
        await open_card(pilot, "A2")
        await pilot.press("u")
        await settle(pilot)
        status = app.screen.query_one("#field-status", Select)
        rag = app.screen.query_one("#field-rag", Select)
        rag.focus()
        await pilot.press("a")
        assert rag.value == "amber"
        await pilot.press("r")  # "ar" names nothing: the newest letter counts
        assert rag.value == "red"
        await pilot.press("g")
        assert rag.value == "green"
        status.focus()
        await pilot.press("i")
        assert status.value == "in_progress"
        await pilot.press("i")  # the same letter again: the next option it starts
        assert status.value == "implemented"
        await pilot.press("c")
        await pilot.pause(1.1)
        await pilot.press("c", "a")  # "ca": Cancelled, not Closed
        assert status.value == "cancelled"
        assert isinstance(app.screen, FormScreen)  # no letter fell through to the card


@run_async
async def test_rag_form_without_a_reason_shows_the_error_inline_and_writes_nothing(mat_conn):
    before = log_rows(mat_conn, "A2")
    app = ActregApp(mat_conn, author="tester")
    async with app.run_test(size=(120, 40)) as pilot:
        await open_card(pilot, "A2")
        await pilot.press("r")
        await settle(pilot)
        app.screen.query_one("#field-rag", Select).value = "red"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, FormScreen)
        assert error_of(app, "reason") == (
            "reason: is required: say why (it is recorded in the progress log)"
        )
        assert app.screen.query_one("#field-reason").has_class("-invalid")
        # esc asks before throwing away what was chosen
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, ActionScreen)
    assert log_rows(mat_conn, "A2") == before


@run_async
async def test_new_action_form_validates_then_adds(mat_conn):
    app = ActregApp(mat_conn, author="tester")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, FormScreen)
        await type_into(pilot, "A11")
        await pilot.press("tab")
        await type_into(pilot, "Publish the lessons learned")
        await pilot.press("tab")
        await type_into(pilot, "Jo Smith")
        await pilot.press("tab")
        await type_into(pilot, "12/31/2026")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form
        assert error_of(app, "target_date").startswith(
            "target date: '12/31/2026' is not a real date (dates are read day first"
        )
        # the message goes as soon as the field is changed, not at the next save
        await pilot.press("backspace")
        await pilot.pause()
        assert error_of(app, "target_date") == ""
        assert not form.query_one("#field-target_date").has_class("-invalid")
        form.query_one("#field-target_date", Input).value = "31/12/2026"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, FormScreen)
        assert app.screen.query_one(ActionTable).total == 7
    row = mat_conn.execute(
        "SELECT title, owner, target_date, original_target_date FROM action WHERE ref = 'A11'"
    ).fetchone()
    assert row == ("Publish the lessons learned", "Jo Smith", "2026-12-31", "2026-12-31")
    assert log_rows(mat_conn, "A11")[0][0::4] == ("created", "tester")


@run_async
async def test_keys_typed_in_one_burst_across_tab_land_in_their_own_fields(mat_conn):
    # A paste, a script or a slow machine: tab and the letters after it arrive
    # together. The letters must reach the field tab moved to, not the one it left.
    app = ActregApp(mat_conn, author="tester")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        form = app.screen
        keys = [*"A12", "tab", *"Burst title", "tab", *"Jo", "tab", "shift+tab"]
        for key in keys:
            character = key if len(key) == 1 else None
            app.post_message(events.Key(KEY_NAMES.get(key, key), character))
        await settle(pilot)
        values = {f.id: f.value for f in form.query(Input)}
        assert values["field-ref"] == "A12"
        assert values["field-title"] == "Burst title"
        assert values["field-owner"] == "Jo"
        assert app.focused.id == "field-owner"  # shift+tab came back from the next field


@run_async
async def test_quitting_with_a_form_half_typed_asks_first(mat_conn):
    app = ActregApp(mat_conn, author="tester")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("u")
        await settle(pilot)
        form = app.screen
        await type_into(pilot, "Half a note")
        await pilot.press("ctrl+q")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen) and app.is_running
        assert "not been saved" in str(app.screen.question)
        await pilot.press("n")  # no: back to the form, the note still there
        await settle(pilot)
        assert app.screen is form and form.values()["note"] == "Half a note"
        await pilot.press("ctrl+q")
        await settle(pilot)
        await pilot.press("y")
        await pilot.pause(0.1)
        assert not app.is_running
    assert app.return_code == 0


@run_async
async def test_quitting_with_nothing_typed_is_at_once(mat_conn):
    app = ActregApp(mat_conn, author="tester")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("u")
        await settle(pilot)
        await pilot.press("ctrl+q")
        await pilot.pause(0.1)
        assert not app.is_running


@run_async
async def test_after_a_save_the_card_shows_its_top_where_the_new_entry_is(mat_conn):
    app = ActregApp(mat_conn, author="tester")
    async with app.run_test(size=(100, 16)) as pilot:  # short: the card scrolls
        card = await open_card(pilot, "A1")
        view = card.query_one(LinesView)
        view.scroll_end(animate=False)
        await settle(pilot)
        assert view.scroll_y > 0
        await pilot.press("u")
        await settle(pilot)
        await type_into(pilot, "Scrolled-away note")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is card and view.scroll_y == 0


@run_async
async def test_redate_form_shows_the_original_date_and_moves_the_target(mat_conn):
    app = ActregApp(mat_conn, author="tester")
    async with app.run_test(size=(120, 40)) as pilot:
        await open_card(pilot, "A1")
        await pilot.press("d")
        await settle(pilot)
        intro = str(app.screen.query_one("#form-intro", Static).render())
        assert "Original target date: 2026-03-31" in intro and "moved 2 times" in intro
        app.screen.query_one("#field-target_date", Input).value = "2026-07-31"
        await pilot.press("ctrl+s")  # no reason yet
        await settle(pilot)
        assert error_of(app, "reason").startswith("reason: is required")
        await pilot.press("tab")  # focus was put on the reason field; tab goes on, shift+tab back
        await pilot.press("shift+tab")
        await type_into(pilot, "Board date moved")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ActionScreen)
        assert app.screen.row["target_date"] == "2026-07-31"
        assert app.screen.row["target_revisions"] == 3
    assert log_rows(mat_conn, "A1")[-1] == (
        "target_date",
        "target_date",
        "2026-07-31",
        "Board date moved",
        "tester",
    )


@run_async
async def test_a_change_made_elsewhere_is_refused_reloaded_and_what_was_typed_kept(
    mat_conn, mat_path
):
    app = ActregApp(mat_conn, author="tester")
    async with app.run_test(size=(120, 40)) as pilot:
        card = await open_card(pilot, "A2")
        shown_version = card.row["version"]
        written_elsewhere(mat_path, "A2")
        await pilot.press("u")
        await settle(pilot)
        form = app.screen
        await type_into(pilot, "My update")
        form.query_one("#field-percent_complete", Input).value = "60"  # a field change
        await pilot.press("ctrl+s")
        await settle(pilot)
        # Refused and said so; the form stays, reloaded, with the note still typed.
        assert app.screen is form
        assert "changed by someone else" in str(form.query_one("#form-error", Static).render())
        assert f"(version {shown_version + 1})" in str(
            form.query_one("#form-intro", Static).render()
        )
        assert form.values()["note"] == "My update"
        notes = [r[3] for r in log_rows(mat_conn, "A2")]
        assert "Written by another officer" in notes and "My update" not in notes
        await pilot.press("ctrl+s")  # saved over the new version this time
        await settle(pilot)
        assert isinstance(app.screen, ActionScreen)
        assert app.screen.row["version"] == shown_version + 3  # the other note, then % and note
    assert log_rows(mat_conn, "A2")[-3:] == [
        ("note", None, None, "Written by another officer", "someone else"),
        ("field_edit", "percent_complete", "60", None, "tester"),
        ("note", None, None, "My update", "tester"),
    ]


@run_async
async def test_a_note_alone_is_saved_even_after_a_change_made_elsewhere(mat_conn, mat_path):
    """A note changes no field, so it conflicts with nothing: no stale refusal for it."""
    app = ActregApp(mat_conn, author="tester")
    async with app.run_test(size=(120, 40)) as pilot:
        card = await open_card(pilot, "A2")
        shown_version = card.row["version"]
        await pilot.press("u")
        await settle(pilot)
        for _ in range(3):  # a busy action: three changes while the note is typed
            written_elsewhere(mat_path, "A2")
        await type_into(pilot, "My note")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ActionScreen)
        assert app.screen.row["version"] == shown_version + 4
    assert log_rows(mat_conn, "A2")[-1] == ("note", None, None, "My note", "tester")


@run_async
async def test_leaving_a_form_refused_as_stale_reloads_the_card(mat_conn, mat_path):
    app = ActregApp(mat_conn, author="tester")
    async with app.run_test(size=(120, 40)) as pilot:
        card = await open_card(pilot, "A2")
        shown_version = card.row["version"]
        written_elsewhere(mat_path, "A2")
        await pilot.press("r")
        await settle(pilot)
        app.screen.query_one("#field-reason", TextArea).load_text("Funding confirmed")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, FormScreen) and app.screen.stale
        await pilot.press("escape")  # the reason was typed: discard it?
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, ActionScreen)
        assert app.screen.row["version"] == shown_version + 1  # reloaded: the other note
        messages = [n.message for n in app._notifications]
        assert any("changed elsewhere" in m for m in messages)


@run_async
async def test_edit_field_and_status_and_close_forms(mat_conn):
    app = ActregApp(mat_conn, author="tester")
    async with app.run_test(size=(120, 40)) as pilot:
        await open_card(pilot, "A5")
        await pilot.press("e")
        await settle(pilot)
        app.screen.query_one("#field-field", Select).value = "owner"
        await settle(pilot)
        value = app.screen.query_one("#field-value", Input)
        assert value.value == "Mia Chen"  # the current value is filled in
        value.value = ""
        app.screen.query_one("#field-reason", TextArea).text = "Owner left"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert error_of(app, "value") == "owner: must not be empty"
        value.value = "Ali Khan"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen.row["owner"] == "Ali Khan"

        await pilot.press("s")
        await settle(pilot)
        app.screen.query_one("#field-status", Select).value = "in_progress"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen.row["status"] == "in_progress"

        await pilot.press("c")
        await settle(pilot)
        await pilot.press("ctrl+s")  # no evidence recorded, none given
        await settle(pilot)
        assert error_of(app, "evidence").startswith("evidence: is required to close")
        await type_into(pilot, "Minute 7")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen.row["status"] == "closed"
    entries = log_rows(mat_conn, "A5")[1:]
    assert {r[4] for r in entries} == {"tester"}
    assert [r[:3] for r in entries[:4]] == [
        ("field_edit", "owner", "Ali Khan"),
        ("status", "status", "in_progress"),
        ("evidence", "evidence", "Minute 7"),
        ("status", "status", "closed"),
    ]


@run_async
async def test_a_closed_action_changes_status_only_with_a_reason(mat_conn):
    app = ActregApp(mat_conn, author="tester")
    async with app.run_test(size=(120, 40)) as pilot:
        await open_card(pilot, "A5")
        await pilot.press("c")
        await settle(pilot)
        await type_into(pilot, "Minute 7")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen.row["status"] == "closed"
        before = log_rows(mat_conn, "A5")

        await pilot.press("s")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, FormScreen)
        labels = " ".join(str(w.render()) for w in form.query(".field-label"))
        assert "Reason (required: it is closed)" in labels
        form.query_one("#field-status", Select).value = "superseded"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form
        assert error_of(app, "reason") == (
            "reason: is required to change the status of a closed action (to Superseded): say why"
        )
        assert log_rows(mat_conn, "A5") == before
        form.query_one("#field-reason", TextArea).text = "Replaced by A7"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ActionScreen) and app.screen.row["status"] == "superseded"
    assert log_rows(mat_conn, "A5")[-1][:4] == ("status", "status", "superseded", "Replaced by A7")


@run_async
async def test_owner_is_offered_from_the_owners_in_the_register(mat_conn):
    app = ActregApp(mat_conn, author="tester")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        owner = app.screen.query_one("#field-owner", Input)
        owner.focus()
        await pilot.press("s", "a")
        await settle(pilot)
        assert owner._suggestion == "Sam Patel"
        await pilot.press("right")  # takes the suggestion
        assert owner.value == "Sam Patel"
        owner.value = ""
        await pilot.press("m", "i", "a", " ", "c", "h", "e", "n")  # another case: same owner
        await settle(pilot)
        await pilot.press("right")
        assert owner.value == "Mia Chen"
        owner.value = ""
        await pilot.press("z", "o", "e")  # a new owner: nothing offered, the spelling kept
        await settle(pilot)
        await pilot.press("right")
        assert owner.value == "zoe"


@run_async
async def test_at_80x24_tab_always_shows_the_field_it_moves_to(mat_conn):
    app = ActregApp(mat_conn, author="tester")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for key, on_card in (("u", True), ("d", True), ("n", False)):
            if on_card:
                await open_card(pilot, "A1")
            await pilot.press(key)
            await settle(pilot)
            form = app.screen
            assert isinstance(form, FormScreen)
            fields = form.query_one("#form-fields")
            # the dialog uses the height it has: if its fields must scroll, it is as tall
            # as a dialog may be (90% of the 23 lines above the key bar), not 45% of it
            if fields.virtual_size.height > fields.size.height:
                assert form.query_one("#form-box").outer_size.height == 20, key
            names = [spec.name for spec in form.fields]
            for name in names:
                assert app.focused is form.query_one(f"#field-{name}"), (key, name)
                await pilot.pause()
                await settle(pilot)
                widget = app.focused
                label = fields.children[fields.children.index(widget) - 1]
                for shown in (widget, label):
                    assert fields.region.contains_region(shown.region), (key, name, shown)
                await pilot.press("tab")
            await settle(pilot)
            form.dismiss(None)
            await settle(pilot)
            if on_card:
                await pilot.press("escape")
                await settle(pilot)


@run_async
async def test_closing_a_red_action_asks_what_its_rag_becomes(mat_conn):
    app = ActregApp(mat_conn, author="tester")  # A3 is rated red in the fixture
    async with app.run_test(size=(120, 40)) as pilot:
        await open_card(pilot, "A3")
        await pilot.press("c")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, FormScreen)
        rag = form.query_one("#field-rag", Select)
        assert rag.value == "green"  # offered first; amber or unrated on a letter
        await type_into(pilot, "Trainer booked, course run")
        rag.focus()
        await pilot.press("a")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ActionScreen)
        assert (app.screen.row["status"], app.screen.row["rag"]) == ("closed", "amber")
    app = ActregApp(mat_conn, author="tester")
    async with app.run_test(size=(120, 40)) as pilot:
        await open_card(pilot, "A2")  # green: nothing to ask
        await pilot.press("c")
        await settle(pilot)
        assert not app.screen.query("#field-rag")


@run_async
async def test_a_character_no_document_can_hold_is_refused_naming_the_field(mat_conn):
    app = ActregApp(mat_conn, author="tester")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, FormScreen)
        for name, value in (("ref", "A12"), ("title", "Policy\ufffereview"),
                            ("owner", "Jo\uffffSmith"), ("target_date", "2026-12-31")):  # fmt: skip
            form.query_one(f"#field-{name}", Input).value = value
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form
        assert error_of(app, "title").startswith("title: contains U+FFFE (not a character)")
        assert error_of(app, "owner").startswith("owner: contains U+FFFF (not a character)")
    assert mat_conn.execute("SELECT count(*) FROM action WHERE ref = 'A12'").fetchone()[0] == 0
