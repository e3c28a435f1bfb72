"""The triage session: the queue one card at a time, a key per decision, then a summary.

Each decision commits at once (a worker calls one db intent with the version the
card showed), so a session cut short by a dead terminal has lost nothing. The
card then reloads and stays, so `z` (undo) and further decisions are possible;
space moves on. `z` never edits history: it appends corrections to the entries
the session's last standing decision appended (see tui.base.triage_session).
"""

from __future__ import annotations

import datetime as dt
from functools import partial
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static
from textual.worker import Worker, get_current_worker

from db.cycles.triage import (
    QueueItem,
    SessionSummary,
    queue_ids,
    queue_items,
    summarise,
    summary_markdown,
)
from db.errors import ActregError, OutputExists, StaleVersion
from db.exporting.exporter import write_atomic
from db.read.queries import ActionFilter, ActionRow, action_log, get_action, ref_of
from db.store.connection import setting
from db.store.log import LogEntry
from db.store.register import correct_entries, record_chase, record_note, set_rag
from tui.base.background import run_db
from tui.base.command import Command, bindings
from tui.base.triage_session import (
    DECISION_WORDS,
    UNDO_REASON,
    CannotUndo,
    Decision,
    TriageSession,
    duration_text,
    undo_plan,
)
from tui.screens.action_forms import close_form, redate_form, status_form
from tui.screens.confirm import ConfirmScreen
from tui.screens.form_screen import FieldSpec, FormResult, FormScreen, Saved, Stale
from tui.screens.save_as import SaveAsScreen
from tui.text.card import entry_lines
from tui.text.formatting import RAG_LETTERS, rag_word, status_label, target_text
from tui.widgets.banner import Banner
from tui.widgets.key_bar import KeyBar
from tui.widgets.title_bar import TitleBar

LATEST_ENTRIES = 3
#: Every key at once, in case the footer is too narrow to show them all.
KEY_HINT = (
    "u note · g/a/r RAG green/amber/red · s status · d re-date · v verify & close · x chased"
    " · space/j next · k previous · z undo · esc end"
)


#: How many of the queue's first cards a session starts with while the rest of the order
#: is read behind them: far more than anyone decides on in the second that takes.
FIRST_CARDS = 50
#: The worker group (and interruptible read) of the queue's reads.
QUEUE_READ = "triage-queue"


def start_triage(screen: Screen, flt: ActionFilter) -> None:
    """Open a session on the triage queue for `flt` (its overdue flag as overdue_only).

    The screen opens at once and the queue's first cards are read while it is being
    built (the read runs in a thread, SQLite without the GIL); the whole order
    follows in the background (TriageScreen). Keys typed meanwhile wait for the
    first card, then run on it in the order typed. An empty queue closes the
    screen again and says so.
    """
    app = screen.app
    gateway = app.gateway
    triage = TriageScreen(flt)
    app.hold_keys(give_up=triage.stop_waiting)
    run_db(
        screen,
        lambda: gateway.read(QUEUE_READ, _first_cards, flt, FIRST_CARDS),
        on_done=triage.first_read,
        on_error=triage.first_failed,
        group=QUEUE_READ,
        exclusive=True,
    )
    app.push_screen(triage)


def _first_cards(conn, flt: ActionFilter, size: int) -> tuple[list[int], bool, tuple | None]:
    """The queue's first `size` ids, whether that is all of it, and the first card."""
    ids = queue_ids(conn, flt, overdue_only=flt.overdue, limit=size + 1)
    card = _card_data(conn, ids[0], known=False) if ids else None
    return ids[:size], len(ids) <= size, card


def _card_data(
    conn, action_id: int, known: bool = True
) -> tuple[ActionRow, list[LogEntry], QueueItem | None]:
    """The action as it now stands (with its flags), its newest log entries, and (unless
    `known`: the card was shown before) its queue item, why it came up."""
    row = get_action(conn, ref_of(conn, action_id))
    item = None if known else queue_items(conn, [action_id])[0]
    return row, action_log(conn, action_id)[:LATEST_ENTRIES], item


