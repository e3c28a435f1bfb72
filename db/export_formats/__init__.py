"""One module per export format; each writer is `write(table, path) -> None`."""

from db.export_formats import csv_table

WRITERS = {
    "csv": csv_table.write,
}
