"""Hostile and odd text: refused naming the field, or kept exactly, in the file and in exports.

Every free-text field of a new action, a progress note and a reason get strings
with NUL, lone surrogates, a right-to-left override, 100,000 characters, a
leading = + - @ ' (spreadsheet formulas), HTML and pipes. Each is either
refused with an InputError naming the field, or read back exactly (one-line
fields are trimmed, as documented; long text keeps its spaces, with Windows line
ends made new lines) and round-trips through the CSV export (csv_table.restore
undoes the formula guard), is escaped in the HTML export and keeps the Markdown
table's shape.

Then a fuzz of the command line over the verbs tests/cli/test_cli_fuzz.py does
not reach (edit, evidence, close, correct, meeting, snapshot, diff, export,
verify, backup), with hostile text: never a traceback.
"""

from __future__ import annotations

import concurrent.futures
import datetime as dt
import itertools
import json
import random
import re
import shutil
from html import escape as html_escape
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from db.cycles.snapshots import frozen_rows
from db.errors import InputError
from db.exporting import csv_table, html, markdown
from db.exporting.layouts import LAYOUTS, PAPER_COLUMNS, WriteOptions
from db.exporting.table import FULL_COLUMNS, ExportTable
from db.read import queries
from db.store import log, register
from db.store.values import label
from tests.exports.extract import read_csv
from tests.reliability.conftest import scaled

ONE_LINE = ("title", "owner", "directorate", "theme", "source", "recommendation")
LONG = ("description",)
FIELDS = (*ONE_LINE, *LONG, "note", "reason")
#: Where each value shows in the exports.
EXPORT_KEY = {"note": "last_commentary", "reason": "rag_reason"}

NASTY = [
    "\x00", "a\x00b", "\ud800", "x\udfffy", "\u202egnp.exe", "abc\u202edef", "=1+1",
    '=HYPERLINK("http://evil.example","click")', "+3", "+SUM(A1:A9)", "-5", "-x", "@SUM(A1)",
    "'", "''quoted", "'=1", "<script>alert(1)</script>", "a|b|c", "line one\nline two",
    "x\r\ny", "| --- |", "\\|", "&amp;", "\t=tab", " padded ", "\u2028", "😀" * 3,
    "x" * 100_000, "y" * 20_000, "z" * 300, "w" * 301, "", "   ",
]  # fmt: skip
PREFIXES = ["=", "+", "-", "@", "'", "\u202e", "\x00", "\ud800", "<", "|", "\n", ""]
hostile = st.one_of(
    st.sampled_from(NASTY),
    st.builds(lambda p, t: p + t, st.sampled_from(PREFIXES), st.text(max_size=40)),
    st.text(max_size=60),
    st.builds(lambda c, n: c * n, st.characters(), st.sampled_from([1, 121, 301, 20_001, 100_000])),
)


def _expected(field: str, value: str) -> str | None:
    """What actreg stores for an accepted value."""
    if field in ONE_LINE:
        return value.strip() or None
    value = value.replace("\r\n", "\n")
    return value if value != "" else None


def _export_table(conn) -> ExportTable:
    head_id = log.head(conn)[0]
    cut_off = "2099-12-31T23:59:59.999999Z"
    frozen = frozen_rows(conn, head_id, cut_off, queries.cycle_start(conn, dt.date(2099, 12, 31)))
    rows = [json.loads(r[1]) if isinstance(r, tuple) else r for r in frozen]  # (ref, JSON)
    return ExportTable(
        register_name="Hostile <b>", organisation="Org | x", committee="Audit",
        meeting_date="2099-12-31", paper_deadline="2099-12-21", cut_off=cut_off, snapshot_id=1,
        rows_hash="0" * 64, log_head_hash=log.head(conn)[1], taken_at=cut_off, taken_by="Clerk",
        rows=rows,
    )  # fmt: skip


