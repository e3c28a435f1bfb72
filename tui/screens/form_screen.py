"""The modal form all edits use: fields, inline errors in db's words, ctrl+s, esc.

A form writes nothing until ctrl+s. Its save function runs in a thread worker and
calls one db intent; an :class:`~db.errors.InputError` puts each problem under
the field it names (problems start with the field's label, e.g. "target date:"),
a :class:`~db.errors.StaleVersion` closes the form with :class:`Stale` so the
caller reloads, anything else is shown at the foot of the form.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.suggester import SuggestFromList
from textual.widget import Widget
from textual.widgets import Input, Label, Select, Static, TextArea

from db.errors import ActregError, InputError, StaleVersion
from db.read.paging import distinct_values
from db.store.values import label
from tui.base.background import run_db
from tui.base.command import Command, bindings
from tui.screens.confirm import ConfirmScreen
from tui.screens.dialog import DIALOG_CSS, DIALOG_MAX_HEIGHT, FIELD_COMMANDS
from tui.widgets.choice_select import ChoiceSelect
from tui.widgets.key_bar import KeyBar


@dataclass(frozen=True)
class FieldSpec:
    """One field of a form. `name` is the db field, so its label matches db's messages."""

    name: str
    kind: str = "input"  # input | text | select
    value: str = ""
    options: tuple[tuple[str, str], ...] = ()  # (shown, value) for a select
    allow_blank: bool = False
    placeholder: str = ""
    caption: str | None = None  # shown label; default: db's label for the field
    aliases: tuple[str, ...] = ()  # other problem prefixes that belong to this field
    #: A column ("owner", "directorate", "theme") whose values already in the register
    #: are offered as the field is typed (→ takes one); a new spelling is still allowed.
    suggest_from: str | None = None

    @property
    def title(self) -> str:
        text = self.caption or label(self.name)
        return text[:1].upper() + text[1:]


@dataclass(frozen=True)
class Saved:
    """The form saved: `row` is the action as it now stands."""

    row: dict


@dataclass(frozen=True)
class Stale:
    """The action changed since it was shown: nothing saved; the caller reloads."""

    message: str


FormResult = Saved | Stale | None
SaveFunction = Callable[[dict[str, str | None]], Mapping[str, object]]


