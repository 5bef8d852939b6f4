"""The list of the activities created (/projets/activites/): those of the projects this person may see, filtered by
département, theme, legal form and year of opening, paged; and its download, with the same filters, in CSV and XLSX,
where the funding amounts stay with the structure."""

import datetime
import io
from decimal import Decimal

import pytest
from django.http import StreamingHttpResponse
from django.utils.html import escape
from openpyxl import load_workbook

from fabrique import exports
from projects import views
from projects.models import Activity, Project
from tests.downloads import content_of, exported, rows_of
from tests.needs.factories import ThemeFactory
from tests.partners.factories import FundingFactory, OrganizationFactory
from tests.projects.factories import ActivityFactory, FollowUpFactory, ProjectFactory
from tests.territories.factories import DepartmentFactory

ROLES = ["anonymous", "revelateur35", "revelateur29", "collectivite", "avise", "admin"]
VISIBILITIES = ["internal", "partners", "public"]


def names(response):
    return [activity.name for activity in response.context["page"].object_list]


def launched(revelateur, name, *, visibility=Project.Visibility.INTERNAL, project=None, **activity):
    """Return the activity `name`, launched by a project of the révélateur's structure."""
    project = {"visibility": visibility, **(project or {})}
    return ActivityFactory(
        name=name, project=ProjectFactory(created_by=revelateur, launched=True, activity=False, **project), **activity
    )


@pytest.fixture
def activities(revelateur35, revelateur29, ille_et_vilaine):
    """Activities that differ by département, theme, legal form and year, and by their project's visibility."""
    food = ThemeFactory(name="Alimentation durable")
    finistere = DepartmentFactory(code="29")
    return {
        "epicerie": launched(
            revelateur35,
            "Épicerie de Redon",
            project={"themes": [food]},
            legal_form=Activity.LegalForm.SCIC,
            opened_on=datetime.date(2025, 9, 1),
        ),
        "garage": launched(
            revelateur35,
            "Garage solidaire",
            visibility=Project.Visibility.PUBLIC,
            opened_on=datetime.date(2026, 3, 1),
        ),
        "ressourcerie": launched(
            revelateur29,
            "Ressourcerie de Morlaix",
            visibility=Project.Visibility.PARTNERS,
            project={"department": finistere, "themes": [food]},
            opened_on=datetime.date(2026, 1, 15),
        ),
        "tiers_lieu": launched(
            revelateur29,
            "Tiers-lieu de Carhaix",
            project={"department": finistere},
            legal_form=Activity.LegalForm.SCOP,
            opened_on=datetime.date(2024, 6, 1),
        ),
    }


def test_it_lists_the_activities_newest_first_with_their_project(client, revelateur35, activities):
    client.force_login(revelateur35)

    response = client.get("/projets/activites/")

    assert response.status_code == 200
    assert names(response) == ["Garage solidaire", "Ressourcerie de Morlaix", "Épicerie de Redon"]
    html = response.content.decode()
    assert "3 activités" in html
    project = activities["epicerie"].project
    assert f'<a href="/projets/{project.pk}/#activite">Épicerie de Redon</a>' in html
    assert f"Projet : {escape(project.title)}" in html
    assert "SCIC" in html
    assert "1er septembre 2025" in html
    assert "<caption>" in html and 'scope="col"' in html and 'scope="row"' in html


def may_see(role, visibility):
    """Whether this role sees an activity of TAg35 whose project has this visibility (as the project's page)."""
    if role in {"revelateur35", "avise", "admin"}:
        return True
    # The cast's collectivité governs Rennes Métropole, in Ille-et-Vilaine, where the projects of TAg35 lie.
    return visibility != "internal"


