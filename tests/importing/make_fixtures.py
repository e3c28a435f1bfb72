"""Write the import test fixtures: the messy tables people really keep.

Run ``python -m tests.importing.make_fixtures`` (from the repository root) to
regenerate tests/importing/fixtures/ after changing this script; the files are
committed so a test reads exactly what a person would hand actreg. Every file is
built from literal rows here, so each test can name the row and column it expects.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"
HEADER = [
    "Ref",
    "Management action",
    "Lead officer",
    "Target date",
    "Status",
    "RAG",
    "Progress update",
]


def _csv(rows: list[list[str]], delimiter: str = ",") -> str:
    def cell(value: str) -> str:
        if any(ch in value for ch in (delimiter, '"', "\n", "\r")):
            return '"' + value.replace('"', '""') + '"'
        return value

    return "".join(delimiter.join(cell(v) for v in row) + "\r\n" for row in rows)


def _write(name: str, text: str, encoding: str = "utf-8") -> None:
    (FIXTURES / name).write_bytes(text.encode(encoding))


def _xlsx(
    name: str,
    rows: list[list[object]],
    merge: list[str] = (),
    sheet: str = "MAT",
    formats: dict[str, str] | None = None,
) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    for row in rows:
        ws.append(row)
    for cells in merge:
        ws.merge_cells(cells)
    for cell, number_format in (formats or {}).items():
        ws[cell].number_format = number_format
    fixed = dt.datetime(2026, 1, 5, 9, 0)
    wb.properties.created = wb.properties.modified = fixed
    wb.save(FIXTURES / name)


def write_all() -> None:
    FIXTURES.mkdir(exist_ok=True)
    # Ragged rows: row 3 is short (a warning); row 4 has an extra value (an error);
    # row 5 has extra cells that are empty (fine).
    _write(
        "ragged.csv",
        _csv(
            [
                HEADER,
                ["R1", "Complete row", "Ann Archer", "2026-03-31", "In progress", "Green", "ok"],
                ["R2", "Short row", "Ben Baker", "2026-04-30"],
                ["R3", "Long row", "Cat Cole", "2026-05-31", "Not started", "Amber", "", "stray"],
                ["R4", "Long but empty", "Dan Dee", "2026-06-30", "Not started", "Red", "", "", ""],
            ]
        ),
    )
    # Duplicate refs: row 4 repeats row 2's ref (case differs).
    _write(
        "duplicate_refs.csv",
        _csv(
            [
                HEADER,
                ["D1", "First", "Ann Archer", "2026-03-31", "Not started", "", ""],
                ["D2", "Second", "Ann Archer", "2026-03-31", "Not started", "", ""],
                ["d1", "First again", "Ben Baker", "2026-04-30", "Not started", "", ""],
            ]
        ),
    )
    # Duplicate headers: "Owner" and "Lead officer" both mean the owner.
    _write(
        "duplicate_headers.csv",
        _csv(
            [
                ["Ref", "Action", "Owner", "Target date", "Lead officer"],
                ["H1", "An action", "Ann Archer", "2026-03-31", "Ben Baker"],
            ]
        ),
    )
    # Windows-1252 (Excel's "CSV (Comma delimited)"): accents and smart quotes.
    _write(
        "cp1252.csv",
        _csv(
            [
                ["No.", "Action", "Responsible officer", "Target date", "Status", "Our progress"],
                [
                    "W1",
                    "Café review – “phase one”",
                    "Zoë Ångström",
                    "31/03/2026",
                    "Ongoing",
                    "It’s ‘nearly’ done – naïve estimate",
                ],
                ["W2", "Procurement rules", "José Müller", "30 June 2026", "Not started", ""],
            ]
        ),
        encoding="cp1252",
    )
    # UTF-8 with a byte-order mark (Excel's "CSV UTF-8").
    _write(
        "bom.csv",
        "\ufeff"
        + _csv(
            [
                ["Reference", "Action", "Owner", "Target date"],
                ["B1", "Résumé the policy", "Zoë Ångström", "2026-03-31"],
            ]
        ),
    )
    # An unterminated quote in row 4 (line 4): the rest of the file would be one cell.
    _write(
        "unterminated.csv",
        _csv(
            [
                ["Ref", "Action", "Owner", "Target date"],
                ["U1", "Fine", "Ann Archer", "2026-03-31"],
                ["U2", "Also fine", "Ben Baker", "2026-03-31"],
            ]
        )
        + 'U3,"Never closed,Cat Cole,2026-03-31\r\nU4,After,Dan Dee,2026-03-31\r\n',
    )
    # A 1 MB cell (row 3, Description): read, then refused by the length limit.
    _write(
        "big_cell.csv",
        _csv(
            [
                ["Ref", "Action", "Owner", "Target date", "Description"],
                ["M1", "Small", "Ann Archer", "2026-03-31", "short"],
                ["M2", "Huge description", "Ben Baker", "2026-03-31", "x" * 1_000_000],
                ["M3", "Small too", "Cat Cole", "2026-03-31", "short"],
            ]
        ),
    )
    # Semicolon-delimited (European Excel), with commas inside cells.
    _write(
        "semicolon.csv",
        _csv(
            [
                ["Ref", "Action", "Owner", "Target date", "Status"],
                ["S1", "Review, then publish", "Ann Archer", "31.03.26", "In progress"],
                ["S2", "Train staff; all of them", "Ben Baker", "2026-06-30", "Not started"],
            ],
            delimiter=";",
        ),
    )
    _write(
        "tabs.csv",
        _csv(
            [
                ["Ref", "Action", "Owner", "Target date"],
                ["T1", "Tab separated, with a comma", "Ann Archer", "2026-03-31"],
            ],
            delimiter="\t",
        ),
    )
    # UTF-16 without a byte-order mark: refused, not read as mojibake.
    _write("utf16.csv", _csv([["Ref", "Action"], ["X1", "Anything"]]), encoding="utf-16-le")
    rng = random.Random(6)
    (FIXTURES / "binary.csv").write_bytes(bytes(rng.randrange(256) for _ in range(2048)))
    # Free-text and every kind of date.
    dates = [
        "2026-03-31",
        "31/03/2026",
        "31-03-2026",
        "31.03.26",
        "31 March 2026",
        "31st March 2026",
        "March 2026",
        "Q3 2025",
        "Q3 2025/26",
        "2025 Q3",
        "summer 2025",
        "winter 2025",
        "by summer 2025",
        "end of March 2026",
        "ongoing",
        "TBC",
        "Complete",
        "",
    ]
    _write(
        "free_text_dates.csv",
        _csv(
            [["Ref", "Action", "Owner", "Target date"]]
            + [
                [f"F{i}", f"Dated {text or 'nothing'}", "Ann Archer", text]
                for i, text in enumerate(dates, start=1)
            ]
        ),
    )
    _write(
        "bad_dates.csv",
        _csv(
            [
                ["Ref", "Action", "Owner", "Target date", "Completed date"],
                ["E1", "Not a real day", "Ann Archer", "31/02/2026", ""],
                ["E2", "Month first", "Ann Archer", "03/31/2026", ""],
                ["E3", "Completed when?", "Ann Archer", "2026-03-31", "soon"],
                ["E4", "Fine", "Ann Archer", "2026-03-31", "15/03/2026"],
            ]
        ),
    )
    # Original and revised dates: created at the original, re-dated to the revised.
    _write(
        "original_revised.csv",
        _csv(
            [
                ["Ref", "Action", "Owner", "Original target date", "Revised target date", "Status"],
                ["O1", "Slipped once", "Ann Archer", "31/03/2025", "30/09/2025", "In progress"],
                ["O2", "On time", "Ben Baker", "31/03/2025", "31/03/2025", "In progress"],
                ["O3", "No revision", "Cat Cole", "Q1 2025/26", "", "Not started"],
            ]
        ),
    )
    # Two versions of one table: v2 moves a date, changes a status and RAG, adds an update.
    mat = [
        "No.",
        "Recommendation",
        "Management action",
        "Lead officer",
        "Directorate",
        "Target date",
        "Status",
        "RAG status",
        "Latest update",
        "Notes",
    ]
    v1 = [
        [
            "1",
            "R1",
            "Publish the policy",
            "Ann Archer",
            "Finance",
            "31/03/2026",
            "In progress",
            "G",
            "Drafted",
            "n/a",
        ],
        ["2", "R1", "Train staff", "Ben Baker", "People", "Q1 2026/27", "Not started", "A", "", ""],
        [
            "3",
            "R2",
            "Audit the contracts",
            "",
            "Finance",
            "ongoing",
            "In progress",
            "R",
            "Scoping",
            "check",
        ],
    ]
    v2 = [list(r) for r in v1]
    v2[0][6:9] = ["Complete", "Green", "Published on the website"]
    v2[1][5], v2[1][7] = "30/09/2026", "Red"
    v2 += [
        [
            "4",
            "R3",
            "New action in v2",
            "Dan Dee",
            "People",
            "December 2026",
            "Not started",
            "",
            "",
            "",
        ]
    ]
    _write("mat_v1.csv", _csv([mat, *v1]))
    _write("mat_v2.csv", _csv([mat, *v2]))
    # A merged title over the header (rows 1-2), as published trackers are laid out.
    _xlsx(
        "merged_header.xlsx",
        [
            ["Management Action Table: Lessons Learned Review", None, None, None, None, None],
            ["Governance and Audit Committee, March 2026", None, None, None, None, None],
            ["Ref", "Action", "Responsible officer", "Target date", "Status", "% complete"],
            [
                "X1",
                "Publish the policy",
                "Ann Archer",
                dt.datetime(2026, 3, 31),
                "In progress",
                0.5,
            ],
            ["X2", "Train staff", "Ben Baker", "Q3 2025/26", "Not started", 0],
            [1.1, "Numbered ref", "Cat Cole", dt.datetime(2026, 6, 30), "Completed", 1],
        ],
        merge=["A1:F1", "A2:F2"],
        formats={"F4": "0%", "F5": "0%", "F6": "0%"},
    )
    # Sections: a heading row (one cell) and blank rows between them.
    _xlsx(
        "sections.xlsx",
        [
            ["Ref", "Action", "Owner", "Target date", "RAG"],
            ["Theme 1: Governance", None, None, None, None],
            ["G1", "Refresh the constitution", "Ann Archer", dt.datetime(2026, 3, 31), "Amber"],
            [None, None, None, None, None],
            [None, None, None, None, None],
            ["Theme 2: Finance", None, None, None, None],
            ["F1", "Close the accounts", "Ben Baker", "March 2026", "On track"],
            [None, None, None, None, None],
            [None, "Theme 3: people (heading in column B)", None, None, None],
            ["P1", "Recruit", "Cat Cole", "summer 2026", "Off track"],
        ],
        sheet="Actions",
    )


if __name__ == "__main__":
    write_all()
    print(f"Wrote the fixtures to {FIXTURES}")