class FormScreen(ModalScreen[FormResult]):
    """A modal form; dismisses with Saved, Stale, or None when cancelled."""

    SCOPED_CSS = False
    DEFAULT_CSS = DIALOG_CSS

    COMMAND_LIST: ClassVar[tuple[Command, ...]] = (
        *FIELD_COMMANDS,
        Command("ctrl+s", "save", "Save", "Save (nothing is written before)", priority=True),
        Command("escape", "cancel", "Cancel", "Cancel (asks first if you typed something)"),
    )
    BINDINGS: ClassVar[list[BindingType]] = bindings(COMMAND_LIST)

    def __init__(
        self,
        heading: str,
        fields: list[FieldSpec],
        save: SaveFunction,
        *,
        intro: str = "",
        reload: Callable[[], str] | None = None,
    ) -> None:
        """`reload`, for a form on an existing action: re-read it after a write was
        refused because it changed elsewhere (so the next save applies over the new
        version), and return the intro to show for it."""
        super().__init__()
        self.heading = heading
        self.intro = intro
        self.reload_function = reload
        self.fields = fields
        self.save_function = save
        self.saving = False
        self.stale = False  # a save was refused as stale; the caller reloads when it closes
        self._initial: dict[str, str | None] = {}
        self._problems: set[str] = set()  # fields showing a problem until they change

    # --- building ------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Vertical(id="form-box", classes="dialog"):
            yield Static(self.heading, id="form-heading")
            if self.intro or self.reload_function is not None:
                yield Static(self.intro, id="form-intro")
            with VerticalScroll(id="form-fields", can_focus=False):  # tab: fields only
                for spec in self.fields:
                    yield Label(spec.title, classes="field-label")
                    yield self._widget(spec)
                    yield Static("", id=f"error-{spec.name}", classes="field-error")
            yield Static("", id="form-error")
            yield Static("ctrl+s save · tab next field · esc cancel", id="form-hint")
        yield KeyBar()  # the form's own keys, not those of the screen beneath

    def _widget(self, spec: FieldSpec) -> Widget:
        wid = f"field-{spec.name}"
        if spec.kind == "text":
            return TextArea(spec.value, id=wid, classes="field-text", tab_behavior="focus")
        if spec.kind == "select":
            value = spec.value if spec.value else Select.NULL
            return ChoiceSelect(
                list(spec.options),
                value=value,
                allow_blank=spec.allow_blank,
                prompt="(no change)" if spec.allow_blank else "Select",
                id=wid,
            )
        return Input(spec.value, placeholder=spec.placeholder, id=wid)

    def on_mount(self) -> None:
        self.call_after_refresh(self._fit_fields)
        self._initial = self.values()
        if self.fields:
            self.query_one(f"#field-{self.fields[0].name}").focus()
        columns = {s.name: s.suggest_from for s in self.fields if s.suggest_from}
        if columns:
            gateway = self.app.gateway
            run_db(
                self,
                lambda: {name: gateway.call(distinct_values, c) for name, c in columns.items()},
                on_done=self._offer_values_in_use,
                group="form-suggest",
            )

    def _offer_values_in_use(self, in_use: dict[str, list[str]]) -> None:
        for name, values in in_use.items():
            self.query_one(f"#field-{name}", Input).suggester = SuggestFromList(
                values, case_sensitive=False
            )

    # --- room ----------------------------------------------------------------

    def on_resize(self) -> None:
        self.call_after_refresh(self._fit_fields)

    def _fit_fields(self) -> None:
        """Give the fields all the height the screen has, less the dialog's other lines.

        (A fixed share of the screen left Percent complete or a Reason below the fold
        at 80x24 while rows of the screen stood empty.)
        """
        box = self.query_one("#form-box")
        fields = self.query_one("#form-fields", VerticalScroll)
        others = sum(
            child.outer_size.height + child.styles.margin.top + child.styles.margin.bottom
            for child in box.children
            if child is not fields and child.display
        )
        chrome = box.outer_size.height - box.content_size.height  # its border and padding
        key_bar = 1
        tallest = int((self.size.height - key_bar) * DIALOG_MAX_HEIGHT)  # the .dialog's max
        height = max(3, tallest - chrome - others)
        if fields.styles.max_height is None or fields.styles.max_height.value != height:
            fields.styles.max_height = height
            self.call_after_refresh(self._show_focused)

    def set_focus(
        self, widget: Widget | None, scroll_visible: bool = True, from_app_focus: bool = False
    ) -> None:
        # A field is scrolled into view by _show_focused, with its label: Textual's own
        # scroll (an animated centring) would run after it and hide the label again.
        in_fields = widget is not None and widget.parent is self.query_one("#form-fields")
        super().set_focus(widget, scroll_visible and not in_fields, from_app_focus)

    def on_descendant_focus(self, event) -> None:
        self.call_after_refresh(self._show_focused)

    def _show_focused(self) -> None:
        """Scroll the focused field into view with its label and its problem, if any."""
        focused = self.focused
        fields = self.query_one("#form-fields", VerticalScroll)
        if focused is None or focused.parent is not fields:
            return
        siblings = list(fields.children)
        at = siblings.index(focused)
        label, error = siblings[max(0, at - 1)], siblings[min(len(siblings) - 1, at + 1)]
        # From the label (with the line above it) to the end of its problem message.
        top = label.virtual_region_with_margin
        whole = top.union(error.virtual_region if error.display else focused.virtual_region)
        if whole.height > fields.scrollable_content_region.height:  # too tall: its top
            whole = top.union(focused.virtual_region.resize((focused.size.width, 1)))
        fields.scroll_to_region(whole, animate=False, immediate=True)

    # --- values --------------------------------------------------------------

    def field_widget(self, name: str) -> Widget:
        return self.query_one(f"#field-{name}")

    def values(self) -> dict[str, str | None]:
        out: dict[str, str | None] = {}
        for spec in self.fields:
            widget = self.field_widget(spec.name)
            if isinstance(widget, TextArea):
                out[spec.name] = widget.text.rstrip()  # an enter at the end is not text
            elif isinstance(widget, Select):
                out[spec.name] = None if widget.is_blank() else str(widget.value)
            elif isinstance(widget, Input):
                out[spec.name] = widget.value
        return out

    @property
    def changed(self) -> bool:
        return self.values() != self._initial

    # --- errors --------------------------------------------------------------

    def field_for(self, prefix: str) -> str | None:
        """Which field a problem starting with `prefix` ("target date") belongs to."""
        for spec in self.fields:
            if prefix == label(spec.name) or prefix in spec.aliases:
                return spec.name
        return None

    def clear_errors(self) -> None:
        for spec in self.fields:
            self.query_one(f"#error-{spec.name}", Static).update("")
            self.field_widget(spec.name).remove_class("-invalid")
        self.query_one("#form-error", Static).update("")

    @on(Input.Changed)
    @on(TextArea.Changed)
    @on(Select.Changed)
    def _field_changed(self, event: Input.Changed | TextArea.Changed | Select.Changed) -> None:
        """A field's problem is gone once it is changed: the next save checks it again."""
        name = (event.control.id or "").removeprefix("field-")
        if name in self._problems:
            self._problems.discard(name)
            event.control.remove_class("-invalid")
            self.query_one(f"#error-{name}", Static).update("")

    def show_problems(self, problems: list[str]) -> None:
        by_field: dict[str, list[str]] = {}
        general: list[str] = []
        for problem in problems:
            name = self.field_for(problem.split(":", 1)[0].strip())
            (by_field.setdefault(name, []) if name else general).append(problem)
        self._problems = set(by_field)
        for name, texts in by_field.items():
            self.query_one(f"#error-{name}", Static).update("\n".join(texts))
            self.field_widget(name).add_class("-invalid")
        self.query_one("#form-error", Static).update("\n".join(general))
        self.call_after_refresh(self._fit_fields)  # the messages take lines of their own
        first = next((s.name for s in self.fields if s.name in by_field), None)
        if first:
            self.field_widget(first).focus()

    # --- actions -------------------------------------------------------------

    def action_save(self) -> None:
        if self.saving:
            return
        self.saving = True
        # ctrl+s is a priority binding, handled before the focused field has
        # processed the keys typed just before it (a fast typist, a paste).
        # Read the values from inside that field's own message queue, after them.
        target = self.focused if self.focused is not None else self
        target.call_later(self._save_now)

    def _save_now(self) -> None:
        self.clear_errors()
        values = self.values()
        run_db(
            self,
            lambda: self.save_function(values),
            on_done=self._saved,
            on_error=self._failed,
            group="form-save",
            exclusive=True,
        )

    def _saved(self, row: dict) -> None:
        self.saving = False
        self.dismiss(Saved(row))

    def _failed(self, exc: ActregError) -> None:
        self.saving = False
        if isinstance(exc, StaleVersion) and self.reload_function is not None:
            self._reload_after(str(exc))
        elif isinstance(exc, StaleVersion):
            self.dismiss(Stale(str(exc)))
        elif isinstance(exc, InputError):
            self.show_problems(exc.problems)
        else:
            self.query_one("#form-error", Static).update(str(exc))
            self.notify(str(exc), title="Not saved", severity="error", timeout=8)

    def _close_unsaved(self) -> None:
        if self.stale:  # the screen beneath still shows the old version: it must reload
            self.dismiss(Stale("Not saved. The action changed elsewhere; it has been reloaded."))
        else:
            self.dismiss(None)

    def _reload_after(self, message: str) -> None:
        """Someone else changed the action: keep what was typed, show the new version."""
        self.saving = True  # (no save until the new version is in)
        assert self.reload_function is not None

        def reloaded(intro: str) -> None:
            self.saving = False
            self.stale = True
            self.query_one("#form-intro", Static).update(intro)
            self.query_one("#form-error", Static).update(
                f"{message} It has been reloaded above, and what you typed is kept: "
                "check it, then ctrl+s saves over the new version (esc cancels)."
            )

        def failed(exc: ActregError) -> None:
            self.saving = False
            self.dismiss(Stale(f"{message} ({exc})"))

        run_db(self, self.reload_function, on_done=reloaded, on_error=failed, group="form-save")

    def action_cancel(self) -> None:
        if not self.changed:
            self._close_unsaved()
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self._close_unsaved()

        self.app.push_screen(
            ConfirmScreen("Discard what you typed? Nothing has been saved.", yes="Discard"),
            answered,
        )
