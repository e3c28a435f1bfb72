"""The gateway: one db call at a time, and only a superseded read can be interrupted."""

from __future__ import annotations

import sqlite3
import threading
import time

import pytest

from tui.base.background import interrupted
from tui.base.gateway import RegisterGateway

SLOW = (
    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000000)"
    " SELECT count(*) FROM n"
)


def _slow(conn):
    return conn.execute(SLOW).fetchone()


def _run_in_thread(fn) -> tuple[threading.Thread, list]:
    outcome: list = []

    def run():
        try:
            outcome.append(fn())
        except Exception as exc:
            outcome.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    return thread, outcome


def _wait_reading(gateway, group: str) -> None:
    deadline = time.monotonic() + 5
    while gateway._reading != group:
        assert time.monotonic() < deadline, "the read never started"
        time.sleep(0.001)


def test_a_running_read_of_the_group_is_interrupted(mat_conn):
    gateway = RegisterGateway(mat_conn, author="tester")
    assert gateway.interrupt("search") is False  # nothing running
    thread, outcome = _run_in_thread(lambda: gateway.read("search", _slow))
    _wait_reading(gateway, "search")
    assert gateway.interrupt("other") is False
    # The flag is set just before the statement starts: an interrupt in between is
    # lost (harmless: that read finishes and is dropped), so keep asking until it stops.
    while thread.is_alive():
        gateway.interrupt("search")
        thread.join(0.01)
    assert isinstance(outcome[0], sqlite3.OperationalError) and interrupted(outcome[0])
    # the connection is fine afterwards
    assert gateway.call(lambda c: c.execute("SELECT count(*) FROM action").fetchone()[0]) == 6


def test_plain_calls_are_never_interrupted(mat_conn):
    gateway = RegisterGateway(mat_conn, author="tester")
    started = threading.Event()

    def slow_but_finite(conn):
        started.set()
        return conn.execute(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300000)"
            " SELECT count(*) FROM n"
        ).fetchone()[0]

    thread, outcome = _run_in_thread(lambda: gateway.call(slow_but_finite))
    started.wait(5)
    assert gateway.interrupt("table-reload") is False
    thread.join(10)
    assert outcome == [300000]


def test_interrupted_tells_other_errors_apart():
    assert not interrupted(sqlite3.OperationalError("database is locked"))
    assert not interrupted(ValueError("interrupted"))


@pytest.mark.parametrize("readonly", [True, False])
def test_readonly_message_names_the_reason(mat_path, readonly):
    from db.store.connection import open_register

    conn = open_register(mat_path, readonly=readonly)
    try:
        gateway = RegisterGateway(conn, author="tester")
        assert gateway.readonly is readonly
        if readonly:
            assert "read-only" in gateway.readonly_message()
    finally:
        conn.close()


def test_shutdown_cuts_a_read_short_and_refuses_later_calls(mat_conn):
    from db.errors import ActregError

    gateway = RegisterGateway(mat_conn, author="tester")
    thread, outcome = _run_in_thread(lambda: gateway.read("search", _slow))
    _wait_reading(gateway, "search")
    while thread.is_alive():  # see above: an interrupt just before the statement is lost
        gateway.shutdown(timeout=0.05)
        thread.join(0.01)
    assert interrupted(outcome[0])
    with pytest.raises(ActregError, match="closing"):
        gateway.call(lambda c: c.execute("SELECT 1").fetchone())
