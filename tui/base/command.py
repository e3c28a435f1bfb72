"""One declaration per command: its key, binding, key-bar label, help line and palette entry.

Every screen, widget and the app list their keys in ``COMMAND_LIST`` and take
their ``BINDINGS`` from it (``BINDINGS = bindings(COMMAND_LIST)``), so nothing
about one key is written twice: the key bar shows ``label`` and keeps the keys
with a ``bar_rank`` when it is narrow, the help screen and the key's tooltip show
``help``, and the command palette (tui.app.commands) offers every command with a
``name`` on the screen that lists it, with the keys that run it there; an app
command's ``works_on`` says on which screens it does anything.
tests/tui/test_command_registry.py walks every class in tui/ to keep it so.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from textual.app import App
from textual.binding import Binding
from textual.screen import Screen


@dataclass(frozen=True)
class Command:
    #: The key(s) ("o", "o,enter"); None: reached from the palette only.
    key: str | None
    #: The action run on the screen (or "app.…" on the app).
    action: str
    #: The key bar's word for it.
    label: str
    #: The help screen's line and the key's tooltip; the palette's line too, unless
    #: `palette_help` says it another way.
    help: str
    #: What the palette finds it by; None: a key with no palette entry.
    name: str | None = None
    palette_help: str | None = None
    #: In the key bar (else only in help and the palette).
    show: bool = True
    #: Run as the key is read, before the widget with focus sees it.
    priority: bool = False
    #: When the key bar is too narrow for every key, the keys with a rank stay,
    #: lowest rank first; the rest fill what room is left (`?` lists them all).
    bar_rank: int | None = None
    #: Where one of the app's commands works, given the app and the screen: the key bar
    #: and the palette offer it only there. None: everywhere. (A screen's command works
    #: on the screens that list it.)
    works_on: Callable[[App, Screen], bool] | None = None

    def binding(self) -> Binding:
        assert self.key is not None, f"{self.action} has no key"
        return Binding(
            self.key,
            self.action,
            self.label,
            show=self.show,
            priority=self.priority,
            tooltip=self.help,
        )

    @property
    def palette_line(self) -> str:
        return self.palette_help or self.help


def bindings(commands: Iterable[Command]) -> list[Binding]:
    """The bindings of the commands that have a key, in order."""
    return [c.binding() for c in commands if c.key is not None]
