"""The pack's charts as PNG images, for the DOCX (Word cannot draw an SVG from python-docx).

matplotlib draws them: it is the long-kept, widely packaged standard for
static charts in Python, ships its own font (DejaVu Sans) so an image looks the
same on every machine, and needs no browser or network. Only its object API is
used (a Figure drawn by the Agg canvas), never pyplot, so no global backend or
window state is touched; it is imported when a DOCX is written, not before.
"""

from __future__ import annotations

import io

from db.exporting.charts import Chart, colour

#: Size of one chart in inches at 170 dpi: three fit side by side on A4 landscape, sharp
#: when printed at that size.
_SIZE = (3.6, 2.4)
_DPI = 170


def png(chart: Chart, bars: list[tuple[str, int]]) -> bytes:
    """A horizontal bar chart, each bar labelled with its number (colour never the only sign)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=_SIZE, dpi=_DPI)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    labels = [label if len(label) <= 28 else label[:27] + "…" for label, _ in bars] or ["None"]
    values = [n for _, n in bars] or [0]
    positions = range(len(values))
    axes.barh(positions, values, color=["#" + colour(chart, label) for label, _ in bars] or None)
    axes.set_yticks(list(positions), labels, fontsize=7)
    axes.invert_yaxis()  # first row at the top, as in the table
    axes.set_title(chart.title, fontsize=8.5, fontweight="bold")
    top = max(values) or 1
    axes.set_xlim(0, top * 1.18)
    # Each bar carries its number, so no value axis: less to read, and less to draw.
    axes.xaxis.set_visible(False)
    for y, n in zip(positions, values, strict=True):
        axes.text(n + top * 0.02, y, str(n), va="center", fontsize=7)
    for side in ("top", "right", "bottom"):
        axes.spines[side].set_visible(False)
    # Fixed margins (the labels are at most 28 characters): tight_layout would draw the
    # figure twice to measure them, doubling the cost of every chart.
    figure.subplots_adjust(left=0.36, right=0.97, top=0.88, bottom=0.04)
    out = io.BytesIO()
    figure.savefig(out, format="png", metadata={"Software": None})
    return out.getvalue()
