"""The command palette (ctrl+p): the current screen's commands and the app's, by name.

The commands are those the screen (and the app) declare in ``COMMAND_LIST``
(tui.base.command): each with a ``name`` is offered here, with the keys that run
it on this screen, so a key moved in its declaration moves here too. The same
action name means different things on different screens (`open` is an action's
card on the register and a snapshot on the meetings screen); the app's commands
run on any screen where the app allows them. Quit is Textual's own system
command. Tests check every command's action exists where it is offered and every
key a screen shows has a command.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import NamedTuple

from textual.app import App
from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.screen import ModalScreen, Screen

from tui.base.command import Command, bindings
from tui.screens.action import ActionScreen
from tui.screens.meetings import MeetingsScreen
from tui.screens.register import RegisterScreen
from tui.screens.round_review import RoundReviewScreen


class PaletteEntry(NamedTuple):
    name: str
    help: str  # without its keys: the palette adds those of the screen it is on
    action: str  # "screen.…" or "app.…"


#: The screens that declare commands of their own.
SCREENS: tuple[type[Screen], ...] = (
    RegisterScreen,
    ActionScreen,
    MeetingsScreen,
    RoundReviewScreen,
)


def entries(commands: tuple[Command, ...], owner: str) -> tuple[PaletteEntry, ...]:
    """The palette entries of the commands with a name; `owner` is "screen" or "app"."""
    return tuple(
        PaletteEntry(
            c.name,
            c.palette_line,
            c.action if c.action.startswith("app.") else f"{owner}.{c.action}",
        )
        for c in commands
        if c.name is not None
    )


def on_the_register(app: App, screen: Screen) -> bool:
    """Triage: a session starts from the register's filter."""
    return isinstance(screen, RegisterScreen)


def not_in_a_dialog(app: App, screen: Screen) -> bool:
    return not isinstance(screen, ModalScreen)


def not_in_a_dialog_nor_open(opens: type[Screen]) -> Callable[[App, Screen], bool]:
    """Works outside dialogs while no `opens` screen is on the stack (one at a time)."""

    def works_on(app: App, screen: Screen) -> bool:
        return not_in_a_dialog(app, screen) and not any(
            isinstance(s, opens) for s in app.screen_stack
        )

    return works_on


#: The app's own keys and commands (ActregApp.COMMAND_LIST): on every screen where
#: their `works_on` lets them.
APP_COMMAND_LIST: tuple[Command, ...] = (
    Command("q", "quit", "Quit", "Quit"),  # (the palette's Quit is Textual's own)
    Command(
        "question_mark",
        "help",
        "Help",
        "This list of keys",
        name="Help",
        palette_help="Every key of every screen",
    ),
    Command(
        "t",
        "triage",
        "Triage",
        "Triage session on the home filter",
        name="Triage",
        palette_help="Walk the filtered actions one at a time",
        bar_rank=6,  # on the register, the one screen it works on: after its Update (5)
        works_on=on_the_register,
    ),
    Command(
        "m",
        "meetings",
        "Meetings",
        "Meetings, snapshots, changes and exports",
        name="Meetings and snapshots",
        works_on=not_in_a_dialog_nor_open(MeetingsScreen),
    ),
    Command(
        "ctrl+p",
        "command_palette",
        "Commands",
        "Command palette: find any command by name",
        show=False,
    ),
    # Keyed on the register only (V, R); from the palette on any screen that allows them.
    Command(
        None,
        "verify",
        "Verify",
        "Check the register has not been altered; optionally find an expected hash",
        name="Verify the register: hash chain, projection, snapshots",
        works_on=not_in_a_dialog,
    ),
    Command(
        None,
        "review",
        "Review returns",
        "The update round: accept, edit or reject what owners returned",
        name="Review returned updates",
        works_on=not_in_a_dialog_nor_open(RoundReviewScreen),
    ),
)


#: By the screen they run on (for tests and listings; the palette reads the screen's own).
SCREEN_COMMANDS: dict[type[Screen], tuple[PaletteEntry, ...]] = {
    cls: entries(getattr(cls, "COMMAND_LIST", ()), "screen") for cls in SCREENS
}
APP_COMMANDS = entries(APP_COMMAND_LIST, "app")
#: The app's commands by their action, for where each works.
APP_COMMAND_BY_ACTION: dict[str, Command] = {c.action: c for c in APP_COMMAND_LIST}
#: Every palette entry.
COMMANDS: tuple[PaletteEntry, ...] = (
    *dict.fromkeys(c for commands in SCREEN_COMMANDS.values() for c in commands),
    *APP_COMMANDS,
)


class ActregCommands(Provider):
    """Commands that make sense on the current screen."""

    def _available(self):
        screen, app = self.screen, self.app
        declared = getattr(type(screen), "COMMAND_LIST", ())
        for name, help_text, action in (*entries(declared, "screen"), *APP_COMMANDS):
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
    on_screen = Binding.make_bindings(bindings(getattr(type(screen), "COMMAND_LIST", ())))
    if owner == "screen":
        found = [b for b in on_screen if b.action == call]
    else:
        found = [b for b in on_screen if b.action == action]
        on_app = Binding.make_bindings(bindings(getattr(type(app), "COMMAND_LIST", ())))
        found += [b for b in on_app if b.action == call]
    return ", ".join(dict.fromkeys(app.get_key_display(b) for b in found))