@pytest.mark.parametrize("visibility", VISIBILITIES)
@pytest.mark.parametrize("role", ROLES)
def test_each_role_lists_and_exports_the_activities_of_the_projects_it_may_see(
    client, cast, ille_et_vilaine, role, visibility
):
    activity = launched(cast["revelateur35"], "Épicerie de Redon", visibility=visibility)
    if cast[role]:
        client.force_login(cast[role])

    page = client.get("/projets/activites/")
    response = client.get("/projets/activites/export.csv")

    if role == "anonymous":
        for refused in (page, response):
            assert refused.status_code == 302
            assert refused["Location"].startswith("/compte/connexion/?next=")
        return
    seen = [activity.pk] if may_see(role, visibility) else []
    assert [listed.pk for listed in page.context["page"].object_list] == seen
    assert [int(row["N°"]) for row in exported(response)] == seen


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("department=29", ["Ressourcerie de Morlaix", "Tiers-lieu de Carhaix"]),
        ("theme=food", ["Ressourcerie de Morlaix", "Épicerie de Redon"]),
        ("legal_form=scop", ["Tiers-lieu de Carhaix"]),
        ("year=2026", ["Garage solidaire", "Ressourcerie de Morlaix"]),
        ("year=2026&department=35", ["Garage solidaire"]),
        (
            "ordering=name",
            ["Épicerie de Redon", "Garage solidaire", "Ressourcerie de Morlaix", "Tiers-lieu de Carhaix"],
        ),
        (
            "ordering=oldest",
            ["Tiers-lieu de Carhaix", "Épicerie de Redon", "Ressourcerie de Morlaix", "Garage solidaire"],
        ),
    ],
    ids=["department", "theme", "legal form", "year", "year and department", "by name", "oldest first"],
)
@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_the_list_and_its_export_are_filtered(client, avise, activities, query, expected, file_format):
    if query == "theme=food":
        query = f"theme={activities['epicerie'].project.themes.get().pk}"
    client.force_login(avise)

    page = client.get(f"/projets/activites/?{query}")
    response = client.get(f"/projets/activites/export.{file_format}?{query}")

    assert names(page) == expected
    assert [row["Activité"] for row in exported(response, file_format)] == expected


def test_the_years_offered_are_those_of_the_activities_one_may_see(client, revelateur35, activities):
    client.force_login(revelateur35)

    response = client.get("/projets/activites/")

    # The activity of 2024 belongs to an internal project of TAg29.
    assert [value for value, _ in response.context["filter"].form.fields["year"].choices] == ["", "2026", "2025"]


def test_an_unknown_filter_value_is_said_and_ignored(client, revelateur35, activities):
    client.force_login(revelateur35)

    response = client.get("/projets/activites/", {"legal_form": "sarl", "ordering": "porteur__name"})

    assert len(names(response)) == 3
    assert response.context["filter"].errors.keys() == {"legal_form", "ordering"}


def test_it_pages_the_list_and_keeps_the_filters(client, revelateur35, ille_et_vilaine):
    for number in range(views.ACTIVITIES_PER_PAGE + 2):
        launched(revelateur35, f"Activité {number:02d}", legal_form=Activity.LegalForm.SCOP)
    client.force_login(revelateur35)

    first = client.get("/projets/activites/", {"legal_form": "scop", "ordering": "name"})
    second = client.get("/projets/activites/", {"legal_form": "scop", "ordering": "name", "page": 2})

    assert len(names(first)) == views.ACTIVITIES_PER_PAGE
    assert names(second) == ["Activité 25", "Activité 26"]
    html = first.content.decode()
    assert "?legal_form=scop&amp;ordering=name&amp;page=2" in html
    assert '<a href="/projets/activites/export.csv?legal_form=scop&amp;ordering=name">Télécharger (CSV)</a>' in html
    assert '<a href="/projets/activites/export.xlsx?legal_form=scop&amp;ordering=name">Télécharger (XLSX)</a>' in html
    # The export has no pages.
    assert len(exported(client.get("/projets/activites/export.csv?legal_form=scop&page=2"))) == 27


def test_an_empty_list_says_so(client, revelateur35):
    client.force_login(revelateur35)

    html = client.get("/projets/activites/").content.decode()

    assert "0 activité" in html
    assert "Aucune activité créée n'est encore enregistrée." in html
    assert "Télécharger" not in html


@pytest.mark.parametrize("rows", [1, 5])
def test_the_list_runs_a_fixed_number_of_queries(
    client, revelateur35, ille_et_vilaine, django_assert_num_queries, rows
):
    for _ in range(rows):
        launched(revelateur35, "Activité", project={"themes": [ThemeFactory(), ThemeFactory()]})
    client.force_login(revelateur35)

    # 1. the session, 2. the user, 3-4. the years of opening offered (the first and last, then which years between
    # have one), 5. the count for the paginator, 6. the keys of the page's activities, 7. the activities of these
    # keys with their project, its structure and département, and their porteur, 8. their projects' themes, 9. the
    # départements and 10. the themes offered by the filters.
    with django_assert_num_queries(10):
        response = client.get("/projets/activites/", {"legal_form": "", "ordering": "recent"})

    assert len(names(response)) == rows


