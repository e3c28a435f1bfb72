"""Fixtures for the command-line tests: the real `actreg` command, run as a subprocess.

Every test goes through :func:`run_actreg` (the ``run`` fixture), which runs the
installed console script (what users type) with an explicit environment and
checks the CLI contract on every call, whatever the test is about:

- no traceback ever reaches stderr, and no "internal error" (the CLI's message
  for a bug) unless a test says it expects one;
- exit 1 means a refused or failed operation, with stderr starting "actreg: ";
- exit 2 means a usage error, reported as "actreg: usage error: ...".

The environment is built afresh: no ACTREG_* variable leaks in from the shell,
HOME and the XDG folders point into a temporary folder (so a default register or
an error log never lands in the real home), the author is fixed and "today" is
fixed at :data:`TODAY` unless a test overrides it.

Subprocesses cost about 0.2 s each, so tests that only read share registers
built once per module or session, and tests that write start from a copy of a
template register instead of running `init` and `add` again.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

#: "Today" for every run unless a test overrides ACTREG_TODAY.
TODAY = "2025-06-30"
#: The author every run records unless a test overrides it.
AUTHOR = "Tess Tester"


def _find_actreg() -> Path:
    beside = Path(sys.executable).parent / "actreg"
    if beside.is_file():
        return beside
    found = shutil.which("actreg")
    if found is None:  # pragma: no cover - the suite runs from the project's venv
        raise RuntimeError("the actreg console script is not installed in this environment")
    return Path(found)


ACTREG = _find_actreg()


@dataclass(frozen=True)
class Result:
    args: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str

    def json(self):
        return json.loads(self.stdout)

    def __str__(self) -> str:  # shown by pytest when an assertion about a Result fails
        return (
            f"actreg {' '.join(self.args)} -> exit {self.returncode}\n"
            f"--- stdout\n{self.stdout}--- stderr\n{self.stderr}"
        )


@dataclass(frozen=True)
class Sandbox:
    """Where runs happen: a fake home with XDG folders, and a working folder."""

    root: Path

    @property
    def home(self) -> Path:
        return self.root / "home"

    @property
    def data_home(self) -> Path:
        return self.root / "xdg-data"

    @property
    def cwd(self) -> Path:
        return self.root / "cwd"

    def env(self, overrides: Mapping[str, str | None] | None = None) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("ACTREG_")}
        env.update(
            HOME=str(self.home),
            XDG_DATA_HOME=str(self.data_home),
            XDG_STATE_HOME=str(self.root / "xdg-state"),
            XDG_CONFIG_HOME=str(self.root / "xdg-config"),
            XDG_CACHE_HOME=str(self.root / "xdg-cache"),
            ACTREG_AUTHOR=AUTHOR,
            ACTREG_TODAY=TODAY,
        )
        for key, value in (overrides or {}).items():
            if value is None:
                env.pop(key, None)
            else:
                env[key] = value
        return env

    def make(self) -> Sandbox:
        for folder in (self.home, self.cwd):
            folder.mkdir(parents=True, exist_ok=True)
        return self


def run_actreg(
    sandbox: Sandbox,
    *args: object,
    db: Path | str | None = None,
    env: Mapping[str, str | None] | None = None,
    check_exit: int | Collection[int] | None = 0,
    allow_internal_error: bool = False,
    cwd: Path | None = None,
    timeout: float = 60,
) -> Result:
    """Run `actreg [--db DB] ARGS...` and check the contract (see the module docstring).

    `check_exit`: the exit status wanted (an int or a collection), or None for any.
    `env`: variables to add or change; a value of None removes the variable.
    """
    argv = [str(a) for a in args]
    if db is not None:
        argv = ["--db", str(db), *argv]
    proc = subprocess.run(
        [str(ACTREG), *argv],
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        env=sandbox.env(env),
        cwd=cwd or sandbox.cwd,
        timeout=timeout,
        check=False,
    )
    result = Result(tuple(argv), proc.returncode, proc.stdout, proc.stderr)
    shown = str(result)
    assert "Traceback" not in result.stderr, shown
    assert "Traceback" not in result.stdout, shown
    if not allow_internal_error:
        assert "internal error" not in result.stderr, shown
    assert result.returncode in (0, 1, 2), shown
    if result.returncode == 1:
        assert result.stderr.startswith("actreg: "), shown
    if result.returncode == 2:
        assert "actreg: usage error: " in result.stderr, shown
    if check_exit is not None:
        wanted = {check_exit} if isinstance(check_exit, int) else set(check_exit)
        assert result.returncode in wanted, shown
    return result


@pytest.fixture(scope="session")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Sandbox:
    return Sandbox(tmp_path_factory.mktemp("actreg-cli")).make()


Run = Callable[..., Result]


@pytest.fixture(scope="session")
def run(sandbox: Sandbox) -> Run:
    """run(*args, db=None, env=None, check_exit=0, ...): the real actreg, contract-checked."""

    def _run(*args: object, **kwargs) -> Result:
        return run_actreg(sandbox, *args, **kwargs)

    return _run


@pytest.fixture(scope="session")
def start(sandbox: Sandbox) -> Callable[..., subprocess.Popen]:
    """start(*args, db=None, env=None, **popen_kwargs): actreg as a Popen, for concurrency
    and pipe tests (the caller checks the outcome; stdout/stderr are pipes by default)."""

    def _start(*args: object, db=None, env=None, **kwargs) -> subprocess.Popen:
        argv = [str(a) for a in args]
        if db is not None:
            argv = ["--db", str(db), *argv]
        kwargs.setdefault("stdout", subprocess.PIPE)
        kwargs.setdefault("stderr", subprocess.PIPE)
        return subprocess.Popen(
            [str(ACTREG), *argv], env=sandbox.env(env), cwd=sandbox.cwd, text=True, **kwargs
        )

    return _start


# --- registers --------------------------------------------------------------

#: The one action of the template register.
A1 = {
    "ref": "A1",
    "title": "Publish the SEND transport policy",
    "owner": "Ann Archer",
    "directorate": "Finance",
    "theme": "Governance",
    "target": "2025-06-30",
}


def build_add_args(ref: str, **fields: str) -> list[str]:
    """The arguments of `actreg add` for one action (title, owner and target defaulted)."""
    values = {"title": f"Action {ref}", "owner": "Ann Archer", "target": "2025-06-30", **fields}
    args = ["add", "--ref", ref]
    for name, value in values.items():
        args += [f"--{name}", value]
    return args


@pytest.fixture(scope="session")
def add_args() -> Callable[..., list[str]]:
    """add_args(ref, **fields): the arguments of `actreg add` (title, owner, target defaulted)."""
    return build_add_args


@pytest.fixture(scope="session")
def author() -> str:
    """The author every run records unless a test overrides it."""
    return AUTHOR


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory, run: Run) -> Path:
    """A register with one action, A1 (see :data:`A1`), built once and never written again."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    run("init", "--name", "CLI test register", db=path)
    run(*build_add_args(**A1), db=path)
    leftovers = [p.name for p in path.parent.iterdir() if p != path]
    assert not leftovers, f"a closed register left files behind: {leftovers}"
    return path


