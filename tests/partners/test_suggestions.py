"""The organisations suggested as one types in an OrganizationField: /partenaires/suggestions/?q=…"""

import pytest

from tests.partners.factories import OrganizationFactory

URL = "/partenaires/suggestions/"


def suggested(client, q):
    response = client.get(URL, {"q": q})
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0")
    return response.json()["results"]


def test_it_suggests_the_organisations_whose_name_or_siren_holds_each_word(client, revelateur35, rennes_metropole):
    OrganizationFactory(name="Bretagne Active", kind="solidarity_finance")
    OrganizationFactory(name="Active Bretagne Sud")
    OrganizationFactory(name="Les Amis du Vélo")
    client.force_login(revelateur35)

    assert suggested(client, "bretagne activ") == [
        {"value": "Bretagne Active", "label": "Bretagne Active — Finance solidaire"},
        {"value": "Active Bretagne Sud", "label": "Active Bretagne Sud — Association"},
    ]
    assert suggested(client, "metropole") == [{"value": "Rennes Métropole", "label": "Rennes Métropole — EPCI"}]
    assert suggested(client, "2435") == [{"value": "Rennes Métropole", "label": "Rennes Métropole — EPCI"}]
    assert suggested(client, "velo") == [{"value": "Les Amis du Vélo", "label": "Les Amis du Vélo — Association"}]


def test_the_names_starting_with_the_first_word_come_first(client, revelateur35):
    OrganizationFactory(name="Association Cagette")
    OrganizationFactory(name="Cagette de Redon")
    client.force_login(revelateur35)

    assert [result["value"] for result in suggested(client, "cagette")] == ["Cagette de Redon", "Association Cagette"]


def test_organisations_of_the_same_name_are_suggested_by_their_reference(client, revelateur35):
    first = OrganizationFactory(name="La Cagette")
    OrganizationFactory(name="La cagette", siren="419219468")
    client.force_login(revelateur35)

    assert [result["value"] for result in suggested(client, "cagette")] == [
        f"La Cagette (n° {first.pk})",
        "La cagette (419219468)",
    ]


@pytest.mark.parametrize("q", ["", " ", "-"])
def test_nothing_is_suggested_for_an_empty_search(client, revelateur35, rennes_metropole, q):
    client.force_login(revelateur35)

    assert suggested(client, q) == []


@pytest.mark.parametrize("rows", [12, 30])
def test_at_most_ten_are_suggested_in_a_fixed_number_of_queries(client, revelateur35, django_assert_num_queries, rows):
    for number in range(rows):
        OrganizationFactory(name=f"Cagette {number:02d}")
    OrganizationFactory(name="Cagette 00")
    client.force_login(revelateur35)

    # 1 session, 2 user, 3 the organisations suggested, 4 the names among them that several organisations bear
    with django_assert_num_queries(4):
        results = suggested(client, "cagette")

    assert len(results) == 10
    assert results[0]["value"].startswith("Cagette 00 (n° ")


def test_a_long_search_is_cut_to_its_first_words(client, revelateur35, django_assert_num_queries):
    OrganizationFactory(name="Bretagne Active")
    client.force_login(revelateur35)

    with django_assert_num_queries(4):
        results = suggested(client, "bretagne " * 500)

    assert [result["value"] for result in results] == ["Bretagne Active"]


@pytest.mark.parametrize("who", ["revelateur29", "avise", "admin"])
def test_those_who_read_the_directory_get_suggestions(client, cast, rennes_metropole, who):
    client.force_login(cast[who])

    assert suggested(client, "rennes") == [{"value": "Rennes Métropole", "label": "Rennes Métropole — EPCI"}]


def test_a_collectivite_gets_no_suggestion_of_the_directory(client, collectivite):
    client.force_login(collectivite)

    assert client.get(URL, {"q": "rennes"}).status_code == 404


def test_an_anonymous_visitor_is_sent_to_sign_in(client, rennes_metropole):
    response = client.get(URL, {"q": "rennes"})

    assert response.status_code == 302
    assert response["Location"].startswith("/compte/connexion/")
