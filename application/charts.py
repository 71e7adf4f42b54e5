"""Charts the board reads at a glance, rendered on the server as SVG strings.

Pure functions: data in, markup out; no JavaScript, no CDN, no fonts to fetch. Each chart
is ``role="img"`` with a ``<title>`` and ``<desc>`` it is labelled by, and comes with the
same numbers as a table (``ChartData``) that the page shows beside it for screen readers
and for copying. Every text is escaped: council and district names come from the store.
"""

from __future__ import annotations

from html import escape

from pydantic import BaseModel, ConfigDict

#: Colours with at least 4.5:1 contrast against white (JIS X 8341-3 AA for text and marks).
BAR = "#1d4f91"
LINE = "#a33b00"
MARK = "#333333"
_FONT = 'font-family="sans-serif" font-size="13"'


class ChartData(BaseModel):
    """A chart's numbers as a table: ``columns`` are the headings, each row a label and
    its values in the columns' order after the first."""

    model_config = ConfigDict(frozen=True)

    chart_id: str
    title: str
    description: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, tuple[int, ...]], ...]


def _open(chart: ChartData, width: int, height: int) -> str:
    ident = escape(chart.chart_id, quote=True)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" aria-labelledby="{ident}-title {ident}-desc" '
        f'aria-label="{escape(chart.title, quote=True)}">'
        f'<title id="{ident}-title">{escape(chart.title)}</title>'
        f'<desc id="{ident}-desc">{escape(chart.description)}</desc>'
    )


def bar_chart_svg(chart: ChartData, width: int = 640) -> str:
    """Horizontal bars of the first value column, one per row, each labelled with its
    category and its number (long Japanese labels read better across than down)."""
    label_width, row_height, top = 200, 28, 8
    height = top * 2 + row_height * max(len(chart.rows), 1)
    largest = max((values[0] for _, values in chart.rows), default=0) or 1
    room = width - label_width - 60
    parts = [_open(chart, width, height)]
    for index, (label, values) in enumerate(chart.rows):
        y = top + index * row_height
        bar = round(room * values[0] / largest)
        parts.append(
            f'<text x="{label_width - 8}" y="{y + 18}" text-anchor="end" {_FONT} '
            f'fill="{MARK}">{escape(label)}</text>'
            f'<rect x="{label_width}" y="{y + 4}" width="{bar}" height="{row_height - 8}" '
            f'fill="{BAR}"/>'
            f'<text x="{label_width + bar + 6}" y="{y + 18}" {_FONT} fill="{MARK}">'
            f"{values[0]}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def columns_with_line_svg(
    chart: ChartData, marker_row: int | None, marker_label: str, width: int = 640
) -> str:
    """Columns of the first value column, a line of the second (a running total), and a
    dashed vertical marker before row ``marker_row`` (a due date), labelled."""
    left, bottom, top, height = 40, 40, 24, 240
    plot_height = height - top - bottom
    count = max(len(chart.rows), 1)
    step = (width - left - 10) / count
    largest = max((max(values[:2]) for _, values in chart.rows), default=0) or 1
    parts = [_open(chart, width, height)]
    points = []
    for index, (label, values) in enumerate(chart.rows):
        x = left + index * step
        column = round(plot_height * values[0] / largest)
        parts.append(
            f'<rect x="{x + step * 0.2:.1f}" y="{height - bottom - column}" '
            f'width="{step * 0.6:.1f}" height="{column}" fill="{BAR}"/>'
            f'<text x="{x + step / 2:.1f}" y="{height - bottom + 16}" text-anchor="middle" '
            f'{_FONT} fill="{MARK}">{escape(label)}</text>'
        )
        if len(values) > 1:
            y = height - bottom - plot_height * values[1] / largest
            points.append(f"{x + step / 2:.1f},{y:.1f}")
    if points:
        parts.append(
            f'<polyline points="{" ".join(points)}" fill="none" stroke="{LINE}" stroke-width="2"/>'
        )
    if marker_row is not None:
        x = left + marker_row * step
        parts.append(
            f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{height - bottom}" '
            f'stroke="{MARK}" stroke-dasharray="4 3"/>'
            f'<text x="{x + 4:.1f}" y="{top - 6}" {_FONT} fill="{MARK}">'
            f"{escape(marker_label)}</text>"
        )
    parts.append(
        f'<line x1="{left}" y1="{height - bottom}" x2="{width - 10}" y2="{height - bottom}" '
        f'stroke="{MARK}"/></svg>'
    )
    return "".join(parts)
