"""`actreg list` starts fast because it imports only what listing needs.

Start-up is imports: pydantic (the models for what people type), importlib.metadata
(the version string), the importer, the exporters, the verifier and the write side
each cost more than the rest of `list` together. A verb that does not write, import,
export or verify must not load them. (The time itself is measured in
``bench/process_bench.py``; this test holds the cause.)
"""

from __future__ import annotations

import subprocess
import sys

import pytest

#: Modules `list` must not load, each for what it would cost it.
NOT_FOR_READING = (
    "pydantic",  # validation models: only a write builds one
    "importlib.metadata",  # only for --version
    "pydantic_core",  # only when a write validates or a snapshot's rows are read
    "orjson",  # only when an entry is hashed (a write, verify)
    "tabulate",  # imports importlib.metadata itself
    "db.store.models",
    "db.store.register",
    "db.importing.importer",
    "db.exporting.exporter",
    "db.exporting.table",  # (and the snapshot diffs it reads)
    "db.cycles.diffs",
    "db.cycles.triage",
    "db.importing.headers",
    "socket",  # (a temp file's name has the host in it: only writes make one)
    "db.integrity.verifier",
    "textual",
    "rich",
    # The other commands' modules: a run builds only its own command's parser.
    "tui.cli.cycle_verbs",
    "tui.cli.import_verbs",
    "tui.cli.triage_verbs",
    "tui.cli.query_verbs",
    "tui.cli.round_verbs",
    "db.cycles.meetings",
    # Only upgrading an older file needs the upgrades and the chain writer.
    "db.store.effective_dates_migration",
    "db.store.round_chain_migration",
    "db.store.chain",
    # Stdlib the read path does without: dataclasses brings inspect, ast, dis and
    # tokenize; uuid brings platform (only a new entry needs one); hashlib loads
    # OpenSSL (only a write or verify hashes); calendar brings locale (month names).
    "dataclasses",
    "uuid",
    "hashlib",
    "calendar",
)


def _loaded_after(template_db, *argv: str) -> list[str]:
    code = (
        "import sys\n"
        "from tui.launch import main\n"
        f"main({['--db', str(template_db), *argv]!r})\n"
        f"print(sorted(m for m in {NOT_FOR_READING!r} if m in sys.modules), file=sys.stderr)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    return proc.stderr.strip().splitlines()[-1]


@pytest.mark.parametrize(
    "argv",
    [("list",), ("list", "--format", "csv"), ("list", "--format", "json")],
    ids=["table", "csv", "json"],
)
def test_reading_verbs_load_no_write_import_export_or_ui_code(template_db, argv):
    assert _loaded_after(template_db, *argv) == "[]"


def test_a_write_still_validates_with_the_models(run, fresh_db):
    result = run("add", "--ref", "NEW-1", "--title", "T", "--owner", "O", "--target",
                 "2025-13-01", db=fresh_db, check_exit=1)  # fmt: skip
    assert "target date" in result.stderr


def test_the_tui_starts_without_validation_or_office_libraries():
    # The app's screens import the write side and the update-round code; pydantic,
    # pydantic_core and openpyxl load when something is written, read or exported.
    # (xml.sax's escape, for DOCX, brought urllib.request and http.client: 13 ms.)
    code = (
        "import sys, tui.app.app, tui.launch\n"
        "print(sorted(m for m in ('pydantic', 'pydantic_core', 'openpyxl', 'docx', 'xml.sax',"
        " 'urllib.request', 'http.client') if m in sys.modules))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert proc.stdout.strip() == "[]"


def test_the_layout_names_the_command_line_offers_are_the_layouts():
    from db.exporting.format_names import LAYOUT_NAMES
    from db.exporting.layouts import LAYOUTS

    assert tuple(LAYOUTS) == LAYOUT_NAMES


def test_opening_the_tui_builds_no_command_parser(template_db):
    # With no command named, no command's module is imported before the app opens.
    code = (
        "import sys\n"
        "from tui.cli.main import main\n"
        f"main(['--db', {str(template_db)!r}], open_app=lambda conn, author: None)\n"
        "print(sorted(m for m in sys.modules if m.startswith('tui.cli.') and 'verbs' in m))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert proc.stdout.strip() == "[]"
