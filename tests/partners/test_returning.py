"""« Créer une organisation » from a project's form: the directory records it, then sends the person back to that
form with the new organisation chosen, and never to another site."""

import uuid

import pytest

from partners.models import Organization
from partners.returning import back_with
from tests.partners.factories import OrganizationFactory
from tests.projects.factories import ProjectFactory

Stage = ProjectFactory._meta.model.Stage


@pytest.fixture
def signed_in(client, revelateur35):
    client.force_login(revelateur35)
    return client


@pytest.fixture
def project(revelateur35):
    return ProjectFactory(created_by=revelateur35, stage=Stage.LAUNCH_SUPPORT)


def organization_data(**overrides):
    return {
        "name": "Bretagne Active",
        "kind": "solidarity_finance",
        "siren": "",
        "siret": "",
        "website": "",
        "commune": "",
        "creation_token": str(uuid.uuid4()),
        **overrides,
    }


def test_an_organisation_created_from_the_partner_form_comes_back_chosen_in_it(signed_in, project):
    form_path = f"/projets/{project.pk}/partenaires/nouveau/"
    form = signed_in.get(form_path).content.decode()
    assert f'href="/partenaires/nouvelle/?next=/projets/{project.pk}/partenaires/nouveau/"' in form

    page = signed_in.get("/partenaires/nouvelle/", {"next": form_path}).content.decode()
    assert f'<input type="hidden" name="next" value="{form_path}">' in page
    assert f'<a href="{form_path}">Annuler</a>' in page
    response = signed_in.post("/partenaires/nouvelle/", organization_data(next=form_path))

    organization = Organization.objects.get()
    assert response["Location"] == f"{form_path}?organisation={organization.pk}"
    back = signed_in.get(response["Location"])
    content = back.content.decode()
    assert f'value="Bretagne Active (n° {organization.pk})"' in content
    assert "« Bretagne Active » est enregistrée dans l&#x27;annuaire : elle est choisie ci-dessous." in content


@pytest.mark.parametrize(
    "next_path",
    ["https://ailleurs.example/piege", "//ailleurs.example/piege", "/\\ailleurs.example/piege", "projets/1/"],
    ids=["absolute-address", "scheme-relative", "backslash", "not-a-path"],
)
def test_a_next_outside_the_site_is_ignored(signed_in, next_path):
    page = signed_in.get("/partenaires/nouvelle/", {"next": next_path}).content.decode()
    assert 'name="next"' not in page

    response = signed_in.post("/partenaires/nouvelle/", organization_data(next=next_path))

    organization = Organization.objects.get()
    assert response["Location"] == f"/partenaires/{organization.pk}/"


def test_a_collectivite_chosen_from_the_partner_form_comes_back_chosen_in_it(signed_in, project, geography):
    form_path = f"/projets/{project.pk}/partenaires/nouveau/"
    page = signed_in.get("/partenaires/collectivite/", {"q": "rennes", "next": form_path}).content.decode()
    assert page.count(f'<input type="hidden" name="next" value="{form_path}">') >= 2

    response = signed_in.post("/partenaires/collectivite/", {"territory": "epci:243500139", "next": form_path})

    organization = Organization.objects.get()
    assert response["Location"] == f"{form_path}?organisation={organization.pk}"


def test_a_collectivite_already_in_the_directory_is_chosen_as_it_is(signed_in, project, geography):
    known = OrganizationFactory(
        name="Rennes Métropole", kind="epci", siren="243500139", governed_epci=geography["rennes_metropole"]
    )
    form_path = f"/projets/{project.pk}/partenaires/nouveau/"

    page = signed_in.get("/partenaires/collectivite/", {"q": "rennes", "next": form_path}).content.decode()

    assert (
        f'<a href="{form_path}?organisation={known.pk}">Déjà dans l&#x27;annuaire : choisir Rennes Métropole</a>'
        in (page.replace("'", "&#x27;"))
    )


def test_an_organisation_created_from_the_launch_form_comes_back_as_its_porteur_or_a_funder(signed_in, project):
    launch_path = f"/projets/{project.pk}/lancer/"
    form = signed_in.get(launch_path).content.decode()
    assert f"?next=/projets/{project.pk}/lancer/%3Fpour%3Dporteur" in form
    assert f"?next=/projets/{project.pk}/lancer/%3Fpour%3Dfinanceur" in form

    response = signed_in.post("/partenaires/nouvelle/", organization_data(next=f"{launch_path}?pour=porteur"))
    porteur = Organization.objects.get()
    assert response["Location"] == f"{launch_path}?pour=porteur&organisation={porteur.pk}"
    back = signed_in.get(response["Location"])
    assert back.context["porteur_form"]["porteur"].value() == porteur.reference

    response = signed_in.post(
        "/partenaires/nouvelle/", organization_data(name="Fondation de France", next=f"{launch_path}?pour=financeur")
    )
    funder = Organization.objects.get(name="Fondation de France")
    back = signed_in.get(response["Location"])
    assert [form["funder"].value() for form in back.context["funding_formset"]] == [funder.reference, None]
    assert f'value="Fondation de France (n° {funder.pk})"' in back.content.decode()
    assert back.context["porteur_form"]["porteur"].value() is None


def test_coming_back_replaces_the_organisation_chosen_before():
    assert back_with("/projets/3/lancer/?pour=financeur&organisation=1#financements", Organization(pk=7)) == (
        "/projets/3/lancer/?pour=financeur&organisation=7#financements"
    )
