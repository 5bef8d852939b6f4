"""« Mes projets »: a révélateur's « Projets » lead to her structure's projects, running first, then paused, then
stopped, with the network's catalogue one click away. Other roles keep the catalogue."""

import datetime

import pytest

from tests.downloads import exported
from tests.needs.factories import ThemeFactory
from tests.projects.factories import ProjectFactory
from tests.territories.factories import CommuneFactory

pytestmark = pytest.mark.django_db


def titles(response):
    return [project.title for project in response.context["page"]]


@pytest.fixture
def projects(revelateur35, revelateur29):
    """TAg35's projects in each state, opened on different days, and a public and a shared project of TAg29."""
    day = datetime.date(2025, 1, 1)
    made = {}
    for title, traits, days in [
        ("Arrêté récent", {"stopped": True}, 300),
        ("En pause", {"paused": True}, 200),
        ("En cours ancien", {}, 10),
        ("En cours récent", {}, 100),
    ]:
        made[title] = ProjectFactory(
            created_by=revelateur35, title=title, opened_on=day + datetime.timedelta(days=days), **traits
        )
    made["Public de TAg29"] = ProjectFactory(created_by=revelateur29, title="Public de TAg29", public=True)
    made["Partagé de TAg29"] = ProjectFactory(created_by=revelateur29, title="Partagé de TAg29", shared=True)
    return made


def test_a_revelateur_lists_her_structures_projects_running_then_paused_then_stopped(client, revelateur35, projects):
    client.force_login(revelateur35)

    response = client.get("/projets/ma-structure/")

    assert titles(response) == ["En cours récent", "En cours ancien", "En pause", "Arrêté récent"]
    html = " ".join(response.content.decode().split())
    assert "<h1>Projets de TAg35</h1>" in html
    assert '<a href="/projets/ma-structure/" aria-current="page">Mes projets</a>' in html
    assert '<a href="/projets/">Catalogue du réseau</a>' in html


def test_her_list_is_filtered_and_sorted_as_asked_and_offers_no_structure_filter(client, revelateur35, projects):
    client.force_login(revelateur35)

    paused = client.get("/projets/ma-structure/", {"state": "paused"})
    by_title = client.get("/projets/ma-structure/", {"ordering": "title"})

    assert titles(paused) == ["En pause"]
    assert titles(by_title) == ["Arrêté récent", "En cours ancien", "En cours récent", "En pause"]
    assert "structure" not in paused.context["filter"].form.fields
    assert paused.context["is_filtered"] and not client.get("/projets/ma-structure/").context["is_filtered"]


def test_her_download_holds_her_structures_projects_only(client, revelateur35, projects):
    client.force_login(revelateur35)

    response = client.get("/projets/ma-structure/export.csv", {"state": "running"})

    assert response.status_code == 200
    assert "projets-tag35-" in response["Content-Disposition"]
    assert sorted(row["Intitulé"] for row in exported(response)) == ["En cours ancien", "En cours récent"]


def test_a_structure_without_projects_is_told_where_projects_come_from(client, revelateur35):
    client.force_login(revelateur35)

    html = client.get("/projets/ma-structure/").content.decode()

    assert "Votre structure n'a pas encore de projet" in html


@pytest.mark.parametrize(
    ("who", "status"),
    [("anonymous", 302), ("revelateur35", 200), ("collectivite", 404), ("avise", 404), ("admin", 404)],
)
@pytest.mark.parametrize("path", ["/projets/ma-structure/", "/projets/ma-structure/export.csv"])
def test_only_a_revelateur_has_her_structures_list(client, cast, who, status, path):
    if cast[who]:
        client.force_login(cast[who])

    response = client.get(path)

    assert response.status_code == status
    if who == "anonymous":
        assert response["Location"].startswith("/compte/connexion/")


@pytest.mark.parametrize(
    ("who", "link"),
    [
        ("revelateur35", "/projets/ma-structure/"),
        ("collectivite", "/projets/"),
        ("avise", "/projets/"),
        ("admin", "/projets/"),
    ],
)
def test_the_projects_menu_leads_a_revelateur_to_her_structures_projects_and_others_to_the_catalogue(
    client, cast, who, link
):
    client.force_login(cast[who])

    html = " ".join(client.get("/mentions-legales/").content.decode().split())

    assert f'<a href="{link}" >Projets</a>' in html


def test_the_catalogue_offers_a_revelateur_the_way_back_to_her_projects(client, revelateur35, collectivite):
    client.force_login(revelateur35)
    html = " ".join(client.get("/projets/").content.decode().split())
    assert '<a href="/projets/" aria-current="page">Catalogue du réseau</a>' in html
    assert '<a href="/projets/ma-structure/">Mes projets</a>' in html

    client.force_login(collectivite)
    assert "Catalogue du réseau" not in client.get("/projets/").content.decode()


def test_her_list_runs_a_fixed_number_of_queries(client, revelateur35, django_assert_num_queries):
    client.force_login(revelateur35)
    for count in (1, 6):
        for _ in range(count):
            project = ProjectFactory(created_by=revelateur35, launched=True, themes=[ThemeFactory(), ThemeFactory()])
            project.communes.add(CommuneFactory())
        # 1 the session, 2 the user, 3 her structure (the heading), 4-5 the years of launch offered (the first and
        # last, then which years between have one), 6 count for the paginator, 7 the keys of the page's projects,
        # 8 the projects of these keys with their structure, département and activity, 9 their themes, 10 the
        # départements, 11 the EPCI and 12 the themes offered by the filters
        with django_assert_num_queries(12):
            response = client.get("/projets/ma-structure/")
        assert response.status_code == 200
