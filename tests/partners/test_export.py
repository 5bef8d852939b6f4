"""The directory as a download: its organisations with the list's filters, in CSV and XLSX, for those who read the
directory; and the people of these organisations, for a révélateur, limited to those its own structure recorded and
did not erase: personal data never leaves the structure that holds it."""

import datetime
import io

import pytest
from django.http import StreamingHttpResponse
from openpyxl import load_workbook

from fabrique import exports
from partners.models import Contact
from tests.downloads import content_of, exported, rows_of
from tests.partners.conftest import ROLES
from tests.partners.factories import ContactFactory, OrganizationFactory

READERS = {"revelateur35", "revelateur29", "avise", "admin"}


def sign_in(client, everyone, role):
    if everyone[role]:
        client.force_login(everyone[role])


def assert_refused(response, role):
    if role == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith("/compte/connexion/?next=")
    else:
        assert response.status_code == 404


@pytest.fixture
def directory(geography, rennes_metropole):
    """Organisations that differ by each filter: a collectivité, funders, an association seated in Finistère."""
    return {
        "rennes": rennes_metropole,
        "region": OrganizationFactory(name="Région Bretagne", kind="region", governed_region=geography["bretagne"]),
        "active": OrganizationFactory(
            name="Bretagne Active",
            kind="solidarity_finance",
            siren="418263426",
            siret="41826342600027",
            website="https://www.bretagneactive.org",
            commune=geography["rennes"],
        ),
        "ecole": OrganizationFactory(name="Association L'École des Réemplois", commune=geography["scrignac"]),
        "bdt": OrganizationFactory(name="Banque des Territoires", kind="public_funder", siren="180020026"),
    }


@pytest.fixture
def people(everyone, directory):
    """People of the directory recorded by TAg35 (one of them erased) and by TAg29."""
    revelateur35, revelateur29 = everyone["revelateur35"], everyone["revelateur29"]
    erased = ContactFactory(organization=directory["active"], created_by=revelateur35, last_name="Effacée")
    erased.erase()
    return {
        "le_goff": ContactFactory(
            organization=directory["active"],
            created_by=revelateur35,
            first_name="Anne",
            last_name="Le Goff",
            job_title="Chargée d'affaires",
            email="anne.legoff@example.org",
            phone="+33 2 99 00 00 00",
            legal_basis=Contact.LegalBasis.CONSENT,
            legal_basis_note="Accord par e-mail du 3 mars.",
        ),
        "abgrall": ContactFactory(organization=directory["ecole"], created_by=revelateur35, last_name="Abgrall"),
        "bihan": ContactFactory(organization=directory["active"], created_by=revelateur35, last_name="Bihan"),
        "tanguy": ContactFactory(organization=directory["active"], created_by=revelateur29, last_name="Tanguy"),
        "erased": erased,
    }


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
@pytest.mark.parametrize(
    "query",
    ["", "kind=epci", "department=29", "department=35&kind=region", "q=REEMPLOIS ecole", "q=inconnue"],
    ids=["everything", "kind", "département", "département and kind", "search", "nothing"],
)
@pytest.mark.parametrize("role", ROLES)
def test_the_export_holds_what_the_directory_shows_each_role(client, everyone, directory, role, query, file_format):
    sign_in(client, everyone, role)

    page = client.get(f"/partenaires/?{query}")
    response = client.get(f"/partenaires/export.{file_format}?{query}")

    if role not in READERS:
        assert_refused(page, role)
        assert_refused(response, role)
    else:
        assert [int(row["N°"]) for row in exported(response, file_format)] == [
            organization.pk for organization in page.context["page"]
        ]


def test_it_writes_where_each_organisation_is(client, avise, directory):
    client.force_login(avise)

    rows = {row["Nom"]: row for row in exported(client.get("/partenaires/export.csv"))}

    assert list(rows) == [
        "Association L'École des Réemplois",
        "Banque des Territoires",
        "Bretagne Active",
        "Région Bretagne",
        "Rennes Métropole",
    ]
    active = rows["Bretagne Active"]
    assert active["Enregistrée le"]
    assert {**active, "Enregistrée le": ""} == {
        "N°": str(directory["active"].pk),
        "Nom": "Bretagne Active",
        "Type": "Finance solidaire",
        "SIREN": "418263426",
        "SIRET": "41826342600027",
        "Site web": "https://www.bretagneactive.org",
        "Territoire administré": "",
        "Commune du siège": "Rennes",
        "Département du siège": "Ille-et-Vilaine (35)",
        "Enregistrée le": "",
    }
    assert rows["Rennes Métropole"]["Territoire administré"] == "Rennes Métropole"
    assert rows["Rennes Métropole"]["Type"] == "EPCI"
    assert rows["Région Bretagne"]["Territoire administré"] == "Bretagne"
    assert rows["Association L'École des Réemplois"]["Département du siège"] == "Finistère (29)"


