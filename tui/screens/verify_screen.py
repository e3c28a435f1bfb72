"""Verify the register (V): hash chain, projection and snapshots, with a progress bar.

The check runs in a thread worker through the gateway. Its progress callback runs
in that thread too, so it only posts a message (thread-safe, never blocks): a
blocking call back into the loop could hang the app's shutdown, which waits for
the gateway while the worker would be waiting for the loop.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Input, Label, ProgressBar, Static

from db.errors import ActregError
from db.integrity.verifier import VerifyReport, verify
from db.plural import plural
from tui.base.background import run_db
from tui.base.command import Command, bindings
from tui.screens.dialog import DIALOG_CSS
from tui.widgets.key_bar import KeyBar

VERIFY_CSS = """
#verify-progress-row { height: 1; margin-top: 1; }
#verify-progress { width: auto; }
#verify-count { width: 1fr; margin-left: 2; }
#verify-result-box { height: auto; max-height: 50vh; margin-top: 1; }
#verify-result { height: auto; }
#verify-result.-error { color: $error; }
#verify-result.-ok { color: $success; }
"""

GROUP = "verify"


def result_text(report: VerifyReport, expect: str | None) -> Text:
    """The outcome, in words: OK with the counts and head hash, or every problem."""
    text = Text()
    if report.problems:
        text.append("Verify FAILED", "bold")
        text.append(f" ({len(report.problems)} problem{'s' * (len(report.problems) != 1)}):\n")
        for problem in report.problems:
            text.append(f"  • {problem}\n")
        text.append(f"Head hash: {report.head_hash}")
    else:
        text.append("Register OK", "bold")
        text.append(
            f": {plural(report.entries, 'entry')}, {plural(report.actions, 'action')}, "
            f"{plural(report.snapshots, 'snapshot')} checked; head hash {report.head_hash}"
        )
    if report.expected_found is True:
        text.append(f"\nThe expected hash {expect} was found in this register's history.")
    elif report.expected_found is False:
        text.append(
            f"\nThe expected hash {expect} was NOT found in this register's history: "
            "the register is not the one that hash was taken from, or its history was "
            "rewritten.",
            "bold",
        )
    return text


class VerifyScreen(ModalScreen[VerifyReport | None]):
    """Dismisses with the report (or None if closed before it finished)."""

    SCOPED_CSS = False
    DEFAULT_CSS = DIALOG_CSS + VERIFY_CSS

    COMMAND_LIST: ClassVar[tuple[Command, ...]] = (
        Command("ctrl+r", "run", "Verify", "Run the check (again)", priority=True),
        Command("escape", "close", "Close", "Close (a running check is left to finish)"),
    )
    BINDINGS: ClassVar[list[BindingType]] = bindings(COMMAND_LIST)

    class Progress(Message):
        """Posted from the worker thread by verify's progress callback."""

        def __init__(self, done: int, total: int) -> None:
            super().__init__()
            self.done = done
            self.total = total

    def __init__(self) -> None:
        super().__init__()
        self.busy = False
        self.report: VerifyReport | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="verify-box", classes="dialog"):
            yield Static(Text("Verify the register"), id="form-heading")
            yield Static(
                "Recomputes every log entry's hash, replays the log against the action "
                "table, and checks the snapshots. Nothing is changed.",
                id="form-intro",
            )
            yield Label(
                "Expected head hash (optional, e.g. from a committee paper)",
                classes="field-label",
            )
            yield Input(placeholder="paste a hash, or leave empty", id="verify-expect")
            with Horizontal(id="verify-progress-row"):
                yield ProgressBar(id="verify-progress", show_eta=False)
                yield Static("Press enter to start.", id="verify-count")
            with VerticalScroll(id="verify-result-box"):
                yield Static("", id="verify-result")
            yield Static("enter / ctrl+r verify · esc close", id="form-hint")
        yield KeyBar()

    @property
    def bar(self) -> ProgressBar:
        return self.query_one("#verify-progress", ProgressBar)

    def on_mount(self) -> None:
        self.query_one("#verify-expect", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_run()

    def action_run(self) -> None:
        if self.busy:
            return
        expect = self.query_one("#verify-expect", Input).value.strip() or None
        self.busy = True
        self.report = None
        self.bar.update(total=None, progress=0)
        self._count("Verifying…")
        self._result(Text(""))
        gateway = self.app.gateway

        def progress(done: int, total: int) -> None:  # (in the worker thread)
            self.post_message(self.Progress(done, total))

        run_db(
            self,
            lambda: gateway.read(GROUP, verify, expect=expect, progress=progress),
            on_done=lambda report: self._done(report, expect),
            on_error=self._failed,
            group=GROUP,
            exclusive=True,
        )

    def on_verify_screen_progress(self, message: Progress) -> None:
        if not self.is_attached:
            return
        # (The last message may arrive after the result: the bar still takes it.)
        self.bar.update(total=message.total, progress=message.done)
        if self.busy:
            self._count(f"{message.done:,} of {plural(message.total, 'entry')}")

    def _done(self, report: VerifyReport, expect: str | None) -> None:
        self.busy = False
        if not self.is_attached:
            return
        self.report = report
        if self.bar.total is None:  # stopped before counting (a damaged file)
            self.bar.update(total=report.entries or 1, progress=report.entries or 1)
        self._count(f"Done: {plural(report.entries, 'entry')} checked.")
        result = self.query_one("#verify-result", Static)
        result.set_class(not report.ok, "-error")
        result.set_class(report.ok, "-ok")
        self._result(result_text(report, expect))

    def _failed(self, exc: ActregError) -> None:
        self.busy = False
        if not self.is_attached:
            return
        self._count("Not verified.")
        self.query_one("#verify-result", Static).set_class(True, "-error")
        self._result(Text(str(exc)))

    def _count(self, text: str) -> None:
        self.query_one("#verify-count", Static).update(Text(text))

    def _result(self, text: Text) -> None:
        self.query_one("#verify-result", Static).update(text)

    def action_close(self) -> None:
        if self.busy:
            # Stop the read (the worker is cancelled when the screen goes, so nothing
            # of the stopped check is shown) and free the register for other screens.
            self.app.gateway.interrupt(GROUP)
            self.notify("Verify stopped.", timeout=3)
        self.dismiss(self.report)
