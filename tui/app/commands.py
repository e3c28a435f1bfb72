"""The command palette (ctrl+p): the app's own commands, found by name.

Each screen has its own commands (the same action name means different things on
different screens: `open` is an action's card on the register and a snapshot on
the meetings screen), and the app's run anywhere it allows them. Quit is Textual's
own system command. Tests check every command's action exists where it is offered
and every key a screen shows has a command.
"""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

#: A command: (name, help, action run on the current screen or the app).
Command = tuple[str, str, str]

#: The forms that act on one action: the register's selected row, or the card's action.
EDIT_COMMANDS: tuple[Command, ...] = (
    ("Progress update", "Record a note, status, RAG or percent (u)", "screen.form('update')"),
    ("Edit a field", "Change a descriptive field, with a reason (e)", "screen.form('edit')"),
    ("Move target date", "Re-date the action, with a reason (d)", "screen.form('redate')"),
    ("Change status", "Set the status (s)", "screen.form('status')"),
    ("Set RAG", "Re-rate the action, with a reason (r)", "screen.form('rag')"),
    ("Close action", "Close as verified, with evidence (c)", "screen.form('close')"),
)

REGISTER_COMMANDS: tuple[Command, ...] = (
    ("New action", "Add an action to the register (n)", "screen.new"),
    ("Search", "Search titles, descriptions and commentary (/)", "screen.search"),
    ("Toggle overdue filter", "Only actions past their target (o)", "screen.toggle('overdue')"),
    ("Toggle stale filter", "Only actions with no update this cycle (w)", "screen.toggle('stale')"),
    ("Toggle RAG red filter", "Only red actions, with any other RAG on (1)", "screen.rag('red')"),
    (
        "Toggle RAG amber filter",
        "Only amber actions, with any other RAG on (2)",
        "screen.rag('amber')",
    ),
    (
        "Toggle RAG green filter",
        "Only green actions, with any other RAG on (3)",
        "screen.rag('green')",
    ),
    ("Filter menu", "Filter by status, RAG, owner, directorate or theme (f)", "screen.filter_menu"),
    ("Filter by status", "The filter menu, its statuses shown (S)", "screen.filter_menu('status')"),
    ("Filter by owner", "The filter menu, its owners shown (O)", "screen.filter_menu('owner')"),
    (
        "Filter by directorate",
        "The filter menu, its directorates shown (D)",
        "screen.filter_menu('directorate')",
    ),
    ("Filter by theme", "The filter menu, its themes shown (T)", "screen.filter_menu('theme')"),
    ("Clear filters", "Show every action (esc)", "screen.clear"),
    ("Cycle sort column", "Sort by the next column (>)", "screen.sort"),
    ("Reverse sort", "Flip the sort order (<)", "screen.reverse"),
    ("Open action", "Open the selected action's card (enter)", "screen.open"),
    *EDIT_COMMANDS,
    ("Import a CSV or Excel file", "Preview, then import actions (i)", "screen.import_file"),
    ("Triage", "Walk the filtered actions one at a time (t)", "app.triage"),
)

MEETINGS_COMMANDS: tuple[Command, ...] = (
    ("Add a meeting", "Schedule a committee meeting (a)", "screen.add"),
    ("Take a snapshot", "Freeze the register for the selected meeting (s)", "screen.snapshot"),
    ("Open the snapshot", "The selected meeting's frozen table (o, enter)", "screen.open"),
    ("Changes since the last snapshot", "What changed before this meeting (c)", "screen.changes"),
    ("Export the snapshot", "CSV, Markdown, HTML, XLSX or DOCX (e)", "screen.export"),
)

REVIEW_COMMANDS: tuple[Command, ...] = (
    ("Accept the update", "Accept what the owner returned (a)", "screen.accept"),
    ("Edit, then accept", "Change what was returned, then accept it (e)", "screen.edit"),
    ("Reject the update", "Reject it with a reason; it stays on the card (r)", "screen.reject"),
    ("Next submission", "The next one waiting (space, j)", "screen.next"),
    ("Previous submission", "The one before (k)", "screen.previous"),
)

#: By the class name of the screen they run on.
SCREEN_COMMANDS: dict[str, tuple[Command, ...]] = {
    "RegisterScreen": REGISTER_COMMANDS,
    "ActionScreen": EDIT_COMMANDS,
    "MeetingsScreen": MEETINGS_COMMANDS,
    "RoundReviewScreen": REVIEW_COMMANDS,
}

#: On any screen where the app allows them (ActregApp.allows).
APP_COMMANDS: tuple[Command, ...] = (
    ("Meetings and snapshots", "Meetings, snapshots, changes and exports (m)", "app.meetings"),
    (
        "Verify the register: hash chain, projection, snapshots",
        "Check the register has not been altered; optionally find an expected hash (V)",
        "app.verify",
    ),
    (
        "Review returned updates",
        "The update round: accept, edit or reject what owners returned (R)",
        "app.review",
    ),
    ("Help", "Every key of every screen (?)", "app.help"),
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
        offered = (*SCREEN_COMMANDS.get(type(screen).__name__, ()), *APP_COMMANDS)
        for name, help_text, action in offered:
            if action.startswith("app.") and not app.allows(action.removeprefix("app."), screen):
                continue
            yield name, help_text, partial(app.run_action, action, screen)

    async def discover(self) -> Hits:
        for name, help_text, run in self._available():
            yield DiscoveryHit(name, run, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, run in self._available():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), run, help=help_text)
