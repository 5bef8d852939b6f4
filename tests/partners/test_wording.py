"""The directory's pages and forms read as French: no doubled brackets, and an optional field says so once."""

import pytest

from tests.pages import form_values, page_text
from tests.partners.factories import OrganizationFactory
from tests.projects.factories import ProjectFactory
from tests.territories.factories import CommuneFactory


@pytest.fixture
def organization(geography):
    return OrganizationFactory(name="Bretagne Active", kind="solidarity_finance", commune=geography["rennes"])


def test_the_seat_names_its_departement_without_doubled_brackets(client, revelateur35, organization):
    client.force_login(revelateur35)

    text = page_text(client.get(organization.get_absolute_url()))

    assert "Rennes, Ille-et-Vilaine (35)" in text
    assert "(35))" not in text


def test_an_ambiguous_commune_lists_its_departements_without_doubled_brackets(
    client, revelateur35, geography, organization
):
    CommuneFactory(code="29999", name="Rennes", department=geography["29"])
    client.force_login(revelateur35)
    path = f"/partenaires/{organization.pk}/modifier/"

    response = client.post(path, {**form_values(client.get(path), path), "commune": "Rennes"})

    [message] = response.context["form"].errors["commune"]
    assert "Rennes (29999) — Finistère (29) ; Rennes (35238) — Ille-et-Vilaine (35)." in message
    assert "(35))" not in message and "(29))" not in message


@pytest.mark.parametrize(
    "path",
    [
        pytest.param(lambda organization, project: f"/partenaires/{organization.pk}/modifier/", id="organisation"),
        pytest.param(lambda organization, project: f"/projets/{project.pk}/partenaires/nouveau/", id="involvement"),
    ],
)
def test_an_optional_field_says_so_once(client, revelateur35, organization, path):
    project = ProjectFactory(created_by=revelateur35)
    client.force_login(revelateur35)

    text = page_text(client.get(path(organization, project)))

    assert "(facultatif)" in text
    assert "Facultatif" not in text
