"""Charts as inline SVG, drawn on the server.

The same markup goes into dashboard pages (no script needed, scales to a
phone's width through its viewBox) and into PDF reports (WeasyPrint renders
inline SVG), so a chart never differs between the two.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from reports.numbers import vn_percent

WIDTH = 420
BAR_HEIGHT = 16
BAR_GAP = 8
LABEL_WIDTH = 140
VALUE_WIDTH = 56
MAX_BARS = 60
COLOURS = {"participation": "#1e6b34", "completion": "#0b4fa8", "target": "#a3221a", "grid": "#d0d0d8"}


def _shorten(text: str, limit: int = 22) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def bar_chart(
    rows: list[tuple[str, Decimal | None, Decimal | None]],
    *,
    title: str,
    target: Decimal | None = None,
    legend: tuple[str, str] = ("", ""),
) -> SafeString:
    """Horizontal bars: (label, participation %, completion %) per row, optional target line.

    Two bars per row; at most ``MAX_BARS`` rows (the caller picks which).
    """
    rows = rows[:MAX_BARS]
    plot = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    row_h = BAR_HEIGHT * 2 + BAR_GAP
    top = 28
    height = top + max(1, len(rows)) * row_h + 24
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="100%" '
        f'role="img" aria-label="{escape(title)}" class="chart" font-family="DejaVu Sans, sans-serif" font-size="11">',
        f"<title>{escape(title)}</title>",
    ]
    for pct in (0, 25, 50, 75, 100):
        x = LABEL_WIDTH + plot * pct / 100
        parts.append(f'<line x1="{x:.1f}" y1="{top - 6}" x2="{x:.1f}" y2="{height - 20}" stroke="{COLOURS["grid"]}"/>')
        parts.append(f'<text x="{x:.1f}" y="{height - 6}" text-anchor="middle" fill="#4a4a55">{pct}%</text>')
    p_label, c_label = legend
    if p_label:
        parts.append(
            f'<rect x="{LABEL_WIDTH}" y="4" width="12" height="12" fill="{COLOURS["participation"]}"/>'
            f'<text x="{LABEL_WIDTH + 16}" y="14">{escape(p_label)}</text>'
        )
    if c_label:
        parts.append(
            f'<rect x="{LABEL_WIDTH + 110}" y="4" width="12" height="12" fill="{COLOURS["completion"]}"/>'
            f'<text x="{LABEL_WIDTH + 126}" y="14">{escape(c_label)}</text>'
        )
    for i, (label, participation, completion) in enumerate(rows):
        y = top + i * row_h
        parts.append(
            f'<text x="{LABEL_WIDTH - 6}" y="{y + BAR_HEIGHT + 4}" text-anchor="end">'
            f"<title>{escape(label)}</title>{escape(_shorten(label))}</text>"
        )
        for j, (value, colour) in enumerate(
            ((participation, COLOURS["participation"]), (completion, COLOURS["completion"]))
        ):
            if value is None:
                continue
            w = plot * float(value) / 100
            by = y + j * BAR_HEIGHT
            parts.append(
                f'<rect x="{LABEL_WIDTH}" y="{by + 2}" width="{w:.1f}" height="{BAR_HEIGHT - 4}" fill="{colour}"/>'
            )
            parts.append(f'<text x="{LABEL_WIDTH + w + 4:.1f}" y="{by + BAR_HEIGHT - 6}">{vn_percent(value)}</text>')
    if target is not None:
        x = LABEL_WIDTH + plot * float(target) / 100
        parts.append(
            f'<line x1="{x:.1f}" y1="{top - 6}" x2="{x:.1f}" y2="{height - 20}" '
            f'stroke="{COLOURS["target"]}" stroke-width="2" stroke-dasharray="6 3"/>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every interpolated text above is escaped


def line_chart(
    points: list[tuple[dt.date, Decimal | None, Decimal | None]],
    *,
    title: str,
    target: Decimal | None = None,
    legend: tuple[str, str] = ("", ""),
) -> SafeString:
    """Rates over time: (day, participation %, completion %), optional target line."""
    height, left, right, top, bottom = 220, 40, 12, 28, 34
    plot_w, plot_h = WIDTH - left - right, height - top - bottom
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="100%" '
        f'role="img" aria-label="{escape(title)}" class="chart" font-family="DejaVu Sans, sans-serif" font-size="11">',
        f"<title>{escape(title)}</title>",
    ]
    for pct in (0, 25, 50, 75, 100):
        y = top + plot_h * (1 - pct / 100)
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{WIDTH - right}" y2="{y:.1f}" stroke="{COLOURS["grid"]}"/>')
        parts.append(f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end" fill="#4a4a55">{pct}%</text>')
    p_label, c_label = legend
    if p_label:
        parts.append(
            f'<rect x="{left}" y="4" width="12" height="12" fill="{COLOURS["participation"]}"/>'
            f'<text x="{left + 16}" y="14">{escape(p_label)}</text>'
        )
    if c_label:
        parts.append(
            f'<rect x="{left + 130}" y="4" width="12" height="12" fill="{COLOURS["completion"]}"/>'
            f'<text x="{left + 146}" y="14">{escape(c_label)}</text>'
        )
    if points:
        first, last = points[0][0], points[-1][0]
        span = max(1, (last - first).days)

        def xy(day, value):
            return left + plot_w * (day - first).days / span, top + plot_h * (1 - float(value) / 100)

        for index, colour in ((1, COLOURS["participation"]), (2, COLOURS["completion"])):
            coords = [xy(p[0], p[index]) for p in points if p[index] is not None]
            if coords:
                path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
                parts.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2.5"/>')
        for day in {first, last}:
            x = left + plot_w * (day - first).days / span
            anchor = "start" if day == first and day != last else "end"
            parts.append(
                f'<text x="{x:.1f}" y="{height - 14}" text-anchor="{anchor}" fill="#4a4a55">{day:%d/%m/%Y}</text>'
            )
    if target is not None:
        y = top + plot_h * (1 - float(target) / 100)
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{WIDTH - right}" y2="{y:.1f}" '
            f'stroke="{COLOURS["target"]}" stroke-width="2" stroke-dasharray="6 3"/>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every interpolated text above is escaped
