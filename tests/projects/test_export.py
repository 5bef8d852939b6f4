"""The projects list as a download: the projects the list shows this person, with its filters and sort, in CSV and
XLSX; what a project's page keeps for its structure stays out of the rows of anyone else; streamed by batches."""

import datetime
import io
from decimal import Decimal

import pytest
from django.http import StreamingHttpResponse
from openpyxl import load_workbook

from fabrique import exports
from projects.exports import (
    activities_for_export,
    activity_export_row,
    activity_export_rows,
    project_export_row,
    project_export_rows,
    projects_for_export,
)
from projects.models import Activity, Project
from tests.downloads import content_of, exported, rows_of
from tests.needs.factories import ThemeFactory
from tests.partners.factories import FundingFactory
from tests.projects.factories import ActivityFactory, FollowUpFactory, ProjectFactory
from tests.territories.factories import DepartmentFactory

ROLES = ["revelateur35", "revelateur29", "collectivite", "avise", "admin"]
INSIDERS = {"revelateur35", "avise", "admin"}


def exported_ids(response, file_format="csv"):
    return [int(row["N°"]) for row in exported(response, file_format)]


def listed_ids(response):
    return [project.pk for project in response.context["page"].object_list]


@pytest.fixture
def projects(revelateur35, revelateur29, ille_et_vilaine):
    """Projects of TAg35 and TAg29 at each visibility, differing by stage, state, département and theme."""
    mobility = ThemeFactory(name="Mobilité")
    finistere = DepartmentFactory(code="29")
    return {
        "internal35": ProjectFactory(
            created_by=revelateur35,
            title="Garage solidaire",
            internal_summary="Le maire hésite encore.",
            themes=[mobility],
            opened_on=datetime.date(2025, 1, 10),
        ),
        "shared35": ProjectFactory(
            created_by=revelateur35,
            title="Conciergerie rurale",
            reference="P-2025-02",
            internal_summary="Budget serré : à revoir.",
            shared=True,
            stopped=True,
            opened_on=datetime.date(2025, 2, 10),
        ),
        "public35": ProjectFactory(
            created_by=revelateur35,
            title="Épicerie itinérante",
            internal_summary="Le porteur pressenti est fragile.",
            public=True,
            stage=Project.Stage.FEASIBILITY_STUDY,
            themes=[mobility],
            opened_on=datetime.date(2025, 3, 10),
        ),
        "internal29": ProjectFactory(
            created_by=revelateur29,
            title="Tiers-lieu de Carhaix",
            department=finistere,
            opened_on=datetime.date(2025, 4, 10),
        ),
        "shared29": ProjectFactory(
            created_by=revelateur29,
            title="Recyclerie de Brest",
            department=finistere,
            shared=True,
            paused=True,
            opened_on=datetime.date(2025, 5, 10),
        ),
        "public29": ProjectFactory(
            created_by=revelateur29,
            title="Ressourcerie de Morlaix",
            internal_summary="Dossier FSE en retard.",
            department=finistere,
            public=True,
            opened_on=datetime.date(2025, 6, 10),
        ),
    }


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
@pytest.mark.parametrize(
    "query",
    [
        "",
        "stage=feasibility_study",
        "state=stopped",
        "department=29",
        "theme=mobility",
        "q=ressourcerie",
        "ordering=title",
    ],
    ids=["everything", "stage", "state", "department", "theme", "search", "sorted by title"],
)
@pytest.mark.parametrize("role", ROLES)
def test_the_export_holds_what_the_list_shows_each_role(client, cast, projects, role, query, file_format):
    if "theme=" in query:
        query = f"theme={projects['internal35'].themes.get().pk}"
    client.force_login(cast[role])

    page = client.get(f"/projets/?{query}")
    response = client.get(f"/projets/export.{file_format}?{query}")

    assert response.status_code == 200
    assert exported_ids(response, file_format) == listed_ids(page)


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("revelateur35", ["public29", "shared29", "public35", "shared35", "internal35"]),
        ("revelateur29", ["public29", "shared29", "internal29", "public35", "shared35"]),
        # The cast's collectivité governs Rennes Métropole, in Ille-et-Vilaine: TAg35's shared project lies in it.
        ("collectivite", ["public29", "public35", "shared35"]),
        ("avise", ["public29", "shared29", "internal29", "public35", "shared35", "internal35"]),
    ],
)
def test_each_role_exports_the_projects_it_may_see(client, cast, projects, role, expected):
    client.force_login(cast[role])

    assert exported_ids(client.get("/projets/export.csv")) == [projects[key].pk for key in expected]


