"""The printable Carnet de projets: the public projects by département, a page at a time, and the Carnet of one
département (`/projets/carnet/?departement=35`), so that it stays small however many projects are public."""

import pytest

from projects import views
from tests.needs.factories import ThemeFactory
from tests.projects.factories import ProjectFactory
from tests.territories.factories import DepartmentFactory


def titles(response):
    return [project.title for section in response.context["sections"] for project in section["projects"]]


@pytest.fixture
def finistere(revelateur35):
    """Two public projects in Finistère and three in Ille-et-Vilaine, by a structure covering both."""
    DepartmentFactory(code="29")
    for title in ["Tiers-lieu du Poher", "Conciergerie de Morlaix"]:
        ProjectFactory(created_by=revelateur35, public=True, title=title, department=DepartmentFactory(code="29"))
    for title in ["Garage solidaire", "Atelier vélo", "Épicerie itinérante"]:
        ProjectFactory(created_by=revelateur35, public=True, title=title)
    ProjectFactory(created_by=revelateur35, title="Projet interne", department=DepartmentFactory(code="29"))


def test_it_shows_a_page_of_projects_and_says_which(client, finistere, monkeypatch):
    monkeypatch.setattr(views, "CARNET_PROJECTS_PER_PAGE", 2)

    first = client.get("/projets/carnet/")
    second = client.get("/projets/carnet/", {"page": 2})

    assert titles(first) == ["Conciergerie de Morlaix", "Tiers-lieu du Poher"]
    assert titles(second) == ["Atelier vélo", "Épicerie itinérante"]
    content = second.content.decode()
    assert "Page 2 sur 3 : les projets 3 à 4 sur 5." in content
    assert 'rel="prev"' in content and 'rel="next"' in content


def test_a_department_going_on_from_the_previous_page_says_so(client, finistere, monkeypatch):
    monkeypatch.setattr(views, "CARNET_PROJECTS_PER_PAGE", 2)

    second = client.get("/projets/carnet/", {"page": 2})
    third = client.get("/projets/carnet/", {"page": 3})

    assert [section["goes_on"] for section in second.context["sections"]] == [False]
    assert [section["goes_on"] for section in third.context["sections"]] == [True]
    assert "(suite)" in third.content.decode() and "(suite)" not in second.content.decode()


def test_the_carnet_of_a_department_holds_its_public_projects_only(client, finistere):
    response = client.get("/projets/carnet/", {"departement": "29"})

    assert titles(response) == ["Conciergerie de Morlaix", "Tiers-lieu du Poher"]
    content = response.content.decode()
    assert "en Finistère (29)" in content
    assert "Projet interne" not in content
    assert "Finistère" in content.split("<title>")[1].split("</title>")[0]


def test_it_links_to_the_carnet_of_each_department_with_its_number_of_public_projects(client, finistere):
    response = client.get("/projets/carnet/")

    assert [(entry["code"], entry["count"]) for entry in response.context["departments"]] == [("29", 2), ("35", 3)]
    content = response.content.decode()
    assert 'href="/projets/carnet/?departement=29"' in content
    assert 'href="/projets/carnet/?departement=35"' in content


def test_the_pages_of_a_department_keep_it(client, finistere, monkeypatch):
    monkeypatch.setattr(views, "CARNET_PROJECTS_PER_PAGE", 2)

    response = client.get("/projets/carnet/", {"departement": "35"})

    assert titles(response) == ["Atelier vélo", "Épicerie itinérante"]
    assert "?departement=35&amp;page=2" in response.content.decode()
    assert response.context["sections"][0]["goes_on"] is False
    assert titles(client.get("/projets/carnet/", {"departement": "35", "page": 2})) == ["Garage solidaire"]


def test_a_department_without_public_projects_has_an_empty_carnet(client, finistere):
    response = client.get("/projets/carnet/", {"departement": DepartmentFactory(code="56").code})

    assert response.status_code == 200
    assert "Aucun projet de ce département n'est encore public." in response.content.decode()


def test_an_unknown_department_answers_404(client, finistere):
    assert client.get("/projets/carnet/", {"departement": "99"}).status_code == 404


@pytest.mark.parametrize("page", ["abc", "0", "-1", "4.5", str(10**30), "9" * 5000])
def test_any_page_number_answers_a_page(client, finistere, monkeypatch, page):
    monkeypatch.setattr(views, "CARNET_PROJECTS_PER_PAGE", 2)

    response = client.get("/projets/carnet/", {"page": page})

    assert response.status_code == 200
    assert response.context["page"].number in (1, 3)


def test_the_catalogue_of_a_department_links_to_its_carnet(client, finistere):
    content = client.get("/projets/", {"department": "29"}).content.decode()

    assert 'href="/projets/carnet/?departement=29"' in content
    assert 'href="/projets/carnet/"' in client.get("/projets/").content.decode()


def test_the_carnet_of_a_department_runs_a_fixed_number_of_queries(client, revelateur35, django_assert_num_queries):
    for count in (1, 4):
        for _ in range(count):
            ProjectFactory(created_by=revelateur35, public=True, themes=[ThemeFactory(), ThemeFactory()])
            ProjectFactory(created_by=revelateur35, public=True, department=DepartmentFactory(code="29"))
        # 1 the département, 2 the public projects per département, 3 count for the paginator, 4 the page of public
        # projects with their structure, territory and activity, 5 their themes
        with django_assert_num_queries(5):
            response = client.get("/projets/carnet/", {"departement": "35"})
        assert response.status_code == 200
        assert len(titles(response)) == {1: 1, 4: 5}[count]
