"""Who may do what in the directory: every page and every action, crossed with every role of the cast (and a
collectivité outside the territory). What is refused answers 404 (or sends an anonymous visitor to sign in) and
changes nothing. The directory is the network's: every révélateur keeps it, Avise staff and administrators read it,
a collectivité does not see it. A person belongs to the structure that recorded it; a project's partners are
changed by its structure only."""

import uuid

import pytest

from partners.models import Contact, Involvement, Organization
from tests.partners.conftest import ROLES
from tests.partners.factories import ContactFactory, InvolvementFactory, OrganizationFactory
from tests.projects.factories import ProjectFactory

READERS = {"revelateur35", "revelateur29", "avise", "admin"}
KEEPERS = {"revelateur35", "revelateur29"}
STRUCTURE = {"revelateur35"}
VISIBILITIES = ["internal", "partners", "public"]


@pytest.fixture
def world(everyone, geography):
    """An organisation of the directory, a person of it recorded by TAg35, and its part in a project of TAg35
    (inside the territory of the cast's collectivité, outside Brest Métropole's)."""
    organization = OrganizationFactory(name="Bretagne Active", kind="solidarity_finance", siren="775672272")
    project = ProjectFactory(created_by=everyone["revelateur35"])
    return {
        "organization": organization,
        "contact": ContactFactory(organization=organization, created_by=everyone["revelateur35"], last_name="Le Goff"),
        "project": project,
        "involvement": InvolvementFactory(project=project, organization=organization, role="funder"),
    }


def sign_in(client, everyone, role):
    if everyone[role]:
        client.force_login(everyone[role])


def assert_refused(response, role):
    if role == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith("/compte/connexion/?next=")
    else:
        assert response.status_code == 404


# Each page: its address, and who may open it.
PAGES = {
    "list": (lambda w: "/partenaires/", READERS),
    "detail": (lambda w: f"/partenaires/{w['organization'].pk}/", READERS),
    "create": (lambda w: "/partenaires/nouvelle/", KEEPERS),
    "collectivite": (lambda w: "/partenaires/collectivite/?q=rennes", KEEPERS),
    "edit": (lambda w: f"/partenaires/{w['organization'].pk}/modifier/", KEEPERS),
    "contact_create": (lambda w: f"/partenaires/{w['organization'].pk}/contacts/nouveau/", KEEPERS),
    "contact_edit": (lambda w: f"/partenaires/contacts/{w['contact'].pk}/modifier/", STRUCTURE),
    "contact_export": (lambda w: f"/partenaires/contacts/{w['contact'].pk}/export/", STRUCTURE),
    "contact_erase": (lambda w: f"/partenaires/contacts/{w['contact'].pk}/effacer/", STRUCTURE),
    "involvement_create": (lambda w: f"/projets/{w['project'].pk}/partenaires/nouveau/", STRUCTURE),
    "suggestions": (lambda w: "/partenaires/suggestions/?q=bretagne", READERS),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", PAGES)
def test_each_page_answers_each_role_as_its_rights_say(client, everyone, world, page, role):
    path, allowed = PAGES[page]
    sign_in(client, everyone, role)

    response = client.get(path(world))

    if role in allowed:
        assert response.status_code == 200
    else:
        assert_refused(response, role)


def snapshot():
    """Everything an action of the directory could change."""
    return {
        "organizations": list(Organization.objects.order_by("pk").values_list("name", "siren", "version")),
        "contacts": list(Contact.objects.order_by("pk").values_list("last_name", "erased_at", "version")),
        "involvements": list(Involvement.objects.order_by("pk").values_list("pk", "role")),
    }


def organization_data(world):
    return {
        "name": "Banque des Territoires",
        "kind": "public_funder",
        "siren": "180020026",
        "siret": "",
        "website": "",
        "commune": "",
        "creation_token": str(uuid.uuid4()),
    }


def edit_data(world):
    return {
        "name": "Bretagne Active (France Active)",
        "kind": "solidarity_finance",
        "siren": "775672272",
        "siret": "",
        "website": "",
        "commune": "",
        "version": 1,
    }


def contact_data(world):
    return {
        "first_name": "Yann",
        "last_name": "Kervella",
        "job_title": "",
        "email": "",
        "phone": "",
        "legal_basis": "consent",
        "legal_basis_note": "",
        "creation_token": str(uuid.uuid4()),
        "version": 1,
    }


def involvement_data(world):
    return {
        "organization": world["organization"].reference,
        "role": "copil_member",
        "contribution_kind": "",
        "amount": "",
        "creation_token": str(uuid.uuid4()),
    }


# Each action: its address, what a correct form posts, and who may do it.
ACTIONS = {
    "create": (lambda w: "/partenaires/nouvelle/", organization_data, KEEPERS),
    "collectivite": (lambda w: "/partenaires/collectivite/", lambda w: {"territory": "epci:243500741"}, KEEPERS),
    "edit": (lambda w: f"/partenaires/{w['organization'].pk}/modifier/", edit_data, KEEPERS),
    "contact_create": (lambda w: f"/partenaires/{w['organization'].pk}/contacts/nouveau/", contact_data, KEEPERS),
    "contact_edit": (lambda w: f"/partenaires/contacts/{w['contact'].pk}/modifier/", contact_data, STRUCTURE),
    "contact_erase": (lambda w: f"/partenaires/contacts/{w['contact'].pk}/effacer/", lambda w: {}, STRUCTURE),
    "involvement_create": (
        lambda w: f"/projets/{w['project'].pk}/partenaires/nouveau/",
        involvement_data,
        STRUCTURE,
    ),
    "involvement_delete": (
        lambda w: f"/partenaires/implications/{w['involvement'].pk}/retirer/",
        lambda w: {},
        STRUCTURE,
    ),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", ACTIONS)
def test_each_action_is_done_by_those_its_rights_name_and_changes_nothing_for_others(
    client, everyone, world, action, role
):
    path, data, allowed = ACTIONS[action]
    before = snapshot()
    sign_in(client, everyone, role)

    response = client.post(path(world), data(world))

    if role in allowed:
        assert response.status_code == 302
        assert snapshot() != before
    else:
        assert_refused(response, role)
        assert snapshot() == before


@pytest.mark.parametrize("visibility", VISIBILITIES)
@pytest.mark.parametrize("role", ROLES)
def test_only_the_structure_adds_partners_to_its_project_whatever_its_visibility(
    client, everyone, world, role, visibility
):
    project = ProjectFactory(created_by=everyone["revelateur35"], visibility=visibility)
    sign_in(client, everyone, role)

    page = client.get(f"/projets/{project.pk}/partenaires/nouveau/")
    response = client.post(f"/projets/{project.pk}/partenaires/nouveau/", involvement_data(world))

    if role == "revelateur35":
        assert (page.status_code, response.status_code) == (200, 302)
        assert project.involvements.count() == 1
    else:
        assert_refused(page, role)
        assert_refused(response, role)
        assert project.involvements.count() == 0


def test_the_partners_item_of_the_menu_shows_to_those_who_read_the_directory(client, everyone):
    for role in ROLES:
        if not everyone[role]:
            continue
        client.force_login(everyone[role])
        html = client.get("/projets/").content.decode()
        assert ('href="/partenaires/"' in html) == (role in READERS), role
