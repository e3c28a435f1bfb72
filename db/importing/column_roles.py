"""The ref and the title of a tracker whose headings do not say which they are.

Published trackers often list the recommendations themselves as the rows:
"Recommendation number, Theme, Recommendation, Status, ...". No heading names the
action, and two headings name the recommendation. The headings alone cannot settle
it, the values can: the column of long wording is the title (each recommendation
becomes an action), and a column headed as a number ("... number", "... no",
"Rec no", "#") whose values are short, unique and number-like is the ref. Each
decision is reported with its reason; a column the user mapped with --map is
never moved, and --map decides anything this leaves open.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from db.importing import headers

#: "1", "2.3", "R4", "Rec 12", "1a", "A-7": a reference, not wording.
_NUMBER_LIKE = re.compile(r"[A-Za-z]{0,4}[ .\-]?\d{1,4}(?:[.\-/]\d{1,4})*[A-Za-z]?")
_NUMBER_HEADINGS = ("number", "no", "num", "ref", "id")
#: Wording: most values run to several words.
_WORDS = 4


def _number_heading(name: str) -> bool:
    raw = name.strip().rstrip(".:")
    return raw in ("#", "No") or headers.fold(name).endswith(_NUMBER_HEADINGS)


def _number_like(values: Sequence[str]) -> bool:
    return bool(values) and all(len(v) <= 12 and _NUMBER_LIKE.fullmatch(v) for v in values)


def _wording(values: Sequence[str]) -> bool:
    long = sum(1 for v in values if len(v.split()) >= _WORDS)
    return bool(values) and long * 2 >= len(values)


def _shown(values: Sequence[str]) -> str:
    return ", ".join(repr(v) for v in values[:3]) + (", ..." if len(values) > 3 else "")


def settle_roles(
    columns: list[tuple[str, str | None]],
    values: list[list[str]],
    mapping: dict[str, str],
) -> list[tuple[str, str]]:
    """Choose the title and the ref by values when no heading names them.

    `columns` ((heading, field)) is changed in place; `values` holds each column's
    non-blank cells. Returns (heading, why) for each column given a new role.
    """
    decided: list[tuple[str, str]] = []

    def has(name: str) -> bool:
        return any(f == name for _, f in columns)

    def free(i: int) -> bool:
        return headers.fold(columns[i][0]) not in mapping  # --map always wins

    if not has("title"):
        for i, (name, field) in enumerate(columns):
            if field == "recommendation" and free(i) and _wording(values[i]):
                columns[i] = (name, "title")
                why = "read as the title: no column names the action; this one holds wording"
                decided.append((name, why))
                break
    if not has("ref"):
        for i, (name, field) in enumerate(columns):
            column = values[i]
            if (field in (None, "recommendation") and free(i) and _number_heading(name)
                    and _number_like(column) and len(set(column)) == len(column)):  # fmt: skip
                columns[i] = (name, "ref")
                why = f"read as the ref: no Ref column; headed as a number, unique {_shown(column)}"
                decided.append((name, why))
                break
    return decided
