"""DOCX: the appendix table, ready to paste into a committee report in Word.

A4 landscape with narrow margins: the appendix title, the charts (PNG images,
see chart_images.py) and the summary tables; then the layout's columns in 8 pt
with the header row repeated on every page, fitted to the page width. RAG
cells are shaded and keep their word; overdue target dates are bold. The
footer carries the page number and the snapshot and log head hashes; the last
page, all of the provenance.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path

from db.exporting import docx_rows
from db.exporting.charts import charts, series
from db.exporting.format_names import TABLE_KEYS
from db.exporting.layouts import Layout, WriteOptions, layout_cells, summary_cell
from db.exporting.summary import SummaryTable
from db.exporting.table import ExportTable, change_counts, cut_off_words
from db.store.dates import parse_utc_text
from db.store.temp_files import create_temp

#: Column widths in millimetres; they fill A4 landscape less two 12.7 mm margins.
_WIDTHS_MM = {"ref": 12, "title": 46, "owner": 24, "directorate": 26, "status": 22,
              "rag": 17, "original_target_date": 21, "target_date": 21,
              "last_commentary": 70, "description": 40, "change": 34, "evidence": 30,
              "rag_reason": 30, "completion_criterion": 30}  # fmt: skip
_RAG_SHADES = {"red": "F4B6B6", "amber": "FFD98A", "green": "B9DFAE"}
_HEAD_SHADE = "1F3B57"
#: Column widths (mm, scaled to the page) of the summary tables that list actions.
_LIST_WIDTHS_MM = {"completed": (14, 60, 30, 35, 22, 26, 85),
                   "extensions": (14, 50, 28, 26, 26, 26, 18, 84)}  # fmt: skip
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


def _field(paragraph, instruction: str) -> None:
    """A Word field (PAGE, NUMPAGES) that Word and LibreOffice fill in when they lay out."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), instruction)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def _widths_mm(layout: Layout) -> list[float]:
    """Each column's width: the layout's own, scaled to fill the page between the margins."""
    wanted = [_WIDTHS_MM.get(c.key, 18) for c in layout.columns]
    scale = (297 - 2 * _MARGIN_MM) / sum(wanted)
    return [w * scale for w in wanted]


def _summary_table(doc, summary: SummaryTable, layout: Layout, small,
                   streamed: list[docx_rows.Rows]) -> None:  # fmt: skip
    from docx.shared import Mm

    doc.add_heading(summary.title, level=3)
    if summary.note:
        doc.add_paragraph(summary.note)
    if not summary.rows:
        doc.add_paragraph("None.")
        return
    if summary.key in _LIST_WIDTHS_MM:  # lists of actions: the page's width
        wanted = _LIST_WIDTHS_MM[summary.key]
        scale = (297 - 2 * _MARGIN_MM) / sum(wanted)
        widths = [Mm(w * scale) for w in wanted]
    else:  # tables of counts: a label column and narrow number columns
        widths = [Mm(80 if i == 0 else 28) for i in range(len(summary.headers))]
    grid, proto = _grid(doc, summary.headers, widths, small)
    bold_proto = _prototype(grid, widths, small, bold=True)
    # Its rows are streamed like the appendix's: a list of actions can be thousands long.
    templates = [docx_rows.CellTemplate({None: tc, True: bold}, doc.element.nsmap)
                 for tc, bold in zip(proto.tc_lst, bold_proto.tc_lst, strict=True)]  # fmt: skip
    _mark(grid, streamed, lambda: _summary_rows(summary, layout, templates))


def _summary_rows(summary: SummaryTable, layout: Layout, templates) -> Iterator[str]:
    """Each row of a summary table as a w:tr; its Total row bold."""
    for row in summary.rows:
        texts = [summary_cell(v, i, summary.date_columns, layout) for i, v in enumerate(row)]
        bold = True if row[0] == "Total" else None
        yield docx_rows.row_xml(templates, [bold] * len(texts), texts)


def _mark(grid, streamed: list[docx_rows.Rows], rows: docx_rows.Rows) -> None:
    """Mark where `grid`'s body rows go once the document is saved (see docx_rows)."""
    from lxml import etree

    grid._tbl.append(etree.Comment(docx_rows.marker(len(streamed))))
    streamed.append(rows)


def _grid(doc, headers, widths, small, *, centred: bool = False):
    """A table with its shaded header row (repeated on every page) and fixed column widths,
    and the prototype of its body rows."""
    from docx.enum.table import WD_TABLE_ALIGNMENT

    grid = doc.add_table(rows=1, cols=len(headers))
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER if centred else WD_TABLE_ALIGNMENT.LEFT
    grid.autofit = False
    for grid_col, width in zip(grid._tbl.tblGrid.gridCol_lst, widths, strict=True):
        grid_col.w = width  # LibreOffice reads these; Word reads each cell's width
    head = grid.rows[0]
    _repeat_header(head)
    for cell, text, width in zip(head.cells, headers, widths, strict=True):
        cell.width = width
        _put(cell, text, small, bold=True, white=True)
        _shade(cell._tc, _HEAD_SHADE)
    return grid, _prototype(grid, widths, small)


