"""Home: the register table, its header counts, search and quick filters."""

from __future__ import annotations

import contextlib
from concurrent.futures import Future, wait
from dataclasses import replace
from functools import partial
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Input

from db.cycles.meetings import next_update_due
from db.errors import ActregError
from db.plural import plural
from db.read.paging import distinct_values
from db.read.queries import ActionFilter, register_info
from db.store.connection import setting
from db.store.values import STATUSES
from tui.base.background import interrupted, run_db, start_thread
from tui.base.command import Command, bindings
from tui.base.gateway import ReadTooSlow, RegisterGateway
from tui.screens.action import ActionScreen
from tui.screens.action_forms import new_action_form
from tui.screens.editing import EDIT_COMMANDS, ActionEditing
from tui.screens.filter_menu import NAMED_COLUMNS, FilterMenu
from tui.screens.form_screen import FormResult, Saved
from tui.screens.import_dialog import ImportScreen
from tui.text.formatting import OVERDUE_STYLE, RAG_LETTERS, RAG_STYLES, SLIPPED_STYLE, status_label
from tui.text.meeting_text import days_phrase
from tui.widgets.action_table import (
    PAGE_SIZE,
    RELOAD,
    SORTABLE,
    ActionTable,
    TableQuery,
    read_first_page,
)
from tui.widgets.banner import Banner
from tui.widgets.key_bar import KeyBar
from tui.widgets.register_bar import RegisterBar

# Long enough to let keys typed in a burst (or pasted) make one query, short enough that a
# search shows within its 150 ms budget: the first rows' query is some 20-30 ms at 100,000
# actions, and one superseded by the next key is interrupted.
SEARCH_DEBOUNCE_S = 0.05
FIRST_READ_NOW_S = 0.05
FIRST_READ_WAIT_S = 0.2
DEADLINE_NEAR_DAYS = 7  # a paper deadline this close shows in the warning colour
#: Up to this many actions, start-up reads the header's counts before the first frame.
COUNT_AT_START = 5_000


def header_parts(info: dict) -> list[Text]:
    """'Name', '· 120 actions', '· Not started 3', …, '· R 4 A 10 G 80', '· unrated 26'.

    Parts, so that a narrow terminal wraps the title between them, never inside one.
    Without counts by status and RAG (start-up has only the total so far), just
    the name and the total.
    """
    parts = [
        Text(info["name"] or "Register", "bold"),
        Text(f"· {plural(info['actions'], 'action')}"),
    ]
    if "by_status" not in info:
        return parts
    for status in STATUSES:
        count = info["by_status"].get(status, 0)
        if count:
            parts.append(Text(f"· {status_label(status)} {count:,}"))
    rags = Text("·")
    for rag, letter in RAG_LETTERS.items():
        rags.append(" ")
        rags.append(f" {letter} ", RAG_STYLES[rag])
        rags.append(f" {info['by_rag'].get(rag, 0):,}")
    parts.append(rags)
    unrated = info["by_rag"].get("", 0)
    if unrated:
        parts.append(Text(f"· unrated {unrated:,}", "dim"))
    nxt = info.get("next")
    if nxt is not None:
        parts.append(next_meeting_part(nxt))
    return parts


def next_meeting_part(nxt: dict) -> Text:
    """'· Next: Audit 2026-07-15, papers due 2026-07-01 (in 30 days)', marked when close."""
    days = nxt["days_to_deadline"]
    style = OVERDUE_STYLE if days < 0 else SLIPPED_STYLE if days <= DEADLINE_NEAR_DAYS else ""
    return Text(
        f"· Next: {nxt['committee']} {nxt['meeting_date']}, papers due "
        f"{nxt['paper_deadline']} ({days_phrase(days)})",
        style,
    )


def header_info(conn) -> dict:
    """Everything the header shows: name, counts by status and RAG, the next meeting."""
    return {**register_info(conn), "next": next_update_due(conn)}


def read_start(conn, rows: int = PAGE_SIZE) -> tuple[dict, tuple]:
    """What the first frame shows: the header, and the table's count and first rows.

    A register of up to COUNT_AT_START actions has its counts by status and RAG
    (and the next meeting) read now, in well under a millisecond, so the header
    is whole from the first frame and never grows under the table. A bigger one
    has its name and total now and the rest just after that frame.
    """
    first = read_first_page(conn, TableQuery(), 0, rows)
    if first[0] <= COUNT_AT_START:
        return header_info(conn), first
    return {"name": setting(conn, "name", "") or "", "actions": first[0]}, first


