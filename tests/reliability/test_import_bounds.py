"""What an import may cost, and what a CSV's encoding may be taken to be.

Bounds: a 5 KB workbook whose one cell sits at XFD1048576 drove `import --dry-run` to
6 GB; a 412 KB zip took 1.3 GB. The sheet's declared size and the zip's unpacked size
are now checked before reading, rows are streamed, and reading stops at the limits
(200,000 rows, a CSV of 50 MB, a workbook of 200 MB unpacked) with a message. Each
import here runs as the real `actreg` and its peak memory is measured (wait4, from a
small launcher so the test process's own size does not count).

Encoding: a UTF-8 byte-order mark means UTF-8, so a bad byte is an error naming its
row and column; without one, a file of UTF-8 letters with a few bad bytes is
reported the same way, never read again as Windows-1252 (mojibake, exit 0).
"""

from __future__ import annotations

import itertools
import subprocess
import sys
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest

from tests.cli.conftest import ACTREG

PEAK_LIMIT_MB = 300

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'  # noqa: E501
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'  # noqa: E501
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'  # noqa: E501
    "</Types>"
)  # fmt: skip
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'  # noqa: E501
    "</Relationships>"
)  # fmt: skip
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Actions" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'  # noqa: E501
    "</Relationships>"
)  # fmt: skip