@pytest.fixture
def fresh_db(template_db: Path, tmp_path: Path) -> Path:
    """A private copy of the template register (A1 only), for tests that write."""
    path = tmp_path / "register.db"
    shutil.copyfile(template_db, path)
    return path


@dataclass(frozen=True)
class DbState:
    """What a refused command must leave exactly as it was, read with plain sqlite3."""

    entries: tuple
    actions: tuple


def read_db_state(path: Path) -> DbState:
    conn = sqlite3.connect(path)
    try:
        return DbState(
            entries=tuple(conn.execute("SELECT * FROM progress_log ORDER BY id")),
            actions=tuple(conn.execute("SELECT * FROM action ORDER BY id")),
        )
    finally:
        conn.close()


@pytest.fixture(scope="session")
def db_state() -> Callable[[Path], DbState]:
    """db_state(path): every log entry and action row, for before/after comparisons."""
    return read_db_state


@pytest.fixture(scope="session")
def show_json(run: Run) -> Callable[[Path, str], dict]:
    """show_json(db, ref): `actreg show REF --format json`, parsed."""

    def _show(db: Path, ref: str) -> dict:
        return run("show", ref, "--format", "json", db=db).json()

    return _show


@pytest.fixture(scope="session")
def list_json(run: Run) -> Callable[..., list[dict]]:
    """list_json(db, *filters, env=None): `actreg list ... --format json`, parsed."""

    def _list(db: Path, *filters: str, env=None) -> list[dict]:
        return run("list", *filters, "--format", "json", db=db, env=env).json()

    return _list


@pytest.fixture(scope="session")
def no_leftovers() -> Callable[[Path], None]:
    """no_leftovers(path): assert no -wal, -shm or -journal file sits beside `path`."""

    def _check(path: Path) -> None:
        for suffix in ("-wal", "-shm", "-journal"):
            side = path.with_name(path.name + suffix)
            assert not side.exists(), f"{side.name} was created next to {path.name}"

    return _check