def _pipes(line: str) -> int:
    """Cell separators in a Markdown table row: pipes not escaped by a backslash."""
    return sum(1 for token in re.findall(r"\\.|\|", line) if token == "|")


def _check_exports(conn, tmp: Path, ref: str, key: str, stored: str | None) -> None:
    table = _export_table(conn)
    csv_path = tmp / "x.csv"
    csv_table.write(table, csv_path, WriteOptions(LAYOUTS["full"]))
    _, header, read = read_csv(csv_path)
    rows = [list(r.values()) for r in read]
    mine = next(r for r in rows if csv_table.restore(r[0]) == ref)
    cell = mine[header.index(next(c.header for c in FULL_COLUMNS if c.key == key))]
    assert csv_table.restore(cell) == (stored or "")
    for value in mine:  # nothing a spreadsheet would run as a formula
        assert not value.startswith(("=", "+", "-", "@", "\t", "\r")) or re.fullmatch(
            r"[+-]?[\d.]+([eE][+-]?\d+)?", value
        ), value

    html.write(table, tmp / "x.html", WriteOptions(LAYOUTS["paper"]))
    page = (tmp / "x.html").read_text(encoding="utf-8")
    assert "<script" not in page.lower()
    if stored and key in {c.key for c in PAPER_COLUMNS}:
        assert html_escape(stored) in page

    markdown.write(table, tmp / "x.md", WriteOptions(LAYOUTS["paper"]))
    text = (tmp / "x.md").read_text(encoding="utf-8")
    lines = text.split("\n")
    start = next(i for i, line in enumerate(lines) if line.startswith("| Ref"))
    body = lines[start : start + 2 + len(table.rows)]
    assert all(line.startswith("|") for line in body), body
    assert {_pipes(line) for line in body} == {len(PAPER_COLUMNS) + 1}, body
    assert lines[start + 2 + len(table.rows)] == ""  # the table ends where it should


@settings(
    max_examples=scaled(60, 1000),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                           HealthCheck.data_too_large],
)  # fmt: skip
@given(field=st.sampled_from(FIELDS), value=hostile)
def test_hostile_text_is_refused_naming_the_field_or_kept_exactly(
    conn, draft, tmp_path_factory, field: str, value: str
):
    ref = f"H{next(_refs)}"
    try:
        if field in ("note", "reason"):
            register.add_action(conn, draft(ref), author="Jo")
            if field == "note":
                register.record_note(conn, ref, value, author="Jo")
            else:
                register.set_rag(conn, ref, "red", reason=value, author="Jo")
        else:
            register.add_action(conn, draft(ref, **{field: value}), author="Jo")
    except InputError as exc:
        assert str(exc).startswith(f"{label(field)}: "), (field, str(exc))
        event("refused")
        return
    event("kept")
    row = queries.get_action(conn, ref)
    key = EXPORT_KEY.get(field, field)
    stored = row[key]
    assert stored == _expected(field, value), (field, value[:80])
    assert "\x00" not in value and not re.search("[\ud800-\udfff]", value)
    _check_exports(conn, tmp_path_factory.mktemp("export"), ref, key, stored)


_refs = itertools.count(1)


# --- the command line ------------------------------------------------------------------

VERBS = {
    "edit": ["A1", "{field}", "{text}", "--reason", "{text}"],
    "evidence": ["A1", "{text}", "--note", "{text}"],
    "close": ["A2", "--evidence", "{text}", "--note", "{text}"],
    "correct": ["{text}", "--value", "{text}", "--reason", "{text}"],
    "meeting": ["add", "{date}", "--committee", "{text}", "--title", "{text}", "--cadence",
                "{text}"],
    "snapshot": ["take", "--meeting", "{date}", "--committee", "{text}", "--as-at", "{date}"],
    "diff": ["--from", "{date}", "--to", "{date}", "--format", "{fmt}"],
    "export": ["--meeting", "{date}", "--format", "{fmt}", "-o", "{file}"],
    "verify": ["--expect", "{text}"],
    "backup": ["{file}"],
    "show": ["{text}", "--format", "{fmt}"],
}  # fmt: skip
FIELDS_CLI = ["title", "owner", "ref", "status", "percent_complete", "priority", "evidence", "x"]
DATES = ["2025-02-20", "2025-04-20", "now", "2025-02-31", "20/04/2025", "2025-04-20T12:00"]
FORMATS = ["csv", "json", "md", "html", "xlsx", "docx", "table", "xml"]


