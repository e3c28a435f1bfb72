"""Files that are not (usable) registers: refused with a specific message, and never touched.

A foreign file must keep every byte, and no -wal/-shm/-journal may appear beside
it: actreg reads the header before SQLite ever opens the file.
"""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest


def _missing(path: Path, template: Path) -> None:
    pass


def _empty(path: Path, template: Path) -> None:
    path.write_bytes(b"")


def _random_bytes(path: Path, template: Path) -> None:
    # 0xff can never start UTF-8 text, so this is "binary", never mistaken for CSV
    path.write_bytes(b"\xff\xfe" + random.Random(20251128).randbytes(8190))


def _csv(path: Path, template: Path) -> None:
    path.write_text("ref,title,owner,target\nA1,Publish the policy,Ann,2025-06-30\n")


def _other_sqlite(path: Path, template: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE recipes (name TEXT, minutes INTEGER)")
    conn.execute("INSERT INTO recipes VALUES ('soup', 30)")
    conn.commit()
    conn.close()


def _xlsx(path: Path, template: Path) -> None:
    path.write_bytes(b"PK\x03\x04" + bytes(600))


def _newer_register(path: Path, template: Path) -> None:
    path.write_bytes(template.read_bytes())
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 99")
    conn.close()


def _truncated_register(path: Path, template: Path) -> None:
    path.write_bytes(template.read_bytes()[:300])


def _half_register(path: Path, template: Path) -> None:
    data = template.read_bytes()
    path.write_bytes(data[: len(data) // 2])


FOREIGN: dict[str, tuple[Callable[[Path, Path], None], list[str]]] = {
    "missing": (_missing, ["no register here", "actreg init"]),
    "empty": (_empty, ["empty", "0 bytes"]),
    "random-bytes": (_random_bytes, ["not an SQLite database"]),
    "csv-renamed": (_csv, ["CSV", "not an actreg register"]),
    "xlsx-renamed": (_xlsx, ["zip", "not an actreg register"]),
    "other-sqlite": (_other_sqlite, ["another application", "not an actreg register"]),
    "newer-register": (_newer_register, ["newer actreg", "99", "Upgrade"]),
    "truncated-register": (_truncated_register, ["cut short"]),
    "half-a-register": (_half_register, ["damaged", "backup"]),
}


@pytest.mark.parametrize(
    "kind", ["csv-renamed", "other-sqlite", "newer-register", "half-a-register"]
)
def test_verify_refuses_foreign_files_too(run, tmp_path, template_db, no_leftovers, kind):
    make, needles = FOREIGN[kind]
    path = tmp_path / "register.db"
    make(path, template_db)
    before = path.read_bytes()
    result = run("verify", db=path, check_exit=1)
    assert needles[0] in result.stderr
    assert path.read_bytes() == before
    no_leftovers(path)


@pytest.mark.parametrize("kind", list(FOREIGN))
@pytest.mark.parametrize(
    "command",
    [
        pytest.param(["list"], id="list"),
        pytest.param(["update", "A1", "--note", "n"], id="update"),
    ],
)
def test_foreign_files_are_refused_and_never_touched(
    run, tmp_path, template_db, no_leftovers, kind, command
):
    make, needles = FOREIGN[kind]
    path = tmp_path / "register.db"
    make(path, template_db)
    before = path.read_bytes() if path.exists() else None
    result = run(*command, db=path, check_exit=1)
    for needle in needles:
        assert needle in result.stderr
    assert str(path) in result.stderr
    assert result.stdout == ""
    if before is None:
        assert not path.exists()
    else:
        assert path.read_bytes() == before
    no_leftovers(path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ([path.name] if before is not None else [])


def test_a_folder_is_refused(run, tmp_path):
    result = run("list", db=tmp_path, check_exit=1)
    assert "folder" in result.stderr


def test_actreg_db_pointing_at_a_foreign_file_is_refused(run, tmp_path):
    path = tmp_path / "notes.csv"
    _csv(path, path)
    before = path.read_bytes()
    result = run("list", env={"ACTREG_DB": str(path)}, check_exit=1)
    assert "CSV" in result.stderr
    assert path.read_bytes() == before


def test_a_register_in_a_folder_with_a_percent_escape_opens(run, template_db, tmp_path):
    folder = tmp_path / "Audit%20Committee"  # as synced from a SharePoint URL
    folder.mkdir()
    db = folder / "register.db"
    db.write_bytes(template_db.read_bytes())
    rows = run("list", "--format", "json", db=db).json()
    assert [r["ref"] for r in rows] == ["A1"]


def test_init_of_a_name_with_a_percent_escape(run, tmp_path):
    db = tmp_path / "Q3%202025.db"
    run("init", db=db)
    assert db.is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == [db.name]


def test_init_of_a_name_with_a_plain_percent(run, tmp_path):
    db = tmp_path / "50% done.db"
    run("init", db=db)
    run("list", db=db)
    assert sorted(p.name for p in tmp_path.iterdir()) == [db.name]
