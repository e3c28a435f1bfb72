"""The wheel carries everything actreg needs, and works installed in a fresh venv.

schema.sql lives at the repository root and is force-included into the wheel as
db/schema.sql; db must find it there when installed (not only in a checkout).
The fresh venv gets the wheel with --no-deps and borrows this venv's
site-packages for the dependencies through a .pth file (no network), so the
test checks that `db` is imported from the new venv itself, not from the
editable install this venv has.
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.slow


def _run(args: list[str | Path], *, cwd: Path, env: dict[str, str] | None = None, timeout=300):
    proc = subprocess.run(
        [str(a) for a in args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    shown = f"{' '.join(map(str, args))} -> exit {proc.returncode}\n{proc.stdout}\n{proc.stderr}"
    assert proc.returncode == 0, shown
    assert "Traceback" not in proc.stderr, shown
    return proc


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    _run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            out,
            ROOT,
        ],
        cwd=out,
    )
    (built,) = out.glob("actreg-*.whl")
    return built


def test_the_wheel_carries_the_schema_and_both_packages(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "db/schema.sql" in names
    assert "schema.sql" not in names  # only inside the db package
    for package in ("db", "tui"):
        # every module and data file (every .py and .sql), subpackages included
        expected = {
            p.relative_to(ROOT).as_posix()
            for p in (ROOT / package).rglob("*")
            if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"
        }
        assert f"{package}/__init__.py" in expected
        assert expected <= names, sorted(expected - names)
    with zipfile.ZipFile(wheel) as archive:
        packed = archive.read("db/schema.sql").decode("utf-8")
    assert packed == (ROOT / "schema.sql").read_text(encoding="utf-8")
    entry_points = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
    assert "actreg = tui.launch:main" in zipfile.ZipFile(wheel).read(entry_points).decode()


def _site_packages(python: Path) -> Path:
    out = _run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        cwd=python.parent,
    )
    return Path(out.stdout.strip())


def test_the_wheel_works_in_a_fresh_venv(wheel, tmp_path):
    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", venv], cwd=tmp_path)
    python = venv / "bin" / "python"
    _run([python, "-m", "pip", "install", "--no-deps", "--no-index", wheel], cwd=tmp_path)
    new_site = _site_packages(python)
    assert new_site.is_relative_to(venv)
    # Dependencies (textual, pydantic, ...) come from this venv, without the network.
    # The .pth line is appended to sys.path, after the new venv's own site-packages.
    ours = Path(sysconfig.get_paths()["purelib"])
    (new_site / "zz_borrowed_dependencies.pth").write_text(f"{ours}\n")

    elsewhere = tmp_path / "elsewhere"  # not the repo: `import db` must not find ./db
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ACTREG_", "PYTHON"))}
    env.update(
        HOME=str(tmp_path / "home"),
        XDG_DATA_HOME=str(tmp_path / "xdg-data"),
        XDG_STATE_HOME=str(tmp_path / "xdg-state"),
        ACTREG_AUTHOR="Packaging Test",
    )
    where = _run(
        [python, "-c", "import db, tui; print(db.__file__); print(tui.__file__)"],
        cwd=elsewhere,
        env=env,
    ).stdout.split()
    for module_file in where:
        assert Path(module_file).resolve().is_relative_to(new_site.resolve()), where
    assert (new_site / "db" / "schema.sql").is_file()

    actreg = venv / "bin" / "actreg"
    version = _run([actreg, "--version"], cwd=elsewhere, env=env).stdout.strip()
    assert version.startswith("actreg ")
    assert version != "actreg 0+unknown"

    register = elsewhere / "installed.db"
    verb = "demo" if (ROOT / "db" / "demo.py").is_file() else "init"
    _run([actreg, "--db", register, verb], cwd=elsewhere, env=env)
    result = _run([actreg, "--db", register, "verify"], cwd=elsewhere, env=env)
    assert "Head hash: " in result.stdout
    listed = _run([actreg, "--db", register, "list", "--format", "json"], cwd=elsewhere, env=env)
    assert listed.stdout.strip().startswith("[")
