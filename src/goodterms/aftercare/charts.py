"""Charts drawn on the server as SVG: no script, no style attribute (the CSP allows neither), every label
escaped. Each chart has a <title> and <desc> and is `role="img"`; the page puts the same numbers in a
table under it, which is what a screen reader reads."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH = 640
BAR = 22
GAP = 8
LABEL = 220
# Colours that stay apart for the common colour-vision deficiencies (Okabe and Ito's palette).
PALETTE = ("#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#f0e442", "#000000")


def bars(key: str, title: str, labels: Sequence[str], values: Sequence[int | float]) -> SafeString:
    """A horizontal bar per label, with its value written beside it."""
    height = max(1, len(labels)) * (BAR + GAP) + GAP
    top = max([float(v) for v in values] + [1.0])
    span = WIDTH - LABEL - 60
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" width="100%" role="img" '
        f'aria-labelledby="chart-{key}-title chart-{key}-desc" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="chart-{key}-title">{escape(title)}</title>',
        f'<desc id="chart-{key}-desc">The same figures are in the table below the chart.</desc>',
    ]
    for index, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = GAP + index * (BAR + GAP)
        length = round(span * float(value) / top, 1)
        baseline = f"{y + BAR * 0.7:.1f}"
        parts.append(
            f'<text x="{LABEL - 8}" y="{baseline}" text-anchor="end" font-size="13">{escape(label)}</text>'
        )
        parts.append(f'<rect x="{LABEL}" y="{y}" width="{length}" height="{BAR}" fill="{PALETTE[0]}"></rect>')
        parts.append(
            f'<text x="{LABEL + length + 6}" y="{y + BAR * 0.7:.1f}" font-size="13">{escape(value)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 (every label and value above is escaped)


def stacked(
    key: str, title: str, periods: Sequence[str], series: Sequence[str], values: Sequence[Sequence[int]]
) -> SafeString:
    """A horizontal stacked bar per period (a quarter), one colour per series, with a legend."""
    legend_height = 20 * ((len(series) + 2) // 3)
    height = max(1, len(periods)) * (BAR + GAP) + GAP + legend_height + 10
    top = float(max([sum(row) for row in values] + [1]))
    span = WIDTH - 100 - 50
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" width="100%" role="img" '
        f'aria-labelledby="chart-{key}-title chart-{key}-desc" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="chart-{key}-title">{escape(title)}</title>',
        f'<desc id="chart-{key}-desc">The same figures are in the table below the chart.</desc>',
    ]
    for index, (name, _) in enumerate(zip(series, PALETTE * 4, strict=False)):
        x, y = 10 + (index % 3) * 210, 14 + (index // 3) * 20
        colour = PALETTE[index % len(PALETTE)]
        parts.append(f'<rect x="{x}" y="{y - 10}" width="12" height="12" fill="{colour}"></rect>')
        parts.append(f'<text x="{x + 18}" y="{y}" font-size="12">{escape(name)}</text>')
    for row_index, (period, row) in enumerate(zip(periods, values, strict=True)):
        y = legend_height + 10 + GAP + row_index * (BAR + GAP)
        parts.append(
            f'<text x="92" y="{y + BAR * 0.7:.1f}" text-anchor="end" font-size="13">{escape(period)}</text>'
        )
        left = 100.0
        for index, value in enumerate(row):
            width = round(span * value / top, 1)
            if width:
                colour = PALETTE[index % len(PALETTE)]
                parts.append(
                    f'<rect x="{left}" y="{y}" width="{width}" height="{BAR}" fill="{colour}"></rect>'
                )
            left += width
        parts.append(f'<text x="{left + 6}" y="{y + BAR * 0.7:.1f}" font-size="13">{sum(row)}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 (every label and value above is escaped)
