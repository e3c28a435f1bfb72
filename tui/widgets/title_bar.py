"""The one-line title at the top of a screen (the action card, meetings, triage...)."""

from __future__ import annotations

from textual.widgets import Static


class TitleBar(Static):
    """A screen's title line, on the theme's primary colour.

    A widget, not a CSS class in an app-wide stylesheet: its CSS is parsed when the
    first screen that has one is shown, not during start-up, which has none.
    """

    DEFAULT_CSS = """
    TitleBar { height: 1; background: $primary 40%; padding: 0 1; }
    """
