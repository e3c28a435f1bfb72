"""The export formats, layouts and parts by name, in the order they are offered.

Apart from the writers (:mod:`db.exporting.formats`) and the tables they write, so
that the command line can offer them without importing any of that.
"""

FORMATS = ("csv", "md", "html", "xlsx", "docx")

#: The keys of db.exporting.layouts.LAYOUTS (a test holds them to it).
LAYOUT_NAMES = ("paper", "full")

#: The keys of the summary tables, in the order a pack prints them (and the CSV
#: --table names).
TABLE_KEYS = ("summary", "overdue", "ageing", "completed", "extensions", "sources")

#: What one CSV file can hold (--table): the appendix or one summary table.
PARTS = ("appendix", *TABLE_KEYS)
