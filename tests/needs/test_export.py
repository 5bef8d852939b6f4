"""The needs list as a download: the same needs as the list, with its filters and sort, in CSV and XLSX, streamed
by batches so that a long list neither fills the memory nor runs a query per need."""

import datetime
import io
import re

import pytest
from django.http import StreamingHttpResponse
from openpyxl import load_workbook

from fabrique import exports
from needs import views
from needs.exports import need_export_row, need_export_rows
from needs.models import Need
from partners.models import Organization
from tests.downloads import content_of, rows_of, unescaped
from tests.needs.factories import NeedFactory
from tests.partners.factories import OrganizationFactory
from tests.projects.factories import ProjectFactory

ROLES = ["anonymous", "revelateur35", "revelateur29", "collectivite", "avise", "admin"]


def csv_rows(response):
    return rows_of(content_of(response), "csv")


def xlsx_sheet(response):
    return load_workbook(io.BytesIO(content_of(response))).active


def exported_ids(response, file_format):
    rows = rows_of(content_of(response), file_format)
    assert rows[0][0] == "N°"
    return [int(row[0]) for row in rows[1:]]


def listed_ids(response):
    return [need.pk for need in response.context["page"]]


@pytest.fixture
def needs(revelateur35, revelateur29, ille_et_vilaine, themes):
    """Needs of TAg35 that differ by status, EPCI, origin and date, and one of TAg29."""
    redon = OrganizationFactory(name="Commune de Redon", kind=Organization.Kind.ASSOCIATION)
    garde = NeedFactory(
        created_by=revelateur35,
        title="Garde d'enfants en horaires décalés",
        reference="B-2025-03",
        description="Les parents qui travaillent de nuit.",
        themes=[themes["Bien-vieillir"], themes["Mobilité"]],
        source=Need.Source.COLLECTIVITE,
        source_detail="Réunion du CCAS",
        epci_id="243500139",
        communes=list(ille_et_vilaine.communes.filter(code__in=["35238", "35051"])),
        territory_kind=Need.TerritoryKind.URBAN,
        detected_on=datetime.date(2025, 3, 12),
        proposed_by=redon,
    )
    return {
        "garde": garde,
        "reemploi": NeedFactory(
            created_by=revelateur35,
            title="Une ressourcerie pour le pays de Redon",
            epci_id="243500741",
            detected_on=datetime.date(2026, 1, 5),
            qualified=True,
        ),
        "transport": NeedFactory(
            created_by=revelateur35,
            title="Transport solidaire vers les soins",
            detected_on=datetime.date(2026, 2, 20),
            dismissed=True,
        ),
        "brest": NeedFactory(
            created_by=revelateur29,
            title="Épicerie solidaire à Brest",
            department=revelateur29.structure.departments.get(),
            detected_on=datetime.date(2026, 2, 1),
        ),
    }


def test_it_writes_every_column_of_a_need_in_french(client, revelateur35, needs):
    client.force_login(revelateur35)

    response = client.get("/besoins/export.csv?source=collectivite")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="besoins-')
    # What the structure logged stays out of the caches between the browser and the platform.
    assert "no-store" in response["Cache-Control"]
    header, row = csv_rows(response)
    row = dict(zip(header, row, strict=True))
    assert re.fullmatch(r"\d\d/\d\d/\d{4} \d\d:\d\d", row.pop("Saisi le"))
    assert re.fullmatch(r"\d\d/\d\d/\d{4} \d\d:\d\d", row.pop("Modifié le"))
    assert row == {
        "N°": str(needs["garde"].pk),
        # The reference an import matches on: an exported file, mended and imported, updates this need.
        "Référence": "B-2025-03",
        "Intitulé": "Garde d'enfants en horaires décalés",
        "Description": "Les parents qui travaillent de nuit.",
        "Statut": "Détecté",
        "Motif": "",
        "Thèmes": "Bien-vieillir, Mobilité",
        "Origine": "Appel à révélation (collectivité)",
        "Précision sur l'origine": "Réunion du CCAS",
        "Public concerné": "",
        "Structure": "TAg35",
        "Département": "Ille-et-Vilaine (35)",
        "EPCI": "Rennes Métropole",
        "Communes": "Cesson-Sévigné, Rennes",
        "Type de territoire": "Urbain",
        "Détecté le": "12/03/2025",
        "Proposé par": "Commune de Redon",
        "Projet d'étude": "",
    }


def test_the_xlsx_holds_the_same_needs_with_dates_as_dates(client, revelateur35, needs):
    client.force_login(revelateur35)

    response = client.get("/besoins/export.xlsx?status=dismissed")

    assert response["Content-Disposition"].startswith('attachment; filename="besoins-')
    assert response["Content-Disposition"].endswith('.xlsx"')
    sheet = xlsx_sheet(response)
    assert sheet.title == "Besoins"
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert len(rows) == 2
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["Intitulé"] == "Transport solidaire vers les soins"
    assert row["Statut"] == "Écarté"
    assert row["Motif"] == "Déjà couvert par une association."
    assert row["Détecté le"] == datetime.datetime(2026, 2, 20)
    assert row["N°"] == needs["transport"].pk


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
@pytest.mark.parametrize(
    "query",
    ["", "status=qualified", "year=2026&order=title", "epci=243500139", "q=ressourcerie", "order=-status"],
    ids=["everything", "status", "year sorted by title", "epci", "search", "sorted by status"],
)
@pytest.mark.parametrize("role", ROLES)
def test_the_export_holds_what_the_list_shows_each_role(client, cast, needs, role, query, file_format):
    if cast[role]:
        client.force_login(cast[role])

    page = client.get(f"/besoins/?{query}")
    response = client.get(f"/besoins/export.{file_format}?{query}")

    if role == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith("/compte/connexion/?next=")
    elif role == "collectivite":
        # A collectivité reads only its own proposals, on their own pages: no list, and no export of one.
        assert page.status_code == response.status_code == 404
    else:
        assert exported_ids(response, file_format) == listed_ids(page)


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("revelateur35", ["transport", "reemploi", "garde"]),
        ("revelateur29", ["brest"]),
        ("avise", ["transport", "brest", "reemploi", "garde"]),
    ],
)
def test_each_structure_exports_its_own_needs_only(client, cast, needs, role, expected):
    client.force_login(cast[role])

    response = client.get("/besoins/export.csv")

    assert exported_ids(response, "csv") == [needs[key].pk for key in expected]