@pytest.mark.parametrize("role", ROLES)
def test_only_a_revelateur_exports_people_and_only_its_structures(client, everyone, people, role):
    sign_in(client, everyone, role)

    response = client.get("/partenaires/contacts/export.csv")

    if role == "revelateur35":
        assert "no-store" in response["Cache-Control"]
        # By organisation, then by name; the erased person is left out.
        assert [row["Nom"] for row in exported(response)] == ["Abgrall", "Bihan", "Le Goff"]
    elif role == "revelateur29":
        assert [row["Nom"] for row in exported(response)] == ["Tanguy"]
    else:
        # Avise staff and administrators read the directory, not the structures' people.
        assert_refused(response, role)


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_the_people_export_writes_each_person_with_its_legal_basis(client, everyone, people, file_format):
    client.force_login(everyone["revelateur35"])

    rows = exported(client.get(f"/partenaires/contacts/export.{file_format}?q=bretagne active"), file_format)

    assert [row["Nom"] for row in rows] == ["Bihan", "Le Goff"]
    row = rows[1]
    assert row["Enregistré le"] and row["Modifié le"]
    assert {**row, "Enregistré le": "", "Modifié le": ""} == {
        "Organisation": "Bretagne Active",
        "N° de l'organisation": people["le_goff"].organization_id
        if file_format == "xlsx"
        else str(people["le_goff"].organization_id),
        "Prénom": "Anne",
        "Nom": "Le Goff",
        "Fonction": "Chargée d'affaires",
        "E-mail": "anne.legoff@example.org",
        # A phone number written « +33… » stays a text, never a formula.
        "Téléphone": "+33 2 99 00 00 00" if file_format == "xlsx" else "'+33 2 99 00 00 00",
        "Base légale": "Consentement de la personne",
        "Précision sur la base légale": "Accord par e-mail du 3 mars.",
        "Enregistré le": "",
        "Modifié le": "",
    }


def test_the_people_export_follows_the_directorys_filters(client, everyone, people):
    client.force_login(everyone["revelateur35"])

    rows = exported(client.get("/partenaires/contacts/export.csv?department=29"))

    assert [(row["Organisation"], row["Nom"]) for row in rows] == [("Association L'École des Réemplois", "Abgrall")]


def test_a_formula_typed_as_an_organisation_name_is_exported_as_text(client, revelateur35, geography):
    OrganizationFactory(name="=cmd|' /C calc'!A0")
    client.force_login(revelateur35)

    (row,) = exported(client.get("/partenaires/export.csv"))
    assert row["Nom"] == "'=cmd|' /C calc'!A0"
    sheet = load_workbook(io.BytesIO(content_of(client.get("/partenaires/export.xlsx")))).active
    assert (sheet["B2"].value, sheet["B2"].data_type) == ("=cmd|' /C calc'!A0", "s")


def test_the_directory_offers_its_exports_with_its_filters(client, everyone, people):
    client.force_login(everyone["revelateur35"])

    html = client.get("/partenaires/?kind=solidarity_finance&page=1").content.decode()

    assert '<a href="/partenaires/export.csv?kind=solidarity_finance">Télécharger (CSV)</a>' in html
    assert '<a href="/partenaires/export.xlsx?kind=solidarity_finance">Télécharger (XLSX)</a>' in html
    assert (
        '<a href="/partenaires/contacts/export.csv?kind=solidarity_finance">Télécharger les personnes (CSV)</a>'
        in html
    )


def test_avise_staff_are_offered_the_organisations_but_not_the_people(client, everyone, people):
    client.force_login(everyone["avise"])

    html = client.get("/partenaires/").content.decode()

    assert 'href="/partenaires/export.csv?"' in html
    assert "/partenaires/contacts/export" not in html


def test_the_exports_are_streamed_and_read_only_once_consumed(client, everyone, people, django_assert_num_queries):
    client.force_login(everyone["revelateur35"])

    # For each request, 1. the session, 2. the user: nothing is read yet.
    with django_assert_num_queries(4):
        organizations = client.get("/partenaires/export.csv")
        contacts = client.get("/partenaires/contacts/export.csv")
    assert isinstance(organizations, StreamingHttpResponse)
    assert isinstance(contacts, StreamingHttpResponse)

    # 1. the organisations with where they are (the directory's five, and Brest Métropole); 2. the people with
    # their organisation.
    with django_assert_num_queries(2):
        assert len(exported(organizations)) == 6
        assert len(exported(contacts)) == 3


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
@pytest.mark.parametrize("count", [10, 31])
def test_the_queries_do_not_grow_with_the_rows(
    client, revelateur35, geography, monkeypatch, django_assert_num_queries, file_format, count
):
    monkeypatch.setattr(exports, "CHUNK_SIZE", 10)
    for number in range(count):
        organization = OrganizationFactory(commune=geography["rennes"] if number % 2 else None)
        ContactFactory(organization=organization, created_by=revelateur35)
    OrganizationFactory(kind="region", governed_region=geography["bretagne"])
    client.force_login(revelateur35)

    # 1. the session, 2. the user, 3. the organisations with their seat and the territory they govern.
    with django_assert_num_queries(3):
        organizations = rows_of(content_of(client.get(f"/partenaires/export.{file_format}")), file_format)
    # 1. the session, 2. the user, 3. the people with their organisation.
    with django_assert_num_queries(3):
        contacts = rows_of(content_of(client.get(f"/partenaires/contacts/export.{file_format}")), file_format)

    assert (len(organizations), len(contacts)) == (1 + count + 1, 1 + count)


def test_a_person_recorded_today_is_dated_in_the_export(client, everyone, directory):
    contact = ContactFactory(organization=directory["bdt"], created_by=everyone["revelateur35"])
    client.force_login(everyone["revelateur35"])

    (row,) = exported(client.get("/partenaires/contacts/export.xlsx"), "xlsx")

    assert isinstance(row["Enregistré le"], datetime.datetime)
    assert row["Nom"] == contact.last_name
