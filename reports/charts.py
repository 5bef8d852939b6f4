"""Charts drawn on the server as SVG: no JavaScript, and no inline style (the Content-Security-Policy forbids it),
only presentation attributes. Each chart is followed on the page by its data table, for those who do not read
charts; the chart itself is an image with a title.
"""

from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from fabrique.templatetags.french import french_number

BAR_COLOUR = "#0b5c6b"  # the brand colour: 7.3:1 on white
TEXT_COLOUR = "#1b1f24"
AXIS_COLOUR = "#4a5360"
WIDTH = 640
LABEL_WIDTH = 300
VALUE_WIDTH = 90
ROW_HEIGHT = 26
BAR_HEIGHT = 16
MAX_LABEL = 44


def short(label):
    return label if len(label) <= MAX_LABEL else label[: MAX_LABEL - 1] + "…"


def bar_chart(items, *, chart_id, title, unit=""):
    """Return the SVG of a horizontal bar chart of `items`, (label, value) pairs; None values are left out."""
    items = [(str(label), value) for label, value in items if value is not None]
    if not items:
        return ""
    highest = max((value for _, value in items), default=0) or 1
    bar_space = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    height = ROW_HEIGHT * len(items) + 8
    rows = []
    for index, (label, value) in enumerate(items):
        top = 4 + index * ROW_HEIGHT
        length = round(float(value) / float(highest) * bar_space, 1) if value else 0
        text = french_number(value) + (f"\u00a0{unit}" if unit else "")
        rows.append(
            (
                LABEL_WIDTH - 8,
                top + ROW_HEIGHT / 2,
                TEXT_COLOUR,
                short(label),
                LABEL_WIDTH,
                top + (ROW_HEIGHT - BAR_HEIGHT) / 2,
                length,
                BAR_HEIGHT,
                BAR_COLOUR,
                LABEL_WIDTH + length + 6,
                top + ROW_HEIGHT / 2,
                TEXT_COLOUR,
                text,
            )
        )
    body = format_html_join(
        "\n",
        '<text x="{}" y="{}" fill="{}" text-anchor="end" dominant-baseline="middle">{}</text>'
        '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"></rect>'
        '<text x="{}" y="{}" fill="{}" dominant-baseline="middle">{}</text>',
        rows,
    )
    return format_html(
        '<svg class="chart" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
        'aria-labelledby="{id}-titre" xmlns="http://www.w3.org/2000/svg" font-size="13" '
        'font-family="system-ui, sans-serif">'
        '<title id="{id}-titre">{title}</title>'
        '<line x1="{axis}" y1="0" x2="{axis}" y2="{height}" stroke="{axis_colour}"></line>'
        "{body}</svg>",
        width=WIDTH,
        height=height,
        id=chart_id,
        title=title,
        axis=LABEL_WIDTH,
        axis_colour=AXIS_COLOUR,
        body=mark_safe(body),  # noqa: S308 — built by format_html_join, every value escaped
    )
