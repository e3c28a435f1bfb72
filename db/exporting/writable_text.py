"""Text every export format can hold: what XML forbids is replaced, visibly.

Input refuses these characters now, but a snapshot taken before that may hold
them, and a snapshot never changes: its appendix must still export. XLSX, DOCX
and HTML are XML, which cannot hold C0 controls other than tab and new lines,
U+FFFE or U+FFFF, and no format can encode a lone surrogate. Each becomes
U+FFFD (the replacement character, shown as a question mark in a diamond) in
every format alike, so the formats agree with one another.
"""

from __future__ import annotations

import re

REPLACEMENT = "\ufffd"
_UNWRITABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def writable(value):
    """`value` with every string in it (in lists and dicts too) made writable."""
    if isinstance(value, str):
        return _UNWRITABLE.sub(REPLACEMENT, value) if _UNWRITABLE.search(value) else value
    if isinstance(value, dict):
        return {key: writable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(writable(item) for item in value)
    return value


#: A snapshot row's JSON holds such a character raw (U+FFFE, U+FFFF) or as an escape
#: (\uXXXX, \b, \f); checking the JSON in SQL spares a pass over every parsed value
#: of every row (a false match, such as a backslash typed in text, only costs that pass).
_SUSPECT_ROWS = (
    "SELECT EXISTS (SELECT 1 FROM snapshot_row WHERE snapshot_id = ? AND ("
    "instr(data, char(65534)) OR instr(data, char(65535)) OR instr(data, '\\u') "
    "OR instr(data, '\\b') OR instr(data, '\\f')))"
)


def snapshot_needs_replacing(conn, snapshot_id: int) -> bool:
    """Whether any row of the snapshot may hold a character some format cannot."""
    return bool(conn.execute(_SUSPECT_ROWS, (snapshot_id,)).fetchone()[0])
