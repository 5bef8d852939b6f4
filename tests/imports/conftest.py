"""A piece of Brittany to import into, the themes to file rows under, and helpers that write files as a
spreadsheet or a text editor would."""

import csv
import io

import pytest
from openpyxl import Workbook

from imports.columns import NEEDS, ORGANIZATIONS, PROJECTS
from territories.models import EPCI
from tests.needs.factories import ThemeFactory
from tests.territories.factories import CommuneFactory, EPCIFactory


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "private"
    return settings.MEDIA_ROOT


@pytest.fixture
def brittany(tag35, tag29):
    department = tag35.departments.get()
    rennes_metropole = EPCIFactory(code="243500139", name="Rennes Métropole", kind=EPCI.Kind.METROPOLE)
    redon = EPCIFactory(code="243500741", name="Redon Agglomération", kind=EPCI.Kind.AGGLOMERATION)
    CommuneFactory(code="35238", name="Rennes", department=department, epci=rennes_metropole)
    CommuneFactory(code="35051", name="Cesson-Sévigné", department=department, epci=rennes_metropole)
    CommuneFactory(code="35236", name="Redon", department=department, epci=redon)
    brest_metropole = EPCIFactory(code="242900314", name="Brest Métropole", kind=EPCI.Kind.METROPOLE)
    CommuneFactory(code="29019", name="Brest", department=tag29.departments.get(), epci=brest_metropole)
    for name in ["Mobilité", "Bien-vieillir", "Économie circulaire et réemploi", "Lien social et tiers-lieux"]:
        ThemeFactory(name=name)
    return department


HEADERS = {
    "besoins": [column.name for column in NEEDS.columns],
    "projets": [column.name for column in PROJECTS.columns],
    "organisations": [column.name for column in ORGANIZATIONS.columns],
}


def need_row(**values):
    row = {
        "Référence": "B-2021-01",
        "Intitulé": "Se déplacer sans voiture",
        "Description": "Les habitants des bourgs n'ont pas de solution pour aller au marché.",
        "Thèmes": "mobilite",
        "Origine": "Habitants",
        "Département": "35",
        "Communes": "Rennes, 35051",
        "Détecté le": "15/03/2021",
    }
    row.update(values)
    return row


def project_row(**values):
    row = {
        "Référence": "P-2020-01",
        "Intitulé": "Tiers-lieu de Redon",
        "Thèmes": "Lien social et tiers-lieux",
        "Département": "Ille-et-Vilaine",
        "EPCI": "Redon Agglomération",
        "Communes": "Redon",
        "Étape": "Étude d'opportunité",
        "Ouvert le": "2020-09-01",
    }
    row.update(values)
    return row


def csv_bytes(header, rows, *, delimiter=";", encoding="utf-8"):
    """Return a CSV file: `rows` are dicts by column name (missing ones are empty)."""
    text = io.StringIO()
    writer = csv.writer(text, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(name, "") for name in header])
    return text.getvalue().encode(encoding)


def xlsx_bytes(header, rows):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append([row.get(name) for name in header])
    file = io.BytesIO()
    workbook.save(file)
    return file.getvalue()
