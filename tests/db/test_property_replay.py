"""Property: the log alone rebuilds the register, as it is now and as it was after every step.

Random sequences of intents (valid and invalid, with current, missing and stale
expected versions) go through db.store.register with a fake clock that moves one
second per intent. After each sequence:

- replaying the whole log gives exactly the rows of the ``action`` table;
- ``verify`` finds nothing wrong;
- the as-at rebuild at the time of each step equals the table right after it;

and every refused intent (InputError, StaleVersion, NotFound) left the file as
it was: same head hash, same entries, same action rows.
"""

from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from hypothesis import event, given
from hypothesis import strategies as st

from db.errors import InputError, NotFound, StaleVersion
from db.integrity import verifier
from db.read import queries
from db.store import log, register
from db.store.connection import create_register, open_register
from db.store.dates import utc_text
from db.store.projection import ACTION_COLUMNS, replay
from db.store.values import STATUSES

REFUSALS = (InputError, StaleVersion, NotFound)
MISSING_REF = "ZZ99"
MISSING_UUID = "00000000-0000-4000-8000-000000000000"

# --- value strategies ------------------------------------------------------------------
# Each value has good spellings and bad ones. Most intents are drawn "clean" (good
# values only) so that sequences build real histories; the rest may mix in bad
# values, which must be refused without changing anything.


@dataclass(frozen=True)
class Values:
    good: st.SearchStrategy
    bad: st.SearchStrategy

    def pick(self, clean: bool) -> st.SearchStrategy:
        return self.good if clean else st.one_of(self.good, self.bad)

    def optional(self) -> Values:
        return Values(st.one_of(st.none(), self.good), self.bad)


_CHARS = st.characters(codec="utf-8", categories=("L", "N", "P", "Zs"))
_BAD_TEXT = st.sampled_from(["", "   ", "nul\x00here", "esc\x1b[31m", "lone \ud800 surrogate"])
ONE_LINE = Values(st.text(_CHARS, min_size=1, max_size=16).filter(str.strip), _BAD_TEXT)
MULTILINE = Values(
    st.lists(st.one_of(_CHARS, st.sampled_from(["\n", "\t", "\r\n"])), min_size=1, max_size=24)
    .map("".join)
    .filter(str.strip),
    _BAD_TEXT,
)
DATES = Values(
    st.dates(dt.date(2024, 1, 1), dt.date(2027, 12, 31)).map(dt.date.isoformat),
    st.sampled_from(["2023-02-31", "31/12/2023", "20230101", ""]),
)
STATUS_WORDS = Values(
    st.sampled_from([*STATUSES, "In progress", "in-progress", "IN PROGRESS", "Verified"]),
    st.sampled_from(["half done", ""]),
)
RAG_WORDS = Values(
    st.sampled_from(["red", "amber", "green", "G", "Amber", "r"]), st.sampled_from(["purple"])
)
PERCENTS = Values(
    st.one_of(st.integers(0, 100), st.sampled_from(["50%", " 7 "])),
    st.sampled_from([-1, "101", "lots"]),
)
NEW_REFS = Values(
    st.sampled_from(["A1", "A2", "a2", "A10", "B-3", "2.3", "2.10", "C7"]),
    st.sampled_from(["bad ref", "", "-A", "R" * 21]),
)
AUTHORS = Values(st.sampled_from(["Jo Bloggs", "  Sam Smith  ", "Priya"]), st.just(""))
REASONS = Values(st.sampled_from(["because", "supplier late", "multi\nline"]), _BAD_TEXT)
VERSION_MODES = st.sampled_from(["none", "none", "none", "current", "current", "stale"])

FIELD_VALUES = {
    "ref": NEW_REFS,
    "title": ONE_LINE,
    "owner": ONE_LINE,
    "description": MULTILINE.optional(),
    "completion_criterion": MULTILINE.optional(),
    "directorate": ONE_LINE.optional(),
    "theme": ONE_LINE.optional(),
    "source": ONE_LINE.optional(),
    "recommendation": ONE_LINE.optional(),
    "priority": Values(st.sampled_from(["high", "M", "low"]), st.just("urgent")),
    "acceptance": Values(st.sampled_from(["accepted", "in principle", "rejected"]), st.just("?")),
    "percent_complete": Values(PERCENTS.good.map(str), PERCENTS.bad.map(str)),
}
#: Editable fields; when not clean, also a few that edit_field must refuse.
EDIT_FIELDS = Values(
    st.sampled_from(sorted(FIELD_VALUES)), st.sampled_from(["status", "rag", "created_at", "x"])
)


