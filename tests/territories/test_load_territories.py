import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from territories import cog
from territories.models import EPCI, Commune, Department, Region
from tests.territories.package_data import edition, write_package


def load_territories(*args):
    out = StringIO()
    call_command("load_territories", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def package(tmp_path):
    return write_package(tmp_path / "v6")


@pytest.mark.django_db
def test_it_loads_brittany_from_the_shipped_file():
    output = load_territories()

    assert list(Region.objects.values_list("code", "name")) == [("53", "Bretagne")]
    assert Department.objects.count() == 4
    assert Commune.objects.count() == 1202
    assert EPCI.objects.count() == 61
    rennes = Commune.objects.get(code="35238")
    assert (rennes.name, rennes.department_id, rennes.epci.name) == ("Rennes", "35", "Rennes Métropole")
    assert "Source : @etalab/decoupage-administratif 6.0.0 (COG 2026)." in output
    assert "Communes : 1\u202f202 créées, 0 mise à jour, 0 inchangée." in output


@pytest.mark.django_db
def test_the_departments_of_brittany_are_22_29_35_and_56():
    load_territories()

    assert list(Department.objects.filter(region="53").values_list("code", flat=True)) == ["22", "29", "35", "56"]


@pytest.mark.django_db
def test_loading_the_same_edition_twice_writes_nothing(django_assert_num_queries):
    load_territories()

    # Savepoint and release, one SELECT per table (régions, départements, EPCI, communes),
    # one SELECT for the communes absent from the edition: no INSERT, no UPDATE.
    with django_assert_num_queries(7):
        output = load_territories()

    assert "Régions : 0 créée, 0 mise à jour, 1 inchangée." in output
    assert "EPCI : 0 créé, 0 mis à jour, 61 inchangés." in output
    assert "Communes : 0 créée, 0 mise à jour, 1\u202f202 inchangées." in output
    assert Commune.objects.count() == 1202


@pytest.mark.django_db
def test_an_epci_keeps_its_communes_of_several_departments():
    load_territories()

    redon = EPCI.objects.get(code="243500741")
    assert redon.name == "CA Redon Agglomération"
    assert set(redon.communes.values_list("department", flat=True)) == {"35", "56"}


@pytest.mark.django_db
def test_three_island_communes_belong_to_no_epci():
    load_territories()

    islands = Commune.objects.filter(epci=None).order_by("code")
    assert [(c.code, c.name) for c in islands] == [
        ("22016", "Île-de-Bréhat"),
        ("29083", "Île-de-Sein"),
        ("29155", "Ouessant"),
    ]


@pytest.mark.django_db
def test_codes_stay_strings(package):
    load_territories("--source", str(package), "--all")

    assert set(Region.objects.values_list("code", flat=True)) == {"01", "52", "53", "94"}
    assert Department.objects.get(code="2A").region_id == "94"
    assert Department.objects.get(code="971").region_id == "01"
    ajaccio = Commune.objects.get(code="2A004")
    assert (ajaccio.department_id, ajaccio.epci_id) == ("2A", "242010056")
    assert Commune.objects.get(code="97101").department_id == "971"


@pytest.mark.django_db
def test_it_loads_one_region_from_the_package(package):
    output = load_territories("--source", str(package), "--region", "53")

    assert list(Region.objects.values_list("code", flat=True)) == ["53"]
    assert list(Department.objects.values_list("code", flat=True)) == ["35", "56"]
    # Current communes only: the delegated commune 56037 is left out.
    assert list(Commune.objects.order_by("code").values_list("code", flat=True)) == [
        "35024",
        "35236",
        "35238",
        "56001",
    ]
    # The EPCI with at least one loaded commune; Redon Agglomération without its commune of Loire-Atlantique.
    assert list(EPCI.objects.order_by("code").values_list("code", flat=True)) == ["243500139", "243500741"]
    assert set(EPCI.objects.get(code="243500741").communes.values_list("code", flat=True)) == {"35236", "56001"}
    assert "EPCI : 2 créés, 0 mis à jour, 0 inchangé." in output


@pytest.mark.django_db
def test_loading_a_neighbouring_region_completes_a_shared_epci(package):
    load_territories("--source", str(package), "--region", "53")

    output = load_territories("--source", str(package), "--region", "52")

    assert set(EPCI.objects.get(code="243500741").communes.values_list("code", flat=True)) == {
        "35236",
        "44185",
        "56001",
    }
    assert "EPCI : 0 créé, 0 mis à jour, 1 inchangé." in output
    assert Region.objects.count() == 2


@pytest.mark.django_db
def test_it_loads_all_of_france_from_the_package(package):
    output = load_territories("--source", str(package), "--all")

    assert Region.objects.count() == 4
    assert Department.objects.count() == 6
    assert Commune.objects.count() == 8
    assert EPCI.objects.count() == 5
    assert "Source : @etalab/decoupage-administratif 6.0.0 (COG 2026)." in output


@pytest.mark.django_db
def test_a_newer_edition_renames_and_moves_communes_without_duplicates(package, tmp_path):
    load_territories("--source", str(package), "--region", "53")
    newer = edition("7.0.0")
    betton = next(c for c in newer["communes"] if c["code"] == "35024")
    betton["nom"] = "Betton-sur-Ille"
    rennes_metropole = next(e for e in newer["epci"] if e["code"] == "243500139")
    rennes_metropole["membres"] = [m for m in rennes_metropole["membres"] if m["code"] != "35024"]
    newer["epci"].append(
        {"code": "200099999", "nom": "CC du Val d'Ille", "type": "CC", "membres": [{"code": "35024"}]}
    )

    output = load_territories("--source", str(write_package(tmp_path / "v7", newer)), "--region", "53")

    betton = Commune.objects.get(code="35024")
    assert (betton.name, betton.epci_id) == ("Betton-sur-Ille", "200099999")
    assert Commune.objects.count() == 4
    assert EPCI.objects.count() == 3
    assert "Source : @etalab/decoupage-administratif 7.0.0 (COG 2027)." in output
    assert "EPCI : 1 créé, 0 mis à jour, 2 inchangés." in output
    assert "Communes : 0 créée, 1 mise à jour, 3 inchangées." in output


@pytest.mark.django_db
def test_a_commune_absent_from_a_newer_edition_is_kept(package, tmp_path):
    load_territories("--source", str(package), "--region", "53")
    newer = edition("7.0.0")
    newer["communes"] = [c for c in newer["communes"] if c["code"] != "35024"]

    output = load_territories("--source", str(write_package(tmp_path / "v7", newer)), "--region", "53")

    assert Commune.objects.filter(code="35024").exists()
    assert "Communes de ces départements absentes de cette édition, conservées : 1 (35024)." in output


@pytest.mark.django_db
def test_it_refuses_an_unknown_region(package):
    with pytest.raises(CommandError, match="Région inconnue"):
        load_territories("--source", str(package), "--region", "99")


def test_it_asks_for_a_region_or_all_of_france_with_a_source(package):
    with pytest.raises(CommandError, match="--region CODE"):
        load_territories("--source", str(package))


def test_it_refuses_a_missing_package_folder(tmp_path):
    with pytest.raises(CommandError, match="Dossier introuvable"):
        load_territories("--source", str(tmp_path / "absent"), "--all")


def test_it_refuses_a_file_whose_communes_point_to_a_missing_department(tmp_path):
    dataset = cog.read_package(write_package(tmp_path / "v6"), region="53")
    dataset["departments"] = [d for d in dataset["departments"] if d["code"] != "56"]
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(dataset), encoding="utf-8")

    with pytest.raises(ValueError, match="absents de « departments » : \\['56'\\]"):
        cog.read_file(path)
