"""One module per export format; each writer is `write(table, path, options) -> None`.

The writers import their libraries (tabulate, openpyxl, python-docx, matplotlib)
when they run, not when this package is imported, so start-up stays fast.
"""

from db.exporting import csv_table, docx, html, markdown, xlsx

WRITERS = {
    "csv": csv_table.write,
    "md": markdown.write,
    "html": html.write,
    "xlsx": xlsx.write,
    "docx": docx.write,
}
