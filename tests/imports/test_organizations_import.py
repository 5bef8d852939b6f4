import threading

import pytest
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import connection, connections

from imports.columns import ORGANIZATIONS
from imports.importers import preview, run_import
from imports.reading import read_table
from imports.rows import ERROR, NEW, UNCHANGED, UPDATED
from partners.models import Organization
from tests.imports.conftest import HEADERS, csv_bytes
from tests.partners.factories import OrganizationFactory
from tests.territories.factories import CommuneFactory

pytestmark = pytest.mark.django_db

# Bretagne Active's SIREN and SIRET (valid Luhn keys).
SIREN = "383609435"


def table_of(*rows):
    return read_table("organisations.csv", csv_bytes(HEADERS["organisations"], rows))


def test_it_imports_an_organisation_and_its_history_names_the_file(revelateur35, brittany):
    row = {"Nom": "Bretagne Active", "Type": "finance solidaire", "SIREN": "383 609 435", "Commune du siège": "35238"}
    run_import(ORGANIZATIONS, table_of(row), user=revelateur35, filename="annuaire.csv")

    organization = Organization.objects.get()
    assert (organization.kind, organization.siren, organization.commune_id) == ("solidarity_finance", SIREN, "35238")
    entry = LogEntry.objects.get()
    assert (entry.user, entry.action_flag, entry.object_id) == (revelateur35, ADDITION, str(organization.pk))
    assert entry.change_message == "Importée depuis le tableur. Fichier « annuaire.csv », ligne 2."


def test_an_organisation_with_a_known_siren_is_updated_not_duplicated(revelateur35, brittany):
    existing = OrganizationFactory(name="Bretagne Active", siren=SIREN, kind=Organization.Kind.ESS)
    row = {"Nom": "Bretagne Active", "Type": "Finance solidaire", "SIREN": SIREN}

    [result] = preview(ORGANIZATIONS, table_of(row), revelateur35)
    assert (result.outcome, result.changes) == (UPDATED, ["type"])
    run_import(ORGANIZATIONS, table_of(row), user=revelateur35, filename="annuaire.csv")
    [again] = run_import(ORGANIZATIONS, table_of(row), user=revelateur35, filename="annuaire.csv")

    assert again.outcome == UNCHANGED
    existing.refresh_from_db()
    assert (Organization.objects.count(), existing.kind, existing.version) == (1, "solidarity_finance", 2)
    assert LogEntry.objects.get().action_flag == CHANGE


def test_an_organisation_without_siren_matches_the_same_name(revelateur35, brittany):
    OrganizationFactory(name="Association La Cagette", kind=Organization.Kind.ASSOCIATION)

    [result] = preview(ORGANIZATIONS, table_of({"Nom": "La Cagette", "Type": "Association"}), revelateur35)

    assert result.outcome == UNCHANGED


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ({"Nom": "X", "Type": "Association", "SIREN": "123456789"}, "Ce numéro SIREN n'est pas valide"),
        ({"Nom": "X", "Type": "Association", "SIRET": "38360943500012"}, "Ce numéro SIRET n'est pas valide"),
        ({"Nom": "X", "Type": "Commune"}, "Type : les collectivités ne s'importent pas"),
        ({"Nom": "X", "Type": "Club"}, "Type : « Club » n'est pas une valeur possible"),
        ({"Nom": "X", "Type": "Association", "Site web": "www"}, "Site web : « www » n'est pas une adresse complète"),
        ({"Nom": "X", "Type": "Association", "Commune du siège": "Atlantis"}, "Commune du siège : « Atlantis »"),
        ({"Nom": "Rennes Métropole", "Type": "Réseau"}, "« Rennes Métropole » est une collectivité de l'annuaire"),
    ],
)
def test_it_refuses_what_the_directory_form_refuses(revelateur35, brittany, rennes_metropole, row, message):
    [result] = preview(ORGANIZATIONS, table_of(row), revelateur35)

    assert result.outcome == ERROR
    assert any(error.startswith(message) for error in result.errors), result.errors


def test_the_same_siren_twice_in_a_file_is_an_error(revelateur35, brittany):
    rows = [{"Nom": "Bretagne Active", "Type": "ESS", "SIREN": SIREN}, {"Nom": "BA", "Type": "ESS", "SIREN": SIREN}]

    results = preview(ORGANIZATIONS, table_of(*rows), revelateur35)

    assert [result.outcome for result in results] == [NEW, ERROR]
    assert results[1].errors == ["Cette organisation figure déjà à la ligne 2."]