def test_the_export_has_no_pages(client, revelateur35, ille_et_vilaine):
    NeedFactory.create_batch(views.NEEDS_PER_PAGE + 3, created_by=revelateur35)
    client.force_login(revelateur35)

    response = client.get("/besoins/export.csv?page=2")

    assert len(csv_rows(response)) == 1 + views.NEEDS_PER_PAGE + 3


def test_an_unknown_format_is_not_found(client, revelateur35, needs):
    client.force_login(revelateur35)

    assert client.get("/besoins/export.ods").status_code == 404
    assert client.get("/besoins/export.").status_code == 404


@pytest.mark.parametrize(
    "title", ['=HYPERLINK("http://x")', "+33 6 12 34 56 78", "-1+1", "@SUM(A1)", "\tcachée", "\rretour"]
)
def test_a_formula_typed_in_a_need_is_exported_as_text(client, revelateur35, ille_et_vilaine, title):
    NeedFactory(created_by=revelateur35, title=title, description=title)
    client.force_login(revelateur35)

    header, row = csv_rows(client.get("/besoins/export.csv"))
    assert row[header.index("Intitulé")] == row[header.index("Description")] == "'" + title

    sheet = xlsx_sheet(client.get("/besoins/export.xlsx"))
    for cell in (sheet["C2"], sheet["D2"]):
        assert cell.data_type == "s"
        assert unescaped(cell.value) == title


def test_the_list_offers_the_export_with_its_filters_and_sort_but_not_its_page(client, revelateur35, needs):
    client.force_login(revelateur35)

    html = client.get("/besoins/?status=qualified&order=title&page=1").content.decode()

    assert '<a href="/besoins/export.csv?status=qualified&amp;order=title">Télécharger (CSV)</a>' in html
    assert '<a href="/besoins/export.xlsx?status=qualified&amp;order=title">Télécharger (XLSX)</a>' in html


def test_the_csv_is_streamed_and_reads_the_needs_only_once_consumed(
    client, revelateur35, needs, django_assert_num_queries
):
    client.force_login(revelateur35)

    # 1. the session, 2. the user, 3.–4. the years offered by the filter (the first and last, then which have needs):
    # the needs are not read yet.
    with django_assert_num_queries(4):
        response = client.get("/besoins/export.csv")
    assert isinstance(response, StreamingHttpResponse)

    # 1. the needs, 2. their themes, 3. their communes.
    with django_assert_num_queries(3):
        rows = csv_rows(response)
    assert len(rows) == 4


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
@pytest.mark.parametrize(("count", "batches"), [(10, 1), (30, 3), (31, 4)])
def test_the_queries_grow_with_the_batches_never_with_the_needs(
    client, revelateur35, ille_et_vilaine, themes, monkeypatch, django_assert_num_queries, file_format, count, batches
):
    monkeypatch.setattr(exports, "CHUNK_SIZE", 10)
    communes = list(ille_et_vilaine.communes.all())
    proposer = OrganizationFactory()
    for number in range(count):
        NeedFactory(
            created_by=revelateur35,
            epci_id="243500139",
            themes=list(themes.values()),
            communes=communes,
            source=Need.Source.COLLECTIVITE,
            proposed_by=proposer if number % 2 else None,
        )
    client.force_login(revelateur35)

    # 1. the session, 2. the user, 3.–4. the years offered by the filter (the first and last, then which have needs),
    # 5. the needs with their structure, département, EPCI, proposer and project; then for each batch of 10: its
    # themes, its communes.
    with django_assert_num_queries(5 + 2 * batches):
        response = client.get(f"/besoins/export.{file_format}?source=collectivite")
        content = content_of(response)
    assert len(rows_of(content, file_format)) == 1 + count


def test_the_list_and_the_admin_write_the_same_cells_of_a_need(revelateur35, needs):
    """The needs list reads plain values, the admin model instances: both write the columns of needs/exports.py."""
    project = ProjectFactory(created_by=revelateur35, title="Étude de la garde d'enfants")
    Need.objects.filter(pk=needs["reemploi"].pk).update(project=project, status=Need.Status.IN_STUDY)
    queryset = Need.objects.order_by("pk")

    from_values = list(need_export_rows(queryset))

    from_objects = [
        need_export_row(need)
        for need in queryset.select_related("structure", "department", "epci", "proposed_by", "project")
    ]
    assert from_values == from_objects
    assert {row[16] for row in from_values} == {"Commune de Redon", ""}
    assert {row[17] for row in from_values} == {"Étude de la garde d'enfants", ""}
