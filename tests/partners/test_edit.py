import pytest
from django.test import Client

from partners.models import Organization
from tests.pages import form_values
from tests.partners.factories import OrganizationFactory


@pytest.fixture
def signed_in(client, revelateur35):
    client.force_login(revelateur35)
    return client


@pytest.fixture
def organization(geography):
    return OrganizationFactory(
        name="Bretagne Active",
        kind="solidarity_finance",
        siren="775672272",
        website="https://www.bretagne-active.org",
        commune=geography["rennes"],
    )


def edit_data(organization, **changes):
    return {
        "name": organization.name,
        "kind": organization.kind,
        "siren": organization.siren,
        "siret": organization.siret,
        "website": organization.website,
        "commune": str(organization.commune) if organization.commune else "",
        "version": organization.version,
        **changes,
    }


def test_the_form_reads_as_the_organisation_stands(signed_in, organization):
    response = signed_in.get(f"/partenaires/{organization.pk}/modifier/")

    html = response.content.decode()
    assert 'value="Bretagne Active"' in html
    assert 'value="Rennes (35238)"' in html
    assert 'name="version" value="1"' in html


def test_it_saves_an_edit(signed_in, organization, geography):
    response = signed_in.post(
        f"/partenaires/{organization.pk}/modifier/",
        edit_data(organization, name="Bretagne Active (France Active)", siret="77567227200009", commune="Redon"),
    )

    assert response.status_code == 302
    organization.refresh_from_db()
    assert organization.name == "Bretagne Active (France Active)"
    assert organization.siret == "77567227200009"
    assert organization.commune == geography["redon"]
    assert organization.version == 2
    assert (
        "Les modifications de l&#x27;organisation sont enregistrées."
        in signed_in.get(response["Location"]).content.decode()
    )


def test_an_invalid_edit_changes_nothing_and_keeps_the_input(signed_in, organization):
    response = signed_in.post(
        f"/partenaires/{organization.pk}/modifier/", edit_data(organization, name="Nouveau nom", siret="123")
    )

    assert response.status_code == 200
    assert "14 chiffres attendus" in response.content.decode()
    assert 'value="Nouveau nom"' in response.content.decode()
    organization.refresh_from_db()
    assert (organization.name, organization.version) == ("Bretagne Active", 1)


def test_the_siren_of_another_organisation_is_refused(signed_in, organization):
    OrganizationFactory(name="Banque des Territoires", siren="180020026")

    response = signed_in.post(f"/partenaires/{organization.pk}/modifier/", edit_data(organization, siren="180020026"))

    assert "Ce SIREN est déjà celui de « Banque des Territoires »" in response.content.decode()
    assert Organization.objects.get(pk=organization.pk).siren == "775672272"


def test_keeping_its_own_name_and_siren_is_not_a_duplicate(signed_in, organization):
    OrganizationFactory(name="Bretagne Active Finistère")

    response = signed_in.post(f"/partenaires/{organization.pk}/modifier/", edit_data(organization))

    assert response.status_code == 302


def test_a_new_name_close_to_another_one_asks_for_confirmation(signed_in, organization):
    OrganizationFactory(name="France Active")

    data = edit_data(organization, name="France active")
    response = signed_in.post(f"/partenaires/{organization.pk}/modifier/", data)

    assert response.status_code == 200
    assert Organization.objects.get(pk=organization.pk).name == "Bretagne Active"
    response = signed_in.post(f"/partenaires/{organization.pk}/modifier/", {**data, "confirm_distinct": "on"})
    assert response.status_code == 302


def test_of_two_edits_from_the_same_version_the_second_is_refused_and_kept(signed_in, organization):
    read = edit_data(organization)

    signed_in.post(f"/partenaires/{organization.pk}/modifier/", {**read, "name": "Bretagne Active : première"})
    response = signed_in.post(
        f"/partenaires/{organization.pk}/modifier/", {**read, "name": "Bretagne Active : seconde"}
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "Vous avez enregistré cette fiche dans un autre onglet à" in html
    assert 'value="Bretagne Active : seconde"' in html
    assert '<td data-label="Valeur enregistrée">Bretagne Active : première</td>' in html
    organization.refresh_from_db()
    assert (organization.name, organization.version) == ("Bretagne Active : première", 2)
    # The form now carries the version read with the conflict: saving again is a deliberate choice.
    assert 'name="version" value="2"' in html


def test_a_colleagues_change_survives_the_form_sent_again_after_a_conflict(
    signed_in, revelateur35, revelateur29, organization
):
    path = f"/partenaires/{organization.pk}/modifier/"
    read = form_values(signed_in.get(path), path)
    # The directory is shared by the network: a révélateur of another structure corrects the website.
    other = Client()
    other.force_login(revelateur29)
    other.post(path, {**form_values(other.get(path), path), "website": "https://www.franceactive.org"})

    response = signed_in.post(path, {**read, "siret": "77567227200009"})

    html = response.content.decode()
    assert f"{revelateur29.get_full_name()} a enregistré cette fiche à" in html
    assert '<th scope="row">Site web</th>' in html
    assert 'value="https://www.franceactive.org"' in html

    assert signed_in.post(path, form_values(response, path)).status_code == 302

    organization.refresh_from_db()
    assert (organization.siret, organization.website, organization.version, organization.updated_by) == (
        "77567227200009",
        "https://www.franceactive.org",
        3,
        revelateur35,
    )


def test_a_collectivite_keeps_its_kind_and_territory(signed_in, rennes_metropole):
    response = signed_in.get(f"/partenaires/{rennes_metropole.pk}/modifier/")
    assert "kind" not in response.context["form"].fields

    response = signed_in.post(
        f"/partenaires/{rennes_metropole.pk}/modifier/",
        {
            "name": "Rennes Métropole",
            "kind": "association",
            "siren": "243500139",
            "siret": "",
            "website": "https://metropole.rennes.fr",
            "commune": "",
            "version": 1,
        },
    )

    assert response.status_code == 302
    rennes_metropole.refresh_from_db()
    assert rennes_metropole.kind == Organization.Kind.EPCI
    assert rennes_metropole.governed_epci_id == "243500139"
    assert rennes_metropole.website == "https://metropole.rennes.fr"
