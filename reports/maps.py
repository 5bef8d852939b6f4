"""The map of départements shaded by a chosen figure: Brittany's or metropolitan France's shipped drawing
(territories.maps).

The shades are presentation attributes, so that the map reads the same in the admin (which has its own stylesheet)
and on the site.
"""

from fabrique.templatetags.french import french_number
from territories.maps import MAP_CREDIT, brittany_map, france_map

# From no figure to the highest, as the home page's map (same colours as .map__department--0 to --3).
SHADES = ["#f4f6f8", "#bfe0e5", "#5fa8b4", "#0b5c6b"]
# A département outside a collectivité's territory: hatched (the pattern of this id is drawn by reports/_map.html),
# not shaded.
OUTSIDE_PATTERN = "hors-territoire"
OUTSIDE_FILL = f"url(#{OUTSIDE_PATTERN})"


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


def shaded_map(values, area="bretagne", within=None):
    """Return the drawing with each département shaded by `values` ({code: number}), a legend and the rows of the
    table that says the same.

    The table lists the départements of `values` (those with figures, as the table per département), and on the map
    of Brittany each of its four. With `within`, the codes of a collectivité's territory, the départements outside it
    are hatched, not shaded (« 0 » would tell of a territory the figures do not cover), and left out of the table.
    """
    drawing = france_map() if area == "france" else brittany_map()
    highest = max((value for value in values.values() if value), default=0)
    bounds = thresholds(highest) if highest else []
    departments = []
    for department in drawing["departments"]:
        outside = within is not None and department["code"] not in within
        value = None if outside else values.get(department["code"], 0) or 0
        colour = OUTSIDE_FILL if outside else SHADES[shade(value, bounds)]
        departments.append({**department, "value": value, "colour": colour, "outside": outside})
    shades = legend(bounds, highest) if highest else [{"colour": SHADES[0], "label": "0"}]
    has_outside = any(department["outside"] for department in departments)
    if has_outside:
        shades.append({"colour": OUTSIDE_FILL, "label": "Hors de votre territoire"})
    return {
        "view_box": drawing["viewBox"],
        "credit": MAP_CREDIT,
        "departments": departments,
        # Numbers on the drawing only where they fit: on the four départements of Brittany.
        "labels": area != "france",
        "legend": shades,
        "has_outside": has_outside,
        "rows": [
            department
            for department in departments
            if not department["outside"] and (area != "france" or department["code"] in values)
        ],
    }
