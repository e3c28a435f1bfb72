"""The update round end to end with real files: `actreg round start`, owners filling the
workbooks with openpyxl (one re-sorted, one with a bad date, one resaved), `collect`,
`review`, `decide`; then the log, the card, triage and verify."""

from __future__ import annotations

import csv
import datetime as dt
import email
import json
import re
import sqlite3
from email import policy as email_policy
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from tests.rounds import owner as owner_does

#: The demo's dates are relative to the real "now"; don't move "today" for these tests.
REAL_TODAY = {"ACTREG_TODAY": None}
OFFICER = "Olive Officer"
ENV = {**REAL_TODAY, "ACTREG_AUTHOR": OFFICER}


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory, run) -> Path:
    db = tmp_path_factory.mktemp("round-demo") / "demo.db"
    run("demo", db=db, env=REAL_TODAY, timeout=120)
    return db


@pytest.fixture
def demo(demo_template, tmp_path) -> Path:
    db = tmp_path / "demo.db"
    db.write_bytes(demo_template.read_bytes())
    return db


def _count(db: Path, table: str) -> int:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    finally:
        conn.close()


def _started(run, demo: Path, out: Path) -> dict:
    run("round", "start", "--out", out, db=demo, env=ENV)
    return run("round", "status", "--format", "json", db=demo, env=ENV).json()


def _by_ref(run, db: Path) -> dict[str, dict]:
    return {r["ref"]: r for r in run("list", "--format", "json", db=db, env=ENV).json()}


