import re

import pytest

from projects.models import Project
from tests.needs.factories import ThemeFactory
from tests.projects.factories import ProjectFactory
from tests.territories.factories import DepartmentFactory


@pytest.fixture
def signed_in(client, revelateur35):
    client.force_login(revelateur35)
    return client


def titles(response):
    return [project.title for project in response.context["page"].object_list]


def test_it_lists_the_projects_newest_first(signed_in, revelateur35):
    ProjectFactory(created_by=revelateur35, title="Conciergerie rurale", opened_on="2025-03-01")
    ProjectFactory(created_by=revelateur35, title="Garage solidaire", opened_on="2026-01-10")

    response = signed_in.get("/projets/")

    assert titles(response) == ["Garage solidaire", "Conciergerie rurale"]
    content = response.content.decode()
    assert "2 projets" in content
    assert "10 janvier 2026" in content
    assert "<caption>" in content and 'scope="col"' in content


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"stage": "feasibility_study"}, ["Garage solidaire"]),
        ({"state": "paused"}, ["Conciergerie rurale"]),
        ({"department": "29"}, ["Tiers-lieu de Carhaix"]),
        ({"theme": "mobility"}, ["Garage solidaire"]),
        ({"q": "reemploi"}, ["Ressourcerie du Pays de Vitré"]),
        ({"q": "GARAGE"}, ["Garage solidaire"]),
        (
            {"stage": "opportunity_study", "state": "running"},
            ["Tiers-lieu de Carhaix", "Ressourcerie du Pays de Vitré"],
        ),
    ],
    ids=["stage", "state", "department", "theme", "search-without-accents", "search-ignoring-case", "two-filters"],
)
def test_it_filters_the_list(signed_in, revelateur35, query, expected):
    mobility = ThemeFactory(name="Mobilité")
    ProjectFactory(
        created_by=revelateur35, title="Garage solidaire", stage=Project.Stage.FEASIBILITY_STUDY, themes=[mobility]
    )
    ProjectFactory(created_by=revelateur35, title="Conciergerie rurale", paused=True, opened_on="2025-01-01")
    ProjectFactory(
        created_by=revelateur35, title="Ressourcerie du Pays de Vitré", public_summary="Réemploi et ateliers."
    )
    ProjectFactory(
        created_by=revelateur35,
        title="Tiers-lieu de Carhaix",
        department=DepartmentFactory(code="29"),
        opened_on="2030-01-01",
    )
    if query.get("theme"):
        query = {**query, "theme": mobility.pk}

    response = signed_in.get("/projets/", query)

    assert titles(response) == expected


@pytest.mark.parametrize(
    ("ordering", "expected"),
    [("recent", ["B", "A", "C"]), ("title", ["A", "B", "C"]), ("updated", ["C", "A", "B"])],
)
def test_it_orders_the_list_by_a_known_ordering_only(signed_in, revelateur35, ordering, expected):
    ProjectFactory(created_by=revelateur35, title="A", opened_on="2025-02-01", updated_at="2026-02-01T10:00Z")
    ProjectFactory(created_by=revelateur35, title="B", opened_on="2025-03-01", updated_at="2026-01-01T10:00Z")
    ProjectFactory(created_by=revelateur35, title="C", opened_on="2025-01-01", updated_at="2026-03-01T10:00Z")

    assert titles(signed_in.get("/projets/", {"ordering": ordering})) == expected


def test_an_unknown_filter_value_is_said_and_ignored(signed_in, revelateur35):
    ProjectFactory(created_by=revelateur35, title="Garage solidaire")

    response = signed_in.get("/projets/", {"stage": "nowhere", "ordering": "internal_summary"})

    assert titles(response) == ["Garage solidaire"]
    assert response.context["filter"].errors.keys() == {"stage", "ordering"}
    assert response.content.decode().count('class="form__error"') == 2


def test_it_pages_the_list_and_keeps_the_filters(signed_in, revelateur35):
    ProjectFactory.create_batch(21, created_by=revelateur35, state=Project.State.PAUSED)

    first = signed_in.get("/projets/", {"state": "paused"})
    second = signed_in.get("/projets/", {"state": "paused", "page": 2})

    assert len(first.context["page"].object_list) == 20
    assert len(second.context["page"].object_list) == 1
    assert "?state=paused&amp;page=2" in first.content.decode()
    html = second.content.decode()
    assert "page 2 sur 2" in html
    assert re.search(r'aria-current="page"\s+aria-label="Page 2"', html)


def test_the_list_runs_a_fixed_number_of_queries(signed_in, revelateur35, django_assert_num_queries):
    for count in (1, 5):
        for _ in range(count):
            ProjectFactory(created_by=revelateur35, themes=[ThemeFactory(), ThemeFactory()])
        # 1 session, 2 user, 3 the years of launch offered (none launched here), 4 count for the paginator, 5 the
        # keys of the page's projects, 6 the projects of these keys with their structure, département and activity,
        # 7 their themes, 8 the projects per département for the map, 9 the départements, 10 the EPCI, 11 the themes
        # and 12 the structures offered by the filters
        with django_assert_num_queries(12):
            response = signed_in.get("/projets/", {"q": "", "stage": ""})
        assert response.status_code == 200