def test_a_commune_named_twice_in_france_is_told_apart_by_its_department(revelateur35, brittany, tag29):
    CommuneFactory(code="29999", name="Redon", department=tag29.departments.get())
    rows = [
        {"Nom": "A", "Type": "Association", "Commune du siège": "Redon (35)"},
        {"Nom": "B", "Type": "Association", "Commune du siège": "Redon"},
        {"Nom": "C", "Type": "Association", "Commune du siège": "Redon (56)"},
    ]

    first, second, third = preview(ORGANIZATIONS, table_of(*rows), revelateur35)

    assert (first.outcome, first.values["commune"].code) == (NEW, "35236")
    assert second.errors == [
        "Commune du siège : plusieurs communes s'appellent « Redon » : indiquez son code INSEE (29999 dans le "
        "département Finistère, 35236 dans le département Ille-et-Vilaine)."
    ]
    assert third.errors == [
        "Commune du siège : « Redon » n'est pas le nom d'une commune du département 56 : vérifiez l'orthographe, "
        "ou indiquez son code INSEE."
    ]


def test_checking_organisations_reads_a_fixed_number_of_queries(revelateur35, brittany, django_assert_num_queries):
    known = ["Rennes", "35051", "Redon (35)", "Brest"]
    for count in (1, 30):
        # As many different communes as rows: each one is looked up in the same two queries.
        communes = (
            known + [f"Ville {number}" for number in range(count)] + [f"{35500 + number}" for number in range(count)]
        )
        rows = [
            {"Nom": f"Association de {commune}", "Type": "Association", "Commune du siège": commune}
            for commune in communes
        ]
        table = table_of(*rows)
        # 1 the directory, 2 the communes named by code, 3 those named by name
        with django_assert_num_queries(3):
            results = preview(ORGANIZATIONS, table, revelateur35)
        assert [result.outcome for result in results] == [NEW] * 4 + [ERROR] * 2 * count


def test_importing_organisations_writes_a_fixed_number_of_queries(revelateur35, brittany, django_assert_num_queries):
    for count in (1, 30):
        Organization.objects.all().delete()
        LogEntry.objects.all().delete()
        ContentType.objects.clear_cache()
        for number in range(count):
            OrganizationFactory(name=f"Ancienne {number}", kind=Organization.Kind.ESS)
        rows = [{"Nom": f"Ancienne {number}", "Type": "Association"} for number in range(count)]
        rows += [
            {"Nom": f"Nouvelle {number}", "Type": "Association", "Commune du siège": "Rennes"}
            for number in range(count)
        ]
        table = table_of(*rows)
        # 1 savepoint, 2 the structure locked, 3 the directory, 4 the communes named, 5 the new organisations,
        # 6 the updated ones locked with their version, 7 updated, 8 the content type, 9 the history,
        # 10 release the savepoint
        with django_assert_num_queries(10):
            results = run_import(ORGANIZATIONS, table, user=revelateur35, filename="annuaire.csv")
        assert [result.outcome for result in results] == [UPDATED] * count + [NEW] * count
        assert set(Organization.objects.values_list("kind", flat=True)) == {"association"}
        assert LogEntry.objects.count() == 2 * count


@pytest.mark.skipif(connection.vendor != "postgresql", reason="deux transactions concurrentes : PostgreSQL seulement")
@pytest.mark.django_db(transaction=True)
def test_two_structures_importing_the_same_organisation_at_once_create_it_once(revelateur35, revelateur29, brittany):
    # No SIREN: only the directory's lock keeps the second import from creating the organisation again.
    row = {"Nom": "Garage solidaire du Poher", "Type": "association"}
    barrier = threading.Barrier(2)
    outcomes = []

    def import_as(user):
        try:
            barrier.wait()
            [result] = run_import(ORGANIZATIONS, table_of(row), user=user, filename="annuaire.csv")
            outcomes.append(result.outcome)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=import_as, args=(user,)) for user in (revelateur35, revelateur29)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == sorted([NEW, UNCHANGED])
    assert Organization.objects.filter(name="Garage solidaire du Poher").count() == 1