def test_a_visitor_is_sent_to_sign_in_before_any_export(client, projects):
    response = client.get("/projets/export.csv")

    assert response.status_code == 302
    assert response["Location"].startswith("/compte/connexion/?next=")


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
@pytest.mark.parametrize("role", ROLES)
def test_the_internal_material_goes_only_to_those_who_read_it_on_the_project_page(
    client, cast, projects, role, file_format
):
    client.force_login(cast[role])

    rows = {row["Intitulé"]: row for row in exported(client.get(f"/projets/export.{file_format}"), file_format)}

    stopped = rows["Conciergerie rurale"]
    if role in INSIDERS:
        assert stopped["Résumé interne"] == "Budget serré : à revoir."
        assert stopped["Motif de l'arrêt"] == "Aucun porteur ne s'est manifesté."
        assert stopped["Référence"] == "P-2025-02"
    else:
        assert stopped["Résumé interne"] == stopped["Motif de l'arrêt"] == ""
        # The structure's own reference is its internal material too, as on the project's page.
        assert stopped["Référence"] in ("", None)
    # Whoever reads it, a project of TAg29 keeps its internal summary for TAg29 (and Avise staff).
    own29 = rows["Ressourcerie de Morlaix"]["Résumé interne"]
    assert own29 == ("Dossier FSE en retard." if role in {"revelateur29", "avise", "admin"} else "")
    assert stopped["État"] == "Arrêté"
    assert stopped["Visibilité"] == "Partagé avec les partenaires"


def test_it_writes_a_launched_project_and_its_essaimage_as_its_page_does(
    client, revelateur35, revelateur29, ille_et_vilaine, themes
):
    hidden_source = ActivityFactory(name="Garage du Poher", project__created_by=revelateur29)
    shown_source = ActivityFactory(
        name="Épicerie de Redon", project__created_by=revelateur29, project__visibility=Project.Visibility.PUBLIC
    )
    launched = ProjectFactory(
        created_by=revelateur35,
        title="Épicerie de Vitré",
        launched=True,
        activity__name="L'Épicerie vitréenne",
        activity__opened_on=datetime.date(2026, 4, 1),
        activity__porteur__name="Association Vitré Solidaire",
        source_activity=shown_source,
        epci_id="243500139",
        themes=[themes["Alimentation durable"], themes["Mobilité"]],
        solution_type="Épicerie",
    )
    launched.communes.set(ille_et_vilaine.communes.filter(code="35238"))
    ProjectFactory(created_by=revelateur35, title="Garage de Fougères", source_activity=hidden_source)
    client.force_login(revelateur35)

    rows = {row["Intitulé"]: row for row in exported(client.get("/projets/export.csv"))}

    row = rows["Épicerie de Vitré"]
    assert row["Étape"] == "Activité lancée"
    assert row["Activité créée"] == "L'Épicerie vitréenne"
    assert row["Activité ouverte le"] == "01/04/2026"
    assert row["Porteur"] == "Association Vitré Solidaire"
    assert row["Essaimage de"] == "Épicerie de Redon"
    assert row["Thèmes"] == "Alimentation durable, Mobilité"
    assert row["EPCI"] == "Rennes Métropole"
    assert row["Communes"] == "Rennes"
    assert row["Département"] == "Ille-et-Vilaine (35)"
    assert row["Structure"] == "TAg35"
    assert row["Type de solution"] == "Épicerie"
    assert row["Programme"] == "Révélateur"
    # The source of this one is an internal project of TAg29: its name stays there.
    assert rows["Garage de Fougères"]["Essaimage de"] == "Une activité lancée ailleurs dans le réseau"
    assert rows["Garage de Fougères"]["Activité créée"] == ""


def test_a_formula_typed_in_a_project_is_exported_as_text(client, revelateur35, ille_et_vilaine):
    ProjectFactory(created_by=revelateur35, title="=1+2", public_summary="@SUM(A1)", internal_summary="-2")
    client.force_login(revelateur35)

    (row,) = exported(client.get("/projets/export.csv"))
    assert (row["Intitulé"], row["Résumé public"], row["Résumé interne"]) == ("'=1+2", "'@SUM(A1)", "'-2")

    sheet = load_workbook(io.BytesIO(content_of(client.get("/projets/export.xlsx")))).active
    assert (sheet["C2"].value, sheet["C2"].data_type) == ("=1+2", "s")


def test_the_list_offers_the_export_and_the_activities_to_signed_in_people(client, revelateur35, projects):
    client.force_login(revelateur35)

    html = client.get("/projets/?state=stopped&ordering=title&page=1").content.decode()

    assert '<a href="/projets/export.csv?state=stopped&amp;ordering=title">Télécharger (CSV)</a>' in html
    assert '<a href="/projets/export.xlsx?state=stopped&amp;ordering=title">Télécharger (XLSX)</a>' in html
    assert 'href="/projets/activites/">Activités créées</a>' in html


