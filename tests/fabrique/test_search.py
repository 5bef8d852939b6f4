"""The search of the header: the needs, projects and organisations a person may see, each section bounded, with a
link to the whole list filtered by the search. A visitor who is not signed in gets the catalogue's search."""

import pytest
from django.db import connection

from needs.models import Need
from tests.needs.factories import NeedFactory
from tests.partners.factories import OrganizationFactory
from tests.projects.factories import ProjectFactory
from tests.territories.factories import CommuneFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def found(revelateur35, revelateur29, collectivite, rennes_metropole):
    """One of each kind of row that « solidaire » finds, and one that it does not."""
    rennes = CommuneFactory(code="35238")
    proposal = NeedFactory(
        created_by=revelateur35,
        source=Need.Source.COLLECTIVITE,
        proposed_by=rennes_metropole,
        title="Laverie solidaire proposée par Rennes",
    )
    shared_in_rennes = ProjectFactory(created_by=revelateur29, shared=True, title="Garage solidaire partagé")
    shared_in_rennes.communes.add(rennes)
    return {
        "need of TAg35": NeedFactory(created_by=revelateur35, title="Épicerie solidaire de Redon"),
        "need of TAg29": NeedFactory(
            created_by=revelateur29, title="Épicerie solidaire de Brest", department__code="29"
        ),
        "proposal of Rennes Métropole": proposal,
        "internal project of TAg35": ProjectFactory(created_by=revelateur35, title="Étude solidaire interne 35"),
        "internal project of TAg29": ProjectFactory(created_by=revelateur29, title="Étude solidaire interne 29"),
        "shared project in Rennes": shared_in_rennes,
        "public project": ProjectFactory(created_by=revelateur29, public=True, title="Tiers-lieu solidaire public"),
        "organisation": OrganizationFactory(name="Association solidaire du Poher"),
        "unrelated": ProjectFactory(created_by=revelateur35, public=True, title="Ressourcerie"),
    }


def shown(response):
    """Return {section title: [row titles or names]}."""
    return {
        section["title"]: [getattr(row, "title", None) or row.name for row in section["rows"]]
        for section in response.context["sections"]
    }


def names(found, *keys):
    return [getattr(found[key], "title", None) or found[key].name for key in keys]


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        (
            "revelateur35",
            {
                "Besoins": ["need of TAg35", "proposal of Rennes Métropole"],
                "Projets": ["internal project of TAg35", "shared project in Rennes", "public project"],
                "Organisations": ["organisation"],
            },
        ),
        (
            "collectivite",
            {
                "Vos propositions": ["proposal of Rennes Métropole"],
                "Projets": ["shared project in Rennes", "public project"],
            },
        ),
        (
            "avise",
            {
                "Besoins": ["need of TAg35", "need of TAg29", "proposal of Rennes Métropole"],
                "Projets": [
                    "internal project of TAg35",
                    "internal project of TAg29",
                    "shared project in Rennes",
                    "public project",
                ],
                "Organisations": ["organisation"],
            },
        ),
    ],
    ids=["a revelateur", "a collectivite", "avise staff"],
)
def test_each_person_finds_what_their_role_lets_them_see_and_nothing_else(client, cast, found, who, expected):
    client.force_login(cast[who])

    response = client.get("/recherche/", {"q": "SOLIDAIRE"})

    assert response.status_code == 200
    assert {title: sorted(rows) for title, rows in shown(response).items()} == {
        title: sorted(names(found, *keys)) for title, keys in expected.items()
    }


def test_a_collectivite_never_sees_a_structures_needs_nor_the_directory(client, collectivite, found):
    client.force_login(collectivite)

    html = client.get("/recherche/", {"q": "épicerie solidaire"}).content.decode()

    assert "Épicerie solidaire" not in html
    assert ">Besoins</h2>" not in html and ">Organisations</h2>" not in html


def test_a_proposal_leads_its_collectivite_to_its_own_page(client, collectivite, found):
    client.force_login(collectivite)

    html = client.get("/recherche/", {"q": "laverie"}).content.decode()

    assert f'<a href="/besoins/propositions/{found["proposal of Rennes Métropole"].pk}/">' in html


@pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL stems the catalogue's words instead")
def test_on_sqlite_a_plural_finds_the_singular_in_every_section(client, revelateur35):
    NeedFactory(created_by=revelateur35, title="Épicerie solidaire étudiante")
    ProjectFactory(created_by=revelateur35, title="Épicerie de producteurs")
    OrganizationFactory(name="Association L'Épicerie qui roule")
    client.force_login(revelateur35)

    response = client.get("/recherche/", {"q": "épiceries"})

    assert shown(response) == {
        "Besoins": ["Épicerie solidaire étudiante"],
        "Projets": ["Épicerie de producteurs"],
        "Organisations": ["Association L'Épicerie qui roule"],
    }


