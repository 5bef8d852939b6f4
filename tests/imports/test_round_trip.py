"""A list downloaded from the Fabrique imports back: every row unchanged, and a title mended in the file updates its
row only, whether the rows have a reference or were created on the site (found by their « N° »)."""

import csv
import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import load_workbook

from imports.columns import NEEDS, PROJECTS
from imports.importers import column_indexes
from needs.exports import NEED_EXPORT_HEADER
from needs.models import Need
from projects.exports import PROJECT_EXPORT_HEADER
from projects.models import Project
from territories.models import EPCI, Commune
from tests.needs.factories import NeedFactory, ThemeFactory
from tests.projects.factories import ProjectFactory

pytestmark = pytest.mark.django_db


def download(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def previewed(client, kind, name, data):
    """Return the outcome of each row the file's preview lists, by title, and the page's counts."""
    response = client.post("/import/", {"kind": kind, "file": SimpleUploadedFile(name, data)})
    assert response.status_code == 302, response.context["form"].errors
    page = client.get(response.url)
    assert page.context["errors"] == [], [row.errors for row in page.context["errors"]]
    counts = {outcome: count for outcome, _label, count in page.context["counts"]}
    # A row is labelled « reference — title », or « N° 12 — title » without a reference.
    rows = {row.label.rsplit(" — ", 1)[-1]: (row.outcome_label, row.changes) for row in page.context["others"]}
    return rows, counts


def with_title_changed(name, data, old, new):
    """Return the downloaded file with one title changed, as a spreadsheet would save it."""
    if name.endswith(".csv"):
        text = data.decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
        column = rows[0].index("Intitulé")
        for row in rows[1:]:
            if row[column] == old:
                row[column] = new
        out = io.StringIO()
        csv.writer(out, delimiter=";", lineterminator="\r\n").writerows(rows)
        return "\ufeff".encode() + out.getvalue().encode()
    workbook = load_workbook(io.BytesIO(data))
    sheet = workbook.active
    column = [cell.value for cell in sheet[1]].index("Intitulé")
    for row in sheet.iter_rows(min_row=2):
        if row[column].value == old:
            row[column].value = new
    file = io.BytesIO()
    workbook.save(file)
    return file.getvalue()


@pytest.fixture
def territory(brittany):
    return {
        "rennes_metropole": EPCI.objects.get(code="243500139"),
        "rennes": Commune.objects.filter(code__in=["35238", "35051"]),
        "redon": Commune.objects.filter(code="35236"),
        "themes": [ThemeFactory(name="Mobilité"), ThemeFactory(name="Bien-vieillir")],
    }


@pytest.fixture
def site_needs(revelateur35, territory):
    """Needs of TAg35 as the site makes them: most without a reference, one with a formula-like title."""
    return [
        NeedFactory(
            created_by=revelateur35,
            title="Se déplacer sans voiture",
            description="Les habitants des bourgs…\nEt leurs enfants.",
            source_detail="Réunion publique",
            target_public="Personnes âgées",
            territory_kind=Need.TerritoryKind.RURAL,
            epci=territory["rennes_metropole"],
            communes=territory["rennes"],
            themes=territory["themes"],
            detected_on=datetime.date(2021, 3, 15),
        ),
        NeedFactory(
            created_by=revelateur35, title="=Garde d'enfants", target_public="-", themes=territory["themes"][:1]
        ),
        NeedFactory(
            created_by=revelateur35, title="Vieillir chez soi", reference="B-2021-04", themes=territory["themes"][1:]
        ),
        NeedFactory(created_by=revelateur35, title="Épicerie", on_hold=True, themes=territory["themes"][:1]),
    ]


@pytest.fixture
def site_projects(revelateur35, territory):
    """Projects of TAg35 as the site makes them: public, paused, stopped, and one imported with its reference."""
    redon = ProjectFactory(
        created_by=revelateur35,
        title="Tiers-lieu de Redon",
        solution_type="Tiers-lieu",
        epci=territory["redon"].get().epci,
        themes=territory["themes"],
        public=True,
        published_at=timezone.now(),
        programme=Project.Programme.IDEATEUR,
    )
    redon.communes.set(territory["redon"])
    return [
        redon,
        ProjectFactory(created_by=revelateur35, title="Garage solidaire", paused=True, themes=territory["themes"][:1]),
        ProjectFactory(
            created_by=revelateur35, title="+ de covoiturage", stopped=True, themes=territory["themes"][:1]
        ),
        ProjectFactory(
            created_by=revelateur35, title="Conciergerie", reference="P-2020-01", themes=territory["themes"][1:]
        ),
    ]


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_the_needs_list_downloaded_imports_back_unchanged_then_with_its_mended_title(
    client, revelateur35, site_needs, file_format
):
    client.force_login(revelateur35)
    name = f"besoins.{file_format}"
    data = download(client, f"/besoins/export.{file_format}")

    rows, counts = previewed(client, "besoins", name, data)

    # Every row is unchanged: the preview counts them, and lists none.
    assert rows == {}
    assert counts == {"new": 0, "updated": 0, "unchanged": 4, "error": 0}

    mended = with_title_changed(name, data, "Se déplacer sans voiture", "Aller au marché sans voiture")
    rows, counts = previewed(client, "besoins", name, mended)

    assert rows == {"Aller au marché sans voiture": ("Mis à jour", ["intitulé"])}
    assert counts == {"new": 0, "updated": 1, "unchanged": 3, "error": 0}


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_the_projects_list_downloaded_imports_back_unchanged_then_with_its_mended_title(
    client, revelateur35, site_projects, file_format
):
    client.force_login(revelateur35)
    name = f"projets.{file_format}"
    data = download(client, f"/projets/export.{file_format}?structure={revelateur35.structure_id}")

    rows, counts = previewed(client, "projets", name, data)

    # Every row is unchanged: the preview counts them, and lists none.
    assert rows == {}
    assert counts == {"new": 0, "updated": 0, "unchanged": 4, "error": 0}

    mended = with_title_changed(name, data, "Garage solidaire", "Garage solidaire du pays de Redon")
    rows, counts = previewed(client, "projets", name, mended)

    assert rows == {"Garage solidaire du pays de Redon": ("Mis à jour", ["intitulé"])}
    assert counts == {"new": 0, "updated": 1, "unchanged": 3, "error": 0}


def test_confirming_the_mended_projects_list_writes_the_title_only(client, revelateur35, site_projects):
    client.force_login(revelateur35)
    data = download(client, f"/projets/export.csv?structure={revelateur35.structure_id}")
    before = {project.pk: (project.visibility, project.published_at, project.programme) for project in site_projects}
    mended = with_title_changed("projets.csv", data, "Garage solidaire", "Garage du pays de Redon")
    url = client.post("/import/", {"kind": "projets", "file": SimpleUploadedFile("projets.csv", mended)}).url

    client.post(url + "confirmer/")

    projects = Project.objects.in_bulk([project.pk for project in site_projects])
    assert [projects[project.pk].title for project in site_projects] == [
        "Tiers-lieu de Redon",
        "Garage du pays de Redon",
        "+ de covoiturage",
        "Conciergerie",
    ]
    assert {pk: (project.visibility, project.published_at, project.programme) for pk, project in projects.items()} == (
        before
    )
    assert [projects[project.pk].reference for project in site_projects] == ["", "", "", "P-2020-01"]


def test_the_exports_name_their_columns_as_the_import_reads_them():
    # Every column of the export that holds a field the import reads is found by the import, under its name.
    assert set(column_indexes(NEEDS, NEED_EXPORT_HEADER)) == {column.key for column in NEEDS.columns}
    assert set(column_indexes(PROJECTS, PROJECT_EXPORT_HEADER)) == {column.key for column in PROJECTS.columns} - {
        "stopped_on",
        "copil_on",
        "copil_body",
    }
    assert "Programme" in PROJECT_EXPORT_HEADER
    assert "Ouvert le" in PROJECT_EXPORT_HEADER
