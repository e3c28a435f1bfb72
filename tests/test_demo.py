"""The demo register: the story a newcomer sees first must be complete, true and repeatable."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from db.cycles.meetings import list_meetings
from db.demo import AUDIT, NAME, ORGANISATION, REVIEW, build_demo
from db.errors import ActregError
from db.integrity.verifier import verify
from db.read.queries import action_log, get_action, list_actions, register_info
from db.store.connection import create_register

NOW = dt.datetime(2025, 6, 18, 11, 45, tzinfo=dt.UTC)  # a Wednesday

# Month ends, a year boundary, a leap day and a weekend: the story must hold on any day.
AWKWARD_NOWS = [
    dt.datetime(2026, 1, 1, 0, 5, tzinfo=dt.UTC),
    dt.datetime(2024, 2, 29, 16, 0, tzinfo=dt.UTC),
    dt.datetime(2025, 8, 31, 23, 59, tzinfo=dt.UTC),  # a Sunday, last day of the month
    dt.datetime(2025, 12, 31, 9, 0, tzinfo=dt.UTC),
]


def make_demo(path, now=NOW):
    conn = create_register(path, name=NAME, organisation=ORGANISATION)
    build_demo(conn, now=now)
    return conn


@pytest.fixture
def demo(tmp_path, monkeypatch):
    monkeypatch.setenv("ACTREG_TODAY", NOW.date().isoformat())
    conn = make_demo(tmp_path / "demo.db")
    yield conn
    conn.close()


def by_ref(conn):
    return {row["ref"]: row for row in list_actions(conn)}


def entries(conn, ref):
    return action_log(conn, get_action(conn, ref)["id"], newest_first=False)


def test_register_is_named_and_verifies(demo):
    info = register_info(demo)
    assert info["name"] == NAME
    assert info["organisation"] == ORGANISATION
    report = verify(demo)
    assert report.ok, report.problems
    assert report.entries == info["entries"] > 100


def test_actions_come_from_two_sources_and_existing_activity(demo):
    rows = list_actions(demo)
    assert len(rows) >= 24
    sources = [r["source"] for r in rows]
    assert sources.count(REVIEW) >= 16
    assert sources.count(AUDIT) >= 5
    assert 1 <= sources.count(None) <= 2
    recommendations = {r["recommendation"] for r in rows if r["source"] == REVIEW}
    assert len(recommendations) == 8


def test_refs_sort_naturally(demo):
    refs = [r["ref"] for r in list_actions(demo)]
    assert refs.index("A2") < refs.index("A9") < refs.index("A10") < refs.index("A18")
    assert refs.index("A20") < refs.index("IA1")


def test_fields_vary_like_a_real_table(demo):
    rows = list_actions(demo)
    assert {r["directorate"] for r in rows} == {
        "Children, Young People and Education",
        "Growth, Environment and Transport",
        "Chief Executive's Department",
    }
    assert {r["priority"] for r in rows} == {"high", "medium", "low"}
    assert "in_principle" in {r["acceptance"] for r in rows}
    assert {"Governance", "Commissioning", "Communication", "Data and systems", "Workforce"} <= {
        r["theme"] for r in rows
    }
    assert len({r["owner"] for r in rows}) >= 8
    assert all(r["description"] and r["completion_criterion"] for r in rows)


def test_statuses_tell_a_year_of_progress(demo):
    rows = list_actions(demo)
    statuses = [r["status"] for r in rows]
    closed = [r for r in rows if r["status"] == "closed"]
    assert len(closed) >= 5
    assert all(r["evidence"] and r["completed_date"] for r in closed)
    implemented = [r for r in rows if r["status"] == "implemented"]
    assert len(implemented) >= 2
    assert all(r["evidence"] and r["percent_complete"] == 100 for r in implemented)
    assert statuses.count("superseded") == 1
    assert statuses.count("cancelled") == 1
    assert statuses.count("in_progress") >= 8
    assert "not_started" in statuses


def test_some_actions_need_attention(demo):
    rows = list_actions(demo)
    overdue = [r for r in rows if r["overdue"]]
    assert len(overdue) >= 4
    assert all(r["target_date"] < NOW.date().isoformat() for r in overdue)
    long_quiet = (NOW - dt.timedelta(days=100)).strftime("%Y-%m-%d")
    stale = [r for r in rows if r["stale"] and r["last_update_at"] < long_quiet]
    assert len(stale) >= 3
    assert max(r["target_revisions"] for r in rows) >= 2
    assert {r["rag"] for r in rows} >= {"red", "amber", "green"}
    # Most open actions were updated for the coming paper: stale is the exception.
    open_rows = [r for r in rows if r["status"] in ("not_started", "in_progress")]
    assert sum(r["stale"] for r in open_rows) <= len(open_rows) // 2


def test_rag_moves_green_amber_red_and_back_with_reasons(demo):
    rag_entries = [e for e in entries(demo, "A6") if e.kind == "rag"]
    assert [e.new_value for e in rag_entries] == ["amber", "red", "amber"]
    assert all(e.commentary for e in rag_entries)
    assert get_action(demo, "A6")["rag_reason"] == rag_entries[-1].commentary


def test_slipped_action_records_each_redate_with_a_reason(demo):
    a14 = get_action(demo, "A14")
    assert a14["target_revisions"] == 3
    assert a14["slipped"]
    redates = [e for e in entries(demo, "A14") if e.kind == "target_date"]
    assert len(redates) == 3
    assert all(e.commentary for e in redates)
    a10 = get_action(demo, "A10")
    assert a10["target_revisions"] == 2
    assert a10["overdue"]
    assert a10["rag"] == "red"


def test_mistyped_target_date_is_corrected_not_edited(demo):
    log = entries(demo, "A14")
    created = log[0]
    corrections = [e for e in log if e.kind == "correction"]
    assert corrections
    assert all(e.supersedes == created.uuid for e in corrections)
    assert any(e.field in ("target_date", "original_target_date") for e in corrections)
    a14 = get_action(demo, "A14")
    # The correction moved the original target a year earlier than first keyed.
    typed = dt.date.fromisoformat(created.new_value.split('"target_date": "')[1][:10])
    original = dt.date.fromisoformat(a14["original_target_date"])
    assert typed.year - original.year == 1
    assert (typed.month, typed.day) == (original.month, original.day)


def test_owner_changed_after_restructure(demo):
    edits = [e for e in entries(demo, "A6") if e.kind == "field_edit" and e.field == "owner"]
    assert len(edits) == 1
    assert "Priya Sharma" in edits[0].old_value
    assert "restructure" in edits[0].commentary
    a6 = get_action(demo, "A6")
    assert a6["owner"] == "Tom Hallett, Head of SEN Operations"
    # The new owner posts the updates after the change.
    later = [e for e in entries(demo, "A6") if e.id > edits[0].id]
    assert later and all(e.author == "Tom Hallett" for e in later)


def test_authors_are_the_keeper_and_the_owners(demo):
    authors = {e.author for r in list_actions(demo) for e in entries(demo, r["ref"])}
    assert "Hannah Okafor" in authors
    assert len(authors) >= 8
    closes = [
        e
        for r in list_actions(demo)
        for e in entries(demo, r["ref"])
        if e.kind == "status" and e.new_value == "closed"
    ]
    assert closes and all(e.author == "Hannah Okafor" for e in closes)


def test_log_spans_thirteen_months_in_time_order(demo):
    all_entries = sorted(
        (e for r in list_actions(demo) for e in entries(demo, r["ref"])), key=lambda e: e.id
    )
    times = [e.recorded_at for e in all_entries]
    assert times == sorted(times)
    first = dt.datetime.fromisoformat(times[0].replace("Z", "+00:00"))
    last = dt.datetime.fromisoformat(times[-1].replace("Z", "+00:00"))
    assert 370 <= (NOW - first).days <= 410
    assert dt.timedelta(days=1) < NOW - last < dt.timedelta(days=10)
    # Officers write in office hours on working days.
    assert all(dt.datetime.fromisoformat(t[:19]).weekday() < 5 for t in times)


def test_meetings_past_and_future(demo):
    meetings = list_meetings(demo)
    assert {m["committee"] for m in meetings} == {"Governance and Audit Committee"}
    assert {m["cadence"] for m in meetings} == {"quarterly"}
    today = NOW.date().isoformat()
    past = [m for m in meetings if m["meeting_date"] < today]
    future = [m for m in meetings if m["meeting_date"] > today]
    assert 4 <= len(past) <= 5
    assert len(future) == 2
    gap = dt.date.fromisoformat(future[0]["meeting_date"]) - NOW.date()
    assert dt.timedelta(weeks=2) <= gap <= dt.timedelta(weeks=6)
    dates = [dt.date.fromisoformat(m["meeting_date"]) for m in meetings]
    spacing = [(b - a).days for a, b in itertools.pairwise(dates)]
    assert all(50 <= days <= 100 for days in spacing)


def test_same_now_gives_the_same_register(tmp_path, monkeypatch):
    monkeypatch.setenv("ACTREG_TODAY", NOW.date().isoformat())
    one = make_demo(tmp_path / "one.db")
    two = make_demo(tmp_path / "two.db")
    strip = ("uuid", "prev_hash", "hash", "supersedes", "last_commentary_entry")

    def actions(conn):
        return [{k: v for k, v in r.items() if k not in strip} for r in list_actions(conn)]

    assert actions(one) == actions(two)
    assert list_meetings(one) == list_meetings(two)

    def story(conn):
        return [
            {k: v for k, v in vars_of(e).items() if k not in strip}
            for r in list_actions(conn)
            for e in entries(conn, r["ref"])
        ]

    assert story(one) == story(two)


def vars_of(entry):
    return {name: getattr(entry, name) for name in entry.__slots__}


@pytest.mark.parametrize("now", AWKWARD_NOWS, ids=lambda n: n.date().isoformat())
def test_story_holds_on_any_day(tmp_path, monkeypatch, now):
    monkeypatch.setenv("ACTREG_TODAY", now.date().isoformat())
    conn = make_demo(tmp_path / "demo.db", now=now)
    rows = list_actions(conn)
    assert verify(conn).ok
    assert sum(r["overdue"] for r in rows) >= 4
    assert sum(r["stale"] for r in rows) >= 3
    assert sum(r["status"] == "closed" for r in rows) >= 5
    last = max(r["last_update_at"] for r in rows)
    assert last < now.strftime("%Y-%m-%dT%H:%M:%S")


def test_naive_and_default_now(tmp_path):
    conn = make_demo(tmp_path / "naive.db", now=NOW.replace(tzinfo=None))
    assert verify(conn).ok
    conn = create_register(tmp_path / "real.db", name=NAME, organisation=ORGANISATION)
    build_demo(conn)
    assert register_info(conn)["actions"] >= 24


def test_refuses_a_register_that_has_content(demo):
    with pytest.raises(ActregError, match="empty register"):
        build_demo(demo, now=NOW)
