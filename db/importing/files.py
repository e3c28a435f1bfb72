"""Reading a spreadsheet file into numbered rows of cells: CSV (any of three encodings) or XLSX.

Rows are numbered as a person sees them in Excel (1-based, counting every row,
title rows and the header too). A file that cannot be read as a table (an
unknown encoding, binary data, an actreg register) is refused with an
:class:`~db.errors.InputError` that says where and why; nothing is guessed. An
unterminated quote stops the reading at its row: the rows before it are kept, so
the import can report their problems with it (and refuses the file).
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from db.errors import InputError

Cell = str | dt.date
#: Bigger than any file actreg reads whole: a 1 MB cell is read (and then refused by
#: LIMITS with its row and column) rather than stopping the csv module.
_FIELD_LIMIT = 2**31 - 1
_DELIMITERS = (",", ";", "\t")
_QUOTED = re.compile(r'"[^"]*"')
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass
class Table:
    """The rows of one sheet: (row number, cells)."""

    file_name: str
    rows: list[tuple[int, list[Cell]]]
    sheet: str | None = None
    encoding: str | None = None
    delimiter: str | None = None
    notes: list[str] = field(default_factory=list)
    broken: tuple[int, str] | None = None
    """(row, why) when the file cannot be read past that row (an unterminated quote):
    the rows before it are read, so their problems can be reported too."""


#: What one import may cost, checked before reading and while streaming rows: with
#: these an import stays well under 300 MB of memory (tests/reliability/test_import_bounds.py).
MAX_ROWS = 200_000
MAX_CSV_BYTES = 50 * 1024 * 1024
MAX_XLSX_BYTES = 200 * 1024 * 1024  # uncompressed: what the zip would unpack to
MAX_SHARED_TEXT_BYTES = 50 * 1024 * 1024  # the workbook's shared strings, read whole
MAX_CELLS = 20_000_000  # cells looked at, empty ones too (a row may reach column XFD)


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:,.0f} MB"


def _too_big(name: str, what: str) -> InputError:
    return InputError(
        f"file: {name} {what}: more than actreg imports at once (at most {MAX_ROWS:,} rows, "
        f"a CSV of {_mb(MAX_CSV_BYTES)} or a workbook of {_mb(MAX_XLSX_BYTES)} unpacked). "
        "Nothing was imported; split the table, or delete what lies outside it."
    )


def read_table(path: Path, sheet: str | None = None) -> Table:
    path = Path(path)
    if not path.is_file():
        raise InputError(f"file: {path} {'is a folder' if path.is_dir() else 'does not exist'}")
    try:
        with path.open("rb") as handle:
            start = handle.read(16)
        size = path.stat().st_size
    except OSError as exc:
        raise InputError(f"file: {path} cannot be read: {exc.strerror}") from None
    if start.startswith(b"PK\x03\x04"):
        return read_xlsx(path, sheet)
    if start.startswith(b"SQLite format 3\x00"):
        raise InputError(_database_message(path))
    if size > MAX_CSV_BYTES:
        raise _too_big(path.name, f"is {_mb(size)}")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"file: {path} cannot be read: {exc.strerror}") from None
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise InputError(
            f"file: {path.name} is an old Excel (.xls) workbook: save it as .xlsx or CSV first"
        )
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        raise InputError(f"file: {path.name} is not a valid Excel workbook (it is not a zip file)")
    if sheet is not None:
        raise InputError(f"--sheet: {path.name} is a CSV file; it has no sheets")
    return read_csv(path, data)


def _database_message(path: Path) -> str:
    """What to say about an SQLite file given to import: a register, or another database."""
    import sqlite3

    tables: set[str] = set()
    with contextlib.suppress(sqlite3.Error):
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            tables = {n for (n,) in conn.execute("SELECT name FROM sqlite_master")}
        finally:
            conn.close()
    if {"progress_log", "action"} <= tables:
        return (
            f"file: {path.name} is an actreg register, not a table to import. Open it with "
            f"`actreg --db {path}`; to bring its actions into this register, export them "
            f"from it first (`actreg --db {path} export --meeting DATE --format csv`, or "
            f"`actreg --db {path} list --format csv > actions.csv`) and import that file."
        )
    return (
        f"file: {path.name} is an SQLite database, not a table actreg can import: export "
        "the table from the program that made it as CSV or .xlsx."
    )


# --- CSV --------------------------------------------------------------------


def decode(data: bytes, name: str) -> tuple[str, str]:
    """(text, encoding): UTF-8 (with or without BOM), UTF-16 with a BOM, or Windows-1252."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError:
            pass
    elif b"\x00" in data:
        raise InputError(
            f"file: {name} is not a text file actreg can read: it has NUL bytes (UTF-16 "
            "without a byte-order mark, or binary data). Save it from Excel as "
            '"CSV UTF-8 (Comma delimited)" or as .xlsx.'
        )
    elif data.startswith(b"\xef\xbb\xbf"):
        # A UTF-8 byte-order mark says what the file is: a bad byte is an error, not a
        # reason to read the whole file again as something else.
        try:
            return data[3:].decode("utf-8"), "UTF-8 (with BOM)"
        except UnicodeDecodeError:
            raise _bad_utf8(name, data[3:], "starts with a UTF-8 byte-order mark") from None
    else:
        try:
            return data.decode("utf-8"), "UTF-8"
        except UnicodeDecodeError:
            if _mostly_utf8(data):
                raise _bad_utf8(name, data, "is UTF-8 (it has UTF-8 accented letters)") from None
            with contextlib.suppress(UnicodeDecodeError):
                text = data.decode("cp1252")
                if not _CONTROL.search(text):
                    return text, "Windows-1252"
    raise InputError(
        f"file: {name} is not text in UTF-8 or Windows-1252 (nor UTF-16 with a byte-order "
        'mark): it may be binary. Save it from Excel as "CSV UTF-8 (Comma delimited)".'
    )