def test_a_visitor_is_offered_neither_export_nor_activities(client, projects):
    html = client.get("/projets/").content.decode()

    assert "Télécharger" not in html
    assert "/projets/activites/" not in html


def test_the_csv_is_streamed_and_reads_the_projects_only_once_consumed(
    client, revelateur35, projects, django_assert_num_queries
):
    client.force_login(revelateur35)

    # 1. the session, 2. the user, 3. the years of launch offered by the filter (the first and last: there are no
    # activities, so none to look for): the projects are not read yet.
    with django_assert_num_queries(3):
        response = client.get("/projets/export.csv")
    assert isinstance(response, StreamingHttpResponse)

    # 1. the projects, 2. their themes, 3. their communes.
    with django_assert_num_queries(3):
        assert len(exported(response)) == 5


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
@pytest.mark.parametrize(("count", "batches"), [(10, 1), (30, 3), (31, 4)])
def test_the_queries_grow_with_the_batches_never_with_the_projects(
    client,
    revelateur35,
    revelateur29,
    ille_et_vilaine,
    themes,
    monkeypatch,
    django_assert_num_queries,
    file_format,
    count,
    batches,
):
    monkeypatch.setattr(exports, "CHUNK_SIZE", 10)
    communes = list(ille_et_vilaine.communes.all())
    # The source of half the essaimages: a public project of TAg29, the first of the rows.
    source = ActivityFactory(project__created_by=revelateur29, project__visibility=Project.Visibility.PUBLIC)
    for number in range(count - 1):
        project = ProjectFactory(
            created_by=revelateur35,
            epci_id="243500139",
            themes=list(themes.values()),
            source_activity=source if number % 2 else None,
            launched=number % 3 == 0,
            activity__jobs_at_launch=Decimal("1.5"),
        )
        project.communes.set(communes)
    client.force_login(revelateur35)

    # 1. the session, 2. the user, 3.–4. the years of launch offered by the filter (the first and last, then which
    # have activities), 5. the projects with their structure, département, EPCI, activity and its porteur, source
    # activity and whether it may be seen; then for each batch of 10: its themes, its communes.
    with django_assert_num_queries(5 + 2 * batches):
        response = client.get(f"/projets/export.{file_format}")
        content = content_of(response)
    assert len(rows_of(content, file_format)) == 1 + count


@pytest.mark.parametrize("role", ["revelateur35", "revelateur29", "avise"])
def test_the_list_and_the_admin_write_the_same_cells_of_a_project(cast, revelateur35, revelateur29, projects, role):
    """The projects list reads plain values, the admin model instances: both write the columns of projects/exports.py,
    the internal material included or left out alike."""
    source = ActivityFactory(name="Garage du Poher", project__created_by=revelateur29)
    ProjectFactory(
        created_by=revelateur35,
        launched=True,
        activity__porteur__name="Association Vitré Solidaire",
        source_activity=source,
        epci_id="243500139",
    )
    user = cast[role]
    queryset = Project.objects.visible_to(user).order_by("pk")

    from_values = list(project_export_rows(queryset, user))

    from_objects = [project_export_row(project, user) for project in projects_for_export(queryset, user)]
    assert len(from_values) > 2
    assert from_values == from_objects


@pytest.mark.parametrize("role", ["revelateur35", "revelateur29", "avise"])
def test_the_list_and_the_admin_write_the_same_cells_of_an_activity(cast, revelateur35, themes, role):
    """The activities list reads plain values, the admin model instances: both write the columns of
    projects/exports.py, the amounts included or left out alike."""
    followed = ActivityFactory(
        project__created_by=revelateur35,
        project__visibility=Project.Visibility.PUBLIC,
        project__epci_id="243500139",
        project__themes=[themes["Mobilité"], themes["Alimentation durable"]],
        esus=True,
        jobs_at_launch=Decimal("2.5"),
    )
    FundingFactory(project=followed.project, amount=Decimal("15000"), organization=None)
    FundingFactory(project=followed.project, contribution_kind="loan", amount=Decimal("5000.50"), organization=None)
    FollowUpFactory(activity=followed, year=2027, jobs=Decimal("4"), still_active=False, closed_on="2027-11-30")
    FollowUpFactory(activity=followed, year=2025, jobs=Decimal("3"))
    ActivityFactory(project__created_by=revelateur35, project__visibility=Project.Visibility.PUBLIC)
    user = cast[role]
    queryset = Activity.objects.visible_to(user).order_by("pk")

    from_values = list(activity_export_rows(queryset, user))

    from_objects = [activity_export_row(activity, user) for activity in activities_for_export(queryset)]
    assert len(from_values) == 2
    assert from_values == from_objects
    assert from_values[0][15:19] == (2027, Decimal("4"), False, datetime.date(2027, 11, 30))
