"""The smallest useful Textual app, run as its own process: the TUI start-up baseline.

    python -m bench.bare_app

A Header, a Footer and one key, nothing else. `bench.process_bench` starts it in a
real terminal (tmux) exactly as it starts `actreg`, and waits for its key to show.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import App, ComposeResult
from textual.widgets import Footer, Header


class Bare(App):
    BINDINGS: ClassVar = [("q", "quit", "Quit")]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Footer()


if __name__ == "__main__":
    Bare().run()
