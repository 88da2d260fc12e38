"""Charts drawn on the server as SVG: horizontal bars, one group per row of the report's table,
one bar per series, with a legend when there are several series. No script, no style attribute
(the content security policy), text escaped. The chart is an image with a title and a
description; the table beside it is the accessible version and the truth."""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

# Colours with at least 3:1 contrast on white (non-text contrast), told apart without hue too:
# the legend and the order of the bars in a group name them.
PALETTE = ("#1f4e79", "#b35900", "#2d6a4f", "#6f42c1")
WIDTH = 560
LABEL_WIDTH = 190
VALUE_WIDTH = 70
BAR_HEIGHT = 16
BAR_GAP = 3
GROUP_GAP = 12
TOP = 8
LEGEND_ROW = 22


@dataclass(frozen=True)
class Series:
    name: str
    values: list  # one number (or None: nothing to draw) per label


def _number_text(value) -> str:
    """The number as the page's language writes it (the table's cells read the same)."""
    if isinstance(value, Decimal):
        return number_format(value, 2)
    if isinstance(value, float):
        return number_format(value, 1)
    return str(value)


def bar_chart(*, title: str, desc: str, labels: list[str], series: list[Series]) -> SafeString:
    """The SVG of a horizontal bar chart: ``labels`` down the left, each with one bar per
    series, scaled to the largest value."""
    values = [v for s in series for v in s.values if v is not None]
    largest = max(values, default=0) or 1
    track = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    group_height = len(series) * (BAR_HEIGHT + BAR_GAP) - BAR_GAP
    legend = len(series) > 1
    y = TOP + (LEGEND_ROW if legend else 0)
    parts = []
    if legend:
        x = LABEL_WIDTH
        for index, one in enumerate(series):
            colour = PALETTE[index % len(PALETTE)]
            parts.append(
                format_html(
                    '<rect x="{}" y="{}" width="12" height="12" fill="{}"></rect>'
                    '<text x="{}" y="{}" font-size="12">{}</text>',
                    x,
                    TOP,
                    colour,
                    x + 16,
                    TOP + 11,
                    one.name,
                )
            )
            x += 16 + 8 * len(one.name) + 16
    for row, label in enumerate(labels):
        parts.append(
            format_html(
                '<text x="{}" y="{}" font-size="12" text-anchor="end">{}</text>',
                LABEL_WIDTH - 8,
                y + group_height / 2 + 4,
                label if len(label) <= 28 else label[:27] + "…",
            )
        )
        for index, one in enumerate(series):
            value = one.values[row]
            bar_y = y + index * (BAR_HEIGHT + BAR_GAP)
            if value is None:
                continue
            width = round(float(value) / float(largest) * track, 1) if value > 0 else 0
            parts.append(
                format_html(
                    '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"></rect>'
                    '<text x="{}" y="{}" font-size="11">{}</text>',
                    LABEL_WIDTH,
                    bar_y,
                    width,
                    BAR_HEIGHT,
                    PALETTE[index % len(PALETTE)],
                    LABEL_WIDTH + width + 4,
                    bar_y + BAR_HEIGHT - 4,
                    _number_text(value),
                )
            )
        y += group_height + GROUP_GAP
    height = y - GROUP_GAP + TOP
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="report-chart" role="img" '
        'viewBox="0 0 {} {}" aria-labelledby="chart-title chart-desc" id="report-chart">'
        '<title id="chart-title">{}</title><desc id="chart-desc">{}</desc>'
        '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#495057"></line>{}</svg>',
        WIDTH,
        height,
        title,
        desc,
        LABEL_WIDTH,
        TOP,
        LABEL_WIDTH,
        height - TOP,
        format_html_join("", "{}", ((part,) for part in parts)),
    )
