import uuid

import pytest

from partners.models import Organization
from tests.partners.factories import OrganizationFactory
from tests.territories.factories import CommuneFactory, DepartmentFactory

SIREN = "775672272"
SIRET = "77567227200009"


@pytest.fixture
def signed_in(client, revelateur35):
    client.force_login(revelateur35)
    return client


def form_data(**overrides):
    return {
        "name": "Bretagne Active",
        "kind": "solidarity_finance",
        "siren": "",
        "siret": "",
        "website": "https://www.bretagne-active.org",
        "commune": "",
        "creation_token": str(uuid.uuid4()),
        **overrides,
    }


def test_the_form_offers_every_kind_but_the_collectivites(signed_in):
    response = signed_in.get("/partenaires/nouvelle/")

    kinds = [value for value, _ in response.context["form"].fields["kind"].choices]
    assert "association" in kinds and "public_funder" in kinds
    assert not {"commune", "epci", "department", "region"} & set(kinds)
    html = response.content.decode()
    assert 'name="creation_token"' in html
    assert "Il s&#x27;agit bien d&#x27;une autre organisation" not in html
    assert 'href="/partenaires/collectivite/"' in html


def test_it_records_an_organisation_with_its_siren_and_its_seat(signed_in, revelateur35, geography):
    data = form_data(siren="775 672 272", commune="rennes")

    response = signed_in.post("/partenaires/nouvelle/", data)

    organization = Organization.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/partenaires/{organization.pk}/"
    assert organization.name == "Bretagne Active"
    assert organization.kind == "solidarity_finance"
    assert organization.siren == SIREN
    assert organization.commune == geography["rennes"]
    assert organization.website == "https://www.bretagne-active.org"
    assert organization.created_by == revelateur35
    assert str(organization.creation_token) == data["creation_token"]
    assert (
        "« Bretagne Active » est enregistrée dans l&#x27;annuaire."
        in signed_in.get(response["Location"]).content.decode()
    )


def test_a_siret_fills_the_siren(signed_in):
    signed_in.post("/partenaires/nouvelle/", form_data(siret="775 672 272 00009"))

    organization = Organization.objects.get()
    assert (organization.siren, organization.siret) == (SIREN, SIRET)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("siren", "775672273", "Ce numéro SIREN n&#x27;est pas valide"),
        ("siren", "77567227", "Ce numéro SIREN n&#x27;est pas valide"),
        ("siret", "77567227200008", "la clé de contrôle ne correspond pas"),
        ("siret", "7756722720000", "14 chiffres attendus"),
        ("name", "", "Indiquez le nom de l&#x27;organisation."),
        ("kind", "", "Indiquez le type de l&#x27;organisation."),
        ("kind", "epci", "Sélectionnez un choix valide"),
        ("website", "bretagne active", "Saisissez une adresse web complète"),
        ("commune", "Atlantide", "« Atlantide » n&#x27;est pas le nom d&#x27;une commune"),
        ("commune", "99999", "Aucune commune n&#x27;a le code INSEE 99999."),
    ],
    ids=[
        "siren checksum",
        "siren length",
        "siret checksum",
        "siret length",
        "name missing",
        "kind missing",
        "a collectivité is not typed in",
        "website",
        "unknown commune",
        "unknown insee code",
    ],
)
def test_bad_input_is_refused_next_to_its_field_and_kept(signed_in, geography, field, value, message):
    data = form_data(**{field: value})

    response = signed_in.post("/partenaires/nouvelle/", data)

    assert response.status_code == 200
    assert Organization.objects.count() == 0
    html = response.content.decode()
    assert message in html
    assert response.context["form"].errors[field]
    if value:
        assert response.context["form"][field].value() == value


def test_the_siret_must_start_with_the_siren(signed_in):
    response = signed_in.post("/partenaires/nouvelle/", form_data(siren="130005481", siret=SIRET))

    assert "Ce SIRET ne commence pas par le SIREN 130005481" in response.content.decode()
    assert Organization.objects.count() == 0


def test_a_siren_already_in_the_directory_is_refused_naming_its_organisation(signed_in):
    existing = OrganizationFactory(name="France Active Bretagne", siren=SIREN)

    response = signed_in.post("/partenaires/nouvelle/", form_data(name="Autre nom", siren=SIREN))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Ce SIREN est déjà celui de « France Active Bretagne » dans l&#x27;annuaire" in html
    assert f'href="/partenaires/{existing.pk}/"' in html
    assert Organization.objects.count() == 1