def _prototype(grid, widths, small, *, bold: bool | list[bool] = False):
    """A body row (widths, style, one empty run a cell) to copy: building rows through
    python-docx's API cell by cell takes seconds for 1,000 rows; copying one takes little."""
    proto = grid.add_row()
    bolds = bold if isinstance(bold, list) else [bold] * len(widths)
    for cell, width, strong in zip(proto.cells, widths, bolds, strict=True):
        cell.width = width
        _put(cell, "", small, bold=strong)
    grid._tbl.remove(proto._tr)
    return proto._tr


def _charts(doc, table: ExportTable) -> None:
    import io

    from docx.shared import Mm

    from db.exporting.chart_images import png

    drawn = charts(table)
    if not drawn:
        return
    paragraph = doc.add_paragraph()
    for chart in drawn:
        image = png(chart, series(table, chart))
        paragraph.add_run().add_picture(io.BytesIO(image), width=Mm(82))


def write(table: ExportTable, path: Path, options: WriteOptions) -> None:
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.enum.style import WD_STYLE_TYPE
    from docx.enum.text import WD_BREAK
    from docx.shared import Mm, Pt

    layout = options.layout
    doc = Document()
    props = doc.core_properties
    props.title = table.pack_title()
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

    doc.add_heading(table.pack_title(), level=1)
    doc.add_paragraph(
        f"As at {cut_off_words(table.cut_off)} (snapshot #{table.snapshot_id}). "
        + (f"Rows: {table.rows_note}. " if table.rows_note else "")
        + "The hashes that identify this table are in the footer and on the last page."
    )

    doc.add_heading("Summary", level=2)
    _charts(doc, table)
    streamed: list[docx_rows.Rows] = []  # each table's rows, in the document's order
    for part in TABLE_KEYS:
        for summary in table.summaries.get(part, ()):
            _summary_table(doc, summary, layout, small, streamed)

    doc.add_heading("Changes since last meeting", level=3)
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

    heading = doc.add_heading(f"Actions ({len(table.rows)})", level=2)
    heading.paragraph_format.page_break_before = True
    columns = layout.columns
    widths = [Mm(w) for w in _widths_mm(layout)]
    grid, _ = _grid(doc, [c.header for c in columns], widths, small, centred=True)
    keys = [c.key for c in columns]
    proto_tr = _prototype(grid, widths, small, bold=[k == "rag" for k in keys])
    templates = _cell_templates(proto_tr, keys, doc.element.nsmap)
    _mark(grid, streamed, lambda: _rows_xml(table, layout, templates))

    # The last page: everything needed to check this table against the register.
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    doc.add_heading("About this table", level=2)
    facts = doc.add_table(rows=0, cols=2)
    facts.style = "Table Grid"
    facts.autofit = False
    for grid_col, width in zip(facts._tbl.tblGrid.gridCol_lst, (Mm(45), Mm(200)), strict=True):
        grid_col.w = width
    for label, value in table.provenance():
        cells = facts.add_row().cells
        _put(cells[0], label, small, bold=True)
        _put(cells[1], value, small)
        cells[0].width, cells[1].width = Mm(45), Mm(200)

    footer = section.footer.paragraphs[0]
    footer.style = small
    footer.text = (f"{table.register_name}: snapshot #{table.snapshot_id}, "
                   f"SHA-256 {table.rows_hash}; log head hash {table.log_head_hash}"
                   f"{table.reconstructed()}")  # fmt: skip
    pages = section.footer.add_paragraph(style=small)
    pages.add_run("Page ")
    _field(pages, "PAGE")
    pages.add_run(" of ")
    _field(pages, "NUMPAGES")
    skeleton = create_temp(path, "export")
    try:
        doc.save(str(skeleton))
        del doc  # (the tree of everything but the rows; the rows never join it)
        docx_rows.splice(skeleton, path, streamed)
    finally:
        skeleton.unlink(missing_ok=True)


def _cell_templates(proto_tr, keys: list[str], nsmap) -> list[docx_rows.CellTemplate]:
    """Each column's cell of the prototype row, as docx_rows writes it: the RAG column
    also shaded in each RAG's colour, the target date also bold (overdue)."""
    from docx.text.run import Run

    templates = []
    for key, tc in zip(keys, proto_tr.tc_lst, strict=True):
        variants: dict[object, object] = {None: tc}
        if key == "rag":
            for rag, fill in _RAG_SHADES.items():
                variants[rag] = shaded = copy.deepcopy(tc)
                _shade(shaded, fill)
        elif key == "target_date":
            variants[True] = bold = copy.deepcopy(tc)
            Run(bold.p_lst[0].r_lst[0], None).bold = True
        templates.append(docx_rows.CellTemplate(variants, nsmap))
    return templates


def _rows_xml(table: ExportTable, layout: Layout, templates) -> Iterator[str]:
    """Each appendix row as a w:tr, in the table's order."""
    keys = [c.key for c in layout.columns]
    rag_at = keys.index("rag") if "rag" in keys else None
    target_at = keys.index("target_date") if "target_date" in keys else None
    plain: list[object] = [None] * len(keys)
    for row in table.rows:
        values = layout_cells(table, layout, row)
        variants = plain
        if rag_at is not None and row["rag"] in _RAG_SHADES:
            variants = plain.copy()
            variants[rag_at] = row["rag"]
        if target_at is not None and row["overdue"]:
            variants = variants.copy() if variants is plain else variants
            variants[target_at] = True
        texts = ["" if v is None else str(v) for v in values]
        yield docx_rows.row_xml(templates, variants, texts)
