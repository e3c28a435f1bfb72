"""The writers load their libraries when they run: importing db stays fast and headless."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("openpyxl", "docx", "tabulate", "lxml", "textual", "tui")


def test_importing_the_exporters_loads_no_format_library_and_no_ui():
    code = (
        "import sys, db.exporting.exporter, db.exporting.formats\n"
        f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, timeout=60)  # fmt: skip
    assert proc.stdout.strip() == "[]"
