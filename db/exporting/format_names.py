"""The export formats and parts by name, in the order they are offered.

Apart from the writers (:mod:`db.exporting.formats`) so that the command line can
offer them without importing any exporter.
"""

from db.exporting.summary import TABLE_KEYS

FORMATS = ("csv", "md", "html", "xlsx", "docx")

#: What one CSV file can hold (--table): the appendix or one summary table.
PARTS = ("appendix", *TABLE_KEYS)
