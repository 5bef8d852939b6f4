import pytest

from partners.models import Organization
from tests.partners.factories import OrganizationFactory


def names(response):
    return [organization.name for organization in response.context["page"]]


@pytest.fixture
def directory(geography, rennes_metropole):
    """Organisations that differ by each filter: a collectivité, funders, an association seated in Finistère."""
    return {
        "rennes": rennes_metropole,
        "region": OrganizationFactory(name="Région Bretagne", kind="region", governed_region=geography["bretagne"]),
        "active": OrganizationFactory(
            name="Bretagne Active", kind="solidarity_finance", siren="418263426", commune=geography["rennes"]
        ),
        "ecole": OrganizationFactory(name="Association L'École des Réemplois", commune=geography["scrignac"]),
        "bdt": OrganizationFactory(name="Banque des Territoires", kind="public_funder", siren="180020026"),
    }


def test_a_revelateur_reads_the_directory_sorted_by_name(client, revelateur35, directory):
    client.force_login(revelateur35)

    response = client.get("/partenaires/")

    assert response.status_code == 200
    assert names(response) == [
        "Association L'École des Réemplois",
        "Banque des Territoires",
        "Bretagne Active",
        "Région Bretagne",
        "Rennes Métropole",
    ]
    html = response.content.decode()
    assert "5 organisations" in html
    assert f'<a href="/partenaires/{directory["active"].pk}/">Bretagne Active</a>' in html
    assert "Finance solidaire" in html
    assert "418263426" in html
    # Where each one is: its seat, or the territory it governs.
    assert "Rennes (35)" in html
    assert "Scrignac (29)" in html
    assert "Bretagne" in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("kind=epci", ["Rennes Métropole"]),
        ("kind=solidarity_finance", ["Bretagne Active"]),
        ("department=29", ["Association L'École des Réemplois", "Région Bretagne"]),
        ("department=35", ["Bretagne Active", "Région Bretagne", "Rennes Métropole"]),
        ("department=35&kind=region", ["Région Bretagne"]),
        ("q=REEMPLOIS ecole", ["Association L'École des Réemplois"]),
        ("q=métropole", ["Rennes Métropole"]),
        ("q=180020026", ["Banque des Territoires"]),
        ("q=418 263 426", ["Bretagne Active"]),
        ("q=inconnue", []),
    ],
    ids=[
        "kind collectivité",
        "kind funder",
        "seated or governing in a département",
        "governing a territory that lies in the département",
        "département and kind",
        "search ignores case and accents, every word counts",
        "search accents typed",
        "search by SIREN",
        "search by SIREN typed with spaces",
        "search without a match",
    ],
)
def test_the_directory_is_filtered(client, revelateur35, directory, query, expected):
    client.force_login(revelateur35)

    response = client.get(f"/partenaires/?{query}")

    assert names(response) == expected


def test_a_filtered_list_says_how_many_match_and_offers_to_clear(client, revelateur35, directory):
    client.force_login(revelateur35)

    html = client.get("/partenaires/?kind=epci").content.decode()

    assert "1 organisation\n" in html or "1 organisation " in html
    assert "correspondant aux filtres" in html
    assert 'href="/partenaires/">Effacer les filtres</a>' in html


def test_an_unknown_filter_value_is_said_and_ignored(client, revelateur35, directory):
    client.force_login(revelateur35)

    response = client.get("/partenaires/?kind=planete")

    assert response.status_code == 200
    assert "Erreur" in response.content.decode()
    assert len(names(response)) == 5


def test_the_directory_is_paginated(client, revelateur35):
    for number in range(27):
        OrganizationFactory(name=f"Association {number:02d}")
    client.force_login(revelateur35)

    first = client.get("/partenaires/")
    second = client.get("/partenaires/?page=2")

    assert len(names(first)) == 25
    assert names(second) == ["Association 25", "Association 26"]
    assert "27 organisations" in second.content.decode()
    assert 'aria-label="Page 2"' in first.content.decode()


def test_the_buttons_to_add_are_for_revelateurs_only(client, revelateur35, avise):
    client.force_login(revelateur35)
    assert "Ajouter une collectivité" in client.get("/partenaires/").content.decode()

    client.force_login(avise)
    html = client.get("/partenaires/").content.decode()
    assert "Ajouter une collectivité" not in html
    assert "Ajouter une autre organisation" not in html


@pytest.mark.parametrize("rows", [1, 10])
def test_the_directory_runs_a_fixed_number_of_queries(
    client, revelateur35, geography, django_assert_num_queries, rows
):
    # Each territory has one collectivité: the rows that grow are the other organisations and new EPCI.
    OrganizationFactory(kind="commune", governed_commune=geography["redon"], name="Commune de Redon")
    OrganizationFactory(kind="department", governed_department=geography["29"])
    for _ in range(rows):
        OrganizationFactory(commune=geography["rennes"])
        OrganizationFactory(epci=True)
    client.force_login(revelateur35)

    # 1 session, 2 user, 3 the départements of the filter, 4 the count, 5 the keys of the page's organisations,
    # 6 the organisations of these keys with their seat and the territory they govern (one join each)
    with django_assert_num_queries(6):
        response = client.get("/partenaires/?department=")

    assert response.status_code == 200
    assert response.context["page"].paginator.count == Organization.objects.count()
