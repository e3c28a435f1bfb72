"""`actreg demo`: a believable register with history, that verifies."""

from __future__ import annotations

import pytest

#: The demo's dates are relative to the real "now"; don't move "today" for these tests.
REAL_TODAY = {"ACTREG_TODAY": None}


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory, run):
    db = tmp_path_factory.mktemp("demo") / "demo.db"
    result = run("demo", db=db, env=REAL_TODAY, timeout=120)
    assert str(db) in result.stdout
    return db


def test_demo_has_at_least_twenty_actions(run, demo_db):
    rows = run("list", "--format", "json", db=demo_db, env=REAL_TODAY).json()
    assert len(rows) >= 20
    assert len({r["ref"] for r in rows}) == len(rows)
    assert len({r["status"] for r in rows}) >= 3
    assert any(r["target_revisions"] for r in rows)


def test_demo_verifies(run, demo_db):
    result = run("verify", db=demo_db, env=REAL_TODAY)
    assert "Head hash: " in result.stdout


def test_demo_has_overdue_actions(run, demo_db):
    rows = run("list", "--overdue", "--format", "json", db=demo_db, env=REAL_TODAY).json()
    assert rows
    assert all(r["overdue"] for r in rows)


def test_demo_refuses_an_existing_file(run, demo_db, no_leftovers):
    before = demo_db.read_bytes()
    result = run("demo", db=demo_db, env=REAL_TODAY, check_exit=1)
    assert "already exists" in result.stderr
    assert demo_db.read_bytes() == before
    no_leftovers(demo_db)


def test_demo_without_db_creates_the_default_register(run, tmp_path):
    data_home = tmp_path / "xdg"
    env = {**REAL_TODAY, "XDG_DATA_HOME": str(data_home), "HOME": str(tmp_path), "ACTREG_DB": None}
    run("demo", env=env, timeout=120)
    default = data_home / "actreg" / "register.db"
    assert default.is_file()
    assert len(run("list", "--format", "json", env=env).json()) >= 20