#: A letter beyond ASCII written as UTF-8: a lead byte and its continuation bytes.
_UTF8_LETTER = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)
_NOT_UTF8 = re.compile("[\udc80-\udcff]")  # a byte decoding with surrogateescape kept
SHOWN = 5  # bad cells named in a message


def _mostly_utf8(data: bytes) -> bool:
    """Whether the file holds UTF-8 letters: Windows-1252 text almost never does (it
    would take pairs such as "Ã©"), so a few bad bytes beside them are damage, not
    another encoding."""
    return _UTF8_LETTER.search(data) is not None


def _bad_utf8(name: str, data: bytes, why: str) -> InputError:
    """The cells (row and column, as a spreadsheet numbers them) holding bytes not UTF-8."""
    text = data.decode("utf-8", errors="surrogateescape")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(text))
    found = []
    with _big_fields(), contextlib.suppress(csv.Error):
        for number, cells in enumerate(reader, start=1):
            for column, cell in enumerate(cells, start=1):
                bad = _NOT_UTF8.search(cell)
                if bad:
                    byte = ord(bad.group()) - 0xDC00
                    found.append(f"row {number}, column {column} (byte 0x{byte:02X})")
    where = "; ".join(found[:SHOWN]) + (
        f"; and {len(found) - SHOWN} more" if len(found) > SHOWN else ""
    )
    return InputError(
        f"file: {name} {why}, but {len(found) or 'some'} cell{'s' * (len(found) != 1)} "
        f"hold bytes that are not UTF-8: {where or 'in a quoted cell'}. Nothing was imported: "
        "correct those cells (or save the file again from Excel as "
        '"CSV UTF-8 (Comma delimited)") and import it again.'
    )


def sniff_delimiter(text: str) -> str:
    """Comma, semicolon or tab: the one used most on the first line that uses any."""
    for line in text.splitlines()[:50]:
        bare = _QUOTED.sub("", line)
        counts = {d: bare.count(d) for d in _DELIMITERS}
        best = max(_DELIMITERS, key=lambda d: counts[d])  # ties: the first (comma)
        if counts[best]:
            return best
    return ","


@contextlib.contextmanager
def _big_fields() -> Iterator[None]:
    old = csv.field_size_limit()
    csv.field_size_limit(_FIELD_LIMIT)
    try:
        yield
    finally:
        csv.field_size_limit(old)


