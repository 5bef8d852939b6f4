"""Read the Code officiel géographique (COG) and load it into the database.

The source is the npm package `@etalab/decoupage-administratif`, whose `data/` folder holds regions.json,
departements.json, communes.json and epci.json. The repository ships a compact extract of it for Brittany
(`territories/data/bretagne.json`); both read into the same dataset, a dict of plain rows:

    {"source": ..., "version": ..., "edition": 2026,
     "regions": [{"code", "name"}], "departments": [{"code", "name", "region"}],
     "epcis": [{"code", "name", "kind"}], "communes": [{"code", "name", "department", "epci", "population", "siren"}]}

Functions raise ValueError (or OSError for a missing file) with a message in French.
"""

import json
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from territories.models import EPCI, Commune, Department, Region

SHIPPED_FILE = Path(__file__).resolve().parent / "data" / "bretagne.json"
PACKAGE = "@etalab/decoupage-administratif"

# The package's EPCI types, mapped to ours. The Métropole de Lyon is a collectivité with its own status
# ("MET69"); for our purposes it is a métropole.
EPCI_KINDS = {"METRO": "METRO", "MET69": "METRO", "CU": "CU", "CA": "CA", "CC": "CC"}

# Model, its fields in the dataset, and the matching attribute names on the model.
TABLES = [
    ("regions", Region, {"code": "code", "name": "name"}),
    ("departments", Department, {"code": "code", "name": "name", "region": "region_id"}),
    ("epcis", EPCI, {"code": "code", "name": "name", "kind": "kind"}),
    (
        "communes",
        Commune,
        {
            "code": "code",
            "name": "name",
            "department": "department_id",
            "epci": "epci_id",
            "population": "population",
            "siren": "siren",
        },
    ),
]


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def read_package(folder, region=None):
    """Return the dataset of one région (its INSEE code) or, without one, of all France, from the package's JSON."""
    folder = Path(folder)
    regions = _read_json(folder / "regions.json")
    departments = _read_json(folder / "departements.json")
    communes = _read_json(folder / "communes.json")
    epcis = _read_json(folder / "epci.json")

    if region is not None:
        region = str(region)
        if region not in {r["code"] for r in regions}:
            raise ValueError(f"Région inconnue dans {folder} : « {region} ».")
        regions = [r for r in regions if r["code"] == region]
        departments = [d for d in departments if d["region"] == region]
    # Only current communes: delegated and associated communes and municipal arrondissements are parts of one.
    communes = [c for c in communes if c["type"] == "commune-actuelle" and (region is None or c["region"] == region)]

    commune_codes = {c["code"] for c in communes}
    epci_of_commune = {}
    kept_epcis = []
    for epci in epcis:
        members = [m["code"] for m in epci["membres"] if m["code"] in commune_codes]
        if not members:
            continue
        if epci["type"] not in EPCI_KINDS:
            raise ValueError(f"Nature d'EPCI inconnue : « {epci['type']} » ({epci['code']} {epci['nom']}).")
        kept_epcis.append(epci)
        for code in members:
            epci_of_commune[code] = epci["code"]

    dataset = {
        **_package_edition(folder),
        "regions": [{"code": r["code"], "name": r["nom"]} for r in regions],
        "departments": [{"code": d["code"], "name": d["nom"], "region": d["region"]} for d in departments],
        "epcis": [{"code": e["code"], "name": e["nom"], "kind": EPCI_KINDS[e["type"]]} for e in kept_epcis],
        "communes": [
            {
                "code": c["code"],
                "name": c["nom"],
                "department": c["departement"],
                "epci": epci_of_commune.get(c["code"]),
                "population": c.get("population"),
                "siren": c.get("siren") or "",
            }
            for c in communes
        ],
    }
    for table, *_ in TABLES:
        dataset[table].sort(key=lambda row: row["code"])
    check(dataset)
    return dataset


def read_file(path=SHIPPED_FILE):
    """Return the dataset of a file written by `write_file` (by default, the shipped Brittany file)."""
    dataset = _read_json(Path(path))
    check(dataset)
    return dataset


