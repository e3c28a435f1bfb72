"""Characters no document can hold: refused at every input, replaced visibly in every export.

U+FFFE, U+FFFF, lone surrogates and C0 controls (but tab and new lines) cannot be
written to XLSX, DOCX or HTML (XML), and an XLSX export of a snapshot holding one
failed; since snapshots never change, that appendix could never be exported. Now
each is refused where text comes in (the CLI, the import; the TUI's forms in
tests/tui/test_forms.py), naming the field, and a snapshot that already holds one
exports in every format with U+FFFD in its place.
"""

from __future__ import annotations

import csv
import json
import sqlite3
from pathlib import Path

import pytest

from db.exporting import exporter
from tests.exports.extract import docx_content, read_html

BAD = {
    "U+FFFE": "\ufffe",
    "U+FFFF": "\uffff",
    "U+0001": "\x01",
    "U+001B": "\x1b",
    "U+DCFF": "\udcff",  # (a byte that is not UTF-8 in an argument arrives as this)
}


@pytest.mark.parametrize("code", BAD)
def test_the_cli_refuses_them_naming_the_field(run, fresh_db, db_state, code):
    bad = f"Policy{BAD[code]}review"
    before = db_state(fresh_db)
    commands = {
        "title": ["add", "--ref", "B1", "--title", bad, "--owner", "Jo", "--target", "2026-01-31"],
        "owner": ["add", "--ref", "B1", "--title", "T", "--owner", bad, "--target", "2026-01-31"],
        "note": ["update", "A1", "--note", bad],
        "reason": ["update", "A1", "--rag", "red", "--reason", bad],
        "evidence": ["evidence", "A1", bad],
        "description": ["edit", "A1", "description", bad, "--reason", "tidy"],
    }
    for field, args in commands.items():
        result = run(*args, db=fresh_db, check_exit=1)
        assert f"actreg: {field}: contains " in result.stderr, result
        assert (code in result.stderr) or (code == "U+DCFF" and "not valid text" in result.stderr)
    assert db_state(fresh_db) == before
    refused = run("meeting", "add", "2099-01-20", "--title", bad, db=fresh_db, check_exit=1)
    assert "title: contains " in refused.stderr


@pytest.mark.parametrize("code", ["U+FFFE", "U+FFFF", "U+0001"])
def test_an_import_refuses_them_naming_row_and_column(run, fresh_db, db_state, tmp_path, code):
    table = tmp_path / "actions.csv"
    table.write_text(
        "Ref,Action,Owner,Target date\n"
        "B1,Fine title,Jo,2026-03-31\n"
        f"B2,Bad{BAD[code]}title,Jo,2026-03-31\n",
        encoding="utf-8",
    )
    before = db_state(fresh_db)
    result = run("import", table, db=fresh_db, check_exit=1)
    assert "row 3" in result.stderr and "Action" in result.stderr, result
    assert "contains " in result.stderr and code in result.stderr
    assert db_state(fresh_db) == before


def _all_text(fmt: str, path: Path) -> str:
    """Every text a reader of the file sees, read with the library a user's tool would use."""
    if fmt == "html":
        return "".join(read_html(path).text)
    if fmt == "xlsx":
        from openpyxl import load_workbook

        wb = load_workbook(path)
        return "\n".join(str(v) for ws in wb for r in ws.iter_rows(values_only=True) for v in r)
    if fmt == "docx":
        return str(docx_content(path))
    if fmt == "csv":
        with open(path, encoding="utf-8-sig", newline="") as handle:
            return "\n".join(v for row in csv.reader(handle) for v in row)
    return path.read_text(encoding="utf-8")


@pytest.fixture
def snapshot_holding_them(run, fresh_db: Path) -> Path:
    """A snapshot whose rows hold every such character, as one taken before the fix did:
    a row is added to the snapshot with its title and note holding them."""
    run("update", "A1", "--note", "MARKNOTE", db=fresh_db)
    run("meeting", "add", "2099-01-20", db=fresh_db)
    run("snapshot", "--meeting", "2099-01-20", db=fresh_db)
    conn = sqlite3.connect(fresh_db)
    with conn:
        ((data,),) = conn.execute("SELECT data FROM snapshot_row WHERE position = 0")
        row = json.loads(data)
        bad = "".join(c for c in BAD.values() if not 0xD800 <= ord(c) <= 0xDFFF)
        row.update(ref="A2", title=f"Title{bad}end", last_commentary=f"note{bad}end")
        data = json.dumps(row, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        conn.execute(
            "INSERT INTO snapshot_row (snapshot_id, position, ref, data) VALUES (1, 1, 'A2', ?)",
            (data,),
        )
    conn.close()
    return fresh_db


@pytest.mark.parametrize("fmt", exporter.FORMATS)
def test_every_format_exports_a_snapshot_that_holds_them(run, snapshot_holding_them, tmp_path, fmt):
    out = tmp_path / f"pack.{fmt}"
    done = run("export", "--meeting", "2099-01-20", "--format", fmt, "-o", out,
               db=snapshot_holding_them)  # fmt: skip
    assert "Wrote" in done.stdout and "(2 actions" in done.stdout
    text = _all_text(fmt, out)
    replaced = "\ufffd" * 4  # one for each of the four characters, side by side
    assert f"Title{replaced}end" in text, fmt
    if fmt in ("csv", "xlsx", "md", "html"):  # (DOCX's paper columns hold no note)
        assert f"note{replaced}end" in text or fmt in ("md", "html"), fmt
    for code, char in BAD.items():
        assert char not in text, (fmt, code)
