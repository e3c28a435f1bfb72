"""The bottom line of every screen: the keys that work here.

It shows what Textual's ``Footer`` shows (the focused chain's bindings with
``show=True``, disabled ones dimmed, the command palette key on the right) but
draws the whole line as one widget. ``Footer`` mounts a widget per key, and only
after the first frame: on the register it was a tenth of start-up, and the first
frame had no keys in it. Clicking a key presses it; hovering shows its tooltip.

When the line is too narrow for every key, the commands declared with a
``bar_rank`` (tui.base.command; the screen's and the app's) say which keys stay,
lowest rank first: those are placed first, the rest fill what room is left, and
all are drawn in the screens' binding order. Keys left out are still listed by
``?``, which stays at the right edge.
"""

from __future__ import annotations

from functools import cache
from typing import ClassVar, NamedTuple

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.strip import Strip
from textual.widget import Widget

NULL = Style()
DIM = Style(dim=True)
# The key under the mouse shows reversed: a constant, not a CSS component class,
# which would cost start-up a styled node of its own each time the bar is styled.
HOVER = Style(reverse=True)


#: Kept at the right edge, however narrow the screen: help lists every key there is.
PINNED_ACTIONS = frozenset({"help"})

#: A key to show: (its binding, whether it works now, its tooltip).
_Shown = tuple[Binding, bool, str]


@cache
def bar_ranks(screen_class: type, app_class: type) -> dict[str, int]:
    """Each ranked action's rank on this screen: the app's commands, then the screen's
    own (which win where both rank one action). Read once per screen class."""
    commands = (*getattr(app_class, "COMMAND_LIST", ()), *getattr(screen_class, "COMMAND_LIST", ()))
    return {c.action: c.bar_rank for c in commands if c.bar_rank is not None}


class _Key(NamedTuple):
    start: int  # cells from the left edge
    end: int
    key: str
    enabled: bool
    tooltip: str


class KeyBar(Widget, can_focus=False):
    """One line of 'key Description' pairs for the screen it is on."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "key-bar--key",
        "key-bar--description",
    }

    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        color: $footer-foreground;
        background: $footer-background;
    }
    KeyBar > .key-bar--key {
        color: $footer-key-foreground;
        background: $footer-key-background;
        text-style: bold;
    }
    KeyBar > .key-bar--description {
        color: $footer-description-foreground;
        background: $footer-description-background;
    }
    """

    def __init__(self, *, compact: bool = False, id: str | None = None) -> None:
        super().__init__(id=id)
        self.compact = compact
        self._keys: list[_Key] = []
        self._hover: str | None = None  # the key under the mouse

    def on_mount(self) -> None:
        # Focus moves and screen changes change which keys work: redraw then.
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen) -> None:
        if self.is_attached and screen is self.screen:
            self.refresh()

    def shown_bindings(self) -> tuple[list[_Shown], list[_Shown]]:
        """(the keys to show from the left, one per action, in order; those kept at the
        right edge: help and the command palette, the ways to find every other key)."""
        app = self.app
        palette_key = app.COMMAND_PALETTE_BINDING if app.ENABLE_COMMAND_PALETTE else None
        seen: set[str] = set()
        left: list[_Shown] = []
        right: list[_Shown] = []
        for key, (_node, binding, enabled, tooltip) in self.screen.active_bindings.items():
            palette = key == palette_key
            if not (binding.show or palette) or binding.action in seen:
                continue
            seen.add(binding.action)
            shown = (binding, enabled, tooltip or binding.tooltip or binding.description)
            (right if palette or binding.action in PINNED_ACTIONS else left).append(shown)
        right.sort(key=lambda shown: shown[0].action == "command_palette")  # palette last
        return left, right

    def render_line(self, y: int) -> Strip:
        # Drawn as Segments, not returned from render() as Text: Textual's path from
        # Text to the screen costs several times more than building the line.
        base = self.rich_style
        width = self.size.width
        if y:
            return Strip.blank(width, base)
        left, right = self.shown_bindings()
        component = self.get_component_rich_style
        styles = (base + component("key-bar--key"), base + component("key-bar--description"))
        pinned = [self._pair(*shown, styles) for shown in right]
        # Whole pairs from the left while they fit; the pinned keys keep the right edge.
        room = width - sum(cells for _, cells in pinned) - (1 if pinned else 0)
        pairs = [self._pair(*shown, styles) for shown in left]
        chosen = self._fitting(left, [cells for _, cells in pairs], room)
        keys: list[_Key] = []
        segments: list[Segment] = []
        used = 0
        for index, (binding, enabled, tooltip) in enumerate(left):
            if index not in chosen:
                continue
            pair, cells = pairs[index]
            segments.extend(pair)
            keys.append(_Key(used, used + cells, binding.key, enabled, tooltip))
            used += cells
        start = max(used, width - sum(cells for _, cells in pinned))
        segments.append(Segment(" " * (start - used), base))
        for (pair, cells), (binding, enabled, tooltip) in zip(pinned, right, strict=True):
            segments.extend(pair)
            keys.append(_Key(start, start + cells, binding.key, enabled, tooltip))
            start += cells
        self._keys = keys
        return Strip(segments).crop_extend(0, width, base)

    def _fitting(self, left: list[_Shown], widths: list[int], room: int) -> set[int]:
        """Which of `left` to show in `room` cells: the screen's most needed first."""
        ranks = bar_ranks(type(self.screen), type(self.app))
        actions = [binding.action for binding, _, _ in left]
        unranked = max(ranks.values(), default=0) + 1
        ranked = sorted(range(len(left)), key=lambda i: (ranks.get(actions[i], unranked), i))
        chosen: set[int] = set()
        used = 0
        for index in ranked:
            if used + widths[index] > room:
                if actions[index] in ranks:
                    continue  # a smaller key further down the ranking may still fit
                break  # the rest keep their order: none jumps ahead of one cut
            chosen.add(index)
            used += widths[index]
        return chosen

    def _pair(
        self, binding: Binding, enabled: bool, tooltip: str, styles: tuple[Style, Style]
    ) -> tuple[list[Segment], int]:
        """The segments of one 'key Description' pair, and their width in cells."""
        key_style, description_style = styles
        if self._hover == binding.key or not enabled:
            extra = (HOVER if self._hover == binding.key else NULL) + (NULL if enabled else DIM)
            key_style, description_style = key_style + extra, description_style + extra
        display = self.app.get_key_display(binding)
        if self.compact:  # "⏎ Open ", as Footer(compact=True) spaces them
            key, description = display, f" {binding.description} "
        else:  # " ⏎ Open "
            key, description = f" {display} ", f"{binding.description} "
        pair = [Segment(key, key_style), Segment(description, description_style)]
        return pair, cell_len(key) + cell_len(description)

    def _key_at(self, x: int) -> _Key | None:
        return next((key for key in self._keys if key.start <= x < key.end), None)

    def on_mouse_move(self, event: events.MouseMove) -> None:
        key = self._key_at(event.x)
        hover = key.key if key is not None else None
        if hover != self._hover:
            self._hover = hover
            self.tooltip = (key.tooltip or None) if key is not None else None
            self.refresh()

    def on_leave(self, event: events.Leave) -> None:
        if self._hover is not None:
            self._hover = None
            self.tooltip = None
            self.refresh()

    def on_click(self, event: events.Click) -> None:
        key = self._key_at(event.x)
        if key is None:
            return
        if key.enabled:
            self.app.simulate_key(key.key)
        else:
            self.app.bell()