@dataclass
class Intent:
    """One thing a person does, as drawn: `kind` names the db.store.register function."""

    kind: str
    ref: str | None = None
    entry_uuid: str | None = None
    version: str = "none"
    args: dict = field(default_factory=dict)


@st.composite
def intents(draw, actions: list[tuple[int, str]], entries: list[log.LogEntry]) -> Intent:
    """An intent on the register as it stands (`actions`: (id, ref); `entries`: the log)."""
    clean = draw(st.integers(0, 4), label="clean") > 0  # four in five intents
    kinds = ["add", "update", "note", "status", "set_rag", "move", "edit", "evidence", "close"]
    if len(actions) < 2:
        kinds += ["add"] * 6
    if entries:
        kinds += ["correct", "correct", "correct"]
    kind = draw(st.sampled_from(kinds))
    author = draw(AUTHORS.pick(clean))
    if kind == "add":
        fields = {
            "ref": draw(NEW_REFS.pick(clean)),
            "title": draw(ONE_LINE.pick(clean)),
            "owner": draw(ONE_LINE.pick(clean)),
            "target_date": draw(DATES.pick(clean)),
        }
        for name, values in (
            ("description", MULTILINE.optional()),
            ("directorate", ONE_LINE.optional()),
            ("theme", ONE_LINE.optional()),
            ("source", ONE_LINE.optional()),
            ("status", STATUS_WORDS),
            ("rag", RAG_WORDS),
            ("percent_complete", PERCENTS),
        ):
            if draw(st.booleans()):
                fields[name] = draw(values.pick(clean))
        commentary = draw(MULTILINE.optional().pick(clean))
        return Intent(kind, args={"draft": fields, "author": author, "commentary": commentary})

    version = draw(VERSION_MODES)
    if kind == "correct":
        target = draw(
            st.sampled_from(entries) if clean else st.one_of(st.sampled_from(entries), st.none())
        )
        if target is None:
            return Intent(kind, entry_uuid=MISSING_UUID, args={"reason": "r", "author": author})
        value = draw(_correction_value(target, clean))
        reason = draw(REASONS.pick(clean))
        return Intent(
            kind,
            entry_uuid=target.uuid,
            version=version,
            args={"value": value, "reason": reason, "author": author},
        )

    refs = [ref for _, ref in actions]
    if refs and clean:
        ref = draw(st.sampled_from(refs))
    elif refs:
        ref = draw(st.one_of(st.sampled_from(refs), st.just(MISSING_REF)))
    else:
        ref = MISSING_REF
    if draw(st.booleans()):
        ref = ref.lower()  # refs are looked up case-insensitively
    reason = draw(REASONS.pick(clean))
    args: dict = {"author": author}
    if kind == "update":
        for name, values in (
            ("note", MULTILINE),
            ("status", STATUS_WORDS),
            ("rag", RAG_WORDS),
            ("target_date", DATES),
            ("percent_complete", PERCENTS),
        ):
            if draw(st.booleans()):
                args[name] = draw(values.pick(clean))
        args["reason"] = reason if clean else draw(st.one_of(st.none(), st.just(reason)))
    elif kind == "note":
        args["note"] = draw(MULTILINE.pick(clean))
    elif kind == "status":
        args.update(status=draw(STATUS_WORDS.pick(clean)), reason=reason)
    elif kind == "set_rag":
        args.update(rag=draw(RAG_WORDS.pick(clean)), reason=reason)
    elif kind == "move":
        args.update(target_date=draw(DATES.pick(clean)), reason=reason)
    elif kind == "edit":
        name = draw(EDIT_FIELDS.pick(clean))
        value = draw(FIELD_VALUES.get(name, ONE_LINE).pick(clean))
        args.update(field_name=name, value=value, reason=reason)
    elif kind == "evidence":
        args.update(
            evidence=draw(ONE_LINE.pick(clean)), note=draw(MULTILINE.optional().pick(clean))
        )
    elif kind == "close":
        args.update(
            evidence=draw(ONE_LINE.optional().pick(clean)),
            note=draw(MULTILINE.optional().pick(clean)),
        )
    return Intent(kind, ref=ref, version=version, args=args)


