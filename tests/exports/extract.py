"""Read XLSX, DOCX and HTML exports back into plain data, as a user's tools would see them.

XLSX and DOCX files are zips with timestamps inside, so their goldens hold this
extracted content (values, types, formats, fills, layout), never the bytes.
"""

from __future__ import annotations

import datetime as dt
import json
from html.parser import HTMLParser
from pathlib import Path


def _plain(value: object) -> object:
    if isinstance(value, dt.datetime | dt.date):
        return {"date": value.isoformat()}
    return value


def xlsx_content(path: Path) -> dict:
    from openpyxl import load_workbook

    wb = load_workbook(path)
    sheets = {}
    for ws in wb.worksheets:
        rows = []
        for row in ws.iter_rows():
            cells = []
            for cell in row:
                if cell.value is None:
                    cells.append(None)
                    continue
                out: dict = {"v": _plain(cell.value), "t": cell.data_type}
                if cell.number_format != "General":
                    out["fmt"] = cell.number_format
                if cell.fill.fill_type == "solid":
                    out["fill"] = cell.fill.fgColor.rgb
                if cell.font.bold:
                    out["bold"] = True
                if cell.alignment.wrap_text:
                    out["wrap"] = True
                cells.append(out)
            rows.append(cells)
        sheets[ws.title] = {
            "freeze_panes": ws.freeze_panes,
            "auto_filter": ws.auto_filter.ref,
            "widths": {k: d.width for k, d in sorted(ws.column_dimensions.items())},
            "rows": rows,
        }
    return {"sheets": sheets, "order": wb.sheetnames}


def docx_content(path: Path) -> dict:
    import docx
    from docx.oxml.ns import qn

    doc = docx.Document(str(path))
    section = doc.sections[0]
    tables = []
    for table in doc.tables:
        rows = []
        for row in table.rows:
            tr_pr = row._tr.trPr
            header = tr_pr is not None and tr_pr.find(qn("w:tblHeader")) is not None
            cells = []
            for cell in row.cells:
                shd = cell._tc.tcPr.find(qn("w:shd")) if cell._tc.tcPr is not None else None
                fill = shd.get(qn("w:fill")) if shd is not None else None
                cells.append([cell.text, fill] if fill else cell.text)
            rows.append({"header": True, "cells": cells} if header else cells)
        tables.append(rows)
    return {
        "orientation": section.orientation.name,
        "page_mm": [round(section.page_width.mm), round(section.page_height.mm)],
        "margins_mm": [
            round(getattr(section, f"{side}_margin").mm, 1)
            for side in ("left", "right", "top", "bottom")
        ],
        "paragraphs": [[p.style.name, p.text] for p in doc.paragraphs],
        "tables": tables,
        "footer": [p.text for p in section.footer.paragraphs],
        "title": doc.core_properties.title,
    }


def as_json(content: dict) -> bytes:
    return (json.dumps(content, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode()


class HtmlReader(HTMLParser):
    """Collects every table's rows of cell texts, the start tags seen, and all text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[list[list[str]]] = []
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []
        self._cell: list[str] | None = None
        self._depth = 0

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self.tables[-1][-1].append("".join(self._cell))
            self._cell = None

    def handle_data(self, data):
        self.text.append(data)
        if self._cell is not None:
            self._cell.append(data)


def read_html(path: Path) -> HtmlReader:
    reader = HtmlReader()
    reader.feed(path.read_text(encoding="utf-8"))
    reader.close()
    return reader


def read_csv(path: Path) -> tuple[list[str], list[str], list[dict]]:
    """(preamble lines, header, rows as dicts) of an actreg CSV: the "# " lines above the
    blank line, then the table, as the csv module reads them."""
    import csv

    with open(path, encoding="utf-8-sig", newline="") as handle:
        records = list(csv.reader(handle))
    blank = records.index([])
    preamble = [r[0] for r in records[:blank]]
    header = records[blank + 1]
    return preamble, header, [dict(zip(header, r, strict=True)) for r in records[blank + 2 :]]
