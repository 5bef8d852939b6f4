"""How the commune fields read what was typed: the names as people write them, the separators of a pasted list,
the closest names on a miss and the choices on a name several communes bear."""

import pytest
from django.core.exceptions import ValidationError

from territories.forms import resolve_commune, resolve_communes
from tests.territories.factories import CommuneFactory, DepartmentFactory


@pytest.fixture
def ille_et_vilaine(db):
    department = DepartmentFactory(code="35")
    for code, name in [
        ("35012", "Bain-de-Bretagne"),
        ("35238", "Rennes"),
        ("35288", "Saint-Malo"),
        ("35131", "L'Hermitage"),
        ("35247", "Saint-Aubin-du-Cormier"),
        ("35259", "Sainte-Marie"),
        ("35051", "Cesson-Sévigné"),
        ("35115", "Fougères"),
    ]:
        CommuneFactory(code=code, name=name, department=department)
    CommuneFactory(code="22278", name="Saint-Malo-des-Trois-Fontaines", department=DepartmentFactory(code="22"))
    CommuneFactory(code="56213", name="Saint-Aubin-du-Cormier", department=DepartmentFactory(code="56"))
    return department


def codes(communes):
    return [commune.code for commune in communes]


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("Bain de Bretagne", "35012"),
        ("bain-de-bretagne", "35012"),
        ("BAIN DE BRETAGNE", "35012"),
        ("Bain  -  de Bretagne", "35012"),
        ("l'hermitage", "35131"),
        ("L’Hermitage", "35131"),
        ("L Hermitage", "35131"),
        ("lhermitage", "35131"),
        ("cesson sevigne", "35051"),
        ("FOUGERES", "35115"),
        ("st malo", "35288"),
        ("St-Malo", "35288"),
        ("ST. MALO", "35288"),
        ("ste marie", "35259"),
        ("Ste-Marie", "35259"),
        ("35238", "35238"),
        ("Rennes (35238)", "35238"),
        ("Rennes (35)", "35238"),
    ],
)
def test_names_differing_only_by_hyphens_apostrophes_spaces_case_accents_or_saint_abbreviated_match(
    ille_et_vilaine, typed, code
):
    assert codes(resolve_communes(typed, ille_et_vilaine)) == [code]
    assert resolve_commune(typed).code == code


@pytest.mark.parametrize(
    "typed",
    [
        "Rennes, Fougères, Saint-Malo",
        "Rennes; Fougères; Saint-Malo",
        "Rennes\tFougères\tSaint-Malo",
        "Rennes\nFougères\nSaint-Malo\n",
        "Rennes\r\nFougères\r\nSaint-Malo",
        "Rennes\t\tFougères;\n, Saint-Malo",
    ],
    ids=["commas", "semicolons", "tabs (a row pasted)", "new lines (a column pasted)", "Windows lines", "mixed"],
)
def test_communes_are_separated_by_commas_semicolons_tabs_or_new_lines(ille_et_vilaine, typed):
    assert codes(resolve_communes(typed, ille_et_vilaine)) == ["35238", "35115", "35288"]


def test_a_commune_named_twice_is_counted_once(ille_et_vilaine):
    assert codes(resolve_communes("Rennes, rennes, 35238", ille_et_vilaine)) == ["35238"]


def test_a_miss_proposes_the_closest_names_of_the_departement(ille_et_vilaine):
    with pytest.raises(ValidationError) as refused:
        resolve_communes("Bain de Bretagn, Saint-Malo-des-Trois-Fontaines, Atlantide", ille_et_vilaine)

    assert refused.value.messages == [
        "« Bain de Bretagn » n'est pas une commune du département Ille-et-Vilaine (35). "
        "Vouliez-vous dire : Bain-de-Bretagne ?",
        # The commune of the Côtes-d'Armor is not offered: the need or project lies in Ille-et-Vilaine.
        "« Saint-Malo-des-Trois-Fontaines » n'est pas une commune du département Ille-et-Vilaine (35). "
        "Vouliez-vous dire : Saint-Malo ?",
        "« Atlantide » n'est pas une commune du département Ille-et-Vilaine (35).",
    ]


