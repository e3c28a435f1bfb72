"""The command's conventions: --version, usage errors, where the register and author come from,
init, and ACTREG_TODAY."""

from __future__ import annotations

import datetime as dt
import re
from importlib.metadata import version

import pytest


def test_version_prints_the_installed_version(run):
    result = run("--version")
    assert result.stdout.strip() == f"actreg {version('actreg')}"
    assert re.fullmatch(r"actreg \d+\.\d+\.\d+\S*", result.stdout.strip())


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["frobnicate"], id="unknown-command"),
        pytest.param(
            ["add", "--title", "T", "--owner", "O", "--target", "2025-01-01"], id="no-ref"
        ),
        pytest.param(["edit", "A1", "title", "New title"], id="edit-without-reason"),
        pytest.param(["list", "--format", "xml"], id="bad-format"),
        pytest.param(["update", "A1", "--note", "n", "--expect-version", "two"], id="bad-version"),
        pytest.param(["show"], id="show-without-ref"),
        pytest.param(["list", "--no-such-option"], id="unknown-option"),
    ],
)
def test_usage_errors_exit_2_and_change_nothing(run, fresh_db, db_state, args):
    before = db_state(fresh_db)
    result = run(*args, db=fresh_db, check_exit=2)
    assert result.stdout == ""
    assert "usage:" in result.stderr
    assert db_state(fresh_db) == before


def test_edit_names_the_missing_reason(run, fresh_db):
    result = run("edit", "A1", "title", "New title", db=fresh_db, check_exit=2)
    assert "--reason" in result.stderr


def test_global_options_work_before_and_after_the_command(run, fresh_db, show_json):
    before = run("--db", fresh_db, "list", "--format", "json").json()
    after = run("list", "--format", "json", "--db", fresh_db).json()
    assert before == after
    assert [r["ref"] for r in after] == ["A1"]
    run("update", "A1", "--note", "after the verb", "--db", fresh_db, "--author", "Ola After")
    run("--author", "Bea Before", "--db", fresh_db, "update", "A1", "--note", "before the verb")
    authors = [e["author"] for e in show_json(fresh_db, "A1")["log"][:2]]
    assert authors == ["Bea Before", "Ola After"]


def test_register_comes_from_db_then_actreg_db(run, fresh_db, tmp_path):
    other = tmp_path / "other.db"
    run("init", db=other)
    from_env = run("list", "--format", "json", env={"ACTREG_DB": str(fresh_db)}).json()
    assert [r["ref"] for r in from_env] == ["A1"]
    # --db wins over ACTREG_DB
    from_flag = run("list", "--format", "json", db=other, env={"ACTREG_DB": str(fresh_db)})
    assert from_flag.json() == []


def test_author_comes_from_flag_then_env_then_login(run, fresh_db, show_json, author):
    login = {"LOGNAME": "os-login", "USER": "os-login", "LNAME": None, "USERNAME": None}
    run("update", "A1", "--note", "one", db=fresh_db, env={"ACTREG_AUTHOR": "Env Author", **login})
    run(
        "update",
        "A1",
        "--note",
        "two",
        "--author",
        "Flag Author",
        db=fresh_db,
        env={"ACTREG_AUTHOR": "Env Author", **login},
    )
    run("update", "A1", "--note", "three", db=fresh_db, env={"ACTREG_AUTHOR": None, **login})
    log = show_json(fresh_db, "A1")["log"]
    assert [(e["commentary"], e["author"]) for e in log[:3]] == [
        ("three", "os-login"),
        ("two", "Flag Author"),
        ("one", "Env Author"),
    ]
    assert log[-1]["author"] == author  # the template's `add`


def test_author_with_a_control_character_is_refused(run, fresh_db, db_state):
    before = db_state(fresh_db)
    result = run(
        "update", "A1", "--note", "n", "--author", "Eve\x1b[31m", db=fresh_db, check_exit=1
    )
    assert "author" in result.stderr
    assert db_state(fresh_db) == before


def test_init_and_list_use_the_default_register_in_the_data_folder(
    run, sandbox, tmp_path, add_args
):
    data_home = tmp_path / "xdg"
    env = {"XDG_DATA_HOME": str(data_home), "HOME": str(tmp_path / "home"), "ACTREG_DB": None}
    result = run("init", env=env)
    default = data_home / "actreg" / "register.db"
    assert default.is_file()
    assert str(default) in result.stdout
    run(*add_args("D1"), env=env)
    assert [r["ref"] for r in run("list", "--format", "json", env=env).json()] == ["D1"]
    assert not (sandbox.cwd / "register.db").exists()


def test_db_path_expands_the_home_folder(run, sandbox):
    run("init", db="~/tilde.db")
    assert (sandbox.home / "tilde.db").is_file()
    run("list", db="~/tilde.db")


def test_init_refuses_an_existing_file(run, fresh_db):
    before = fresh_db.read_bytes()
    result = run("init", db=fresh_db, check_exit=1)
    assert "already exists" in result.stderr
    assert fresh_db.read_bytes() == before


def test_init_refuses_to_overwrite_a_foreign_file(run, tmp_path):
    target = tmp_path / "notes.db"
    target.write_text("ref,title\nA1,keep me\n")
    result = run("init", db=target, check_exit=1)
    assert "already exists" in result.stderr
    assert target.read_text() == "ref,title\nA1,keep me\n"


def test_init_in_a_missing_folder_is_refused(run, tmp_path):
    target = tmp_path / "no" / "such" / "folder" / "r.db"
    result = run("init", db=target, check_exit=1)
    assert "does not exist" in result.stderr
    assert not target.parent.exists()


def test_init_with_a_control_character_in_the_name_is_refused(run, tmp_path):
    target = tmp_path / "r.db"
    result = run("init", "--name", "Bad\x07name", db=target, check_exit=1)
    assert "name" in result.stderr
    assert not target.exists()


def test_init_with_a_control_character_in_the_organisation_is_refused(run, tmp_path):
    target = tmp_path / "r.db"
    result = run("init", "--organisation", "Evil\x1b[2J\x07Council", db=target, check_exit=1)
    assert "organisation" in result.stderr
    assert not target.exists()


def test_actreg_today_moves_overdue_but_never_the_recorded_time(run, fresh_db, show_json):
    past = {"ACTREG_TODAY": "2020-01-01"}
    run("update", "A1", "--note", "written on a fake today", db=fresh_db, env=past)
    entry = show_json(fresh_db, "A1")["log"][0]
    recorded = dt.datetime.fromisoformat(entry["recorded_at"].replace("Z", "+00:00"))
    assert abs(recorded - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=5)
    assert not entry["recorded_at"].startswith("2020-01-01")


def test_a_malformed_actreg_today_is_refused_naming_it(run, fresh_db):
    result = run("list", db=fresh_db, env={"ACTREG_TODAY": "06/30/2025"}, check_exit=1)
    assert "ACTREG_TODAY" in result.stderr