def _cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def _workbook(path: Path, sheet_parts: Iterable[str]) -> Path:
    """A minimal .xlsx, written by hand so that its parts say whatever a test needs
    (its sheet written part by part: a bomb is never whole in this process's memory)."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", _CONTENT_TYPES)
        z.writestr("_rels/.rels", _RELS)
        z.writestr("xl/workbook.xml", _WORKBOOK)
        z.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            for part in sheet_parts:
                sheet.write(part.encode())
    return path


def _sheet(dimension: str | None, rows: Iterable[str]) -> Iterator[str]:
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    yield (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"{dim}<sheetData>"
    )
    yield from rows
    yield "</sheetData></worksheet>"


HEADER = (
    '<row r="1">' + _cell("A1", "Ref") + _cell("B1", "Action") + _cell("C1", "Owner")
    + _cell("D1", "Target date") + "</row>"
    '<row r="2">' + _cell("A2", "A1") + _cell("B2", "Publish it") + _cell("C2", "Jo")
    + _cell("D2", "2026-03-31") + "</row>"
)  # fmt: skip


#: Runs a command and reports its peak memory. A child's ru_maxrss starts from the
#: peak of the process that spawned it (Linux keeps the high-water mark across exec),
#: so the command is spawned from this small process, not from the test's own, whose
#: size depends on what else its worker has run.
_MEASURE = """
import os, subprocess, sys
child = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL)
_, status, usage = os.wait4(child.pid, 0)
sys.stderr.write(f"\\n@peak-kb {usage.ru_maxrss}\\n")
sys.exit(os.waitstatus_to_exitcode(status))
"""


def _import(sandbox, db: Path, path: Path) -> tuple[int, str, float]:
    """(exit status, stderr, peak memory in MB) of `actreg import --dry-run FILE`."""
    proc = subprocess.run(
        [sys.executable, "-c", _MEASURE, str(ACTREG), "--db", str(db), "import", str(path),
         "--dry-run"],
        stderr=subprocess.PIPE,
        env=sandbox.env(),
        cwd=sandbox.cwd,
        check=False,
    )  # fmt: skip
    err, _, peak_kb = proc.stderr.decode("utf-8", "replace").rpartition("\n@peak-kb ")
    assert "Traceback" not in err and "internal error" not in err, err
    return proc.returncode, err, int(peak_kb) / 1024


def _peak_of_a_plain_import(sandbox, db: Path, tmp_path: Path) -> float:
    small = _workbook(tmp_path / "small.xlsx", _sheet("A1:D2", [HEADER]))
    code, err, peak = _import(sandbox, db, small)
    assert code == 0, err
    return peak


def test_a_sheet_declaring_a_million_rows_is_refused_before_it_is_read(
    sandbox, fresh_db, db_state, tmp_path
):
    rows = HEADER + '<row r="1048576">' + _cell("XFD1048576", "x") + "</row>"
    crafted = _workbook(tmp_path / "crafted.xlsx", _sheet("A1:XFD1048576", [rows]))
    size = crafted.stat().st_size
    assert size < 6_000
    before = db_state(fresh_db)
    code, err, peak = _import(sandbox, fresh_db, crafted)
    assert code == 1
    assert "says its sheet 'Actions' spans 1,048,576 rows (A1:XFD1048576)" in err
    assert "at most 200,000 rows" in err and "Nothing was imported" in err
    assert peak < PEAK_LIMIT_MB
    assert db_state(fresh_db) == before
    baseline = _peak_of_a_plain_import(sandbox, fresh_db, tmp_path)
    print(f"\nimport of a {size:,}-byte xlsx declaring XFD1048576: refused; peak {peak:.0f} MB "
          f"(a 2-row import: {baseline:.0f} MB; {peak / baseline:.2f}x)")  # fmt: skip


def test_a_sheet_with_no_dimension_and_a_far_cell_is_streamed_and_stopped(
    sandbox, fresh_db, tmp_path
):
    rows = HEADER + '<row r="1048576">' + _cell("XFD1048576", "x") + "</row>"
    crafted = _workbook(tmp_path / "undeclared.xlsx", _sheet(None, [rows]))
    code, err, peak = _import(sandbox, fresh_db, crafted)
    assert code == 1
    assert "has more than 200,000 rows in sheet 'Actions'" in err
    assert peak < PEAK_LIMIT_MB
    print(f"\nimport of an xlsx with no dimension, a cell at XFD1048576: stopped; "
          f"peak {peak:.0f} MB")  # fmt: skip


def test_a_zip_bomb_is_refused_before_it_is_unpacked(sandbox, fresh_db, tmp_path):
    # 250 MB of one repeated row, which deflates to well under a megabyte.
    row = '<row><c t="inlineStr"><is><t>' + "A" * 1000 + "</t></is></c></row>"
    rows = itertools.chain([HEADER], (row * 1024 for _ in range(250)))  # ~1 MB parts
    bomb = _workbook(tmp_path / "bomb.xlsx", _sheet("A1:D3", rows))
    size = bomb.stat().st_size
    assert size < 2_000_000
    code, err, peak = _import(sandbox, fresh_db, bomb)
    assert code == 1
    assert "would unpack to 256 MB" in err or "would unpack to 25" in err, err
    assert "a workbook of 200 MB unpacked" in err
    assert peak < PEAK_LIMIT_MB
    print(f"\nimport of a {size / 1024:,.0f} KB zip unpacking to 250 MB: refused; "
          f"peak {peak:.0f} MB")  # fmt: skip


def test_a_csv_of_too_many_rows_is_stopped_with_a_message(sandbox, fresh_db, tmp_path):
    path = tmp_path / "long.csv"
    with path.open("w", encoding="utf-8") as handle:
        handle.write("Ref,Action,Owner,Target date\n")
        handle.writelines(f"R{n},Action {n},Jo,2026-03-31\n" for n in range(200_001))
    code, err, peak = _import(sandbox, fresh_db, path)
    assert code == 1
    assert "has more than 200,000 rows" in err
    assert peak < PEAK_LIMIT_MB
    print(f"\nimport of a CSV of 200,002 rows: stopped at 200,000; peak {peak:.0f} MB")


def test_a_csv_over_the_size_limit_is_refused_unread(run, fresh_db, tmp_path):
    path = tmp_path / "huge.csv"
    with path.open("wb") as handle:
        handle.write(b"Ref,Action,Owner,Target date\n")
        handle.truncate(51 * 1024 * 1024)  # (a sparse file: nothing written)
    result = run("import", path, "--dry-run", db=fresh_db, check_exit=1)
    assert "is 51 MB: more than actreg imports at once" in result.stderr


# --- encodings -----------------------------------------------------------------------

GOOD = "Ref,Action,Owner,Target date\nA7,Café policy,Siân Jones,2026-03-31\n"


@pytest.mark.parametrize("bom", [True, False], ids=["with-bom", "no-bom"])
def test_a_bad_byte_in_a_utf8_file_is_named_never_read_as_cp1252(
    run, fresh_db, db_state, tmp_path, bom
):
    data = GOOD.encode() + b"A8,Second,Bj\xf6rn,2026-04-30\nA9,Third \x92 quoted,Jo,2026-05-31\n"
    path = tmp_path / "actions.csv"
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
    before = db_state(fresh_db)
    result = run("import", path, db=fresh_db, check_exit=1)
    why = "starts with a UTF-8 byte-order mark" if bom else "is UTF-8 (it has UTF-8 accented"
    assert why in result.stderr, result
    assert "row 3, column 3 (byte 0xF6)" in result.stderr
    assert "row 4, column 2 (byte 0x92)" in result.stderr
    assert "Nothing was imported" in result.stderr
    assert "CafÃ©" not in result.stderr + result.stdout
    assert db_state(fresh_db) == before


def test_a_real_windows_1252_file_still_imports(run, fresh_db, tmp_path, show_json):
    path = tmp_path / "legacy.csv"
    path.write_bytes(GOOD.replace("A7", "B7").encode("cp1252"))
    run("import", path, db=fresh_db)
    shown = show_json(fresh_db, "B7")["action"]
    assert (shown["title"], shown["owner"]) == ("Café policy", "Siân Jones")