def _pair(name: str, value: Text | str) -> Text:
    return Text.assemble((f"{name}: ", "bold"), value if isinstance(value, Text) else str(value))


def card_lines(
    item: QueueItem, row: dict, entries: list, decided: list[str], width: int = 100
) -> list[Text]:
    """The key facts, why the action came up, and its latest log entries."""
    revisions = int(row.get("target_revisions") or 0)
    target = target_text(row)
    target.append(
        f"  (original {row.get('original_target_date') or '—'}; moved {revisions} time"
        f"{'' if revisions == 1 else 's'})"
    )
    if row.get("overdue"):
        days = row.get("days_overdue", 0)
        target.append(f"  OVERDUE by {days} day{'' if days == 1 else 's'}", "bold red1")
    rag = rag_word(row.get("rag"))
    if row.get("rag_reason"):
        rag.append(f"  ({row['rag_reason'].splitlines()[0]})", "italic")
    gap = Text("   ")
    lines = [
        Text.assemble((f" {row['ref']} ", "bold reverse"), (f"  {row['title']}", "bold")),
        Text(""),
        gap.join(
            [
                _pair("Owner", row.get("owner") or "—"),
                _pair("Directorate", row.get("directorate") or "—"),
            ]
        ),
        gap.join(
            [
                _pair("Status", status_label(row["status"])),
                _pair("Complete", f"{row.get('percent_complete') or 0}%"),
            ]
        ),
        _pair("RAG", rag),
        _pair("Target", target),
        Text(""),
        Text("Why it came up", "bold underline"),
        *(Text(f"  • {why}") for why in item.reasons.values()),
        Text(""),
        Text(f"Latest log entries (newest first, {len(entries)} shown)", "bold underline"),
    ]
    for entry in entries:
        lines.extend(entry_lines(entry, width, indent="  "))
    if decided:
        lines += [Text(""), _pair("Decided this session", ", ".join(decided))]
    return lines


def _reason_form(heading: str, intro: str, save) -> FormScreen:
    return FormScreen(heading, [FieldSpec("reason", kind="text")], save, intro=intro)