def test_it_exports_every_column_and_keeps_the_amounts_for_the_structure(
    client, revelateur35, revelateur29, ille_et_vilaine
):
    activity = launched(
        revelateur35,
        "Épicerie de Redon",
        visibility=Project.Visibility.PARTNERS,
        project={
            "title": "Épicerie itinérante",
            "epci_id": "243500741",
            "themes": [ThemeFactory(name="Alimentation")],
        },
        legal_form=Activity.LegalForm.SCIC,
        esus=True,
        siren="732829320",
        porteur=OrganizationFactory(name="SCIC Les Paniers"),
        opened_on=datetime.date(2024, 9, 2),
        jobs_at_launch=Decimal("2.5"),
    )
    FundingFactory(project=activity.project, amount=Decimal("15000"), organization=None)
    FundingFactory(project=activity.project, contribution_kind="loan", amount=Decimal("5000.50"), organization=None)
    FollowUpFactory(activity=activity, year=2025, jobs=Decimal("3"))
    FollowUpFactory(activity=activity, year=2027, jobs=Decimal("4"), still_active=False, closed_on="2027-11-30")

    client.force_login(revelateur35)
    (own,) = exported(client.get("/projets/activites/export.csv"))
    client.force_login(revelateur29)
    (shared,) = exported(client.get("/projets/activites/export.csv"))

    assert own == {
        "N°": str(activity.pk),
        "Activité": "Épicerie de Redon",
        "N° du projet": str(activity.project.pk),
        "Projet": "Épicerie itinérante",
        "Structure": "TAg35",
        "Département": "Ille-et-Vilaine (35)",
        "EPCI": "Redon Agglomération",
        "Thèmes": "Alimentation",
        "Forme juridique": "SCIC",
        "Agrément ESUS": "oui",
        "Structure d'insertion (IAE)": "non",
        "SIREN": "732829320",
        "Porteur": "SCIC Les Paniers",
        "Ouverte le": "02/09/2024",
        "Emplois au lancement (ETP)": "2,50",
        "Dernier suivi annuel": "2027",
        "Emplois au dernier suivi (ETP)": "4,00",
        "Toujours active": "non",
        "Fermée le": "30/11/2027",
        "Financements levés (€)": "20000,50",
    }
    assert shared == {**own, "Financements levés (€)": ""}


def test_a_formula_typed_as_an_activity_name_is_exported_as_text(client, revelateur35, ille_et_vilaine):
    launched(revelateur35, '=HYPERLINK("http://x";"clic")')
    client.force_login(revelateur35)

    (row,) = exported(client.get("/projets/activites/export.csv"))
    assert row["Activité"] == '\'=HYPERLINK("http://x";"clic")'
    sheet = load_workbook(io.BytesIO(content_of(client.get("/projets/activites/export.xlsx")))).active
    assert sheet["B2"].data_type == "s"


def test_the_csv_is_streamed_and_reads_the_activities_only_once_consumed(
    client, revelateur35, activities, django_assert_num_queries
):
    client.force_login(revelateur35)

    # 1. the session, 2. the user, 3.–4. the years offered by the filter (the first and last, then which have
    # activities): the activities are not read yet.
    with django_assert_num_queries(4):
        response = client.get("/projets/activites/export.csv")
    assert isinstance(response, StreamingHttpResponse)

    # 1. the activities, 2. their projects' themes, 3. their follow-ups, 4. their fundings.
    with django_assert_num_queries(4):
        assert len(exported(response)) == 3


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
@pytest.mark.parametrize(("count", "batches"), [(10, 1), (30, 3), (31, 4)])
def test_the_export_queries_grow_with_the_batches_never_with_the_activities(
    client, revelateur35, ille_et_vilaine, monkeypatch, django_assert_num_queries, file_format, count, batches
):
    monkeypatch.setattr(exports, "CHUNK_SIZE", 10)
    themes = [ThemeFactory(), ThemeFactory()]
    for _ in range(count):
        activity = launched(revelateur35, "Activité", project={"themes": themes, "epci_id": "243500139"})
        FollowUpFactory(activity=activity)
        FundingFactory(project=activity.project, organization=None)
    client.force_login(revelateur35)

    # 1. the session, 2. the user, 3.–4. the years offered by the filter (the first and last, then which have
    # activities), 5. the activities with their porteur and their project, its structure, département and EPCI;
    # then for each batch of 10: the themes of its projects, its follow-ups, its fundings.
    with django_assert_num_queries(5 + 3 * batches):
        response = client.get(f"/projets/activites/export.{file_format}")
        content = content_of(response)
    assert len(rows_of(content, file_format)) == 1 + count
