"""The TUI's one door to the register: every db call goes through here, one at a time.

The connection is shared by the screens' thread workers, so calls are serialised
with a lock (a read never runs inside another worker's write transaction).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

from db.connection import RegisterConnection

T = TypeVar("T")


class RegisterGateway:
    """Runs db functions against one open register, one call at a time."""

    def __init__(self, conn: RegisterConnection, *, author: str) -> None:
        self.conn = conn
        self.author = author
        self._lock = threading.Lock()

    @property
    def readonly(self) -> bool:
        return bool(getattr(self.conn, "readonly", False))

    @property
    def notices(self) -> list[str]:
        return list(getattr(self.conn, "notices", []) or [])

    def readonly_message(self) -> str:
        why = "; ".join(self.notices) or "the register was opened read-only."
        return f"This register is open read-only, so nothing can be changed. {why}"

    def call(self, fn: Callable[..., T], *args, **kwargs) -> T:
        """`fn(conn, *args, **kwargs)` under the lock."""
        with self._lock:
            return fn(self.conn, *args, **kwargs)