@st.composite
def _correction_value(draw, target: log.LogEntry, clean: bool):
    """A value for correcting `target`: of the right kind when clean, maybe not otherwise."""
    if target.kind in ("note", "chased", "import"):
        return draw(MULTILINE.pick(clean))
    if target.kind == "created":
        return draw(st.one_of(st.none(), DATES.pick(clean)))
    if target.kind == "status":
        return draw(STATUS_WORDS.pick(clean) if clean else st.one_of(st.none(), STATUS_WORDS.bad))
    if target.kind == "rag":
        return draw(RAG_WORDS.pick(clean) if clean else st.one_of(st.none(), RAG_WORDS.bad))
    if target.kind == "target_date":
        # Often the date it replaced: an undo, which takes the revision back.
        return draw(st.one_of(st.just(target.old_value), DATES.pick(clean)))
    if target.kind == "evidence":
        return draw(st.one_of(st.just(""), ONE_LINE.pick(clean)))
    if target.kind == "field_edit":
        return draw(FIELD_VALUES.get(target.field or "", ONE_LINE).pick(clean))
    return draw(st.one_of(st.none(), ONE_LINE.pick(clean)))  # correcting a correction: refused


# --- running intents -------------------------------------------------------------------


def _action_version(conn, *, ref: str | None = None, entry_uuid: str | None = None) -> int | None:
    if ref is not None:
        row = conn.execute("SELECT version FROM action WHERE ref = ?", (ref.strip(),)).fetchone()
    else:
        row = conn.execute(
            "SELECT a.version FROM action a JOIN progress_log p ON p.action_id = a.id"
            " WHERE p.uuid = ?",
            (entry_uuid,),
        ).fetchone()
    return row[0] if row else None


def run(conn, intent: Intent, clock) -> dict:
    if intent.kind == "add":
        args = dict(intent.args)
        return register.add_action(conn, args.pop("draft"), clock=clock, **args)
    current = _action_version(conn, ref=intent.ref, entry_uuid=intent.entry_uuid)
    expected = {
        "none": None,
        "current": current,
        "stale": None if current is None else current - 1,
    }[intent.version]
    common = {"clock": clock, "expected_version": expected, **intent.args}
    if intent.kind == "correct":
        return register.correct_entry(conn, intent.entry_uuid, **common)
    function = {
        "update": register.record_update,
        "note": register.record_note,
        "status": register.change_status,
        "set_rag": register.set_rag,
        "move": register.move_target_date,
        "edit": register.edit_field,
        "evidence": register.add_evidence,
        "close": register.close_action,
    }[intent.kind]
    if intent.kind == "note":
        note = common.pop("note")
        return function(conn, intent.ref, note, **common)
    if intent.kind in ("status", "set_rag", "move", "evidence"):
        first = {"status": "status", "set_rag": "rag", "move": "target_date"}.get(
            intent.kind, "evidence"
        )
        return function(conn, intent.ref, common.pop(first), **common)
    if intent.kind == "edit":
        return function(conn, intent.ref, common.pop("field_name"), common.pop("value"), **common)
    return function(conn, intent.ref, **common)


def table_rows(conn) -> dict[int, dict]:
    columns = ", ".join(ACTION_COLUMNS)
    return {
        row[0]: dict(zip(ACTION_COLUMNS, row, strict=True))
        for row in conn.execute(f"SELECT {columns} FROM action ORDER BY id")
    }


def projected(rows) -> dict[int, dict]:
    """Rows (replayed or rebuilt as at) keyed by id, on the projection columns only."""
    return {row["id"]: {c: row[c] for c in ACTION_COLUMNS} for row in rows}


# --- the property ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def empty_register(tmp_path_factory) -> Path:
    """One new, closed, empty register; each example works on a copy of it (much faster)."""
    path = tmp_path_factory.mktemp("template") / "empty.db"
    create_register(path, name="Property register").close()
    return path