def read_csv(path: Path, data: bytes) -> Table:
    text, encoding = decode(data, path.name)
    delimiter = sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows: list[tuple[int, list[Cell]]] = []
    with _big_fields():
        try:
            for number, cells in enumerate(reader, start=1):
                if number > MAX_ROWS:
                    raise _too_big(path.name, f"has more than {MAX_ROWS:,} rows")
                rows.append((number, cells))
        except csv.Error as exc:
            number = len(rows) + 1
            line = (rows and _end_line(text, rows)) or 1
            reason = str(exc)
            if "unexpected end of data" in reason:
                reason = (
                    'a quote (") opens a cell and is never closed, so the rest of the file '
                    "would be one cell"
                )
            if not rows:  # not even a header to report the other rows against
                raise InputError(
                    f"row {number} (line {line} of {path.name}): {reason}. Nothing was imported."
                ) from None
            broken = (number, f"line {line} of {path.name}: {reason}; this row and any after it "
                      "cannot be read, so nothing can be imported until it is fixed")  # fmt: skip
            return Table(path.name, rows, encoding=encoding, delimiter=delimiter, broken=broken)
    return Table(path.name, rows, encoding=encoding, delimiter=delimiter)


def _end_line(text: str, rows: list) -> int:
    """The physical line where the record after `rows` starts (for the error message)."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=False)
    count = 0
    with _big_fields():
        for _ in reader:
            count += 1
            if count == len(rows):
                return reader.line_num + 1
    return 1


# --- XLSX -------------------------------------------------------------------


def read_xlsx(path: Path, sheet: str | None) -> Table:
    from openpyxl import load_workbook

    _check_unpacked_size(path)
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise InputError(
            f"file: {path.name} is not an Excel workbook actreg can read ({exc})"
        ) from None
    try:
        names = workbook.sheetnames
        if sheet is not None:
            if sheet not in names:
                listed = ", ".join(repr(n) for n in names)
                raise InputError(f"--sheet: {path.name} has no sheet {sheet!r}; it has {listed}")
            chosen = [sheet]
        else:
            chosen = names
        tables = [Table(path.name, _sheet_rows(path.name, workbook[n]), sheet=n) for n in chosen]
    finally:
        workbook.close()
    return tables[0] if len(tables) == 1 else _Sheets(path.name, tables)


def _check_unpacked_size(path: Path) -> None:
    """Refuse a workbook that would unpack to more than the limit (a zip bomb), unread."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise InputError(
            f"file: {path.name} is not an Excel workbook actreg can read ({exc})"
        ) from None
    unpacked = sum(m.file_size for m in members)
    if unpacked > MAX_XLSX_BYTES:
        raise _too_big(path.name, f"would unpack to {_mb(unpacked)}")
    shared = sum(m.file_size for m in members if m.filename.endswith("sharedStrings.xml"))
    if shared > MAX_SHARED_TEXT_BYTES:
        raise _too_big(path.name, f"holds {_mb(shared)} of text")


def _sheet_rows(name: str, ws) -> list[tuple[int, list[Cell]]]:
    """The sheet's rows, streamed: its declared size checked first, empty cells at the
    end of a row dropped, and reading stopped at the limits."""
    declared = ws.max_row
    if declared is not None and declared > MAX_ROWS:
        size = f"A1:{_column_letter(ws.max_column or 1)}{declared}"
        raise _too_big(name, f"says its sheet {ws.title!r} spans {declared:,} rows ({size})")
    ws.reset_dimensions()  # rows as stored: not each padded to the widest row's length
    rows: list[tuple[int, list[Cell]]] = []
    looked_at = 0
    for number, cells in enumerate(ws.iter_rows(), start=1):
        if number > MAX_ROWS:
            raise _too_big(name, f"has more than {MAX_ROWS:,} rows in sheet {ws.title!r}")
        looked_at += len(cells)
        if looked_at > MAX_CELLS:
            raise _too_big(name, f"has more than {MAX_CELLS:,} cells in sheet {ws.title!r}")
        values = [_cell(c) for c in cells]
        while values and values[-1] == "":
            values.pop()
        rows.append((number, values))
    return rows


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(min(max(index, 1), 16384))


class _Sheets(Table):
    """Several sheets: the importer uses the first with a header row."""

    def __init__(self, file_name: str, tables: list[Table]) -> None:
        super().__init__(file_name, tables[0].rows if tables else [], sheet=None)
        self.tables = tables


def _cell(cell) -> Cell:
    value = getattr(cell, "value", None)
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date() if value.time() == dt.time() else value
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        if "%" in (getattr(cell, "number_format", "") or "") and abs(value) <= 10:
            value = value * 100
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return str(round(value, 10)) if isinstance(value, float) else str(value)
    return str(value)
