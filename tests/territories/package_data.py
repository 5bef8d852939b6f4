"""A tiny copy of the `@etalab/decoupage-administratif` package, in its own format, for fast tests."""

import copy
import json

REGIONS = [
    {"code": "01", "chefLieu": "97105", "nom": "Guadeloupe", "typeLiaison": 3, "zone": "drom"},
    {"code": "52", "chefLieu": "44109", "nom": "Pays de la Loire", "typeLiaison": 4, "zone": "metro"},
    {"code": "53", "chefLieu": "35238", "nom": "Bretagne", "typeLiaison": 0, "zone": "metro"},
    {"code": "94", "chefLieu": "2A004", "nom": "Corse", "typeLiaison": 0, "zone": "metro"},
]

DEPARTMENTS = [
    {"code": "2A", "region": "94", "chefLieu": "2A004", "nom": "Corse-du-Sud", "typeLiaison": 3, "zone": "metro"},
    {"code": "2B", "region": "94", "chefLieu": "2B033", "nom": "Haute-Corse", "typeLiaison": 3, "zone": "metro"},
    {"code": "35", "region": "53", "chefLieu": "35238", "nom": "Ille-et-Vilaine", "typeLiaison": 1, "zone": "metro"},
    {"code": "44", "region": "52", "chefLieu": "44109", "nom": "Loire-Atlantique", "typeLiaison": 0, "zone": "metro"},
    {"code": "56", "region": "53", "chefLieu": "56260", "nom": "Morbihan", "typeLiaison": 2, "zone": "metro"},
    {"code": "971", "region": "01", "chefLieu": "97105", "nom": "Guadeloupe", "typeLiaison": 3, "zone": "drom"},
]


def _commune(code, name, department, region, population, kind="commune-actuelle"):
    return {
        "code": code,
        "nom": name,
        "departement": department,
        "region": region,
        "type": kind,
        "population": population,
        "siren": f"21{code[:2]}0{code[2:]}0",
        "codesPostaux": [],
        "zone": "metro",
    }


COMMUNES = [
    _commune("2A004", "Ajaccio", "2A", "94", 76320),
    _commune("2B033", "Bastia", "2B", "94", 46867),
    _commune("35024", "Betton", "35", "53", 12964),
    _commune("35236", "Redon", "35", "53", 9542),
    _commune("35238", "Rennes", "35", "53", 230890),
    _commune("44185", "Saint-Nicolas-de-Redon", "44", "52", 3311),
    _commune("56001", "Allaire", "56", "53", 3955),
    # A delegated commune is part of a commune nouvelle, not a commune of its own.
    _commune("56037", "La Chapelle-Caro", "56", "53", None, kind="commune-deleguee"),
    _commune("97101", "Les Abymes", "971", "01", 51055),
]


def _epci(code, name, kind, members):
    return {
        "code": code,
        "nom": name,
        "type": kind,
        "modeFinancement": "FPU",
        "membres": [{"code": member, "siren": "", "nom": ""} for member in members],
    }


EPCIS = [
    _epci("200018653", "CA CAP Excellence", "CA", ["97101"]),
    _epci("242000354", "CA de Bastia", "CA", ["2B033"]),
    _epci("242010056", "CA du Pays Ajaccien", "CA", ["2A004"]),
    _epci("243500139", "Rennes Métropole", "METRO", ["35024", "35238"]),
    _epci("243500741", "CA Redon Agglomération", "CA", ["35236", "44185", "56001"]),
]


def edition(version="6.0.0"):
    """Return a deep copy of the package's content, to change before writing it as a newer edition."""
    return {
        "version": version,
        "regions": copy.deepcopy(REGIONS),
        "departements": copy.deepcopy(DEPARTMENTS),
        "communes": copy.deepcopy(COMMUNES),
        "epci": copy.deepcopy(EPCIS),
    }


def write_package(root, content=None):
    """Write the package (package.json and data/) under root; return its data folder."""
    content = content or edition()
    (root / "data").mkdir(parents=True)
    package = {"name": "@etalab/decoupage-administratif", "version": content["version"]}
    (root / "package.json").write_text(json.dumps(package), encoding="utf-8")
    for name in ["regions", "departements", "communes", "epci"]:
        (root / "data" / f"{name}.json").write_text(json.dumps(content[name]), encoding="utf-8")
    return root / "data"
