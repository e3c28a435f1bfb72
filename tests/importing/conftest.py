"""Helpers for the import tests: the fixture files, and an import that checks `verify` after."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import pytest

from db.importing import importer
from db.integrity.verifier import verify

FIXTURES = Path(__file__).parent / "fixtures"
AUTHOR = "Ida Importer"


def problems_of(result_or_plan, level: str | None = None) -> list[tuple]:
    """(level, row, column, message) of every problem, optionally of one level."""
    plan = getattr(result_or_plan, "plan", result_or_plan)
    return [
        (p.level, p.row, p.column, p.message)
        for p in plan.problems
        if level is None or p.level == level
    ]


def file_hash(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


@pytest.fixture
def do_import(conn, clock) -> Callable[..., importer.ImportResult]:
    """do_import(name_or_path, **options): import into `conn`, then check verify passes."""

    def _import(name: str | Path, **options) -> importer.ImportResult:
        path = FIXTURES / name if isinstance(name, str) else name
        clock.advance(60)
        result = importer.import_file(conn, path, author=AUTHOR, clock=clock, **options)
        report = verify(conn)
        assert report.ok, report.problems
        return result

    return _import
