"""Charts drawn on the server as SVG: no JavaScript, and no inline style (the Content-Security-Policy forbids it),
only presentation attributes. Each chart is followed on the page by its data table, for those who do not read
charts; the chart itself is an image with a title.

The bars are horizontal, each with its label on the line above: the drawing stays narrow enough to be shown at its
own size on a phone (a wide drawing shrunk to a phone's width would leave its text a few pixels high).
"""

from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from fabrique.templatetags.french import french_number

BAR_COLOUR = "#0b5c6b"  # the brand colour: 7.3:1 on white
TEXT_COLOUR = "#1b1f24"
AXIS_COLOUR = "#4a5360"
# The width of the drawing, in pixels at its own size: it fits the 350 px a 390 px wide phone leaves to the page.
WIDTH = 340
FONT_SIZE = 14
# The room left after the longest bar for its value (« 1 234 567 € »).
VALUE_WIDTH = 96
LABEL_HEIGHT = 18
BAR_HEIGHT = 16
ROW_HEIGHT = LABEL_HEIGHT + BAR_HEIGHT + 10
# Labels longer than the drawing's width are cut (the table below the chart gives them in full).
MAX_LABEL = 42


def short(label):
    return label if len(label) <= MAX_LABEL else label[: MAX_LABEL - 1] + "…"


def bar_chart(items, *, chart_id, title, unit=""):
    """Return the SVG of a horizontal bar chart of `items`, (label, value) pairs; None values are left out."""
    items = [(str(label), value) for label, value in items if value is not None]
    if not items:
        return ""
    highest = max((value for _, value in items), default=0) or 1
    bar_space = WIDTH - VALUE_WIDTH
    height = ROW_HEIGHT * len(items) + 4
    rows = []
    for index, (label, value) in enumerate(items):
        top = 4 + index * ROW_HEIGHT
        bar_top = top + LABEL_HEIGHT
        length = round(float(value) / float(highest) * bar_space, 1) if value else 0
        text = french_number(value) + (f"\u00a0{unit}" if unit else "")
        rows.append(
            (
                2,
                top + LABEL_HEIGHT - 5,
                TEXT_COLOUR,
                short(label),
                1,
                bar_top,
                length,
                BAR_HEIGHT,
                BAR_COLOUR,
                length + 6,
                bar_top + BAR_HEIGHT / 2,
                TEXT_COLOUR,
                text,
            )
        )
    body = format_html_join(
        "\n",
        '<text x="{}" y="{}" fill="{}">{}</text>'
        '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"></rect>'
        '<text x="{}" y="{}" fill="{}" dominant-baseline="middle" font-weight="700">{}</text>',
        rows,
    )
    return format_html(
        '<svg class="chart" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
        'aria-labelledby="{id}-titre" xmlns="http://www.w3.org/2000/svg" font-size="{font_size}" '
        'font-family="system-ui, sans-serif">'
        '<title id="{id}-titre">{title}</title>'
        "{body}</svg>",
        width=WIDTH,
        height=height,
        font_size=FONT_SIZE,
        id=chart_id,
        title=title,
        body=mark_safe(body),  # noqa: S308 — built by format_html_join, every value escaped
    )