def write_file(dataset, path):
    """Write the dataset compactly: one row a line, so that a new edition reads as a short diff."""
    lines = ["{"]
    for key in ["source", "version", "edition"]:
        lines.append(f"  {json.dumps(key)}: {json.dumps(dataset[key])},")
    for i, (table, *_) in enumerate(TABLES):
        rows = ",\n".join(f"    {json.dumps(row, ensure_ascii=False)}" for row in dataset[table])
        lines.append(f"  {json.dumps(table)}: [\n{rows}\n  ]" + ("," if i < len(TABLES) - 1 else ""))
    lines.append("}")
    Path(path).write_text("\n".join(lines) + "\n", encoding="utf-8")


def check(dataset):
    """Refuse a dataset whose rows point to codes it does not hold (the load would break a foreign key)."""
    for table, _, columns in TABLES:
        if table not in dataset:
            raise ValueError(f"Données incomplètes : la liste « {table} » manque.")
        if any(set(columns) - set(row) for row in dataset[table]):
            raise ValueError(
                f"Données incomplètes : des lignes de « {table} » n'ont pas tous les champs {list(columns)}."
            )
        codes = [row["code"] for row in dataset[table]]
        if any(not isinstance(code, str) for code in codes):
            raise ValueError(f"Données invalides : les codes de « {table} » doivent être des chaînes.")
        if len(set(codes)) != len(codes):
            raise ValueError(f"Données invalides : codes en double dans « {table} ».")
    links = [
        ("departments", "region", "regions"),
        ("communes", "department", "departments"),
        ("communes", "epci", "epcis"),
    ]
    for table, field, target in links:
        known = {row["code"] for row in dataset[target]}
        unknown = sorted({row[field] for row in dataset[table] if row[field] is not None and row[field] not in known})
        if unknown:
            raise ValueError(
                f"Données incohérentes : « {table} » renvoie à des codes absents de « {target} » : {unknown[:5]}."
            )


@transaction.atomic
def load(dataset):
    """Create the missing rows and update the changed ones, table by table; return the counts per table.

    Rows the dataset does not hold are left alone: other régions, and communes that a newer edition merged
    away (deleting them could break the needs and projects that refer to them).
    """
    counts = {}
    for table, model, columns in TABLES:
        counts[table] = _upsert(model, [{columns[key]: row[key] for key in columns} for row in dataset[table]])
    return counts


def absent_communes(dataset):
    """Return the codes of communes in the database, in the dataset's départements, that the dataset lacks."""
    departments = [d["code"] for d in dataset["departments"]]
    in_dataset = {c["code"] for c in dataset["communes"]}
    in_database = Commune.objects.filter(department__in=departments).values_list("code", flat=True)
    return sorted(set(in_database) - in_dataset)


def _upsert(model, rows):
    """Write, in bulk, the rows that are missing or differ (matched by code); return the counts."""
    if not rows:
        return Counts()
    attributes = list(rows[0])
    existing = {values[0]: values for values in model.objects.order_by().values_list(*attributes)}
    changed, counts = [], Counts()
    for row in rows:
        values = tuple(row.values())
        current = existing.get(values[0])
        if current is None:
            counts.created += 1
        elif current != values:
            counts.updated += 1
        else:
            counts.unchanged += 1
            continue
        changed.append(model(**row))
    # One upsert (INSERT … ON CONFLICT DO UPDATE) writes new and changed rows alike; bulk_update() would build
    # a CASE expression per row and field, which takes a minute for the 35,000 communes of a new edition.
    model.objects.bulk_create(
        changed,
        batch_size=2000,
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=attributes[1:],
    )
    return counts


def _package_edition(folder):
    """Return the package name, version and COG edition year, from the package.json beside the data folder.

    The package's major version follows the COG year since 2021 (1.x is 2021, 6.x is 2026), as its README says.
    """
    try:
        package = json.loads((folder.parent / "package.json").read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return {"source": str(folder), "version": None, "edition": None}
    version = package.get("version", "")
    major = version.split(".")[0]
    edition = 2020 + int(major) if major.isdigit() and int(major) >= 1 else None
    return {"source": package.get("name", PACKAGE), "version": version or None, "edition": edition}


def _read_json(path):
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise OSError(f"Fichier introuvable : {path}") from None
    except json.JSONDecodeError as error:
        raise ValueError(f"Fichier JSON illisible : {path} ({error}).") from None
