"""DOCX: the appendix table, ready to paste into a committee report in Word.

A4 landscape with narrow margins; the title, the provenance and the changes
since the last meeting; then the paper's columns in 8 pt with the header row
repeated on every page. RAG cells are shaded and keep their word; overdue
target dates say OVERDUE. The footer carries the snapshot and log head hashes.
"""

from __future__ import annotations

import copy
from pathlib import Path

from db.exporting.table import PAPER_COLUMNS, ExportTable, change_counts
from db.store.dates import parse_utc_text

#: Column widths in millimetres; they fill A4 landscape less two 12.7 mm margins.
_WIDTHS_MM = {"ref": 13, "title": 46, "owner": 27, "directorate": 27, "status": 20,
              "rag": 15, "target_cell": 26, "last_commentary": 60, "change": 37.6}  # fmt: skip
_RAG_SHADES = {"red": "F4B6B6", "amber": "FFD98A", "green": "B9DFAE"}
_HEAD_SHADE = "1F3B57"
_MARGIN_MM = 12.7


def _shade(tc, fill: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    tc.get_or_add_tcPr().append(shd)


def _repeat_header(row) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    trPr = row._tr.get_or_add_trPr()
    for tag in ("w:cantSplit", "w:tblHeader"):
        el = OxmlElement(tag)
        el.set(qn("w:val"), "true")
        trPr.append(el)


def _put(cell, text: str, style, *, bold: bool = False, white: bool = False) -> None:
    from docx.shared import RGBColor

    paragraph = cell.paragraphs[0]
    paragraph._p.style = style.style_id  # as paragraph.style = style, without its slow lookup
    run = paragraph.add_run(text)  # python-docx writes "\n" as a line break, "\t" as a tab
    if bold:
        run.bold = True
    if white:
        run.font.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)


def write(table: ExportTable, path: Path) -> None:
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.enum.style import WD_STYLE_TYPE
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.shared import Mm, Pt
    from docx.text.run import Run

    doc = Document()
    props = doc.core_properties
    props.title = table.title()
    props.author = props.last_modified_by = "actreg"
    props.created = props.modified = parse_utc_text(table.taken_at).replace(microsecond=0)
    props.revision = 1

    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Mm(_MARGIN_MM))
    section.header_distance = section.footer_distance = Mm(6)

    normal = doc.styles["Normal"]
    normal.font.name = "Arial"
    normal.font.size = Pt(9)
    small = doc.styles.add_style("Actreg table text", WD_STYLE_TYPE.PARAGRAPH)
    small.base_style = normal
    small.font.size = Pt(8)
    small.paragraph_format.space_before = Pt(0)
    small.paragraph_format.space_after = Pt(0)

    doc.add_heading(table.title(), level=1)

    facts = doc.add_table(rows=0, cols=2)
    facts.style = "Table Grid"
    for label, value in table.provenance():
        cells = facts.add_row().cells
        _put(cells[0], label, small, bold=True)
        _put(cells[1], value, small)
        cells[0].width, cells[1].width = Mm(40), Mm(150)

    doc.add_heading("Changes since last meeting", level=2)
    counts = change_counts(table)
    if counts is None:
        doc.add_paragraph("No earlier snapshot: there is nothing to compare with.")
    else:
        doc.add_paragraph(f"Compared with {table.compared_with}.")
        grid = doc.add_table(rows=2, cols=len(counts))
        grid.style = "Table Grid"
        for i, (label, n) in enumerate(counts):
            _put(grid.rows[0].cells[i], label, small, bold=True)
            _put(grid.rows[1].cells[i], str(n), small)

    doc.add_heading(f"Actions ({len(table.rows)})", level=2)
    grid = doc.add_table(rows=1, cols=len(PAPER_COLUMNS))
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    grid.autofit = False
    widths = [Mm(_WIDTHS_MM[c.key]) for c in PAPER_COLUMNS]
    for grid_col, width in zip(grid._tbl.tblGrid.gridCol_lst, widths, strict=True):
        grid_col.w = width  # LibreOffice reads these; Word reads each cell's width
    head = grid.rows[0]
    _repeat_header(head)
    for cell, column, width in zip(head.cells, PAPER_COLUMNS, widths, strict=True):
        cell.width = width
        _put(cell, column.header, small, bold=True, white=True)
        _shade(cell._tc, _HEAD_SHADE)
    # Each action's row is a copy of one prototype row (widths, style, an empty run per
    # cell), filled in: building 1,000 rows through python-docx's API takes seconds.
    proto = grid.add_row()
    for cell, column, width in zip(proto.cells, PAPER_COLUMNS, widths, strict=True):
        cell.width = width
        _put(cell, "", small, bold=column.key == "rag")
    proto_tr = proto._tr
    grid._tbl.remove(proto_tr)
    rag_at = [c.key for c in PAPER_COLUMNS].index("rag")
    target_at = [c.key for c in PAPER_COLUMNS].index("target_cell")
    for row in table.rows:
        values = table.cells(row)
        tr = copy.deepcopy(proto_tr)
        grid._tbl.append(tr)
        runs = [tc.p_lst[0].r_lst[0] for tc in tr.tc_lst]
        for run, column in zip(runs, PAPER_COLUMNS, strict=True):
            value = values[column.key]
            run.text = "" if value is None else str(value)  # "\n" becomes a line break
        if row["rag"] is None:
            runs[rag_at].text = "Not rated"
        elif row["rag"] in _RAG_SHADES:
            _shade(tr.tc_lst[rag_at], _RAG_SHADES[row["rag"]])
        if row["overdue"]:
            Run(runs[target_at], None).bold = True

    footer = section.footer.paragraphs[0]
    footer.style = small
    footer.text = (f"{table.register_name}: snapshot #{table.snapshot_id}, "
                   f"SHA-256 {table.rows_hash}; log head hash {table.log_head_hash}")  # fmt: skip
    doc.save(str(path))
