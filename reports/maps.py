"""The map of départements shaded by a chosen figure: Brittany's or metropolitan France's shipped drawing
(territories.maps).

The shades are presentation attributes, so that the map reads the same in the admin (which has its own stylesheet)
and on the site.
"""

from fabrique.templatetags.french import french_number
from territories.maps import brittany_map, france_map

# From no figure to the highest, as the home page's map (same colours as .map__department--0 to --3).
SHADES = ["#f4f6f8", "#bfe0e5", "#5fa8b4", "#0b5c6b"]


def thresholds(highest):
    """Return the lowest value of shades 1 to 3: thirds of the range from 1 to `highest`."""
    if highest <= 3:
        return [1, 2, 3][: max(int(highest), 1)]
    step = highest / 3
    return [1, int(step) + 1, int(2 * step) + 1]


def shade(value, bounds):
    return max((rank + 1 for rank, lowest in enumerate(bounds) if value and value >= lowest), default=0)


def legend(bounds, highest):
    labels = [(0, "0")]
    for rank, lowest in enumerate(bounds, start=1):
        upper = bounds[rank] - 1 if rank < len(bounds) else highest
        text = french_number(lowest) if upper <= lowest else f"{french_number(lowest)} à {french_number(upper)}"
        labels.append((rank, text))
    return [{"colour": SHADES[rank], "label": label} for rank, label in labels]


def shaded_map(values, area="bretagne"):
    """Return the drawing with each département shaded by `values` ({code: number}), a legend and the rows of the
    table that says the same."""
    drawing = france_map() if area == "france" else brittany_map()
    highest = max((value for value in values.values() if value), default=0)
    bounds = thresholds(highest) if highest else []
    departments = []
    for department in drawing["departments"]:
        value = values.get(department["code"], 0) or 0
        departments.append({**department, "value": value, "colour": SHADES[shade(value, bounds)]})
    return {
        "view_box": drawing["viewBox"],
        "attribution": drawing["attribution"],
        "departments": departments,
        # Numbers on the drawing only where they fit: on the four départements of Brittany.
        "labels": area != "france",
        "legend": legend(bounds, highest) if highest else [{"colour": SHADES[0], "label": "0"}],
        "rows": [department for department in departments if area != "france" or department["value"]],
    }