def start_first_read(gateway: RegisterGateway, rows: int = PAGE_SIZE) -> Future:
    """:func:`read_start` (the header, the table's count and first `rows` rows), read
    at once if that is quick, else in a thread.

    An indexed page and a count take well under a millisecond even at 100,000
    actions: read on this thread they are ready for the first frame, where a thread
    would have to win the GIL from the screen being built once per row. Only the
    rows that fit on the screen: the rest of their page comes just after the first
    frame, when the table asks for the lines past them. A cold disk, or anything
    slower than FIRST_READ_NOW_S, moves to a thread and the screen shows
    "counting…" until it comes.
    """
    future: Future = Future()
    try:
        future.set_result(gateway.read_within(FIRST_READ_NOW_S, read_start, rows))
    except ReadTooSlow:
        return start_thread(lambda: gateway.read(RELOAD, read_start))
    except Exception as exc:  # shown by the screen, as a worker's error would be
        future.set_exception(exc)
    return future


#: What the register's enter and esc do while the search box has the focus: for the
#: help screen (the bindings are the screen's own, `open` and `clear`).
SEARCH_BOX_KEYS = (
    Command("enter", "open", "Back to the table", "Back to the table"),
    Command("escape", "clear", "Clear", "Clear"),
)


class RegisterScreen(ActionEditing, Screen):
    """The table of actions, filtered and sorted; enter opens one."""

    # bar_rank: the keys the key bar keeps when it is narrow (80 columns); the rest go to `?`.
    COMMAND_LIST: ClassVar[tuple[Command, ...]] = (
        # Priority, like "/": enter in the search box applies it and goes back to the
        # table as the key is read, so an enter typed straight after it opens the card.
        Command(
            "enter",
            "open",
            "Open",
            "Open the selected action's card",
            name="Open action",
            bar_rank=1,
            priority=True,
        ),
        # A priority binding runs as the app reads the key, before it hands the keys
        # after it to the widget with focus: the letters typed straight after "/"
        # (a paste, a script, a fast typist) then all reach the search box.
        Command(
            "slash",
            "search",
            "Search",
            "Search refs, titles, descriptions, commentary",
            name="Search",
            palette_help="Search titles, descriptions and commentary",
            bar_rank=2,
            priority=True,
        ),
        Command(
            "o",
            "toggle('overdue')",
            "Overdue",
            "Only overdue actions (toggle)",
            name="Toggle overdue filter",
            palette_help="Only actions past their target",
            bar_rank=7,
        ),
        Command(
            "w",
            "toggle('stale')",
            "Stale",
            "Only stale actions: no update this cycle (toggle)",
            name="Toggle stale filter",
            palette_help="Only actions with no update this cycle",
        ),
        *(
            Command(
                key,
                f"rag('{rag}')",
                rag.capitalize(),
                f"RAG {rag} filter (toggle)",
                name=f"Toggle RAG {rag} filter",
                palette_help=f"Only {rag} actions, with any other RAG on",
                show=False,
            )
            for key, rag in (("1", "red"), ("2", "amber"), ("3", "green"))
        ),
        Command(
            "f",
            "filter_menu",
            "Filter",
            "Filter by status, RAG, owner, directorate, theme",
            name="Filter menu",
            palette_help="Filter by status, RAG, owner, directorate or theme",
            bar_rank=3,
        ),
        # A key each for the lists the menu holds: it opens with that list's choices shown.
        *(
            Command(
                key,
                f"filter_menu('{name}')",
                name.capitalize(),
                f"Filter by {name} (the menu, its {plural} shown)",
                name=f"Filter by {name}",
                palette_help=f"The filter menu, its {plural} shown",
                show=False,
            )
            for key, name, plural in (
                ("S", "status", "statuses"),
                ("O", "owner", "owners"),
                ("D", "directorate", "directorates"),
                ("T", "theme", "themes"),
            )
        ),
        Command(
            "escape",
            "clear",
            "Clear",
            "Clear the search and every filter",
            name="Clear filters",
            palette_help="Show every action",
        ),
        Command(
            "greater_than_sign",
            "sort",
            "Sort",
            "Sort by the next column",
            name="Cycle sort column",
        ),
        Command(
            "less_than_sign",
            "reverse",
            "Reverse",
            "Reverse the sort order",
            name="Reverse sort",
            palette_help="Flip the sort order",
            show=False,
        ),
        Command(
            "n",
            "new",
            "New",
            "Add a new action",
            name="New action",
            palette_help="Add an action to the register",
            bar_rank=4,
        ),
        Command(
            "i",
            "import_file",
            "Import",
            "Import actions from a CSV or Excel file (preview first)",
            name="Import a CSV or Excel file",
            palette_help="Preview, then import actions",
            show=False,
        ),
        # App commands with a key here (the palette lists them with the app's).
        Command(
            "V",
            "app.verify",
            "Verify",
            "Verify the register: hash chain, projection, snapshots",
            show=False,
        ),
        Command(
            "R",
            "app.review",
            "Review returns",
            "Review the updates owners returned in the update round",
            show=False,
        ),
        # On the home screen only 'update' is in the key bar; the rest act on the row too.
        # (Triage, the app's, has rank 6 in the key bar: tui.app.commands.)
        *(
            replace(c, bar_rank=5) if c.key == "u" else replace(c, show=False, bar_rank=None)
            for c in EDIT_COMMANDS
        ),
    )
    BINDINGS: ClassVar[list[BindingType]] = bindings(COMMAND_LIST)

    AUTO_FOCUS = "#actions"

    def __init__(self, gateway: RegisterGateway, first_read: Future | None = None) -> None:
        super().__init__()
        self.flt = ActionFilter()
        self.sort = "ref"
        self.descending = False
        self.info: dict | None = None
        self.shown: int | None = None
        self._debounce: Timer | None = None
        self._suspended = False
        self._search_pending = False  # enter pressed in the search box, not yet applied
        # Kept, not queried for: the first frame reaches for both several times.
        self.bar = RegisterBar(id="register-bar")
        self.table = ActionTable(id="actions")
        # The first data: the app reads it as it makes this screen, once the terminal's
        # size is known (start_first_read); a screen made any other way reads its own.
        self._first_read = first_read or start_first_read(gateway)

    def compose(self) -> ComposeResult:
        yield from Banner.for_notices(self.app.gateway.notices)  # (read-only, a network folder…)
        yield self.bar
        yield self.table
        yield KeyBar()

    def on_mount(self) -> None:
        future = self._first_read
        # Nothing is on the screen yet, so there is nothing to keep answering: wait a
        # moment for the first page (the wait hands the GIL to the reading thread) and
        # the very first frame has rows in it, instead of an empty table repainted a
        # frame later. A slow disk gets "counting…" and the rows when they come.
        wait([future], timeout=FIRST_READ_WAIT_S)
        if future.done():
            self._first_loaded(future)
        else:
            future.add_done_callback(partial(self._first_read_done, self.app))

    def _first_read_done(self, app, future: Future) -> None:
        """(In the reading thread.) Hand the result to the event loop, if the app still runs."""
        with contextlib.suppress(Exception):  # the app has already exited: nothing to show
            app.call_from_thread(self._first_loaded, future)

    def _first_loaded(self, future) -> None:
        try:
            first = future.result()
        except ActregError as exc:
            self.notify(str(exc), title="Not loaded", severity="error", timeout=10)
            self.refresh_header()
            self.apply()  # try once more the ordinary way (a busy register may be free now)
            return
        except Exception as exc:  # a bug: say so, keep the app alive
            if not interrupted(exc):  # (interrupted: a newer query is already on its way)
                self.notify(f"Unexpected error ({type(exc).__name__}): {exc}", severity="error")
            self.refresh_header()
            return
        header, (total, rows, ids) = first
        self.bar.show_title(header_parts(header))
        if "by_status" in header:  # small enough to count at start-up: the whole header
            self.info = header
        else:  # name and total only: the counts scan every action, read after this frame
            self.call_after_refresh(self.refresh_header)
        if self.table.generation == 0:  # no key has asked for another query meanwhile
            self.table.show_loaded(TableQuery(), (total, rows, ids))
            # The count goes on this frame too, not one frame later with the Loaded message.
            self.shown = total
            self._show_count()

    def on_screen_suspend(self) -> None:
        self._suspended = True

    def on_screen_resume(self) -> None:
        # Coming back from the card or a form: what was shown may have changed.
        if self._suspended and self.table.total is not None:
            self._suspended = False
            self.refresh_header()
            self.table.reload(keep_cursor=True)

    # --- data --------------------------------------------------------------

    def refresh_header(self) -> None:
        gateway = self.app.gateway
        run_db(
            self,
            lambda: gateway.call(header_info),
            on_done=self._header_loaded,
            group="header",
            exclusive=True,
        )

    def _header_loaded(self, info: dict) -> None:
        self.info = info
        self.bar.show_title(header_parts(info))
        self._show_count()

    def apply(self) -> None:
        """Re-query the table for the current filter and sort."""
        self.shown = None
        self._show_count()
        self.table.reload(TableQuery(self.flt, self.sort, self.descending))

    def on_action_table_loaded(self, message: ActionTable.Loaded) -> None:
        self.shown = message.total
        self._show_count()
        self.run_waiting()

    def _show_count(self) -> None:
        total = self.info["actions"] if self.info else None
        self.bar.show(self.flt, self.shown, total)

    # --- search ------------------------------------------------------------

    async def action_search(self) -> None:
        search = await self.bar.open_search()
        # set_focus now, not focus() (which waits its turn behind the keys already
        # typed): the letters typed straight after "/" must reach the search box.
        self.set_focus(search)

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id != "search":
            return
        if self._debounce is not None:
            self._debounce.stop()
        self._debounce = self.set_timer(SEARCH_DEBOUNCE_S, self._search_now)

    def _search_now(self) -> None:
        search = self.bar.search_input
        text = (search.value.strip() if search else "") or None
        if text != self.flt.search:
            self.flt = self.flt._replace(search=text)
            self.apply()

    def _search_entered(self) -> None:
        self._search_pending = False
        self._search_now()
        self.run_waiting()  # (the search was unchanged: no reload will call it)

    # --- filters and sort ----------------------------------------------------

    def action_toggle(self, name: str) -> None:
        self.flt = self.flt._replace(**{name: not getattr(self.flt, name)})
        self.apply()

    def action_rag(self, rag: str) -> None:
        rags = tuple(r for r in self.flt.rags if r != rag)
        if rag not in self.flt.rags:
            rags = (*rags, rag)
        self.flt = self.flt._replace(rags=rags)
        self.apply()

    def action_clear(self) -> None:
        search = self.bar.search_input
        if self._debounce is not None:
            self._debounce.stop()
        if search is not None:
            with search.prevent(Input.Changed):
                search.value = ""
        self.table.focus()
        if self.flt != ActionFilter():
            self.flt = ActionFilter()
            self.apply()

    def action_filter_menu(self, opened: str | None = None) -> None:
        gateway = self.app.gateway

        def work() -> dict[str, list[str]]:
            return {column: gateway.call(distinct_values, column) for column in NAMED_COLUMNS}

        def show(values: dict[str, list[str]]) -> None:
            self.app.push_screen(FilterMenu(self.flt, values, opened=opened), self._filtered)

        run_db(self, work, on_done=show, group="filter-menu", exclusive=True)

    def _filtered(self, flt: ActionFilter | None) -> None:
        if flt is not None and flt != self.flt:
            self.flt = flt
            self.apply()

    def action_sort(self) -> None:
        self.sort = SORTABLE[(SORTABLE.index(self.sort) + 1) % len(SORTABLE)]
        self.descending = False
        self.notify(f"Sorted by {self.sort.replace('_', ' ')}", timeout=2)
        self.apply()

    def action_reverse(self) -> None:
        self.descending = not self.descending
        self.apply()

    # --- actions -------------------------------------------------------------

    def action_open(self) -> None:
        search = self.bar.search_input
        if search is not None and self.focused is search:
            # Enter in the search box. The keys after it go to the table from now on;
            # the search is read once the box has taken the letters typed before it.
            self._search_pending = True
            self.set_focus(self.table)
            search.call_later(self._search_entered)
        else:
            self.when_ready(self._open_selected)

    def _open_selected(self) -> None:
        row = self.table.current_row
        if row is None:
            self.notify("No action is selected.", severity="warning")
            return
        self.app.push_screen(ActionScreen(row["ref"]))

    def action_new(self) -> None:
        if self.writable():
            self.app.push_screen(new_action_form(self.app.gateway), self._created)

    def _created(self, result: FormResult) -> None:
        if isinstance(result, Saved):
            self.notify(f"Added action {result.row['ref']}.")
            self.after_write(result.row)

    def action_import_file(self) -> None:
        # A read-only register may still preview; the dialog refuses the import itself.
        self.app.push_screen(ImportScreen(), self._imported)

    def _imported(self, result) -> None:
        if result is not None:  # the dialog has said what was imported
            self.after_write(None)

    def target_action(self) -> dict | None:
        return self.table.current_row

    def target_ready(self) -> bool:
        return self.table.is_current and not self._search_pending

    def after_write(self, row: dict | None) -> None:
        self.refresh_header()
        self.table.reload(keep_cursor=True)