def test_a_visitor_not_signed_in_gets_the_catalogues_search(client, db):
    response = client.get("/recherche/", {"q": "épicerie solidaire"})

    assert response.status_code == 302
    assert response["Location"] == "/projets/?q=%C3%A9picerie+solidaire"
    assert client.get("/recherche/")["Location"] == "/projets/"


def test_each_section_shows_ten_rows_and_leads_to_the_whole_list_filtered(client, revelateur35):
    for number in range(11):
        ProjectFactory(created_by=revelateur35, title=f"Garage solidaire {number}")
    ProjectFactory(created_by=revelateur35, title="Garage solidaire de trop", public=True)
    client.force_login(revelateur35)

    response = client.get("/recherche/", {"q": "garage solidaire"})

    (projects,) = [section for section in response.context["sections"] if section["title"] == "Projets"]
    assert len(projects["rows"]) == 10
    html = response.content.decode()
    assert '<a href="/projets/?q=garage+solidaire">Voir tous les résultats' in html
    assert html.count(">Voir tous les résultats<") == 1


def test_a_collectivite_with_more_proposals_found_is_led_to_all_of_them_as_its_list_has_no_search(
    client, collectivite, rennes_metropole, revelateur35
):
    for number in range(11):
        NeedFactory(
            created_by=revelateur35,
            source=Need.Source.COLLECTIVITE,
            proposed_by=rennes_metropole,
            title=f"Laverie solidaire {number}",
        )
    client.force_login(collectivite)

    html = client.get("/recherche/", {"q": "laverie"}).content.decode()

    assert '<a href="/besoins/propositions/">Voir toutes vos propositions</a>' in html
    assert "Voir tous les résultats" not in html.split("Vos propositions</h2>")[1].split("</section>")[0]


def test_a_section_with_ten_rows_or_fewer_has_no_link_to_more(client, revelateur35):
    for number in range(10):
        ProjectFactory(created_by=revelateur35, title=f"Garage solidaire {number}")
    client.force_login(revelateur35)

    response = client.get("/recherche/", {"q": "garage"})

    assert [len(section["rows"]) for section in response.context["sections"]] == [0, 10, 0]
    assert ">Voir tous les résultats<" not in response.content.decode()
    assert response.content.decode().count("Aucun résultat.") == 2


@pytest.mark.parametrize("query", ["", "   "])
def test_an_empty_search_explains_what_it_searches_and_reads_nothing(
    client, revelateur35, query, django_assert_num_queries
):
    client.force_login(revelateur35)

    # 1 the session, 2 the user
    with django_assert_num_queries(2):
        response = client.get("/recherche/", {"q": query})

    assert response.context["sections"] == []
    assert "Saisissez un ou plusieurs mots" in response.content.decode()


def test_a_search_reads_the_first_hundred_characters(client, revelateur35):
    ProjectFactory(created_by=revelateur35, title="Garage solidaire")
    client.force_login(revelateur35)

    response = client.get("/recherche/", {"q": "garage" + " " * 100 + "introuvable"})

    assert response.context["query"] == "garage"
    assert shown(response)["Projets"] == ["Garage solidaire"]


@pytest.mark.parametrize(
    ("who", "queries"),
    [
        # 1 the session, 2 the user, 3 the needs, 4 the projects, 5 the organisations
        ("revelateur35", 5),
        # 1 the session, 2 the user, 3 its organisation, 4 its proposals, 5 the projects (its territory's communes
        # are a subquery)
        ("collectivite", 5),
        # 1 the session, 2 the user, 3 the needs, 4 the projects, 5 the organisations
        ("avise", 5),
    ],
)
def test_the_search_runs_a_fixed_number_of_queries(
    client, cast, revelateur35, rennes_metropole, who, queries, django_assert_num_queries
):
    client.force_login(cast[who])
    for count in (1, 12):
        for _ in range(count):
            NeedFactory(created_by=revelateur35, title="Garage solidaire", proposed_by=rennes_metropole,
                        source=Need.Source.COLLECTIVITE)  # fmt: skip
            ProjectFactory(created_by=revelateur35, title="Garage solidaire", public=True)
            OrganizationFactory(name="Garage solidaire")
        with django_assert_num_queries(queries):
            response = client.get("/recherche/", {"q": "garage"})
        assert response.status_code == 200


def test_the_header_offers_the_search_to_signed_in_people_only(client, revelateur35):
    assert 'role="search"' not in client.get("/mentions-legales/").content.decode()

    client.force_login(revelateur35)
    html = " ".join(client.get("/recherche/", {"q": "garage"}).content.decode().split())

    assert '<form role="search" method="get" action="/recherche/" class="site-search">' in html
    assert '<label for="recherche-globale" class="visually-hidden">Recherche dans la Fabrique' in html
    assert 'id="recherche-globale" name="q" maxlength="100" value="garage">' in html
