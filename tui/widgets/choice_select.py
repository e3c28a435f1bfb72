"""A Select that picks by typing while closed: `a` chooses Amber, `r` Red.

Textual's Select searches only once its list is open. Officers expect a choice
box to answer a letter straight away, as a spreadsheet's does: the letters typed
within a second of each other make a prefix matched against the start of each
option's words; the same letter again moves on to the next option it starts.
"""

from __future__ import annotations

import time

from rich.text import Text
from textual import events
from textual.widgets import Select

#: Letters typed further apart than this start a new prefix.
TYPING_PAUSE = 1.0


def _names(prompt) -> tuple[str, ...]:
    """What typing may match: the label, and for "A Amber" also "amber"."""
    text = (prompt.plain if isinstance(prompt, Text) else str(prompt)).lower()
    first, _, rest = text.partition(" ")
    return (text, rest) if len(first) == 1 and rest else (text,)


class ChoiceSelect(Select):
    """Select whose closed box takes typed letters as a choice (see the module)."""

    _typed = ""
    _typed_at = 0.0

    def check_consume_key(self, key: str, character: str | None = None) -> bool:
        # A letter is a choice here, not a key of the screen beneath.
        return character is not None and character.isprintable() and not character.isspace()

    def on_key(self, event: events.Key) -> None:
        character = event.character
        if self.expanded or character is None or not self.check_consume_key(event.key, character):
            return
        event.stop()
        event.prevent_default()
        now = time.monotonic()
        typed = self._typed + character.lower() if now - self._typed_at < TYPING_PAUSE else ""
        self._typed, self._typed_at = typed or character.lower(), now
        choice = self._choice_for(self._typed)
        if choice is None and len(self._typed) > 1:  # "ar" names nothing: take "r" afresh
            self._typed = character.lower()
            choice = self._choice_for(self._typed)
        if choice is not None:
            self.value = choice

    def _choice_for(self, typed: str):
        choices = [(_names(p), value) for p, value in self._options if value != self.NULL]
        if len(set(typed)) == 1:  # one letter, maybe repeated: step through its options
            starting = [v for names, v in choices if any(n.startswith(typed[0]) for n in names)]
            if self.value in starting:
                return starting[(starting.index(self.value) + 1) % len(starting)]
            return starting[0] if starting else None
        return next((v for names, v in choices if any(n.startswith(typed) for n in names)), None)
