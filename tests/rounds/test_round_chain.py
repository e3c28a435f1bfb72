"""Each step of the update round puts the rows it adds in the chain, in its own
transaction (db.store.events): a later return that supersedes a waiting
submission records the superseding decision too, and a collect that is refused
adds no entry at all."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from db.cycles.meetings import add_meeting
from db.errors import InputError
from db.integrity.verifier import verify
from db.rounds.collect import collect_files
from db.rounds.start import start_round
from db.store.connection import create_register
from db.store.register import add_action
from tests.rounds import owner as owner_does


@pytest.fixture
def conn(tmp_path):
    conn = create_register(tmp_path / "r.db", name="Round chain")
    for ref in ("A1", "A2"):
        add_action(
            conn,
            {
                "ref": ref,
                "title": f"Action {ref}",
                "owner": "Ann Archer",
                "target_date": "2030-06-30",
            },
            author="officer",
        )
    add_meeting(conn, (dt.date.today() + dt.timedelta(days=60)).isoformat())
    yield conn
    conn.close()


def _entries(conn, after: int = 0) -> list[tuple[str, str, dict]]:
    return [
        (kind, field, json.loads(new))
        for kind, field, new in conn.execute(
            "SELECT kind, field, new_value FROM progress_log WHERE action_id IS NULL AND id > ?"
            " ORDER BY id",
            (after,),
        )
    ]


def _head(conn) -> int:
    return conn.execute("SELECT max(id) FROM progress_log").fetchone()[0]


def test_start_then_a_later_return_that_supersedes_are_entries(conn, tmp_path):
    before = _head(conn)
    (request,) = start_round(conn, folder=tmp_path / "out", author="officer").requests
    started = _entries(conn, before)
    # (The register's identity, a setting, is made by the first round.)
    assert [(k, f) for k, f, _ in started if k != "setting"] == [
        ("round", "1"),
        ("round_request", "1"),
        ("round_request_action", "1/1"),
        ("round_request_action", "1/2"),
    ]
    assert started[-1][2] == {"request_id": 1, "action_id": 2, "position": 1, "version": 1}

    first = owner_does.fill(
        request.path, {"A1": {"Progress update": "Started"}}, save_as=tmp_path / "1.xlsx"
    )
    collect_files(conn, [first], author="officer")
    mark = _head(conn)
    later = owner_does.fill(
        request.path, {"A1": {"Progress update": "Halfway"}}, save_as=tmp_path / "2.xlsx"
    )
    (result,) = collect_files(conn, [later], author="Olive Officer")
    assert result.superseded == [1]
    added = _entries(conn, mark)
    assert [(k, f) for k, f, _ in added] == [
        ("round_return", "2"),
        ("submission_decision", "1"),
        ("submission", "2"),
    ]
    assert added[1][2]["decision"] == "superseded"
    assert json.loads(added[2][2]["cells"]) == {"Progress update": "Halfway"}
    authors = {a for (a,) in conn.execute("SELECT author FROM progress_log WHERE id > ?", (mark,))}
    assert authors == {"Olive Officer"}
    report = verify(conn)
    assert report.ok, report.problems


def test_a_refused_collect_adds_no_entry(conn, tmp_path):
    (request,) = start_round(conn, folder=tmp_path / "out", author="officer").requests
    bad = owner_does.fill(
        request.path,
        {"A1": {"Proposed new target date": "soonish", "Reason for new date": "Busy"}},
        save_as=tmp_path / "bad.xlsx",
    )
    mark = _head(conn)
    with pytest.raises(InputError):
        collect_files(conn, [bad], author="officer")
    assert _head(conn) == mark
    assert conn.execute("SELECT count(*) FROM round_return").fetchone()[0] == 0
