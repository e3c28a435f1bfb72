"""How register values read on screen: labels, RAG badges, date marks."""

from __future__ import annotations

from rich.style import Style
from rich.text import Text

from db.store.values import STATUS_LABELS

RAG_LETTERS = {"red": "R", "amber": "A", "green": "G"}
RAG_STYLES = {
    "red": Style(color="white", bgcolor="red3", bold=True),
    "amber": Style(color="black", bgcolor="orange1", bold=True),
    "green": Style(color="black", bgcolor="green3", bold=True),
}
OVERDUE_STYLE = Style(color="red1", bold=True)
SLIPPED_STYLE = Style(color="orange1")


def status_label(status: str | None) -> str:
    return STATUS_LABELS.get(status or "", status or "")


def rag_badge(rag: str | None) -> Text:
    """Colour and letter: never colour alone."""
    if not rag:
        return Text(" - ", style="dim")
    return Text(f" {RAG_LETTERS[rag]} ", style=RAG_STYLES[rag])


def rag_word(rag: str | None) -> Text:
    if not rag:
        return Text("unrated", style="dim")
    return Text.assemble(rag_badge(rag), f" {rag.capitalize()}")


def target_text(row: dict) -> Text:
    """'2025-06-30 ↻2 !': the date, revisions when slipped, '!' when overdue."""
    target = row.get("target_date") or ""
    text = Text(target or "—")
    revisions = int(row.get("target_revisions") or 0)
    if revisions:
        text.append(f" ↻{revisions}", style=SLIPPED_STYLE)
    if row.get("overdue"):
        text.append(" !", style=OVERDUE_STYLE)
        text.stylize(OVERDUE_STYLE, 0, len(target))
    return text


def day(moment: str | None) -> str:
    """The date part of a UTC timestamp (no times on screen: they would make snapshots drift)."""
    return (moment or "")[:10]


def when(moment: str | None) -> str:
    """'2026-05-01 14:03' from a UTC timestamp."""
    if not moment:
        return ""
    return f"{moment[:10]} {moment[11:16]}"
