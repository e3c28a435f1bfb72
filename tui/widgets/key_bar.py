"""The bottom line of every screen: the keys that work here.

It shows what Textual's ``Footer`` shows (the focused chain's bindings with
``show=True``, disabled ones dimmed, the command palette key on the right) but
draws the whole line as one widget. ``Footer`` mounts a widget per key, and only
after the first frame: on the register it was a tenth of start-up, and the first
frame had no keys in it. Clicking a key presses it; hovering shows its tooltip.
"""

from __future__ import annotations

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

    def shown_bindings(self) -> tuple[list[tuple[Binding, bool, str]], tuple | None]:
        """(the bindings to show, one per action, in order; the palette binding or None)."""
        active = self.screen.active_bindings
        palette = None
        if self.app.ENABLE_COMMAND_PALETTE:
            entry = active.get(self.app.COMMAND_PALETTE_BINDING)
            if entry is not None:
                _node, binding, enabled, tooltip = entry
                palette = (binding, enabled, tooltip or binding.tooltip or binding.description)
        seen: set[str] = set()
        shown = []
        for _node, binding, enabled, tooltip in active.values():
            if binding.show and binding.action not in seen:
                seen.add(binding.action)
                shown.append((binding, enabled, tooltip or binding.tooltip))
        return shown, palette

    def render_line(self, y: int) -> Strip:
        # Drawn as Segments, not returned from render() as Text: Textual's path from
        # Text to the screen costs several times more than building the line.
        base = self.rich_style
        width = self.size.width
        if y:
            return Strip.blank(width, base)
        shown, palette = self.shown_bindings()
        keys: list[_Key] = []
        segments: list[Segment] = []
        right = self._pair(*palette, base) if palette is not None else None
        # Whole pairs from the left while they fit; the palette key keeps the right edge.
        room = width - (right[1] + 1 if right is not None else 0)
        used = 0
        for binding, enabled, tooltip in shown:
            pair, cells = self._pair(binding, enabled, tooltip, base)
            if used + cells > room:
                break
            segments.extend(pair)
            keys.append(_Key(used, used + cells, binding.key, enabled, tooltip))
            used += cells
        if right is not None and palette is not None:
            (pair, cells), (binding, enabled, tooltip) = right, palette
            start = max(used, width - cells)
            segments.append(Segment(" " * (start - used), base))
            segments.extend(pair)
            keys.append(_Key(start, start + cells, binding.key, enabled, tooltip))
        self._keys = keys
        return Strip(segments).crop_extend(0, width, base)

    def _pair(
        self, binding: Binding, enabled: bool, tooltip: str, base: Style
    ) -> tuple[list[Segment], int]:
        """The segments of one 'key Description' pair, and their width in cells."""
        hovered = self._hover == binding.key
        extra = HOVER if hovered else NULL
        if not enabled:
            extra += DIM
        display = self.app.get_key_display(binding)
        if self.compact:  # "⏎ Open ", as Footer(compact=True) spaces them
            key, description = display, f" {binding.description} "
        else:  # " ⏎ Open "
            key, description = f" {display} ", f"{binding.description} "
        key_style = base + self.get_component_rich_style("key-bar--key") + extra
        description_style = base + self.get_component_rich_style("key-bar--description") + extra
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
