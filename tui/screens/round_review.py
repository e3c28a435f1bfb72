"""Reviewing what owners returned: each submission beside the action as it stands.

One key per decision: `a` accepts it as returned, `e` edits it and then accepts,
`r` rejects it with a reason. Each decision is written at once (its own
transaction); the list then reloads and the next waiting submission shows.
Nothing is ever removed: a rejected submission stays on the action's card.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Static

from db.errors import ActregError
from db.read.queries import get_action
from db.rounds.columns import INPUT_COLUMNS
from db.rounds.review import (
    Submission,
    accept_submission,
    reject_submission,
    waiting_submissions,
)
from tui.base.background import run_db
from tui.base.command import Command, bindings
from tui.screens.form_screen import FieldSpec, FormResult, FormScreen
from tui.text.formatting import rag_word, status_label, target_text
from tui.text.round_text import submission_lines
from tui.widgets.banner import Banner
from tui.widgets.key_bar import KeyBar
from tui.widgets.lines_view import LinesView
from tui.widgets.title_bar import TitleBar

#: Long text fields get a text area in the edit form; the rest one line each.
_LONG = {"note", "rag_reason", "target_reason", "evidence"}


def standing_lines(row: dict) -> list[Text]:
    """The action as it stands now: what the submission would change."""
    rag = rag_word(row.get("rag"))
    lines = [
        Text.assemble((f" {row['ref']} ", "bold reverse"), (f"  {row['title']}", "bold")),
        Text(""),
        Text("As it stands now", "bold underline"),
        Text.assemble(("Status: ", "bold"), status_label(row["status"])),
        Text.assemble(("RAG: ", "bold"), rag),
        Text.assemble(("Target date: ", "bold"), target_text(row)),
        Text.assemble(("Complete: ", "bold"), f"{row.get('percent_complete') or 0}%"),
        Text.assemble(("Owner: ", "bold"), row.get("owner") or "—"),
        Text.assemble(("Version: ", "bold"), str(row["version"])),
        Text("Latest commentary:", "bold"),
    ]
    lines.append(Text(f"  {row.get('last_commentary') or '—'}"))
    return lines


def returned_lines(sub: Submission) -> list[Text]:
    first, *cells = submission_lines(sub)
    lines = [Text("Returned by the owner (verbatim)", "bold underline"), Text(first, "bold")]
    if sub.changed_since_sent:
        lines.append(Text("! The action changed after the request was sent", "bold yellow"))
    lines.extend(Text(cell) for cell in cells)
    if sub.committee:
        lines.append(Text(""))
        lines.append(
            Text(f"The new target date goes to the committee: {sub.committee}", "bold magenta")
        )
    return lines


def _edit_fields(sub: Submission) -> list[FieldSpec]:
    """One field per input column, holding what the owner proposed (or typed, if unreadable)."""
    unreadable = {p["field"] for p in sub.problems}
    fields = []
    for column in INPUT_COLUMNS:
        if column.key in unreadable:
            value = sub.cells.get(column.heading, "")
        else:
            value = sub.proposed.get(column.key)
            value = "" if value is None else str(value)
        fields.append(
            FieldSpec(
                column.key,
                kind="text" if column.key in _LONG else "input",
                value=value,
                caption=column.heading,
            )
        )
    return fields


class RoundReviewScreen(Screen):
    """The waiting submissions, one at a time."""

    DEFAULT_CSS = """
    RoundReviewScreen #review-panes { height: 1fr; }
    RoundReviewScreen #review-returned { width: 1fr; padding: 0 1; border-right: vkey $primary; }
    RoundReviewScreen #review-standing { width: 1fr; padding: 0 1; }
    """

    COMMAND_LIST: ClassVar[tuple[Command, ...]] = (
        Command(
            "a",
            "accept",
            "Accept",
            "Accept the update as returned",
            name="Accept the update",
            palette_help="Accept what the owner returned",
        ),
        Command(
            "e",
            "edit",
            "Edit & accept",
            "Edit what was returned, then accept it",
            name="Edit, then accept",
            palette_help="Change what was returned, then accept it",
        ),
        Command(
            "r",
            "reject",
            "Reject",
            "Reject the update, with a reason",
            name="Reject the update",
            palette_help="Reject it with a reason; it stays on the card",
        ),
        Command(
            "space,j",
            "next",
            "Next",
            "Next waiting submission",
            name="Next submission",
            palette_help="The next one waiting",
        ),
        Command(
            "k",
            "previous",
            "Prev",
            "Previous waiting submission",
            name="Previous submission",
            palette_help="The one before",
        ),
        Command("escape", "back", "Back", "Back to the register"),
    )
    BINDINGS: ClassVar[list[BindingType]] = bindings(COMMAND_LIST)

    def __init__(self) -> None:
        super().__init__()
        self.waiting: list[Submission] = []
        self.index = 0
        self.row: dict | None = None
        self.loads = 0  # completed loads (tests wait on it)
        self.busy = False

    def compose(self) -> ComposeResult:
        yield TitleBar("Review returned updates", id="review-title")
        yield from Banner.for_notices(self.app.gateway.notices)
        with Horizontal(id="review-panes"):
            yield LinesView(id="review-returned")
            yield LinesView(id="review-standing")
        yield KeyBar()

    def on_mount(self) -> None:
        self.load()

    @property
    def current(self) -> Submission | None:
        return self.waiting[self.index] if self.waiting else None

    def load(self) -> None:
        gateway = self.app.gateway

        def work():
            waiting = gateway.call(waiting_submissions)
            index = min(self.index, max(0, len(waiting) - 1))
            row = gateway.call(get_action, waiting[index].ref) if waiting else None
            return waiting, index, row

        run_db(self, work, on_done=self._loaded, group="review-load", exclusive=True)

    def _loaded(self, result) -> None:
        self.waiting, self.index, self.row = result
        self.busy = False
        title = self.query_one("#review-title", Static)
        returned = self.query_one("#review-returned", LinesView)
        standing = self.query_one("#review-standing", LinesView)
        sub = self.current  # (None: none waiting)
        if sub is None:
            title.update("Review returned updates · none waiting")
            returned.set_lines([Text("No submission is waiting for review.")])
            standing.set_lines([])
        else:
            count = len(self.waiting)
            title.update(
                f"Review returned updates · {self.index + 1} of {count} waiting · "
                f"#{sub.id} {sub.ref} from {sub.owner}"
            )
            returned.set_lines(returned_lines(sub))
            standing.set_lines(standing_lines(self.row))
        self.loads += 1

    def _ready(self) -> Submission | None:
        if self.busy or self.current is None:
            if self.current is None:
                self.notify("No submission is waiting for review.", title="Review")
            return None
        if self.app.gateway.readonly:
            self.notify(self.app.gateway.readonly_message(), title="Not done", severity="error")
            return None
        return self.current

    def action_accept(self) -> None:
        if (sub := self._ready()) is None:
            return
        gateway = self.app.gateway
        self.busy = True

        def done(applied: dict) -> None:
            self.notify(f"Accepted #{sub.id} ({sub.ref}).", title="Review")
            self.load()

        def failed(exc: ActregError) -> None:
            self.busy = False
            self.notify(f"{exc} (press e to edit it first)", title="Not accepted", severity="error")

        run_db(
            self,
            lambda: gateway.call(accept_submission, sub.id, author=gateway.author),
            on_done=done,
            on_error=failed,
            group="review-write",
        )

    def action_edit(self) -> None:
        if (sub := self._ready()) is None:
            return
        gateway = self.app.gateway

        def save(values: dict) -> dict:
            changes = {key: value or "" for key, value in values.items()}
            gateway.call(accept_submission, sub.id, author=gateway.author, changes=changes)
            return {"ref": sub.ref}

        form = FormScreen(
            f"Edit, then accept #{sub.id} ({sub.ref}) from {sub.owner}",
            _edit_fields(sub),
            save,
            intro="Change what the owner returned; an empty field is left out. "
            "ctrl+s accepts it as edited.",
        )
        self.app.push_screen(form, self._form_closed)

    def action_reject(self) -> None:
        if (sub := self._ready()) is None:
            return
        gateway = self.app.gateway

        def save(values: dict) -> dict:
            gateway.call(
                reject_submission, sub.id, author=gateway.author, reason=values["reason"] or ""
            )
            return {"ref": sub.ref}

        form = FormScreen(
            f"Reject #{sub.id} ({sub.ref}) from {sub.owner}: why?",
            [FieldSpec("reason", kind="text")],
            save,
            intro="The submission stays on the action's card, with your reason; "
            "the log records the rejection.",
        )
        self.app.push_screen(form, self._form_closed)

    def _form_closed(self, result: FormResult) -> None:
        if result is not None:
            self.load()

    def action_next(self) -> None:
        if self.waiting and self.index < len(self.waiting) - 1:
            self.index += 1
            self.load()

    def action_previous(self) -> None:
        if self.index > 0:
            self.index -= 1
            self.load()

    def action_back(self) -> None:
        self.dismiss()
