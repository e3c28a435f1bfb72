"""The TUI's one door to the register: every db call goes through here, one at a time.

The connection is shared by the screens' thread workers, so calls are serialised
with a lock (a read never runs inside another worker's write transaction).
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable
from typing import TypeVar

from db.errors import ActregError
from db.store.connection import RegisterConnection, readonly_refusal

T = TypeVar("T")
PROGRESS_STEPS = 20_000  # SQLite VM steps between deadline checks (well under 1 ms)


class ReadTooSlow(Exception):
    """A read given a deadline (RegisterGateway.read_within) was stopped at it."""


class RegisterGateway:
    """Runs db functions against one open register, one call at a time."""

    def __init__(self, conn: RegisterConnection, *, author: str) -> None:
        self.conn = conn
        self.author = author
        self._lock = threading.Lock()
        self._state = threading.Lock()
        self._reading: str | None = None  # the group of the read now running, if any
        self._closed = False

    @property
    def readonly(self) -> bool:
        return bool(getattr(self.conn, "readonly", False))

    @property
    def notices(self) -> list[str]:
        return list(getattr(self.conn, "notices", []) or [])

    def readonly_message(self) -> str:
        return readonly_refusal(self.conn)

    def call(self, fn: Callable[..., T], *args, **kwargs) -> T:
        """`fn(conn, *args, **kwargs)` under the lock."""
        with self._lock:
            self._check_open()
            return fn(self.conn, *args, **kwargs)

    def _check_open(self) -> None:
        if self._closed:
            raise ActregError("actreg is closing: nothing more is read or written.")

    def shutdown(self, timeout: float = 60.0) -> None:
        """Stop for good: cut short a running read, wait for a running write to finish.

        After this no thread touches the connection, so the caller may close it
        (closing it under a running query can crash the process).
        """
        with self._state:
            self._closed = True
            if self._reading is not None:
                self.conn.interrupt()
        if self._lock.acquire(timeout=timeout):
            self._lock.release()

    def read(self, group: str, fn: Callable[..., T], *args, **kwargs) -> T:
        """A read that :meth:`interrupt` may cut short (a search superseded by the next key)."""
        with self._lock:
            self._check_open()
            with self._state:
                self._reading = group
            try:
                return fn(self.conn, *args, **kwargs)
            finally:
                with self._state:
                    self._reading = None

    def read_within(self, seconds: float, fn: Callable[..., T], *args, **kwargs) -> T:
        """`fn(conn, …)` on this thread if it finishes within `seconds`, else ReadTooSlow.

        For reads worth doing at once when they are quick (the first screen's rows)
        and in a worker when they are not (a cold disk): nothing waits longer than
        `seconds` for the answer.
        """
        deadline = time.perf_counter() + seconds

        def too_late() -> bool:
            return time.perf_counter() > deadline

        with self._lock:
            self._check_open()
            self.conn.set_progress_handler(too_late, PROGRESS_STEPS)
            try:
                return fn(self.conn, *args, **kwargs)
            except sqlite3.OperationalError as exc:
                if "interrupt" in str(exc) and too_late():
                    raise ReadTooSlow(f"not read within {seconds:g} s") from None
                raise
            finally:
                self.conn.set_progress_handler(None, 0)

    def interrupt(self, group: str) -> bool:
        """Stop the read of `group` now running, if one is (never a write): True if it did.

        The interrupted read raises sqlite3.OperationalError in its worker, which
        has been cancelled by then, so nobody sees it.
        """
        with self._state:
            if self._reading != group:
                return False
            self.conn.interrupt()
            return True
