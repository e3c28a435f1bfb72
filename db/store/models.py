"""The pydantic models for what people type: a new action, an imported row.

Each field's check is one of :mod:`db.store.values`; :func:`validate` turns a
pydantic ``ValidationError`` into an :class:`~db.errors.InputError` whose problems
each start with the field's name. The CLI and the TUI show those messages word for
word. Only the write side imports this module (pydantic is slow to import).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, ValidationError
from pydantic_core import ErrorDetails

from db.errors import InputError
from db.store.dates import parse_day
from db.store.values import (
    LIMITS,
    clean_line,
    clean_long,
    clean_percent,
    clean_reason,
    clean_ref,
    clean_required_line,
    label,
    optional,
    parse_acceptance,
    parse_priority,
    parse_rag,
    parse_status,
)

Ref = Annotated[str, AfterValidator(clean_ref)]
Title = Annotated[str, AfterValidator(lambda v: clean_required_line(v, LIMITS["title"]))]
Name = Annotated[str, AfterValidator(clean_required_line)]
OptName = Annotated[str | None, AfterValidator(optional(clean_line))]
OptLong = Annotated[str | None, AfterValidator(optional(clean_long))]
IsoDate = Annotated[str | dt.date, AfterValidator(parse_day)]
OptIsoDate = Annotated[str | dt.date | None, AfterValidator(optional(parse_day))]
Status = Annotated[str, AfterValidator(parse_status)]
Rag = Annotated[str, AfterValidator(parse_rag)]
OptRag = Annotated[str | None, AfterValidator(optional(parse_rag))]
Priority = Annotated[str, AfterValidator(parse_priority)]
Acceptance = Annotated[str, AfterValidator(parse_acceptance)]
Percent = Annotated[int | str, AfterValidator(clean_percent)]
Reason = Annotated[str, AfterValidator(clean_reason)]


class _Input(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False, frozen=True)


class ActionDraft(_Input):
    """A new action, as typed into `actreg add` or the TUI's new-action form."""

    ref: Ref
    """Human reference, unique in the register (case-insensitive): A1, 2.3, SEND-4."""
    title: Title
    owner: Name
    """The officer responsible for delivering the action."""
    target_date: IsoDate
    """The original target date: it never changes; re-dating moves target_date only."""
    directorate: OptName = None
    theme: OptName = None
    priority: Priority = "medium"
    acceptance: Acceptance = "accepted"
    description: OptLong = None
    source: OptName = None
    """Title of the review or report the action answers."""
    recommendation: OptName = None
    completion_criterion: OptLong = None
    status: Status = "not_started"
    rag: OptRag = None
    percent_complete: Percent = 0
    completed_date: OptIsoDate = None
    """When the work was done (for actions that arrive already implemented or closed)."""
    target_date_text: OptName = None
    """The target as an imported table wrote it ("Q3 2025"), kept beside the parsed date."""


class ImportDraft(ActionDraft):
    """A new action read from an imported table (``actreg import``).

    Published tables often lack an owner or a target: the owner defaults to
    "Unassigned" (the import warns), and the target date may be empty (its
    wording, such as "ongoing", is kept in target_date_text).
    """

    owner: Name = "Unassigned"
    target_date: OptIsoDate = None


M = TypeVar("M", bound=BaseModel)


def validate(model: type[M], **values: Any) -> M:
    """Build a model, or raise InputError listing every problem by field."""
    try:
        return model(**values)
    except ValidationError as exc:
        raise InputError([_describe(err) for err in exc.errors()]) from None


def _describe(err: ErrorDetails) -> str:
    field = label(".".join(str(p) for p in err.get("loc", ())) or "value")
    kind = err.get("type", "")
    if kind == "missing":
        return f"{field}: is required"
    if kind == "extra_forbidden":
        return f"{field}: is not a field actreg knows"
    if kind == "value_error":
        return f"{field}: {err['ctx']['error']}"
    return f"{field}: {err.get('msg', 'is not valid')}"
