"""The edit forms, one per db intent: each a FormScreen with its fields and save call.

Every save passes ``expected_version`` = the version the caller showed, so a
change made meanwhile by another actreg is refused (StaleVersion), never merged.
"""

from __future__ import annotations

from collections.abc import Callable

from db.read.queries import get_action
from db.store.register import (
    NO_RAG,
    add_action,
    change_status,
    close_action,
    edit_field,
    move_target_date,
    record_update,
    set_rag,
)
from db.store.values import EDITABLE_FIELDS, PRIORITIES, RAGS, STATUSES, label
from tui.base.gateway import RegisterGateway
from tui.screens.form_screen import FieldSpec, FormScreen, SaveFunction
from tui.text.formatting import status_label

STATUS_OPTIONS = tuple((status_label(s), s) for s in STATUSES)
RAG_OPTIONS = tuple((f"{r[0].upper()} {r.capitalize()}", r) for r in RAGS)
PRIORITY_OPTIONS = tuple((p.capitalize(), p) for p in PRIORITIES)
#: What a red action's RAG becomes as it closes.
SETTLE_OPTIONS = (("G Green", "green"), ("A Amber", "amber"), ("- Unrated (clear it)", NO_RAG))


def _effective() -> FieldSpec:
    """The day it happened: blank is today; an earlier day records a late update."""
    return FieldSpec(
        "effective",
        placeholder="today, or the earlier day it happened (e.g. 28/02/2027)",
        caption="effective",
        aliases=("effective date",),
    )


def _intro(row: dict) -> str:
    return f"Action {row['ref']}: {row['title']}  (version {row['version']})"


def _on_action(
    heading: str,
    fields: list[FieldSpec],
    save: SaveFunction,
    gateway: RegisterGateway,
    row: dict,
    describe: Callable[[dict], str] = _intro,
    form: type[FormScreen] = FormScreen,
) -> FormScreen:
    """A form acting on the action `row` (the form's own copy, which `save` reads the
    version from), introduced by `describe(row)`. After a refused (stale) save it
    re-reads the action into `row`, so the next save applies over the new version."""

    def reload() -> str:
        row.update(gateway.call(get_action, row["ref"]))
        return describe(row)

    return form(heading, fields, save, intro=describe(row), reload=reload)


def _text(value) -> str:
    return "" if value is None else str(value)


def _blank_to_none(value: str | None) -> str | None:
    return value if value and value.strip() else None


def new_action_form(gateway: RegisterGateway) -> FormScreen:
    fields = [
        FieldSpec("ref", placeholder="e.g. A12 or 2.3"),
        FieldSpec("title"),
        FieldSpec("owner", placeholder="the officer responsible", suggest_from="owner"),
        FieldSpec("target_date", placeholder="e.g. 28/02/2027 or 2027-02-28"),
        FieldSpec("directorate", suggest_from="directorate"),
        FieldSpec("theme", suggest_from="theme"),
        FieldSpec("priority", kind="select", value="medium", options=PRIORITY_OPTIONS),
        FieldSpec("source", placeholder="the review or report it answers"),
        FieldSpec("description", kind="text"),
        FieldSpec("completion_criterion", kind="text"),
        _effective(),
    ]
    required = ("ref", "title", "owner", "target_date")

    def save(values):
        draft = {
            k: v
            for k, v in values.items()
            if k != "effective" and (k in required or _blank_to_none(v))
        }
        return gateway.call(
            add_action, draft, author=gateway.author, effective=_blank_to_none(values["effective"])
        )

    return FormScreen("New action", fields, save)


def update_form(gateway: RegisterGateway, row: dict) -> FormScreen:
    row = dict(row)  # its own copy: a stale save reloads it
    fields = [
        FieldSpec(
            "note",
            kind="text",
            caption="note (also the reason for a new RAG)",
            aliases=("reason", "nothing to record"),
        ),
        FieldSpec("status", kind="select", options=STATUS_OPTIONS, allow_blank=True),
        FieldSpec("rag", kind="select", options=RAG_OPTIONS, allow_blank=True, caption="RAG"),
        FieldSpec("percent_complete", placeholder=f"now {row['percent_complete']}"),
        _effective(),
    ]

    def save(values):
        note = _blank_to_none(values["note"])
        return gateway.call(
            record_update,
            row["ref"],
            author=gateway.author,
            note=note,
            status=values["status"],
            rag=values["rag"],
            percent_complete=_blank_to_none(values["percent_complete"]),
            reason=note if values["rag"] else None,
            expected_version=row["version"],
            effective=_blank_to_none(values["effective"]),
        )

    return _on_action("Progress update", fields, save, gateway, row)


class EditFieldForm(FormScreen):
    """Edit one descriptive field; its problems are named after the field chosen."""

    def field_for(self, prefix: str) -> str | None:
        chosen = self.values().get("field")
        if chosen and prefix == label(chosen):
            return "value"
        return super().field_for(prefix)

    def on_select_changed(self, event) -> None:
        if event.select.id == "field-field" and not event.select.is_blank():
            current = self.row.get(str(event.select.value))
            self.query_one("#field-value").value = _text(current)


