"""Fixtures shared by the whole suite: hypothesis profiles, a fake clock, a register on disk.

Registers are always real SQLite files under ``tmp_path`` (never ``:memory:``):
WAL, the triggers and the file checks only behave as in use on a real file.

Hypothesis runs a modest number of examples by default so the suite stays fast;
``ACTREG_LONG=1`` (or ``HYPOTHESIS_PROFILE=long``) runs many more, for CI.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from db.store.connection import RegisterConnection, create_register
from db.store.log import head
from db.store.projection import ACTION_COLUMNS

#: Slow tests are marked from their recorded durations (make test-fast leaves them out).
pytest_plugins = ["tests.durations"]

settings.register_profile(
    "default",
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "long",
    max_examples=1_000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE")
    or ("long" if os.environ.get("ACTREG_LONG", "").strip() not in ("", "0") else "default")
)

#: When the fake clock starts: a Monday morning, UTC.
CLOCK_START = dt.datetime(2025, 1, 6, 9, 0, tzinfo=dt.UTC)


class FakeClock:
    """A `clock=` for db.store.register: returns a fixed aware UTC time until advanced."""

    def __init__(self, start: dt.datetime = CLOCK_START) -> None:
        self.now = start

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, seconds: float = 1.0) -> dt.datetime:
        self.now += dt.timedelta(seconds=seconds)
        return self.now

    def set(self, moment: dt.datetime) -> dt.datetime:
        self.now = moment
        return moment


@dataclass(frozen=True)
class RegisterState:
    """Everything a refused write must leave exactly as it was."""

    head: tuple
    entry_count: int
    actions: tuple
    sources: tuple


def read_state(conn: sqlite3.Connection) -> RegisterState:
    columns = ", ".join(ACTION_COLUMNS)
    return RegisterState(
        head=head(conn),
        entry_count=conn.execute("SELECT count(*) FROM progress_log").fetchone()[0],
        actions=tuple(conn.execute(f"SELECT {columns} FROM action ORDER BY id").fetchall()),
        sources=tuple(conn.execute("SELECT * FROM source ORDER BY id").fetchall()),
    )


def draft_fields(ref: str = "A1", **overrides) -> dict:
    """The fields of a valid new action, with any of them overridden."""
    fields = {
        "ref": ref,
        "title": f"Action {ref}",
        "owner": "Jo Bloggs",
        "target_date": "2025-06-30",
    }
    fields.update(overrides)
    return fields


@pytest.fixture(scope="session")
def register_state() -> Callable[[sqlite3.Connection], RegisterState]:
    """read_state(conn): head, entry count, action rows and sources, for before/after checks."""
    return read_state


@pytest.fixture(scope="session")
def draft() -> Callable[..., dict]:
    """draft(ref, **overrides): the fields of a valid new action."""
    return draft_fields


@pytest.fixture(scope="session")
def make_clock() -> Callable[..., FakeClock]:
    """make_clock(start=CLOCK_START): a new fake clock (for tests that need several)."""
    return FakeClock


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def register_path(tmp_path: Path) -> Path:
    return tmp_path / "register.db"


@pytest.fixture
def conn(register_path: Path) -> Iterator[RegisterConnection]:
    """A new, empty register on disk, open for writing."""
    connection = create_register(register_path, name="Test register", organisation="Test Council")
    try:
        yield connection
    finally:
        connection.close()
