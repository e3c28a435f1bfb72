"""The importer is headless: importing it loads no UI and no spreadsheet library."""

from __future__ import annotations

import subprocess
import sys


def test_importing_the_importer_loads_no_ui_and_no_openpyxl():
    code = (
        "import sys, db.importing.importer\n"
        "print(sorted(m for m in ('textual', 'tui', 'openpyxl') if m in sys.modules))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert proc.stdout.strip() == "[]"


def test_every_synonym_names_one_field():
    from db.importing.headers import _SYNONYMS, fold

    seen: dict[str, str] = {}
    for field, names in _SYNONYMS.items():
        for name in names:
            assert seen.setdefault(fold(name), field) == field, name