def _random_text(rng: random.Random) -> str:
    pick = rng.random()
    if pick < 0.4:
        return rng.choice([v for v in NASTY if "\x00" not in v and not re.search(
            "[\ud800-\udfff]", v) and len(v) < 30_000])  # fmt: skip
    if pick < 0.43:
        return rng.choice(["--", "-", "--db", "--author", "--help", "-o", "--expect"])
    alphabet = "aZ09 =+-@'|<>\"\\/.\n\t\u202eé€😀"
    return "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 25)))


def _argv(rng: random.Random, n: int) -> list[str]:
    verb = rng.choice(sorted(VERBS))
    args = [verb]

    def fill(token: str) -> str:
        return token.format(
            text=_random_text(rng),
            field=rng.choice(FIELDS_CLI),
            date=rng.choice(DATES),
            fmt=rng.choice(FORMATS),
            # at most 200 characters: longer names are test_a_too_long_file_name_...
            file=(f"out{n}-" + _random_text(rng).replace("/", "_"))[:200],
        )

    tokens = VERBS[verb]
    i = 0
    while i < len(tokens):
        token = tokens[i]
        is_option = token.startswith("-") and i + 1 < len(tokens) and "{" in tokens[i + 1]
        if is_option:
            value = fill(tokens[i + 1])
            i += 2
            if rng.random() < 0.2:
                continue  # leave the option out
            # "--opt=value" lets a value start with "-" (a formula, a minus) as a user would
            args += [f"{token}={value}"] if rng.random() < 0.8 else [token, value]
        else:
            args.append(fill(token))
            i += 1
    if rng.random() < 0.1:
        args.insert(rng.randrange(1, len(args) + 1), _random_text(rng))
    if rng.random() < 0.2:
        args.append(f"--author={_random_text(rng)}")
    return args


@pytest.mark.slow
def test_the_command_line_never_shows_a_traceback(run, small_register: Path, tmp_path: Path):
    rng = random.Random(20251128)
    runs = scaled(60, 600)
    cases = [(n, _argv(rng, n)) for n in range(runs)]
    db = tmp_path / "fuzz.db"
    shutil.copyfile(small_register, db)
    work = tmp_path / "out"
    work.mkdir()

    def one(case):
        _, args = case
        return run(*args, db=db, check_exit=None, cwd=work)  # contract-checked

    with concurrent.futures.ThreadPoolExecutor(3) as pool:
        results = list(pool.map(one, cases))
    exits = {code: sum(1 for r in results if r.returncode == code) for code in (0, 1, 2)}
    run("verify", db=db)  # whatever the fuzz wrote is a valid chain
    print(f"\nCLI fuzz: {runs} runs, exit statuses {exits}, no traceback")


_LONG_NAME = "y" * 300  # more than NAME_MAX (255): the OS refuses it with ENAMETOOLONG


@pytest.mark.parametrize(
    "args",
    [
        ["backup", _LONG_NAME],
        ["export", "--meeting", "2025-04-20", "-o", _LONG_NAME + ".csv"],
        ["list", "--db", _LONG_NAME],
    ],
    ids=["backup", "export", "db"],
)
def test_a_too_long_file_name_is_a_clear_refusal(run, small_register: Path, tmp_path, args):
    db = tmp_path / "register.db"
    shutil.copyfile(small_register, db)
    result = run(*args, db=db, check_exit=1, cwd=tmp_path)  # the contract: no internal error
    assert "too long" in result.stderr.lower()