def test_a_siret_of_a_siren_already_in_the_directory_is_refused(signed_in):
    OrganizationFactory(name="France Active Bretagne", siren=SIREN)

    response = signed_in.post("/partenaires/nouvelle/", form_data(name="Autre nom", siret=SIRET))

    assert "« France Active Bretagne »" in str(response.context["form"].errors["siret"])
    assert Organization.objects.count() == 1


@pytest.mark.parametrize(
    ("existing", "typed"),
    [
        ("Bretagne Active", "BRETAGNE ACTIVE"),
        ("Association La Cagette", "La cagette"),
        ("Bretagne Active", "Bretagne Activ"),
        ("Commune de Scrignac", "Scrignac"),
        ("Les Jardins de Cocagne", "Jardins de Cocagne du pays de Redon"),
    ],
    ids=["same name", "words that tell nothing", "a typo", "commune de", "one name contains the other"],
)
def test_a_name_close_to_an_existing_one_is_flagged_then_confirmed(signed_in, existing, typed):
    known = OrganizationFactory(name=existing)
    data = form_data(name=typed)

    response = signed_in.post("/partenaires/nouvelle/", data)

    assert response.status_code == 200
    assert Organization.objects.count() == 1
    html = response.content.decode()
    assert "Des noms proches sont déjà dans l'annuaire" in html
    assert f'href="/partenaires/{known.pk}/"' in html
    assert "Il s&#x27;agit bien d&#x27;une autre organisation" in html
    assert "cochez cette case pour enregistrer celle-ci" in html
    assert f'value="{typed}"' in html

    response = signed_in.post("/partenaires/nouvelle/", {**data, "confirm_distinct": "on"})

    assert response.status_code == 302
    assert Organization.objects.filter(name=typed).exists()


@pytest.mark.parametrize("other", ["Banque des Territoires", "Association Tamm Kafe", "La Ressourcerie"])
def test_a_name_unlike_the_others_is_not_flagged(signed_in, other):
    OrganizationFactory(name=other)

    response = signed_in.post("/partenaires/nouvelle/", form_data(name="Bretagne Active"))

    assert response.status_code == 302


def test_submitting_the_form_twice_records_one_organisation(signed_in):
    data = form_data()

    first = signed_in.post("/partenaires/nouvelle/", data)
    second = signed_in.post("/partenaires/nouvelle/", data)

    assert Organization.objects.count() == 1
    assert first["Location"] == second["Location"] == f"/partenaires/{Organization.objects.get().pk}/"


def test_a_commune_is_typed_by_name_or_insee_code_whatever_the_accents(signed_in, geography):
    signed_in.post("/partenaires/nouvelle/", form_data(name="Premier", commune="cesson-sevigne"))
    signed_in.post("/partenaires/nouvelle/", form_data(name="Second", kind="company", commune="29277"))

    assert Organization.objects.get(name="Premier").commune == geography["cesson"]
    assert Organization.objects.get(name="Second").commune == geography["scrignac"]


def test_a_commune_of_an_ambiguous_name_asks_for_its_code(signed_in, geography):
    CommuneFactory(code="56213", name="Saint-Aubin-du-Cormier", department=DepartmentFactory(code="56"))

    response = signed_in.post("/partenaires/nouvelle/", form_data(commune="Saint-Aubin-du-Cormier"))

    assert response.context["form"].errors["commune"] == [
        "Plusieurs communes s'appellent « Saint-Aubin-du-Cormier » : indiquez son département, par exemple "
        "« Saint-Aubin-du-Cormier (35) », ou son code INSEE. Ce sont Saint-Aubin-du-Cormier (35247) — "
        "Ille-et-Vilaine (35) ; Saint-Aubin-du-Cormier (56213) — Morbihan (56)."
    ]

    response = signed_in.post("/partenaires/nouvelle/", form_data(commune="saint aubin du cormier (56)"))

    assert Organization.objects.get().commune_id == "56213"
    Organization.objects.all().delete()

    response = signed_in.post("/partenaires/nouvelle/", form_data(commune="Saint-Aubin-du-Cormier (56213)"))

    assert Organization.objects.get().commune_id == "56213"
