"""The command palette (ctrl+p): the app's own commands, found by name.

Each screen has its own commands (the same action name means different things on
different screens: `open` is an action's card on the register and a snapshot on
the meetings screen), and the app's run anywhere it allows them. Quit is Textual's
own system command. Tests check every command's action exists where it is offered
and every key a screen shows has a command.

A command names no key: the palette shows the keys that run its action, read
from the bindings of the screen (or the app) it runs on, as the key bar draws
them, so a key moved in BINDINGS is never left stale in the palette's text.
"""

from __future__ import annotations

from functools import partial
from typing import NamedTuple

from textual.app import App
from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.screen import Screen

from tui.screens.action import ActionScreen
from tui.screens.meetings import MeetingsScreen
from tui.screens.register import RegisterScreen
from tui.screens.round_review import RoundReviewScreen


class Command(NamedTuple):
    name: str  # what the palette finds it by
    help: str  # the line under the name (the palette adds the keys)
    action: str  # "screen.…" runs on the current screen, "app.…" on the app


#: The forms that act on one action: the register's selected row, or the card's action.
EDIT_COMMANDS: tuple[Command, ...] = (
    ("Progress update", "Record a note, status, RAG or percent", "screen.form('update')"),
    ("Edit a field", "Change a descriptive field, with a reason", "screen.form('edit')"),
    ("Move target date", "Re-date the action, with a reason", "screen.form('redate')"),
    ("Change status", "Set the status", "screen.form('status')"),
    ("Set RAG", "Re-rate the action, with a reason", "screen.form('rag')"),
    ("Close action", "Close as verified, with evidence", "screen.form('close')"),
)

REGISTER_COMMANDS: tuple[Command, ...] = (
    ("New action", "Add an action to the register", "screen.new"),
    ("Search", "Search titles, descriptions and commentary", "screen.search"),
    ("Toggle overdue filter", "Only actions past their target", "screen.toggle('overdue')"),
    ("Toggle stale filter", "Only actions with no update this cycle", "screen.toggle('stale')"),
    ("Toggle RAG red filter", "Only red actions, with any other RAG on", "screen.rag('red')"),
    (
        "Toggle RAG amber filter",
        "Only amber actions, with any other RAG on",
        "screen.rag('amber')",
    ),
    (
        "Toggle RAG green filter",
        "Only green actions, with any other RAG on",
        "screen.rag('green')",
    ),
    ("Filter menu", "Filter by status, RAG, owner, directorate or theme", "screen.filter_menu"),
    ("Filter by status", "The filter menu, its statuses shown", "screen.filter_menu('status')"),
    ("Filter by owner", "The filter menu, its owners shown", "screen.filter_menu('owner')"),
    (
        "Filter by directorate",
        "The filter menu, its directorates shown",
        "screen.filter_menu('directorate')",
    ),
    ("Filter by theme", "The filter menu, its themes shown", "screen.filter_menu('theme')"),
    ("Clear filters", "Show every action", "screen.clear"),
    ("Cycle sort column", "Sort by the next column", "screen.sort"),
    ("Reverse sort", "Flip the sort order", "screen.reverse"),
    ("Open action", "Open the selected action's card", "screen.open"),
    *EDIT_COMMANDS,
    ("Import a CSV or Excel file", "Preview, then import actions", "screen.import_file"),
    ("Triage", "Walk the filtered actions one at a time", "app.triage"),
)

MEETINGS_COMMANDS: tuple[Command, ...] = (
    ("Add a meeting", "Schedule a committee meeting", "screen.add"),
    ("Take a snapshot", "Freeze the register for the selected meeting", "screen.snapshot"),
    ("Open the snapshot", "The selected meeting's frozen table", "screen.open"),
    ("Changes since the last snapshot", "What changed before this meeting", "screen.changes"),
    ("Export the snapshot", "CSV, Markdown, HTML, XLSX or DOCX", "screen.export"),
)

REVIEW_COMMANDS: tuple[Command, ...] = (
    ("Accept the update", "Accept what the owner returned", "screen.accept"),
    ("Edit, then accept", "Change what was returned, then accept it", "screen.edit"),
    ("Reject the update", "Reject it with a reason; it stays on the card", "screen.reject"),
    ("Next submission", "The next one waiting", "screen.next"),
    ("Previous submission", "The one before", "screen.previous"),
)

#: By the screen they run on.
SCREEN_COMMANDS: dict[type[Screen], tuple[Command, ...]] = {
    RegisterScreen: REGISTER_COMMANDS,
    ActionScreen: EDIT_COMMANDS,
    MeetingsScreen: MEETINGS_COMMANDS,
    RoundReviewScreen: REVIEW_COMMANDS,
}

#: On any screen where the app allows them (ActregApp.allows).
APP_COMMANDS: tuple[Command, ...] = (
    ("Meetings and snapshots", "Meetings, snapshots, changes and exports", "app.meetings"),
    (
        "Verify the register: hash chain, projection, snapshots",
        "Check the register has not been altered; optionally find an expected hash",
        "app.verify",
    ),
    (
        "Review returned updates",
        "The update round: accept, edit or reject what owners returned",
        "app.review",
    ),
    ("Help", "Every key of every screen", "app.help"),
)

#: Every command, for tests and the help screen.
COMMANDS: tuple[Command, ...] = (
    *dict.fromkeys(c for commands in SCREEN_COMMANDS.values() for c in commands),
    *APP_COMMANDS,
)


class ActregCommands(Provider):
    """Commands that make sense on the current screen."""

    def _available(self):
        screen, app = self.screen, self.app
        offered = (*SCREEN_COMMANDS.get(type(screen), ()), *APP_COMMANDS)
        for name, help_text, action in offered:
            if action.startswith("app.") and not app.allows(action.removeprefix("app."), screen):
                continue
            keys = keys_for(action, screen, app)
            shown = f"{help_text} ({keys})" if keys else help_text
            yield name, shown, partial(app.run_action, action, screen)

    async def discover(self) -> Hits:
        for name, help_text, run in self._available():
            yield DiscoveryHit(name, run, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, run in self._available():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), run, help=help_text)


def keys_for(action: str, screen: Screen, app: App) -> str:
    """The keys that run `action` ("screen.open", "app.help") here, as the key bar shows
    them: "o, ⏎". A screen may bind an app action too ("app.verify" on the register)."""
    owner, _, call = action.partition(".")
    if owner == "screen":
        found = [b for b in Binding.make_bindings(type(screen).BINDINGS) if b.action == call]
    else:
        found = [b for b in Binding.make_bindings(type(screen).BINDINGS) if b.action == action]
        found += [b for b in Binding.make_bindings(type(app).BINDINGS) if b.action == call]
    return ", ".join(dict.fromkeys(app.get_key_display(b) for b in found))
