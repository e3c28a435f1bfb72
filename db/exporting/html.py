"""HTML: a standalone, printable appendix for a committee paper.

One file with nothing to fetch: inline CSS (with print rules: A4 landscape, the
table header repeated on every page, rows kept whole), no scripts, no fonts,
no images beyond inline SVG. It reads without colour: each RAG cell shows its
word, overdue actions say OVERDUE, and each bar of the summary charts carries
its label and number as text. Every value from the register goes through
html.escape, so a title such as ``<script>`` is shown, never run.
"""

from __future__ import annotations

from collections.abc import Iterator
from html import escape
from pathlib import Path

from db.cycles.diffs import CATEGORIES
from db.exporting.charts import Chart, charts, colour, series
from db.exporting.format_names import TABLE_KEYS
from db.exporting.layouts import Layout, WriteOptions, layout_cells, summary_cell
from db.exporting.summary import Count, Percent, SummaryTable
from db.exporting.table import ExportTable, cut_off_words

_CSS = """
:root { --ink: #1a1a1a; --muted: #555; --rule: #b8b8b8; --head: #1f3b57; }
* { box-sizing: border-box; }
body { font: 10pt/1.35 "Segoe UI", Arial, Helvetica, sans-serif; color: var(--ink);
  margin: 1.5rem auto; max-width: 1400px; padding: 0 1rem; }
h1 { font-size: 16pt; margin: 0 0 .4rem; }
h2 { font-size: 12.5pt; margin: 1.4rem 0 .5rem; border-bottom: 2px solid var(--head); }
h3 { font-size: 10.5pt; margin: .9rem 0 .3rem; }
.kicker { text-transform: uppercase; letter-spacing: .06em; color: var(--muted);
  font-size: 8.5pt; margin: 0; }
dl.provenance { display: grid; grid-template-columns: max-content 1fr; gap: .1rem 1rem;
  margin: .5rem 0 0; font-size: 9pt; }
dl.provenance dt { font-weight: 600; }
dl.provenance dd { margin: 0; overflow-wrap: anywhere; }
.hash { font-family: Consolas, "Courier New", monospace; font-size: 8.5pt; }
.charts { display: flex; flex-wrap: wrap; gap: 1rem 2rem; }
figure { margin: 0; }
figcaption { font-weight: 600; margin-bottom: .2rem; }
svg text { font: 11px Arial, Helvetica, sans-serif; fill: #1a1a1a; }
table { border-collapse: collapse; width: 100%; }
table.actions { font-size: 8.5pt; }
th, td { border: 1px solid var(--rule); padding: .25rem .35rem; text-align: left;
  vertical-align: top; white-space: pre-line; overflow-wrap: anywhere; }
thead th { background: var(--head); color: #fff; }
table.counts { width: auto; font-size: 9pt; }
table.counts td.n { text-align: right; }
table.counts { margin-bottom: .6rem; }
p.note { margin: .1rem 0 .3rem; color: var(--muted); font-size: 9pt; }
td.rag { font-weight: 700; white-space: nowrap; }
td.rag-red { background: #f4b6b6; }
td.rag-amber { background: #ffd98a; }
td.rag-green { background: #b9dfae; }
td.overdue { font-weight: 700; color: #8b0000; }
ul.changes { margin: .2rem 0; padding-left: 1.2rem; }
footer { margin-top: 1.5rem; padding-top: .5rem; border-top: 1px solid var(--rule);
  color: var(--muted); font-size: 8.5pt; }
footer p { margin: .15rem 0; overflow-wrap: anywhere; }
@page { size: A4 landscape; margin: 12mm; }
@media print {
  body { margin: 0; max-width: none; padding: 0; font-size: 9pt; }
  thead { display: table-header-group; }
  tr, figure, li { break-inside: avoid; page-break-inside: avoid; }
  h2, h3 { break-after: avoid; page-break-after: avoid; }
  td.rag-red, td.rag-amber, td.rag-green, thead th {
    -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
""".strip()

_LABEL_CHARS = 34
_HASHES = ("Snapshot SHA-256", "Log head hash")
_HASH_CLASS = ' class="hash"'


def _e(value: object) -> str:
    return "" if value is None else escape(str(value))


def _bar_chart(chart: Chart, counts: list[tuple[str, int]]) -> str:
    """A small horizontal bar chart as inline SVG: each bar labelled with its name and count."""
    caption = chart.title
    if not counts:
        return f"<figure><figcaption>{_e(caption)}</figcaption><p>None.</p></figure>"
    longest = max(len(label) for label, _ in counts)
    label_w = 12 + 6 * min(longest, _LABEL_CHARS)
    bar_w, row_h = 200, 18
    top = max(n for _, n in counts) or 1
    width, height = label_w + bar_w + 40, row_h * len(counts) + 4
    summary = "; ".join(f"{label}: {n}" for label, n in counts)
    parts = [
        f"<figure><figcaption>{_e(caption)}</figcaption>"
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" '
        f'aria-label="{_e(caption)}: {_e(summary)}"><title>{_e(caption)}: {_e(summary)}</title>'
    ]
    for i, (label, n) in enumerate(counts):
        y = 2 + i * row_h
        shown = label if len(label) <= _LABEL_CHARS else label[: _LABEL_CHARS - 1] + "…"
        length = round(bar_w * n / top)
        fill = "#" + colour(chart, label)
        parts.append(
            f"<g><title>{_e(label)}: {n}</title>"
            f'<text x="{label_w - 6}" y="{y + 12}" text-anchor="end">{_e(shown)}</text>'
            f'<rect x="{label_w}" y="{y + 2}" width="{length}" height="{row_h - 5}" '
            f'fill="{fill}"/>'
            f'<text x="{label_w + length + 4}" y="{y + 12}">{n}</text></g>'
        )
    parts.append("</svg></figure>")
    return "".join(parts)


