"""An import plan: what a file's rows say, checked, before anything is written."""

from __future__ import annotations

from dataclasses import dataclass, field

from db.importing.columns import Problem


@dataclass
class ImportRow:
    number: int
    ref: str
    values: dict[str, object]
    """Checked values by import field; only non-empty cells of mapped columns."""
    texts: dict[str, str | None] = field(default_factory=dict)
    """The wording of each date cell, when it is not the ISO date itself, and of a status
    that says more than the status it is read as ("On hold")."""
    extra: list[str] = field(default_factory=list)
    """'Column: value' lines of unmapped columns (--keep-unmapped)."""


@dataclass
class ImportPlan:
    file_name: str
    sheet: str | None
    header_row: int
    columns: list[tuple[str, str | None]]
    """(header, field or None) for every column, in file order."""
    rows: list[ImportRow]
    problems: list[Problem]
    actreg_export: bool = False
    unreadable: bool = False
    """The file cannot be read to its end: refused even with --skip-invalid."""

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.level == "error"]

    @property
    def error_rows(self) -> list[int]:
        return sorted({p.row for p in self.errors if p.row is not None})

    def has(self, name: str) -> bool:
        return any(f == name for _, f in self.columns)
