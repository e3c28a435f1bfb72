"""A scripted register whose committee pack has known answers (tests/exports/test_pack.py).

Ten actions from two sources across three directorates, a quarter of updates
between two meetings: at the second meeting's cut-off (end of 31 May 2025)
four actions are overdue by 10, 45, 120 and 200 days, two were completed since
the first meeting (one before its original target, one after), two had their
target dates moved (with reasons), one was added and one re-rated red.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from db.cycles import meetings, snapshots
from db.store import register
from db.store.connection import create_register
from tests.conftest import FakeClock

FIRST, SECOND = "2025-03-11", "2025-06-10"
AUTHOR = "Greta Governance"
AUDIT, PEER = "Internal Audit review", "Peer challenge"
FIN, RES, CHI = "Finance", "Resources", "Children's Services"


def _at(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=dt.UTC)


def _action(ref, source, directorate, priority, target, status, rag, owner="Olu Owner"):
    return {"ref": ref, "title": f"Action {ref}", "source": source, "directorate": directorate,
            "priority": priority, "target_date": target, "status": status, "rag": rag,
            "owner": owner}  # fmt: skip


def build_pack_register(path: Path) -> None:
    clock = FakeClock(_at(2025, 1, 6, 9))
    conn = create_register(path, name="Pack Test Register", organisation="Test Council")
    try:

        def add(fields: dict) -> None:
            clock.advance(60)
            register.add_action(conn, fields, author=AUTHOR, clock=clock)

        add(_action("P1", AUDIT, FIN, "high", "2024-11-12", "in_progress", "amber"))
        add(_action("P2", AUDIT, RES, "medium", "2025-01-31", "not_started", "amber"))
        add(_action("P3", PEER, CHI, "high", "2025-04-16", "in_progress", "green"))
        add(_action("P4", PEER, FIN, "low", "2025-05-21", "not_started", "green"))
        add(_action("P5", AUDIT, RES, "medium", "2025-04-30", "in_progress", "green"))
        add(_action("P6", PEER, CHI, "medium", "2025-03-31", "in_progress", None))
        add(_action("P7", AUDIT, FIN, "medium", "2025-05-15", "in_progress", "green"))
        add(_action("P8", PEER, RES, "high", "2025-03-31", "in_progress", "amber"))
        add(_action("P9", AUDIT, CHI, "low", "2025-12-31", "not_started", None))
        clock.set(_at(2025, 2, 10, 10))
        register.move_target_date(conn, "P8", "2025-04-30", reason="Staff shortage",
                                  author=AUTHOR, clock=clock)  # fmt: skip
        meetings.add_meeting(conn, FIRST, deadline="2025-03-01", clock=clock)
        meetings.add_meeting(conn, SECOND, deadline="2025-05-31", clock=clock)
        clock.set(_at(2025, 3, 3, 8, 30))
        snapshots.take_snapshot(conn, FIRST, author=AUTHOR, clock=clock)

        # The quarter's updates.
        clock.set(_at(2025, 3, 20, 11))
        register.record_note(conn, "P2", "Scoping started", author=AUTHOR, clock=clock)
        register.set_rag(conn, "P1", "red", reason="Two quarters late", author=AUTHOR,
                         clock=clock)  # fmt: skip
        register.set_rag(conn, "P3", "amber", reason="Supplier slow", author=AUTHOR, clock=clock)
        clock.set(_at(2025, 4, 2, 9))
        register.change_status(conn, "P4", "in_progress", author=AUTHOR, clock=clock)
        register.move_target_date(conn, "P7", "2025-09-30", reason="Awaiting system upgrade",
                                  author=AUTHOR, clock=clock)  # fmt: skip
        clock.set(_at(2025, 4, 15, 9))
        register.move_target_date(conn, "P8", "2025-08-31", reason="Consultation extended",
                                  author=AUTHOR, clock=clock)  # fmt: skip
        clock.set(_at(2025, 4, 20, 16))
        register.close_action(conn, "P5", author=AUTHOR, evidence="Policy approved by Cabinet",
                              completed_date="2025-04-20", clock=clock)  # fmt: skip
        clock.set(_at(2025, 5, 10, 12))
        register.add_evidence(conn, "P6", "Training records", author=AUTHOR, clock=clock)
        register.change_status(conn, "P6", "implemented", author=AUTHOR, clock=clock)
        clock.set(_at(2025, 5, 12, 9))
        add(_action("P10", PEER, FIN, "medium", "2025-07-31", "in_progress", "green"))
        clock.set(_at(2025, 5, 20, 9))
        register.record_note(conn, "P3", "Supplier meeting held", author=AUTHOR, clock=clock)
        clock.set(_at(2025, 6, 2, 8, 45))
        snapshots.take_snapshot(conn, SECOND, author=AUTHOR, clock=clock)
    finally:
        conn.close()