def _summary_table(summary: SummaryTable, layout: Layout) -> list[str]:
    out = [f'<h3 id="{summary.key}">{_e(summary.title)}</h3>']
    if summary.note:
        out.append(f'<p class="note">{_e(summary.note)}</p>')
    if not summary.rows:
        return [*out, "<p>None.</p>"]
    out.append('<table class="counts"><thead><tr>'
               + "".join(f'<th scope="col">{_e(h)}</th>' for h in summary.headers)
               + "</tr></thead><tbody>")  # fmt: skip
    for row in summary.rows:
        tds = []
        for i, cell in enumerate(row):
            text = _e(summary_cell(cell, i, summary.date_columns, layout))
            number = isinstance(cell, int | Count | Percent) and not isinstance(cell, bool)
            tds.append(f'<td class="n">{text}</td>' if number else f"<td>{text}</td>")
        out.append(f"<tr>{''.join(tds)}</tr>")
    out.append("</tbody></table>")
    return out


def _summary(table: ExportTable, layout: Layout) -> list[str]:
    overdue = table.overdue_listed()
    out = [
        '<section class="summary"><h2>Summary</h2>',
        f"<p>{len(table.rows)} action{'s' * (len(table.rows) != 1)} listed; "
        f"<strong>{overdue} overdue</strong> at the cut-off.</p>",
        '<div class="charts">',
    ]
    out += [_bar_chart(chart, series(table, chart)) for chart in charts(table)]
    out.append("</div>")
    for part in TABLE_KEYS:
        for summary in table.summaries.get(part, ()):
            out += _summary_table(summary, layout)
    out.append("</section>")
    return out


def _actions(table: ExportTable, layout: Layout) -> Iterator[str]:
    """The actions table a line at a time: at 100,000 rows the whole table as one list
    of lines, then one string, was most of the export's peak memory."""
    yield f"<section><h2>Actions ({len(table.rows)})</h2>"
    yield '<table class="actions"><thead><tr>'
    yield "".join(f'<th scope="col">{_e(c.header)}</th>' for c in layout.columns)
    yield "</tr></thead><tbody>"
    keys = [c.key for c in layout.columns]
    for row in table.rows:
        tds = []
        for key, value in zip(keys, layout_cells(table, layout, row), strict=True):
            if key == "rag":
                css = f"rag rag-{row['rag']}" if row["rag"] else "rag"
                tds.append(f'<td class="{css}">{_e(value)}</td>')
            elif key == "target_date" and row["overdue"]:
                tds.append(f'<td class="overdue">{_e(value)}</td>')
            else:
                tds.append(f"<td>{_e(value)}</td>")
        yield f"<tr>{''.join(tds)}</tr>"
    yield "</tbody></table></section>"


def _changes(table: ExportTable) -> list[str]:
    out = ['<section class="changes"><h2>Changes since last meeting</h2>']
    if table.diff is None:
        out.append("<p>No earlier snapshot: this is the first snapshot, so there is "
                   "nothing to compare with.</p></section>")  # fmt: skip
        return out
    out.append(f"<p>Compared with {_e(table.compared_with)}.</p>")
    counts = table.diff.counts()
    out.append('<table class="counts"><thead><tr><th scope="col">Change</th>'
               '<th scope="col">Actions</th></tr></thead><tbody>')  # fmt: skip
    out += [f'<tr><td>{_e(CATEGORIES[key])}</td><td class="n">{n}</td></tr>'
            for key, n in counts.items()]  # fmt: skip
    out.append("</tbody></table>")
    for key, label in CATEGORIES.items():
        changes = [c for c in table.diff.changes if c.category == key]
        if not changes:
            continue
        out.append(f'<h3>{_e(label)} ({len(changes)})</h3><ul class="changes">')
        out += [f"<li><strong>{_e(c.ref)}</strong> {_e(c.title)}: {_e(c.detail)}</li>"
                for c in changes]  # fmt: skip
        out.append("</ul>")
    out.append("</section>")
    return out


def _lines(table: ExportTable, layout: Layout) -> Iterator[str]:
    title = _e(table.pack_title())
    provenance = "".join(
        f"<dt>{_e(label)}</dt><dd{_HASH_CLASS * (label in _HASHES)}>{_e(value)}</dd>"
        for label, value in table.provenance()
    )
    kicker = "Management Action Table" + (f": {table.organisation}" * bool(table.organisation))
    yield from [
        "<!DOCTYPE html>",
        '<html lang="en-GB"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{title}</title>",
        f"<style>\n{_CSS}\n</style></head><body>",
        f'<header><p class="kicker">{_e(kicker)}</p>',
        f"<h1>{title}</h1>",
        f'<dl class="provenance">{provenance}</dl></header>',
        "<main>",
        *_summary(table, layout),
    ]
    yield from _actions(table, layout)
    yield from [
        *_changes(table),
        "</main>",
        "<footer>",
        f"<p>Snapshot #{table.snapshot_id} of {_e(table.register_name)}, "
        f"as at {_e(cut_off_words(table.cut_off))}{_e(table.reconstructed())}.</p>",
        f'<p>Snapshot SHA-256: <span class="hash">{_e(table.rows_hash)}</span></p>',
        f'<p>Log head hash: <span class="hash">{_e(table.log_head_hash)}</span></p>',
        "</footer></body></html>",
    ]


def write(table: ExportTable, path: Path, options: WriteOptions) -> None:
    with open(path, "w", encoding="utf-8", newline="\n") as handle:
        for line in _lines(table, options.layout):
            handle.write(line + "\n")
