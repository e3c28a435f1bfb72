"""The form that schedules a committee meeting (db.cycles.meetings.add_meeting)."""

from __future__ import annotations

from db.cycles.meetings import (
    DEFAULT_COMMITTEE,
    DEFAULT_DEADLINE_DAYS,
    Meeting,
    add_meeting,
    list_meetings,
)
from db.store.connection import RegisterConnection
from db.store.values import CADENCES
from tui.base.gateway import RegisterGateway
from tui.screens.form_screen import FieldSpec, FormScreen

CADENCE_OPTIONS = tuple((c.replace("_", " ").capitalize(), c) for c in CADENCES)


def _blank_to_none(value: str | None) -> str | None:
    return value.strip() if value and value.strip() else None


def add_and_find(conn: RegisterConnection, values: dict, author: str) -> Meeting:
    """Add the meeting, then read it back as the list shows it (with its due state)."""
    committee = _blank_to_none(values.get("committee")) or ""
    meeting_id = add_meeting(
        conn,
        values.get("meeting_date") or "",
        committee=committee,
        deadline=_blank_to_none(values.get("deadline")),
        title=_blank_to_none(values.get("title")),
        cadence=values.get("cadence"),
        author=author,
    )
    return next(m for m in list_meetings(conn) if m["id"] == meeting_id)


def new_meeting_form(gateway: RegisterGateway, meetings: list[dict]) -> FormScreen:
    """Default committee: the one already meeting (the latest one's), else the standard name."""
    committee = meetings[-1]["committee"] if meetings else DEFAULT_COMMITTEE
    fields = [
        FieldSpec("meeting_date", placeholder="YYYY-MM-DD"),
        FieldSpec("committee", value=committee),
        FieldSpec(
            "deadline",
            caption="paper deadline (optional)",
            placeholder=f"YYYY-MM-DD; blank: {DEFAULT_DEADLINE_DAYS} days before the meeting",
        ),
        FieldSpec("title", caption="title (optional)"),
        FieldSpec(
            "cadence",
            kind="select",
            options=CADENCE_OPTIONS,
            allow_blank=True,
            caption="cadence of updates (blank: keep the committee's)",
        ),
    ]
    return FormScreen(
        "Add a meeting",
        fields,
        lambda values: gateway.call(add_and_find, values, gateway.author),
        intro="The paper deadline is the snapshot cut-off.",
    )