class TriageScreen(Screen):
    """One queue item at a time; each key is a decision committed at once."""

    DEFAULT_CSS = """
    #triage-scroll { height: 1fr; padding: 0 1; }
    #triage-keys { height: auto; color: $text-muted; padding: 0 1; }
    """

    COMMAND_LIST: ClassVar[tuple[Command, ...]] = (
        Command("u", "note", "Note", "Record a progress note"),
        Command("g", "rag('green')", "Green", "Set RAG green (asks the reason)"),
        Command("a", "rag('amber')", "Amber", "Set RAG amber (asks the reason)"),
        Command("r", "rag('red')", "Red", "Set RAG red (asks the reason)"),
        Command("s", "status", "Status", "Change the status"),
        Command("d", "redate", "Re-date", "Move the target date (date and reason)"),
        Command("v", "close", "Close", "Verify and close, with evidence"),
        Command("x", "chase", "Chased", "Record that the owner was chased (no prompt)"),
        Command("space,j", "next", "Next", "Next card (after the last: the summary)"),
        Command("k", "previous", "Prev", "Previous card"),
        Command("z", "undo", "Undo", "Undo this session's last decision (corrections)"),
        Command("escape", "end", "End", "End the session and show its summary"),
    )
    BINDINGS: ClassVar[list[BindingType]] = bindings(COMMAND_LIST)

    def __init__(self, flt: ActionFilter) -> None:
        super().__init__()
        self.flt = flt
        #: Empty until start_triage's read brings the first cards.
        self.session = TriageSession([], complete=False)
        self.row: dict | None = None
        self.entries: list = []
        self.pending = 0  # decisions being written or read back
        self.loads = 0  # completed card loads (tests wait on it)
        self._first: tuple | None = None  # the first read, if it came before the mount
        self._ready_to_show = False  # mounted: the card and title are there to update
        self._ended = False  # unmounted: a read that comes now has nothing to show on
        self._next_when_counted = False  # space pressed on the last card known so far
        self._counting: Worker | None = None  # reading the rest of the queue

    def compose(self) -> ComposeResult:
        yield TitleBar("", id="triage-title")
        yield from Banner.for_notices(self.app.gateway.notices)
        with VerticalScroll(id="triage-scroll"):
            yield Static("", id="triage-card")
        yield Static(KEY_HINT, id="triage-keys")
        yield KeyBar(compact=True)

    def on_mount(self) -> None:
        self._title()
        self.query_one("#triage-card", Static).update("Reading the triage queue…")
        self._ready_to_show = True
        if self._first is not None:
            self.first_read(self._first)

    def on_unmount(self) -> None:
        # The session is over: the rest of the queue is no longer wanted, and the
        # register should not wait for it.
        self._ended = True
        self.app.gateway.interrupt(QUEUE_READ)

    # --- the queue -----------------------------------------------------------

    def first_read(self, first: tuple[list[int], bool, tuple | None]) -> None:
        """(start_triage's read.) Show the first card, and read the rest of the queue."""
        if self._ended:
            return
        if not self._ready_to_show:
            self._first = first  # on_mount shows it
            return
        self._first = None
        ids, complete, card = first
        if not ids:
            self.app.release_keys()
            self._close()
            self.app.notify(
                "Nothing in this view needs attention: the triage queue is empty.",
                title="Triage",
            )
            return
        self.session.ids, self.session.complete = ids, complete
        assert card is not None  # (read with the first id)
        self._loaded(card)  # lets the keys typed meanwhile act on it; reads the rest behind it

    def first_failed(self, exc: ActregError) -> None:
        self.app.release_keys()
        self.app.notify(str(exc), title="Triage not started", severity="error", timeout=8)
        self._close()

    def _close(self) -> None:
        """Back to the register, if this screen is still the one shown."""
        if not self._ended and self.app.screen is self:
            self.app.pop_screen()

    def stop_waiting(self) -> None:
        """(The held keys' time limit.) What they waited for never came: let them go as typed."""
        self._next_when_counted = False

    def _count(self) -> None:
        """Read the rest of the queue (the whole order) behind the card shown, unless it
        is known or being read. It gives way to whatever the user does next (_give_way)
        and starts again after: nothing the user does waits for it."""
        if self.session.complete or self._ended or self._counting is not None:
            return
        gateway, flt = self.app.gateway, self.flt

        def read(conn) -> list[int] | None:
            if get_current_worker().is_cancelled:  # gave way while waiting for its turn
                return None
            return queue_ids(conn, flt, overdue_only=flt.overdue)

        self._counting = run_db(
            self,
            lambda: gateway.read(QUEUE_READ, read),
            on_done=self._counted,
            on_error=self._count_failed,
            group=QUEUE_READ,
        )

    def _give_way(self) -> None:
        """The user wants the register now (a card, a decision): stop reading the rest
        of the queue; the next card shown starts it again. (Not when the user is
        waiting for it: space on the last card known.)"""
        if self._counting is None or self._next_when_counted:
            return
        self._counting.cancel()
        self._counting = None
        self.app.gateway.interrupt(QUEUE_READ)

    def _counted(self, queue: list[int]) -> None:
        self._counting = None
        self.session.add_rest(queue)
        self._title()
        if self._next_when_counted:  # space on the last card known: move on now
            self._next_when_counted = False
            if self.session.position + 1 < len(self.session.ids):
                self.action_next()  # (its card, once loaded, lets the keys go)
            else:
                self.app.release_keys()
                self.action_end()

    def _count_failed(self, exc: ActregError) -> None:
        self._counting = None
        self._next_when_counted = False
        self.app.release_keys()
        self.notify(
            f"The rest of the triage queue was not read: {exc}",
            title="Triage",
            severity="error",
            timeout=8,
        )

    # --- showing -------------------------------------------------------------

    def show_item(self) -> None:
        """Show the current item as it now stands (read fresh from the register)."""
        self._give_way()
        self.row = None
        self._title()
        action_id = self.session.action_id
        known = self.session.item is not None
        # Keys typed while the card loads wait for it (a decision acts on what it shows).
        self.app.hold_keys(give_up=self.stop_waiting)
        run_db(
            self,
            lambda: self.app.gateway.call(_card_data, action_id, known),
            on_done=self._loaded,
            on_error=self._load_failed,
            group="triage-card",
            exclusive=True,
        )

    def _load_failed(self, exc: ActregError) -> None:
        self.app.release_keys()
        self.notify(str(exc), title="Not loaded", severity="error", timeout=8)

    def _title(self) -> None:
        if not self.session.ids:
            self.query_one("#triage-title", Static).update("Triage · reading the queue…")
            return
        item = self.session.item
        ref = self.row["ref"] if self.row else (item.row["ref"] if item else "…")
        standing = sum(not d.undone for d in self.session.decisions)
        self.query_one("#triage-title", Static).update(
            f"Triage · {self.session.progress} · {ref} · {standing} decision"
            f"{'' if standing == 1 else 's'} so far"
        )

    def _loaded(self, data: tuple[dict, list, QueueItem | None]) -> None:
        row, entries, item = data
        if row["id"] != self.session.action_id:
            return  # the user has moved on meanwhile
        if item is not None:
            self.session.found.setdefault(row["id"], item)
        item = self.session.found[row["id"]]
        self.row, self.entries = row, entries
        self.session.reviewed.add(row["id"])
        decided = self.session.decided_on(row["id"])
        width = max(40, self.query_one("#triage-scroll").size.width - 2)
        card = Text("\n").join(card_lines(item, row, entries, decided, width))
        self.query_one("#triage-card", Static).update(card)
        self._title()
        self.loads += 1
        if not self._next_when_counted:  # (else the keys wait for the next card)
            self.app.release_keys()
        self._count()

    # --- moving --------------------------------------------------------------

    def action_next(self) -> None:
        if not self.session.ids:
            return  # (the first cards are still being read)
        if self.session.position + 1 >= len(self.session.ids):
            if not self.session.complete:  # the next card is in the rest, still being read
                self._next_when_counted = True
                self.app.hold_keys(give_up=self.stop_waiting)
                self._count()
                return
            self.action_end()
            return
        self.session.position += 1
        self.show_item()

    def action_previous(self) -> None:
        if self.session.position == 0:
            self.notify("This is the first card.", timeout=2)
            return
        self.session.position -= 1
        self.show_item()

    def action_end(self) -> None:
        self.session.end()
        self.app.switch_screen(TriageSummary(self.session))

    # --- decisions -----------------------------------------------------------

    def _ready(self) -> dict | None:
        """The row the card shows, if a decision may be made on it now."""
        gateway = self.app.gateway
        if gateway.readonly:
            self.notify(gateway.readonly_message(), title="Read-only", severity="warning")
            return None
        if self.row is None or self.pending:
            self.notify("Wait a moment: the card is still loading or saving.", timeout=3)
            return None
        return self.row

    def _decide_with(self, kind: str, form: FormScreen, row: dict) -> None:
        self._give_way()  # (the form saves through the gateway)
        self.app.push_screen(form, partial(self._form_closed, kind, row))

    def _form_closed(self, kind: str, before: dict, result: FormResult) -> None:
        if isinstance(result, Saved):
            self._decided(kind, before, result.row)
        elif isinstance(result, Stale):
            self._stale(result.message)
        else:
            self._count()  # (cancelled: nothing to show again)

    def action_note(self) -> None:
        if (row := self._ready()) is None:
            return
        gateway = self.app.gateway

        def save(values):
            return gateway.call(
                record_note,
                row["ref"],
                values["note"] or "",
                author=gateway.author,
                expected_version=row["version"],
            )

        form = FormScreen(
            "Progress note", [FieldSpec("note", kind="text")], save, intro=_intro(row)
        )
        self._decide_with("note", form, row)

    def action_rag(self, rag: str) -> None:
        if (row := self._ready()) is None:
            return
        gateway = self.app.gateway

        def save(values):
            return gateway.call(
                set_rag,
                row["ref"],
                rag,
                reason=values["reason"] or "",
                author=gateway.author,
                expected_version=row["version"],
            )

        heading = f"Set RAG {RAG_LETTERS[rag]} {rag.capitalize()}: why?"
        self._decide_with("rag", _reason_form(heading, _intro(row), save), row)

    def action_status(self) -> None:
        if (row := self._ready()) is not None:
            self._decide_with("status", status_form(self.app.gateway, row), row)

    def action_redate(self) -> None:
        if (row := self._ready()) is not None:
            self._decide_with("redate", redate_form(self.app.gateway, row), row)

    def action_close(self) -> None:
        if (row := self._ready()) is not None:
            self._decide_with("close", close_form(self.app.gateway, row), row)

    def action_chase(self) -> None:
        if (row := self._ready()) is None:
            return
        gateway = self.app.gateway
        self._give_way()
        self.pending += 1
        run_db(
            self,
            lambda: gateway.call(
                record_chase, row["ref"], author=gateway.author, expected_version=row["version"]
            ),
            on_done=partial(self._chased, row),
            on_error=self._write_failed,
            group="triage-write",
        )

    def _chased(self, before: dict, after: dict) -> None:
        self.pending -= 1
        self._decided("chase", before, after)

    def _decided(self, kind: str, before: dict, after: dict) -> None:
        """A decision is committed: read back what it appended, then show the new state."""
        gateway = self.app.gateway
        first, last = before["last_entry_id"] or 0, after["last_entry_id"]

        def work():
            entries = gateway.call(action_log, after["id"], newest_first=False)
            appended = [e for e in entries if first < e.id <= last]
            return appended, gateway.call(_card_data, after["id"])

        def recorded(result) -> None:
            self.pending -= 1
            appended, card = result
            decision = Decision(kind, after["id"], after["ref"], appended)
            self.session.record(decision, after["version"])
            self.notify(f"Saved: {after['ref']} {DECISION_WORDS[kind]}.", timeout=3)
            self._loaded(card)

        self._give_way()
        self.pending += 1
        run_db(self, work, on_done=recorded, on_error=self._write_failed, group="triage-write")

    def _write_failed(self, exc: ActregError) -> None:
        self.pending -= 1
        if isinstance(exc, StaleVersion):
            self._stale(str(exc))
        else:
            self.notify(str(exc), title="Not saved", severity="error", timeout=8)
            self._count()  # (it gave way to the write; the card stays as it was)

    def _stale(self, message: str) -> None:
        self.notify(message, title="Changed by someone else", severity="error", timeout=10)
        self.show_item()

    # --- undo ----------------------------------------------------------------

    def action_undo(self) -> None:
        if self._ready() is None:
            return
        decision = self.session.last_standing()
        if decision is None:
            self.notify("Nothing to undo: no decision of this session is left.", timeout=4)
            return
        try:
            plan = undo_plan(decision)
        except CannotUndo as exc:
            self.notify(str(exc), title="Not undone", severity="warning", timeout=8)
            return
        gateway = self.app.gateway
        version = self.session.versions[decision.action_id]

        def work():
            row = gateway.call(
                correct_entries,
                plan,
                reason=UNDO_REASON,
                author=gateway.author,
                expected_version=version,
                undo=True,
            )
            return row, gateway.call(_card_data, decision.action_id)

        def undone(result) -> None:
            self.pending -= 1
            row, card = result
            decision.undone = True
            self.session.versions[decision.action_id] = row["version"]
            self.notify(f"Undone: {decision.ref} {DECISION_WORDS[decision.kind]}.", timeout=4)
            index = self.session.index_of(decision.action_id)
            if index is not None and index != self.session.position:
                self.session.position = index  # show the card the undo changed
            self._title()
            self._loaded(card)

        self._give_way()
        self.pending += 1
        run_db(self, work, on_done=undone, on_error=self._write_failed, group="triage-write")


