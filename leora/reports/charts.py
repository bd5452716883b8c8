"""Bar and line charts as SVG text, drawn from a report's figures for its PDF.

WeasyPrint renders inline SVG itself, so a chart is a string in the HTML it is given: no browser, no
JavaScript, no image files. Horizontal bars suit long labels (reps, products); a line suits weeks.
"""

from __future__ import annotations

from collections.abc import Callable
from xml.sax.saxutils import escape

from leora.reports.builders import Chart

WIDTH = 680
ACCENT = "#3b5bdb"
GRID = "#dee2e6"
TEXT = "#343a40"
MUTED = "#868e96"
FONT = 'font-family="DejaVu Sans, Helvetica, Arial, sans-serif"'


def _nice_max(value: float) -> float:
    """Return a round axis maximum at or above ``value`` (1, 2, 2.5 or 5 times a power of ten)."""
    if value <= 0:
        return 1.0
    power = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * power:
            return step * power
    return 10.0 * power


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def bar_svg(chart: Chart, fmt: Callable[[float], str]) -> str:
    """Return a horizontal bar chart: one labelled row per value, its value at the bar's end."""
    labels, values = chart.labels or ["—"], chart.values or [0.0]
    row, top, label_w, value_w = 22, 8, 170, 90
    height = top * 2 + row * len(values)
    plot_w = WIDTH - label_w - value_w
    scale = _nice_max(max(values))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
        f'viewBox="0 0 {WIDTH} {height}" role="img" aria-label="{escape(chart.title)}">'
    ]
    for i, (label, value) in enumerate(zip(labels, values, strict=False)):
        y = top + i * row
        width = max(0.0, plot_w * value / scale)
        parts.append(
            f'<text x="{label_w - 8}" y="{y + 15}" text-anchor="end" font-size="11" fill="{TEXT}" {FONT}>'
            f"{escape(_short(label, 26))}</text>"
        )
        parts.append(
            f'<rect x="{label_w}" y="{y + 4}" width="{width:.1f}" height="{row - 8}" rx="2" fill="{ACCENT}"/>'
        )
        parts.append(
            f'<text x="{label_w + width + 6:.1f}" y="{y + 15}" font-size="11" fill="{TEXT}" {FONT}>'
            f"{escape(fmt(value))}</text>"
        )
    parts.append(
        f'<line x1="{label_w}" y1="{top}" x2="{label_w}" y2="{height - top}" '
        f'stroke="{GRID}" stroke-width="1"/>'
    )
    parts.append("</svg>")
    return "".join(parts)


def line_svg(chart: Chart, fmt: Callable[[float], str]) -> str:
    """Return a line chart over the labels (weeks) with four gridlines and a dot per value."""
    labels, values = chart.labels or ["—"], chart.values or [0.0]
    height, left, right, top, bottom = 220, 80, 20, 12, 36
    plot_w, plot_h = WIDTH - left - right, height - top - bottom
    scale = _nice_max(max(values))
    step = plot_w / max(1, len(values) - 1)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
        f'viewBox="0 0 {WIDTH} {height}" role="img" aria-label="{escape(chart.title)}">'
    ]
    for n in range(5):
        y = top + plot_h - plot_h * n / 4
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{WIDTH - right}" y2="{y:.1f}" '
            f'stroke="{GRID}" stroke-width="1"/>'
        )
        parts.append(
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="10" fill="{MUTED}" {FONT}>'
            f"{escape(fmt(scale * n / 4))}</text>"
        )
    points = [
        (left + (step * i if len(values) > 1 else plot_w / 2), top + plot_h - plot_h * v / scale)
        for i, v in enumerate(values)
    ]
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
    parts.append(f'<polyline points="{path}" fill="none" stroke="{ACCENT}" stroke-width="2"/>')
    every = -(-len(labels) // 10)  # at most ten labels under the axis
    for i, ((x, y), label) in enumerate(zip(points, labels, strict=False)):
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{ACCENT}"/>')
        if i % every == 0:
            parts.append(
                f'<text x="{x:.1f}" y="{height - bottom + 16}" text-anchor="middle" font-size="10" '
                f'fill="{MUTED}" {FONT}>'
                f"{escape(_short(label, 12))}</text>"
            )
    parts.append("</svg>")
    return "".join(parts)


def chart_svg(chart: Chart, money: Callable[[float], str]) -> str:
    """Return ``chart`` as SVG; money charts label values with ``money``, others as whole numbers."""

    def fmt(value: float) -> str:
        return money(value) if chart.unit == "money" else f"{value:,.0f}"

    return bar_svg(chart, fmt) if chart.kind == "bar" else line_svg(chart, fmt)
