"""The command palette (ctrl+p): the app's own commands, found by name."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

#: (name, help, action run on the current screen or the app)
COMMANDS = (
    ("New action", "Add an action to the register (n)", "screen.new"),
    ("Search", "Search titles, descriptions and commentary (/)", "screen.search"),
    ("Toggle overdue filter", "Only actions past their target (o)", "screen.toggle('overdue')"),
    ("Toggle stale filter", "Only actions with no update this cycle (w)", "screen.toggle('stale')"),
    ("Filter menu", "Filter by status, RAG, owner or directorate (f)", "screen.filter_menu"),
    ("Clear filters", "Show every action (esc)", "screen.clear"),
    ("Cycle sort column", "Sort by the next column (>)", "screen.sort"),
    ("Reverse sort", "Flip the sort order (<)", "screen.reverse"),
    ("Open action", "Open the selected action's card (enter)", "screen.open"),
    ("Progress update", "Record a note, status, RAG or percent (u)", "screen.form('update')"),
    ("Edit a field", "Change a descriptive field, with a reason (e)", "screen.form('edit')"),
    ("Move target date", "Re-date the action, with a reason (d)", "screen.form('redate')"),
    ("Change status", "Set the status (s)", "screen.form('status')"),
    ("Set RAG", "Re-rate the action, with a reason (r)", "screen.form('rag')"),
    ("Close action", "Close as verified, with evidence (c)", "screen.form('close')"),
    ("Import a CSV or Excel file", "Preview, then import actions (i)", "screen.import_file"),
    (
        "Verify the register: hash chain, projection, snapshots",
        "Check the register has not been altered; optionally find an expected hash (V)",
        "app.verify",
    ),
    ("Triage", "Walk the actions that need attention (t) — coming soon", "app.triage"),
    ("Meetings and snapshots", "Committee cycles (m) — coming soon", "app.meetings"),
    ("Help", "Every key of every screen (?)", "app.help"),
    ("Quit", "Leave actreg (q)", "app.quit"),
)


class ActregCommands(Provider):
    """Commands that make sense on the current screen."""

    def _available(self):
        screen = self.screen
        for name, help_text, action in COMMANDS:
            if action.startswith("screen."):
                method = action.removeprefix("screen.").split("(")[0]
                if not hasattr(screen, f"action_{method}"):
                    continue
            yield name, help_text, partial(self.app.run_action, action, screen)

    async def discover(self) -> Hits:
        for name, help_text, run in self._available():
            yield DiscoveryHit(name, run, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, run in self._available():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), run, help=help_text)