def _intro(row: dict) -> str:
    return f"Action {row['ref']}: {row['title']}  (version {row['version']})"


class TriageSummary(Screen):
    """What the session did; `w` writes the Markdown summary for the minutes."""

    COMMAND_LIST: ClassVar[tuple[Command, ...]] = (
        Command("w", "write", "Write summary", "Write the Markdown summary (for minutes)"),
        Command("escape", "back", "Back", "Back to the register"),
        Command("q", "back", "Back", "Back to the register", show=False),
    )
    BINDINGS: ClassVar[list[BindingType]] = bindings(COMMAND_LIST)

    def __init__(self, session: TriageSession) -> None:
        super().__init__()
        self.session = session
        #: The one summary: read from the log once, shown here and written by `w` as it is.
        self.summary: SessionSummary | None = None
        self.markdown: str | None = None
        self.counts: dict[str, int] = {}
        self.written: Path | None = None

    def compose(self) -> ComposeResult:
        yield TitleBar("Triage session summary")
        with VerticalScroll(id="triage-summary"):
            yield Static("Counting…", id="summary-counts")
            lines = [
                f"{d.ref}: {DECISION_WORDS[d.kind]}{' (undone)' if d.undone else ''}"
                for d in self.session.decisions
            ]
            yield Static("\n".join(["", "Decisions:", *lines]) if lines else "\nNo decisions.")
            yield Static("", id="summary-written")
        yield KeyBar()

    def on_mount(self) -> None:
        gateway, since = self.app.gateway, self.session.started

        def work(conn) -> tuple[SessionSummary, str]:
            summary = summarise(conn, since, author=gateway.author)
            return summary, summary_markdown(summary, setting(conn, "name", "") or "")

        run_db(self, lambda: gateway.call(work), on_done=self._counted, group="triage-summary")

    def _counted(self, result: tuple[SessionSummary, str]) -> None:
        self.summary, self.markdown = result
        session = self.session.counts()
        self.counts = {
            "reviewed": session["reviewed"],
            **self.summary.counts,
            "skipped": session["skipped"],
        }
        rows = [(name.capitalize(), str(count)) for name, count in self.counts.items()]
        rows.append(("Time taken", duration_text(self.session.seconds)))
        width = max(len(name) for name, _ in rows) + 2
        self.query_one("#summary-counts", Static).update(
            Text("\n").join(
                Text.assemble((f"{name:<{width}}", "bold"), f"{value:>8}") for name, value in rows
            )
        )

    def action_write(self) -> None:
        if self.markdown is None:
            self.notify("Wait a moment: the summary is still being counted.", timeout=3)
            return
        stamp = dt.datetime.now().strftime("%Y-%m-%d-%H%M")
        ask = SaveAsScreen("Write the triage summary (Markdown)", Path.cwd(), f"triage-{stamp}.md")
        self.app.push_screen(ask, self._write_to)

    def _write_to(self, path: Path | None, *, force: bool = False) -> None:
        if path is None:
            return
        text = self.markdown
        assert text is not None  # (action_write waited for it)

        def work() -> Path:
            return write_atomic(
                path, lambda temp: temp.write_text(text, encoding="utf-8"), force=force
            )

        def written(done: Path) -> None:
            self.written = done
            self.query_one("#summary-written", Static).update(f"\nSummary written to {done}")
            self.notify(f"Wrote the summary to {done}.", timeout=8)

        def failed(exc: ActregError) -> None:
            if not isinstance(exc, OutputExists):
                self.notify(str(exc), title="Not written", severity="error", timeout=8)
                return
            question = (
                f"{path} exists already.\n\nReplace it with this summary? "
                "The file there now will be lost."
            )
            self.app.push_screen(
                ConfirmScreen(question, yes="Replace"),
                lambda replace: self._write_to(path, force=True) if replace else None,
            )

        run_db(self, work, on_done=written, on_error=failed, group="triage-summary", exclusive=True)

    def action_back(self) -> None:
        self.dismiss()