def edit_form(gateway: RegisterGateway, row: dict) -> FormScreen:
    row = dict(row)  # its own copy: a stale save reloads it
    options = tuple((label(name).capitalize(), name) for name in EDITABLE_FIELDS)
    fields = [
        FieldSpec("field", kind="select", value="title", options=options),
        FieldSpec("value", value=_text(row["title"]), caption="new value"),
        FieldSpec("reason", kind="text"),
        _effective(),
    ]

    def save(values):
        return gateway.call(
            edit_field,
            row["ref"],
            values["field"] or "",
            values["value"],
            reason=values["reason"] or "",
            author=gateway.author,
            expected_version=row["version"],
            effective=_blank_to_none(values["effective"]),
        )

    form = _on_action("Edit a field", fields, save, gateway, row, form=EditFieldForm)
    form.row = row
    return form


def _redate_intro(row: dict) -> str:
    revisions = int(row.get("target_revisions") or 0)
    return (
        f"{_intro(row)}\nOriginal target date: {row['original_target_date'] or '—'}"
        f" · current: {row['target_date'] or '—'} · moved {revisions} time"
        f"{'' if revisions == 1 else 's'}"
    )


def redate_form(gateway: RegisterGateway, row: dict) -> FormScreen:
    row = dict(row)  # its own copy: a stale save reloads it
    fields = [
        FieldSpec("target_date", value=_text(row["target_date"]), caption="new target date"),
        FieldSpec("reason", kind="text"),
        _effective(),
    ]

    def save(values):
        return gateway.call(
            move_target_date,
            row["ref"],
            values["target_date"] or "",
            reason=values["reason"] or "",
            author=gateway.author,
            expected_version=row["version"],
            effective=_blank_to_none(values["effective"]),
        )

    return _on_action("Move the target date", fields, save, gateway, row, _redate_intro)


def status_form(gateway: RegisterGateway, row: dict) -> FormScreen:
    row = dict(row)  # its own copy: a stale save reloads it
    fields = [
        FieldSpec("status", kind="select", value=row["status"], options=STATUS_OPTIONS),
        FieldSpec(
            "reason",
            kind="text",
            # closed means verified done: db refuses to undo it without a reason
            caption="reason (required: it is closed)"
            if row["status"] == "closed"
            else ("reason (optional)"),
        ),
        _effective(),
    ]

    def save(values):
        return gateway.call(
            change_status,
            row["ref"],
            values["status"] or "",
            reason=_blank_to_none(values["reason"]),
            author=gateway.author,
            expected_version=row["version"],
            effective=_blank_to_none(values["effective"]),
        )

    return _on_action("Change the status", fields, save, gateway, row)


def rag_form(gateway: RegisterGateway, row: dict) -> FormScreen:
    row = dict(row)  # its own copy: a stale save reloads it
    fields = [
        FieldSpec("rag", kind="select", value=row["rag"] or "", options=RAG_OPTIONS, caption="RAG"),
        FieldSpec("reason", kind="text"),
        _effective(),
    ]

    def save(values):
        return gateway.call(
            set_rag,
            row["ref"],
            values["rag"] or "",
            reason=values["reason"] or "",
            author=gateway.author,
            expected_version=row["version"],
            effective=_blank_to_none(values["effective"]),
        )

    return _on_action("Set the RAG rating", fields, save, gateway, row)


def _close_intro(row: dict) -> str:
    recorded = (row.get("evidence") or "").strip()
    return _intro(row) + (
        f"\nEvidence recorded: {recorded.replace(chr(10), '; ')}"
        if recorded
        else "\nNo evidence recorded yet: give it here."
    )


def close_form(gateway: RegisterGateway, row: dict) -> FormScreen:
    row = dict(row)  # its own copy: a stale save reloads it
    fields = [
        FieldSpec("evidence", placeholder="a report, minute or link that shows it is done"),
        FieldSpec("note", kind="text", caption="note (optional)"),
        _effective(),
    ]
    if row["rag"] == "red":  # a closed action is never shown red: ask what it becomes
        fields.append(
            FieldSpec(
                "rag",
                kind="select",
                value="green",
                options=SETTLE_OPTIONS,
                caption="RAG on closing (it is red now)",
            )
        )

    def save(values):
        return gateway.call(
            close_action,
            row["ref"],
            author=gateway.author,
            evidence=_blank_to_none(values["evidence"]),
            note=_blank_to_none(values["note"]),
            rag=values.get("rag"),
            expected_version=row["version"],
            effective=_blank_to_none(values["effective"]),
        )

    return _on_action("Close (verified)", fields, save, gateway, row, _close_intro)


#: The forms that act on one action, by the key that opens them.
ACTION_FORMS = {
    "update": update_form,
    "edit": edit_form,
    "redate": redate_form,
    "status": status_form,
    "rag": rag_form,
    "close": close_form,
}
