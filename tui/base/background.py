"""Running db work in thread workers and bringing the answer back to the screen.

A screen never calls the database on the event loop: it hands a function to
:func:`run_db`, which runs it in a thread and calls `on_done` (or `on_error`)
back on the loop. An :class:`~db.errors.ActregError` becomes a notification with
its message; anything unexpected is reported too, never raised as a traceback.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

from textual.dom import DOMNode
from textual.worker import Worker, get_current_worker

from db.errors import ActregError

Done = Callable[[Any], None]


def interrupted(exc: BaseException) -> bool:
    """True for the error of a read stopped on purpose (RegisterGateway.interrupt)."""
    return isinstance(exc, sqlite3.OperationalError) and "interrupt" in str(exc)


Failed = Callable[[ActregError], None]


def run_db(
    node: DOMNode,
    work: Callable[[], Any],
    *,
    on_done: Done,
    on_error: Failed | None = None,
    group: str = "db",
    exclusive: bool = False,
) -> Worker:
    """Run `work()` in a thread worker; deliver its result to `on_done` on the event loop."""
    app = node.app

    def report(exc: ActregError) -> None:
        if on_error is not None:
            on_error(exc)
        else:
            app.notify(str(exc), title="Not done", severity="error", timeout=8)

    def job() -> None:
        worker = get_current_worker()
        try:
            result = work()
        except ActregError as exc:
            if not worker.is_cancelled:
                app.call_from_thread(report, exc)
            return
        except Exception as exc:  # a bug: say so, keep the app alive
            if interrupted(exc):  # superseded by a newer query: nothing to say
                return
            message = f"Unexpected error ({type(exc).__name__}): {exc}"
            if not worker.is_cancelled:
                app.call_from_thread(
                    app.notify, message, title="Internal error", severity="error", timeout=10
                )
            return
        if not worker.is_cancelled:
            app.call_from_thread(on_done, result)

    return node.run_worker(
        job, thread=True, group=group, exclusive=exclusive, exit_on_error=False, name=group
    )


def start_thread(work: Callable[[], Any]) -> Future:
    """Start `work()` in a plain thread at once (before the app's loop is free) -> Future.

    Used for the first screen's data, so it is read while Textual builds the screen.
    """
    future: Future = Future()

    def run() -> None:
        try:
            future.set_result(work())
        except BaseException as exc:
            future.set_exception(exc)

    threading.Thread(target=run, name="actreg-first-read", daemon=True).start()
    return future
