"""Fixtures for the TUI tests: a small, fixed register file under tmp_path."""

from __future__ import annotations

from pathlib import Path

import pytest

from db.store.connection import open_register
from tests.tui.tui_helpers import TODAY, build_register


@pytest.fixture
def mat_path(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("ACTREG_TODAY", TODAY)
    path = tmp_path / "register.db"
    build_register(path)
    return path


@pytest.fixture
def mat_conn(mat_path):
    connection = open_register(mat_path)
    yield connection
    connection.close()