@given(data=st.data())
def test_log_replay_and_as_at_rebuild_match_the_register_after_every_step(
    data, tmp_path_factory, empty_register, register_state, make_clock
):
    path = tmp_path_factory.mktemp("replay") / "register.db"
    shutil.copyfile(empty_register, path)
    conn = open_register(path)
    # This property is about the log and its projections, not durability (test_files
    # checks synchronous=FULL): skipping fsync makes each example several times faster.
    conn.execute("PRAGMA synchronous = OFF")
    clock = make_clock()
    history: list[tuple[str, dict[int, dict]]] = []
    try:
        for _ in range(data.draw(st.integers(1, 25), label="steps")):
            now = utc_text(clock.advance(1))
            before = register_state(conn)
            rows_before = table_rows(conn)
            actions = [(aid, row["ref"]) for aid, row in rows_before.items()]
            intent = data.draw(intents(actions, list(log.entries(conn))), label="intent")
            try:
                result = run(conn, intent, clock)
            except REFUSALS as exc:
                event(f"{intent.kind}: refused ({type(exc).__name__})")
                assert str(exc).strip(), f"{intent}: refused with an empty message"
                assert register_state(conn) == before, f"{intent}: refused ({exc}) but changed"
            else:
                event(f"{intent.kind}: written")
                _check_write(conn, intent, result, before, rows_before, now)
            history.append((now, table_rows(conn)))

        _check_final(conn, history)
    finally:
        conn.close()


def _changes_no_field(intent: Intent) -> bool:
    """A note alone: appended whatever the version (it conflicts with no other change)."""
    fields = ("status", "rag", "target_date", "percent_complete")
    return intent.kind == "note" or (
        intent.kind == "update" and all(intent.args.get(f) is None for f in fields)
    )


def _check_write(conn, intent: Intent, result: dict, before, rows_before, now: str) -> None:
    assert intent.version != "stale" or _changes_no_field(intent), (
        f"{intent}: a stale expected_version was not refused"
    )
    rows = table_rows(conn)
    assert {c: result[c] for c in ACTION_COLUMNS} == rows[result["id"]], "returned row != table"
    appended = list(log.entries(conn))[before.entry_count :]
    # (A register's first entry is preceded by one recording its settings: no action.)
    new = [e for e in appended if e.action_id is not None]
    assert new, f"{intent}: succeeded without appending an entry"
    assert {e.action_id for e in new} == {result["id"]}, "one intent, one action"
    assert {e.recorded_at for e in new} == {now}, "entries carry the (fake) clock's time"
    first = before.head[0] + 1
    assert [e.id for e in appended] == list(range(first, first + len(appended)))
    old_version = rows_before[result["id"]]["version"] if result["id"] in rows_before else 0
    assert result["version"] == old_version + len(new)
    for action_id, old in rows_before.items():
        assert rows[action_id]["created_at"] == old["created_at"]
        if intent.kind != "correct":
            # The original target date never changes (a correction may fix a typo in it).
            assert rows[action_id]["original_target_date"] == old["original_target_date"]
        if action_id != result["id"]:
            assert rows[action_id] == old, "an intent changed an action it was not about"


def _check_final(conn, history: list[tuple[str, dict[int, dict]]]) -> None:
    table = table_rows(conn)
    assert projected(replay(log.entries(conn)).values()) == table

    report = verifier.verify(conn)
    assert report.problems == []
    assert report.ok
    assert report.entries == conn.execute("SELECT count(*) FROM progress_log").fetchone()[0]
    assert report.head_hash == log.head(conn)[1]

    counts = dict(
        conn.execute(
            "SELECT action_id, count(*) FROM progress_log"
            " WHERE action_id IS NOT NULL GROUP BY action_id"
        )
    )
    assert {aid: row["version"] for aid, row in table.items()} == counts

    # The search index follows every ref/title/description change (FTS5 compares it
    # with the action table and raises "database disk image is malformed" if not).
    conn.execute("INSERT INTO action_fts (action_fts, rank) VALUES ('integrity-check', 1)")
    conn.execute("INSERT INTO commentary_fts (commentary_fts) VALUES ('integrity-check')")

    first_moment = history[0][0]
    before_all = utc_text(dt.datetime.fromisoformat(first_moment) - dt.timedelta(seconds=1))
    assert queries.register_as_at(conn, before_all) == []
    for moment, rows in history:
        assert projected(queries.register_as_at(conn, moment)) == rows, f"as at {moment}"
