"""Why the register is read-only (or on a network folder), on every screen that edits."""

from __future__ import annotations

from textual.widgets import Static


class Banner(Static):
    """The register's notices, bold on the warning colour, under the screen's title."""

    DEFAULT_CSS = """
    Banner { height: auto; background: $warning; color: $text; text-style: bold; padding: 0 1; }
    """

    @classmethod
    def for_notices(cls, notices: list[str]) -> list[Banner]:
        """The banner for these notices, if there are any (for `yield from` in compose)."""
        return [cls(" ⚠ " + "  ".join(notices), id="banner")] if notices else []