def test_a_name_two_communes_of_the_departement_bear_asks_for_the_insee_code(ille_et_vilaine):
    CommuneFactory(code="35999", name="Rennes", department=ille_et_vilaine)

    with pytest.raises(ValidationError) as refused:
        resolve_communes("rennes", ille_et_vilaine)

    assert refused.value.messages == [
        "Plusieurs communes du département Ille-et-Vilaine (35) s'appellent « rennes » : indiquez laquelle par son "
        "code INSEE, par exemple « Rennes (35238) ». Ce sont Rennes (35238), Rennes (35999)."
    ]


def test_a_name_communes_of_two_departements_bear_asks_for_the_departement_or_the_insee_code(ille_et_vilaine):
    with pytest.raises(ValidationError) as refused:
        resolve_commune("Saint Aubin du Cormier")

    assert refused.value.messages == [
        "Plusieurs communes s'appellent « Saint Aubin du Cormier » : indiquez son département, par exemple "
        "« Saint-Aubin-du-Cormier (35) », ou son code INSEE. Ce sont Saint-Aubin-du-Cormier (35247) — "
        "Ille-et-Vilaine (35) ; Saint-Aubin-du-Cormier (56213) — Morbihan (56)."
    ]
    assert resolve_commune("Saint Aubin du Cormier (56)").code == "56213"
    assert resolve_commune("Saint-Aubin-du-Cormier (56213)").code == "56213"


def test_a_miss_among_all_communes_proposes_the_closest_names(ille_et_vilaine):
    with pytest.raises(ValidationError) as refused:
        resolve_commune("Saint-Mallo")

    assert refused.value.messages == [
        "« Saint-Mallo » n'est pas le nom d'une commune. Vouliez-vous dire : Saint-Malo ?"
    ]

    with pytest.raises(ValidationError) as refused:
        resolve_commune("Atlantide")

    assert refused.value.messages == [
        "« Atlantide » n'est pas le nom d'une commune. Vérifiez l'orthographe, ou indiquez son code INSEE."
    ]


def test_a_miss_in_a_departement_named_proposes_its_closest_names(ille_et_vilaine):
    with pytest.raises(ValidationError) as refused:
        resolve_commune("Saint-Malo (22)")

    assert refused.value.messages == [
        "« Saint-Malo (22) » n'est pas le nom d'une commune du département 22. "
        "Vouliez-vous dire : Saint-Malo-des-Trois-Fontaines ?"
    ]


def test_an_unknown_insee_code_is_named(ille_et_vilaine):
    with pytest.raises(ValidationError) as refused:
        resolve_commune("35999")

    assert refused.value.messages == ["Aucune commune n'a le code INSEE 35999."]


def test_too_many_communes_are_refused_without_reading_them(ille_et_vilaine, django_assert_num_queries):
    with django_assert_num_queries(0), pytest.raises(ValidationError) as refused:
        resolve_communes(", ".join(["Rennes"] * 301), ille_et_vilaine)

    assert refused.value.messages == [
        "Vous avez indiqué 301 communes : indiquez-en au plus 300 (pour toute une intercommunalité, choisissez "
        "plutôt l'EPCI)."
    ]
    assert codes(resolve_communes(", ".join(["Rennes"] * 300), ille_et_vilaine)) == ["35238"]


def test_the_closest_names_are_looked_for_the_first_ten_misses_only(ille_et_vilaine):
    with pytest.raises(ValidationError) as refused:
        resolve_communes("\n".join(["Renes"] * 11), ille_et_vilaine)

    assert refused.value.messages[9].endswith("Vouliez-vous dire : Rennes ?")
    assert refused.value.messages[10] == "« Renes » n'est pas une commune du département Ille-et-Vilaine (35)."


def test_a_very_long_commune_name_is_refused_without_looking_it_up(ille_et_vilaine, django_assert_num_queries):
    with django_assert_num_queries(0), pytest.raises(ValidationError) as refused:
        resolve_commune("Rennes " * 20)

    assert refused.value.messages == [
        "Ce nom est trop long pour celui d'une commune : indiquez son nom, ou son code INSEE."
    ]