def _plus_months(iso: str, months: int) -> dt.date:
    day = dt.date.fromisoformat(iso)
    month = day.month - 1 + months
    return dt.date(day.year + month // 12, month % 12 + 1, min(day.day, 28))


def test_start_writes_a_workbook_and_a_draft_per_owner(run, demo, tmp_path):
    out = tmp_path / "out"
    status = _started(run, demo, out)
    owners = status["owners"]
    assert owners and all(o["state"] == "outstanding" for o in owners)
    actions = _by_ref(run, demo)
    open_refs = {ref for ref, a in actions.items() if a["status"] in ("not_started", "in_progress")}
    assert {ref for o in owners for ref in o["actions"]} == open_refs
    assert len(list(out.glob("*.xlsx"))) == len(owners) == len(list(out.glob("*.eml")))

    for person in owners:
        workbook = Path(person["workbook"])
        wb = load_workbook(workbook)
        ws = wb["Update request"]
        heads = owner_does.headings(ws)
        assert ws.protection.sheet
        first = owner_does.HEADING_ROW + 1
        assert ws.cell(first, heads["Ref"]).protection.locked
        assert ws.cell(first, heads["Action"]).protection.locked
        for heading in ("Progress update", "New status", "Proposed new target date", "Evidence"):
            assert not ws.cell(first, heads[heading]).protection.locked, heading
        target = ws.cell(first, heads["Target date now"]).value
        ref = ws.cell(first, heads["Ref"]).value
        if actions[ref]["target_date"]:
            assert isinstance(target, dt.datetime)  # a real date cell, not text
            assert target.date().isoformat() == actions[ref]["target_date"]
        letters = {get_column_letter(col): heading for heading, col in heads.items()}
        checked = {
            letters[re.match(r"[A-Z]+", str(dv.sqref))[0]]: dv.type
            for dv in ws.data_validations.dataValidation
        }
        assert checked == {
            "New status": "list",
            "New RAG": "list",
            "Proposed new target date": "date",
            "% complete": "whole",
        }
        statuses = next(
            dv for dv in ws.data_validations.dataValidation if "In progress" in dv.formula1
        )
        assert "Implemented" in statuses.formula1
        hidden = wb["_actreg"]
        assert hidden.sheet_state == "veryHidden"
        rows = list(hidden.iter_rows(values_only=True))
        assert rows[3] == ("owner", person["owner"], None, None)
        sent = {r[1]: (r[2], r[3]) for r in rows[5:]}
        assert sorted(sent) == sorted(person["actions"])
        assert all(sent[ref][1] == actions[ref]["version"] for ref in sent)

        # The email draft: addressed to the owner by name, the workbook attached.
        draft = workbook.with_suffix(".eml")
        message = email.message_from_bytes(draft.read_bytes(), policy=email_policy.default)
        assert message["X-Unsent"] == "1"
        to = message["To"]
        assert to.groups[0].display_name == person["owner"] and not to.addresses
        assert "Update request" in message["Subject"] and "reply by" in message["Subject"]
        body = message.get_body(("plain",)).get_content()
        assert f"Dear {person['owner'].split()[0]}," in body
        for ref in person["actions"]:
            assert f"- {ref}: {actions[ref]['title']}" in body
        (attachment,) = list(message.iter_attachments())
        assert attachment.get_filename() == workbook.name
        assert attachment.get_content() == workbook.read_bytes()


def test_addresses_file_puts_a_real_address_on_the_draft(run, demo, tmp_path):
    run(
        "round",
        "start",
        "--out",
        tmp_path / "x",
        "--return-by",
        "2099-01-01",
        db=demo,
        env=ENV,
        check_exit=1,
    )  # after the meeting: refused
    assert not (tmp_path / "x").exists() or not list((tmp_path / "x").iterdir())
    status = _started(run, demo, tmp_path / "out")
    someone = status["owners"][0]
    book = tmp_path / "addresses.csv"
    book.write_text(f'name,email\n"{someone["owner"]}",someone@example.org\n', encoding="utf-8")
    run("round", "chase", "--addresses", book, db=demo, env=ENV)
    (draft,) = (tmp_path / "out").glob(f"{someone['owner'][:10]}*reminder*.eml")
    message = email.message_from_bytes(draft.read_bytes(), policy=email_policy.default)
    assert message["To"].addresses[0].addr_spec == "someone@example.org"
    assert message["To"].addresses[0].display_name == someone["owner"]
    assert "Reminder" in message["Subject"]


def test_a_second_round_for_the_same_meeting_is_refused(run, demo, tmp_path):
    _started(run, demo, tmp_path / "out")
    before = _count(demo, "round_request")
    result = run("round", "start", "--out", tmp_path / "again", db=demo, env=ENV, check_exit=1)
    assert "already" in result.stderr and "round status" in result.stderr
    assert _count(demo, "round_request") == before
    assert not (tmp_path / "again").exists()


def test_chase_records_the_chase_on_each_outstanding_action(run, demo, tmp_path):
    # Started with a relative --out in one folder, chased from another: the round
    # remembers where its workbooks are.
    run("round", "start", "--out", "out", db=demo, env=ENV, cwd=tmp_path)
    status = run("round", "status", "--format", "json", db=demo, env=ENV).json()
    result = run("round", "chase", db=demo, env=ENV)
    owners = len(status["owners"])
    assert f"Chased {owners} owners" in result.stdout
    assert len(list((tmp_path / "out").glob("*reminder*.eml"))) == owners
    ref = status["owners"][0]["actions"][0]
    log = run("show", ref, "--format", "json", db=demo, env=ENV).json()["log"]
    assert log[0]["kind"] == "chased" and log[0]["author"] == OFFICER
    again = run("round", "status", "--format", "json", db=demo, env=ENV).json()
    assert all(o["chased"] == 1 for o in again["owners"])
    after = (dt.date.fromisoformat(again["return_by"]) + dt.timedelta(days=1)).isoformat()
    late = run("round", "status", db=demo, env={**ENV, "ACTREG_TODAY": after})
    assert f"0 of {owners} owners returned; {owners} outstanding ({owners} late)." in late.stdout


@pytest.mark.slow
def test_a_whole_round(run, demo, tmp_path):
    out, back = tmp_path / "out", tmp_path / "returned"
    back.mkdir()
    run(
        "round",
        "policy",
        "--from-revision",
        "off",
        "--high-priority",
        "no",
        "--months",
        "6",
        db=demo,
        env=ENV,
    )
    status = _started(run, demo, out)
    meeting = status["meeting"]
    owners = sorted(status["owners"], key=lambda o: -len(o["actions"]))
    big = owners[0]
    pair = next(o for o in owners if len(o["actions"]) == 2)
    single = next(o for o in reversed(owners) if len(o["actions"]) == 1)
    assert len(big["actions"]) >= 3
    actions = _by_ref(run, demo)
    a, b, c = big["actions"][:3]
    d, e = pair["actions"]
    (s,) = single["actions"]
    far = _plus_months(actions[c]["target_date"], 12)
    near = _plus_months(actions[e]["target_date"], 1)

    # The owners answer.
    big_file = owner_does.fill(
        Path(big["workbook"]),
        {
            a: {
                "Progress update": "Protocol signed by all three parties.",
                "New status": "Implemented",
                "Evidence": "Signed protocol v3",
            },
            b: {
                "New RAG": "Red",
                "Reason for RAG": "Supplier has withdrawn",
                "Progress update": "Looking for a new supplier.",
            },
            c: {
                "Proposed new target date": dt.datetime.combine(far, dt.time()),
                "Reason for new date": "Waiting for the new contract",
                "Progress update": "Specification drafted.",
            },
        },
        save_as=back / Path(big["workbook"]).name,
    )
    owner_does.resort(big_file)
    assert owner_does.refs(big_file)[0] != owner_does.refs(Path(big["workbook"]))[0]
    pair_file = owner_does.fill(
        Path(pair["workbook"]),
        {
            d: {"Proposed new target date": "next spring-ish", "Reason for new date": "Busy"},
            e: {
                "Proposed new target date": near.strftime("%d/%m/%Y"),
                "Reason for new date": "One more month for sign-off",
                "My notes": "call me before the meeting",
            },
        },
        save_as=back / Path(pair["workbook"]).name,
    )
    filled = owner_does.fill(
        Path(single["workbook"]),
        {s: {"Progress update": "On track, nothing new."}},
        save_as=tmp_path / "single-original.xlsx",
    )
    single_file = owner_does.resave(filled, save_as=back / Path(single["workbook"]).name)
    # Meanwhile the officer records something on the single owner's action.
    run("update", s, "--note", "Officer's own note", db=demo, env=ENV)

    # A bad date: nothing is collected, and the problem is named by file, row and column.
    files = [big_file, pair_file, single_file]
    refused = run("round", "collect", *files, db=demo, env=ENV, check_exit=1)
    assert pair_file.name in refused.stderr
    assert "column 'Proposed new target date'" in refused.stderr
    assert "'next spring-ish' is not a date" in refused.stderr
    assert "row " in refused.stderr
    assert _count(demo, "submission") == _count(demo, "round_return") == 0

    collected = run("round", "collect", *files, "--with-problems", db=demo, env=ENV)
    assert "6 submissions waiting for review" in collected.stdout
    assert "kept for review" in collected.stdout
    entries = _count(demo, "progress_log")
    again = run("round", "collect", *files, db=demo, env=ENV)
    assert again.stdout.count("already collected; nothing changed") == 3
    assert _count(demo, "submission") == 6 and _count(demo, "progress_log") == entries

    state = run("round", "status", "--format", "json", db=demo, env=ENV).json()
    returned = {o["owner"] for o in state["owners"] if o["returned_at"]}
    assert returned == {big["owner"], pair["owner"], single["owner"]}

    waiting = run("round", "review", "--format", "json", db=demo, env=ENV).json()
    subs = {w["ref"]: w for w in waiting}
    assert set(subs) == {a, b, c, d, e, s}
    assert subs[s]["changed_since_sent"] and not subs[a]["changed_since_sent"]
    assert subs[c]["committee"] and "6 months" in subs[c]["committee"]
    assert subs[e]["committee"] is None
    assert subs[e]["cells"]["My notes"] == "call me before the meeting"
    assert subs[e]["cells"]["Proposed new target date"] == near.strftime("%d/%m/%Y")
    assert subs[e]["proposed"]["target_date"] == near.isoformat()
    assert subs[d]["problems"][0]["column"] == "Proposed new target date"
    assert subs[c]["cells"]["Proposed new target date"] == far.isoformat()
    assert subs[a]["owner"] == big["owner"]
    listing = run("round", "review", db=demo, env=ENV).stdout
    assert f"#{subs[s]['id']}  {s}  " in listing and "[changed since sent]" in listing
    assert "problem in 'Proposed new target date': 'next spring-ish' is not a date" in listing
    assert "new date goes to the committee (it moves the date by more than 6 months)" in listing
    assert "My notes: call me before the meeting" in listing
    assert "6 submissions waiting." in listing

    queue = {
        q["ref"]: q for q in run("triage", "--list", "--format", "json", db=demo, env=ENV).json()
    }
    assert queue[a]["reasons"]["review"] == "update waiting for review"
    others = [o for o in state["owners"] if not o["returned_at"]]
    assert queue[others[0]["actions"][0]]["reasons"]["unanswered"] == (
        "owner has not replied this round"
    )

    # Decisions on the command line.
    run("round", "review", "--accept", subs[a]["id"], db=demo, env=ENV)
    shown = run("show", a, "--format", "json", db=demo, env=ENV).json()
    assert shown["action"]["status"] == "implemented"
    assert "Signed protocol v3" in shown["action"]["evidence"]
    assert shown["action"]["last_commentary"] == "Protocol signed by all three parties."
    by_owner = [x for x in shown["log"] if x["author"] == big["owner"]]
    assert {x["kind"] for x in by_owner} >= {"status", "note", "evidence"}
    decision = shown["log"][0]
    assert decision["author"] == OFFICER
    assert decision["commentary"].startswith(f"Accepted the update {big['owner']} returned")

    run(
        "round",
        "review",
        "--reject",
        subs[b]["id"],
        "--reason",
        "Discussed: stays amber",
        db=demo,
        env=ENV,
    )
    assert _by_ref(run, demo)[b]["rag"] == actions[b]["rag"]
    card = run("show", b, db=demo, env=ENV).stdout
    assert "Returned updates (1 submission" in card
    assert f"rejected by {OFFICER}" in card and "Discussed: stays amber" in card
    assert "New RAG: Red" in card and "Reason for RAG: Supplier has withdrawn" in card
    twice = run(
        "round",
        "review",
        "--reject",
        subs[b]["id"],
        "--reason",
        "x",
        db=demo,
        env=ENV,
        check_exit=1,
    )
    assert "already rejected" in twice.stderr

    accepted = run("round", "review", "--accept", subs[c]["id"], db=demo, env=ENV)
    assert f"The new target date {far.isoformat()} goes to the committee" in accepted.stdout
    assert _by_ref(run, demo)[c]["target_date"] == actions[c]["target_date"]

    unsettled = run("round", "review", "--accept", subs[d]["id"], db=demo, env=ENV, check_exit=1)
    assert "column 'Proposed new target date'" in unsettled.stderr
    assert "--set target_date=" in unsettled.stderr
    run(
        "round",
        "review",
        "--accept",
        subs[d]["id"],
        "--set",
        "target_date=",
        "--set",
        "note=Owner was busy; date to follow",
        db=demo,
        env=ENV,
    )
    assert _by_ref(run, demo)[d]["last_commentary"] == "Owner was busy; date to follow"

    run("round", "review", "--accept", subs[e]["id"], db=demo, env=ENV)
    after = _by_ref(run, demo)[e]
    assert after["target_date"] == near.isoformat()
    assert after["target_revisions"] == actions[e]["target_revisions"] + 1
    redate = run("show", e, "--format", "json", db=demo, env=ENV).json()["log"][1]
    assert redate["kind"] == "target_date" and redate["author"] == pair["owner"]
    assert redate["commentary"] == "One more month for sign-off"

    run(
        "round",
        "review",
        "--accept",
        subs[s]["id"],
        "--set",
        "note=On track (edited)",
        db=demo,
        env=ENV,
    )
    assert run("round", "review", "--format", "json", db=demo, env=ENV).json() == []

    # The pack for the meeting lists the extension request waiting for the committee.
    run("snapshot", "--meeting", meeting, db=demo, env=ENV)
    pack = tmp_path / "extensions.csv"
    run(
        "export",
        "--meeting",
        meeting,
        "--format",
        "csv",
        "--table",
        "extensions",
        "-o",
        pack,
        db=demo,
        env=ENV,
    )
    with open(pack, encoding="utf-8-sig", newline="") as handle:
        table = [row for row in csv.reader(handle) if row and not row[0].startswith("#")]
    assert table[0][:6] == [
        "Ref",
        "Action",
        "Owner",
        "Original target date",
        "Previous target date",
        "New target date",
    ]
    (request,) = table[1:]
    assert request[0] == c and request[5] == f"{far.day} {far:%B %Y}"
    assert request[-1] == "Waiting for the new contract"

    # The committee decides the extension at the meeting.
    shown = run(
        "decide", c, "approve", "--meeting", meeting, "--minute", "Minute 7", db=demo, env=ENV
    )
    assert f"its target date is now {far.isoformat()}" in shown.stdout
    log = run("show", c, "--format", "json", db=demo, env=ENV).json()["log"]
    assert log[0]["kind"] == "target_date" and log[0]["new_value"] == far.isoformat()
    assert (
        "Extension approved by the" in log[0]["commentary"] and "Minute 7" in log[0]["commentary"]
    )
    none_left = run("decide", c, "refuse", "--meeting", meeting, db=demo, env=ENV, check_exit=1)
    assert "no extension request waiting" in none_left.stderr

    # The pack is frozen at its cut-off: exported again after the decision, it still
    # lists the request the committee was asked to decide.
    again = tmp_path / "extensions-again.csv"
    run("export", "--meeting", meeting, "--format", "csv", "--table", "extensions", "-o", again,
        db=demo, env=ENV)  # fmt: skip
    with open(again, encoding="utf-8-sig", newline="") as handle:
        assert [row for row in csv.reader(handle) if row and not row[0].startswith("#")] == table

    assert "Register OK" in run("verify", db=demo, env=ENV).stdout


@pytest.mark.slow
@pytest.mark.skipif(owner_does.soffice() is None, reason="LibreOffice is not installed")
def test_a_workbook_resaved_by_libreoffice_is_read_the_same(run, demo, tmp_path):
    status = _started(run, demo, tmp_path / "out")
    person = next(o for o in status["owners"] if len(o["actions"]) >= 2)
    first, second = person["actions"][:2]
    (tmp_path / "answered").mkdir()
    answered = owner_does.fill(
        Path(person["workbook"]),
        {
            first: {"Progress update": "Resaved by Calc", "% complete": 40},
            second: {"Proposed new target date": "31/03/2031", "Reason for new date": "Later"},
        },
        save_as=tmp_path / "answered" / Path(person["workbook"]).name,
    )
    calc = owner_does.resave_with_libreoffice(answered, tmp_path / "calc")
    assert calc.read_bytes() != answered.read_bytes()
    run("round", "collect", calc, db=demo, env=ENV)
    again = run("round", "collect", answered, db=demo, env=ENV)
    assert "already collected" in again.stdout  # the same answers, whoever saved them
    subs = {
        w["ref"]: w for w in run("round", "review", "--format", "json", db=demo, env=ENV).json()
    }
    assert subs[first]["cells"] == {"Progress update": "Resaved by Calc", "% complete": "40"}
    assert subs[second]["proposed"]["target_date"] == "2031-03-31"


def test_round_refusals_change_nothing(run, demo, tmp_path, db_state):
    before = db_state(demo)
    assert "no update round" in run("round", "status", db=demo, env=ENV, check_exit=1).stderr
    early = tmp_path / "early.xlsx"
    early.write_bytes(b"PK")
    assert (
        "started no update round"
        in run("round", "collect", early, db=demo, env=ENV, check_exit=1).stderr
    )
    assert db_state(demo) == before
    assert "usage error" in run("round", "collect", db=demo, env=ENV, check_exit=2).stderr
    stranger = tmp_path / "stranger.xlsx"
    stranger.write_bytes(b"not a zip")
    _started(run, demo, tmp_path / "out")
    before = db_state(demo)
    bad = run("round", "collect", stranger, db=demo, env=ENV, check_exit=1)
    assert "stranger.xlsx" in bad.stderr and "not an Excel workbook" in bad.stderr
    plain = tmp_path / "plain.xlsx"
    from openpyxl import Workbook

    Workbook().save(plain)
    bad = run("round", "collect", plain, db=demo, env=ENV, check_exit=1)
    assert "is not an actreg update request" in bad.stderr
    assert (
        "approve or refuse"
        in run(
            "decide",
            "A1",
            "maybe",
            "--meeting",
            json.loads(run("round", "status", "--format", "json", db=demo, env=ENV).stdout)[
                "meeting"
            ],
            db=demo,
            env=ENV,
            check_exit=1,
        ).stderr
    )
    assert db_state(demo) == before
