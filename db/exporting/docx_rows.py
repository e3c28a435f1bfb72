"""The DOCX appendix's rows, written as WordprocessingML text into the finished document.

python-docx holds a whole document as an lxml tree: 100,000 rows of nine cells
took 2.4 GB. So docx.py builds the document without the rows of its long tables
(the appendix, and the summary tables that list actions), with a marker in each
where its rows go, and saves it; :func:`splice` then copies that file member by
member into the export, writing ``word/document.xml`` in a stream: the text up
to each marker, then that table's rows a few hundred at a time, and so on.

Each row is text made from templates: a cell of the prototype row python-docx
built (its width, paragraph style and run properties; shaded or bold copies for
RAG and overdue dates), serialized once with a slot where the cell's text goes.
So a streamed row is the row docx.py would have appended, without the tree.
"""

from __future__ import annotations

import copy
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator
from html import escape  # (xml.sax.saxutils' escape is the same, but imports urllib.request)
from itertools import islice
from pathlib import Path

from db.exporting.writable_text import writable

#: A streamed table's rows go where its marker is: a comment python-docx writes as it
#: is, and no text can spell (a "<" in any text or attribute is written "&lt;").
MARKER = "actreg rows {number}"
_DOCUMENT = "word/document.xml"
_SLOT = "ACTREG-CELL-TEXT"
_DECLARATION = re.compile(r' xmlns:(\w+)="([^"]*)"')
_SPECIAL = frozenset("\t\n\r")
#: Rows encoded and written at a time (a few hundred kB).
_CHUNK = 500


class CellTemplate:
    """One column's cell as XML text, in the variants the column needs, with a slot for
    the text: ``variant -> (before, after)``."""

    def __init__(self, variants: dict[object, object], nsmap: dict[str | None, str]) -> None:
        self.parts: dict[object, tuple[str, str]] = {}
        for key, tc in variants.items():
            before, after = _serialized(tc, nsmap).split(f"<w:t>{_SLOT}</w:t>")
            self.parts[key] = (before, after)


def _serialized(tc, nsmap: dict[str | None, str]) -> str:
    """`tc` (a w:tc element) as text, its run holding the slot, without the namespace
    declarations the document's root element already makes (the same prefixes, the same
    names): inside word/document.xml they are redundant."""
    from docx.oxml.ns import qn
    from lxml import etree

    tc = copy.deepcopy(tc)
    run = tc.p_lst[0].r_lst[0]
    etree.SubElement(run, qn("w:t")).text = _SLOT
    text = etree.tostring(tc, encoding=str)
    for prefix, uri in _DECLARATION.findall(text):
        if nsmap.get(prefix) != uri:  # (python-docx declares all of its own on the root)
            raise ValueError(f"the document does not declare xmlns:{prefix}={uri!r}")
    return _DECLARATION.sub("", text)


def run_content(text: str) -> str:
    """A run's content for `text`: one w:t element (space kept at its ends), or for text
    with new lines or tabs python-docx's own breaks and tabs, as its Run.text setter
    writes them. Characters XML cannot hold are replaced first (writable_text)."""
    if not text:
        return ""
    text = writable(text)
    if _SPECIAL.isdisjoint(text):
        if text[0] == " " or text[-1] == " ":
            return f'<w:t xml:space="preserve">{escape(text, quote=False)}</w:t>'
        return f"<w:t>{escape(text, quote=False)}</w:t>"
    from docx.oxml import OxmlElement
    from lxml import etree

    run = OxmlElement("w:r")
    run.text = text  # python-docx's setter: "\t" a w:tab, "\n" and "\r" a w:br
    inner = "".join(etree.tostring(child, encoding=str) for child in run)
    return _DECLARATION.sub("", inner)


def row_xml(templates: list[CellTemplate], variants: list[object], texts: list[str]) -> str:
    """One w:tr: each cell the given variant of its column's template, holding its text."""
    out = ["<w:tr>"]
    for template, variant, text in zip(templates, variants, texts, strict=True):
        before, after = template.parts[variant]
        out += (before, run_content(text), after)
    out.append("</w:tr>")
    return "".join(out)


def _chunks(rows: Iterable[str]) -> Iterator[bytes]:
    rows = iter(rows)
    while chunk := "".join(islice(rows, _CHUNK)):
        yield chunk.encode("utf-8")


def marker(number: int) -> str:
    """The text of the comment that marks where the `number`th streamed table's rows go."""
    return MARKER.format(number=number)


Rows = Callable[[], Iterable[str]]


def splice(skeleton: Path, out: Path, tables: list[Rows]) -> None:
    """Copy the DOCX `skeleton` to `out`, the document's marker(n) replaced by the w:tr
    texts of `tables[n]()`. Each is called again, for a fresh iterator, only if the
    document turns out larger than a plain zip member can be (2 GiB): then it is
    written as ZIP64."""
    try:
        _copy(skeleton, out, tables, zip64=False)
    except RuntimeError as exc:  # zipfile: "File size too large, try using force_zip64"
        if "force_zip64" not in str(exc):
            raise
        _copy(skeleton, out, tables, zip64=True)


def _copy(skeleton: Path, out: Path, tables: list[Rows], *, zip64: bool) -> None:
    with zipfile.ZipFile(skeleton) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            if info.filename != _DOCUMENT:
                target.writestr(info, source.read(info))
                continue
            parts = _split(source.read(info), len(tables))
            member = zipfile.ZipInfo(info.filename, date_time=info.date_time)
            member.compress_type = zipfile.ZIP_DEFLATED
            with target.open(member, "w", force_zip64=zip64) as document:
                for part, rows in zip(parts, tables, strict=False):
                    document.write(part)
                    for chunk in _chunks(rows()):
                        document.write(chunk)
                document.write(parts[-1])


def _split(document: bytes, tables: int) -> list[bytes]:
    """The document's text around each table's marker, in order (tables + 1 parts)."""
    parts = []
    for number in range(tables):
        mark = f"<!--{marker(number)}-->".encode()
        if document.count(mark) != 1:
            raise ValueError(f"{_DOCUMENT} holds {mark!r} {document.count(mark)} times")
        before, document = document.split(mark)
        parts.append(before)
    return [*parts, document]
