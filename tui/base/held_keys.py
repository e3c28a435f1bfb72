"""Keys typed while the screen loads what they act on wait, then run in the order typed.

A terminal hands over keys as fast as they are typed or pasted: "/IA3⏎⏎u" can arrive
in one read. Enter (open the action found) must wait for the search's rows, and
"u" for the card enter opens; the keys after them must wait too, or they would run
first, on the wrong screen. A screen that has to wait (ActionEditing.when_ready)
calls hold_keys(); from then on every key is kept, in order, until the screen
has what it waited for and calls release_keys(), which replays them one by one.
A replayed key may itself have to wait: the replay then stops where it is.

If what a screen waits for never comes (its read failed, and said so), the keys
are let go after HOLD_LIMIT_S rather than the app seeming frozen: the screen's
`give_up` drops what waited, and the keys held since run as typed.
"""

from __future__ import annotations

from collections.abc import Callable

from textual import events
from textual.app import App
from textual.timer import Timer

#: Longest a key waits for the screen to load what it acts on (a failed read).
HOLD_LIMIT_S = 10.0


class KeyHolding(App):
    """An App that can hold the keys typed while a screen loads (see the module)."""

    _holding = False
    _held: list[events.Key]
    _hold_timer: Timer | None = None

    def hold_keys(self, give_up: Callable[[], None]) -> None:
        self._holding = True
        if self._hold_timer is not None:
            self._hold_timer.stop()
        self._hold_timer = self.set_timer(HOLD_LIMIT_S, lambda: self._give_up(give_up))

    def _give_up(self, give_up: Callable[[], None]) -> None:
        if self._holding:
            give_up()
            self.release_keys()

    def release_keys(self) -> None:
        self._holding = False
        if self._hold_timer is not None:
            self._hold_timer.stop()
            self._hold_timer = None
        if getattr(self, "_held", None):
            self.call_next(self._replay_held)

    async def _replay_held(self) -> None:
        while self._held and not self._holding:
            await App.on_event(self, self._held.pop(0))

    async def on_event(self, event: events.Event) -> None:
        typed = isinstance(event, events.Key) and not event.is_forwarded
        if typed and (self._holding or getattr(self, "_held", None)):
            self._held = [*getattr(self, "_held", []), event]  # type: ignore[list-item]
            return
        await super().on_event(event)
