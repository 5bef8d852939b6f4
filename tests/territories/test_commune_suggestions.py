"""The communes suggested as one types in a commune field: /territoires/communes/suggestions/?q=…"""

import pytest

from tests.territories.factories import CommuneFactory, DepartmentFactory

URL = "/territoires/communes/suggestions/"


@pytest.fixture
def communes(db):
    ille_et_vilaine, cotes_d_armor = DepartmentFactory(code="35"), DepartmentFactory(code="22")
    for code, name, population, department in [
        ("35012", "Bain-de-Bretagne", 7500, ille_et_vilaine),
        ("35288", "Saint-Malo", 46000, ille_et_vilaine),
        ("35289", "Saint-Malo-de-Phily", 1000, ille_et_vilaine),
        ("35238", "Rennes", 222000, ille_et_vilaine),
        ("35096", "Le Rheu", 9000, ille_et_vilaine),
        ("35040", "Bréal-sous-Montfort", 6000, ille_et_vilaine),
        ("22278", "Saint-Malo-des-Trois-Fontaines", 500, cotes_d_armor),
        ("22113", "Lamballe-Armor", 17000, cotes_d_armor),
    ]:
        CommuneFactory(code=code, name=name, population=population, department=department)


def suggested(client, **params):
    response = client.get(URL, params)
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0")
    return [result["value"] for result in response.json()["results"]]


@pytest.fixture
def signed_in(client, revelateur35):
    client.force_login(revelateur35)
    return client


def test_it_suggests_the_communes_holding_each_word_typed(signed_in, communes):
    response = signed_in.get(URL, {"q": "bain bretagne"})

    assert response.json() == {
        "results": [{"value": "Bain-de-Bretagne", "label": "Bain-de-Bretagne — Ille-et-Vilaine (35)"}]
    }
    assert suggested(signed_in, q="Bain de Bret") == ["Bain-de-Bretagne"]
    assert suggested(signed_in, q="BAIN-DE-BRETAGNE") == ["Bain-de-Bretagne"]


def test_st_reads_as_saint_and_the_names_starting_with_it_come_first_the_most_populated_first(signed_in, communes):
    assert suggested(signed_in, q="st malo") == ["Saint-Malo", "Saint-Malo-de-Phily", "Saint-Malo-des-Trois-Fontaines"]
    assert suggested(signed_in, q="malo") == ["Saint-Malo", "Saint-Malo-de-Phily", "Saint-Malo-des-Trois-Fontaines"]
    assert suggested(signed_in, q="bre") == ["Bréal-sous-Montfort", "Bain-de-Bretagne"]


def test_two_letters_are_looked_for_at_the_start_of_the_name(signed_in, communes):
    assert suggested(signed_in, q="le") == ["Le Rheu"]
    assert suggested(signed_in, q="Sa") == ["Saint-Malo", "Saint-Malo-de-Phily", "Saint-Malo-des-Trois-Fontaines"]


def test_it_suggests_among_the_departements_asked(signed_in, communes):
    assert suggested(signed_in, q="malo", departement="35") == ["Saint-Malo", "Saint-Malo-de-Phily"]
    assert suggested(signed_in, q="malo", departement=["35", "22"]) == [
        "Saint-Malo",
        "Saint-Malo-de-Phily",
        "Saint-Malo-des-Trois-Fontaines",
    ]
    # A département that is not one is ignored.
    assert suggested(signed_in, q="malo", departement=["22", "35 OR 1=1"]) == ["Saint-Malo-des-Trois-Fontaines"]


def test_the_start_of_an_insee_code_suggests_its_communes(signed_in, communes):
    assert suggested(signed_in, q="3528") == ["Saint-Malo", "Saint-Malo-de-Phily"]


def test_communes_of_the_same_name_are_suggested_with_their_insee_code(signed_in, communes):
    CommuneFactory(code="22999", name="Rennes", population=10, department=DepartmentFactory(code="22"))

    assert suggested(signed_in, q="rennes") == ["Rennes (35238)", "Rennes (22999)"]
    # Among the communes of one département, the name is enough.
    assert suggested(signed_in, q="rennes", departement="35") == ["Rennes"]


@pytest.mark.parametrize("q", ["", " ", "r", "-", "'"])
def test_nothing_is_suggested_for_less_than_two_letters(signed_in, communes, q):
    assert suggested(signed_in, q=q) == []


@pytest.mark.parametrize("rows", [12, 40])
def test_at_most_ten_are_suggested_in_a_fixed_number_of_queries(signed_in, django_assert_num_queries, rows):
    department = DepartmentFactory(code="35")
    for number in range(rows):
        CommuneFactory(code=f"35{number:03d}", name=f"Saint-Jean-{number:02d}", department=department)

    # 1 session, 2 user, 3 the communes suggested, 4 the names among them that several communes bear
    with django_assert_num_queries(4):
        values = suggested(signed_in, q="saint jean", departement="35")

    assert values == [f"Saint-Jean-{number:02d}" for number in range(10)]


def test_a_long_search_is_cut_to_its_first_words(signed_in, communes, django_assert_num_queries):
    with django_assert_num_queries(4):
        values = suggested(signed_in, q="saint malo " * 500, departement=["35"] * 500)

    assert values == ["Saint-Malo", "Saint-Malo-de-Phily"]


@pytest.mark.parametrize("who", ["revelateur35", "revelateur29", "collectivite", "avise", "admin"])
def test_every_signed_in_person_gets_suggestions(client, cast, communes, who):
    client.force_login(cast[who])

    assert suggested(client, q="bain") == ["Bain-de-Bretagne"]


def test_an_anonymous_visitor_is_sent_to_sign_in(client, communes):
    response = client.get(URL, {"q": "bain"})

    assert response.status_code == 302
    assert response["Location"].startswith("/compte/connexion/")
