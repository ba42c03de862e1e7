"""A per-day contact timeline as a small, self-contained SVG bar chart.

Hand-written rather than a plotting library: the chart is simple, and an IG
officer's browser is the only renderer. Every piece of text is escaped, since
identities come from mail headers, which are hostile input.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from xml.sax.saxutils import escape

WIDTH, HEIGHT = 720, 260
LEFT, RIGHT, TOP, BOTTOM = 40, 10, 30, 40


def timeline_svg(
    points: Sequence[tuple[date, int]],
    *,
    title: str,
    start: date | None = None,
    end: date | None = None,
    threshold: int | None = None,
) -> str:
    """Bars of contacts per day from ``start`` to ``end`` (defaults: the data's span)."""
    counts = dict(points)
    first = start or min(counts, default=date.today())
    last = end or max(counts, default=first)
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    peak = max([counts.get(d, 0) for d in days] + [threshold or 0, 1])
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    bar_w = plot_w / len(days)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}"'
        f' viewBox="0 0 {WIDTH} {HEIGHT}" font-family="sans-serif" font-size="11">',
        f'<text x="{LEFT}" y="18" font-size="13">{escape(title)}</text>',
        f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{WIDTH - RIGHT}" y2="{TOP + plot_h}"'
        ' stroke="#333"/>',
        f'<text x="4" y="{TOP + 10}">{peak}</text>',
        f'<text x="4" y="{TOP + plot_h}">0</text>',
    ]
    for i, day in enumerate(days):
        value = counts.get(day, 0)
        h = plot_h * value / peak
        x = LEFT + i * bar_w
        parts.append(
            f'<rect x="{x + 1:.1f}" y="{TOP + plot_h - h:.1f}" width="{max(bar_w - 2, 1):.1f}"'
            f' height="{h:.1f}" fill="#3b6ea5"><title>{day.isoformat()}: {value}</title></rect>'
        )
        # Label roughly every week so the axis stays readable for long periods.
        if i % max(1, len(days) // 8) == 0:
            parts.append(f'<text x="{x:.1f}" y="{HEIGHT - BOTTOM + 15}">{day.day} {day:%b}</text>')
    if threshold:
        y = TOP + plot_h - plot_h * threshold / peak
        parts.append(
            f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" stroke="#c0392b"'
            ' stroke-dasharray="4 3"/>'
        )
    parts.append("</svg>")
    return "\n".join(parts) + "\n"
