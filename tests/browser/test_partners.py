"""A révélateur keeps the shared directory and names a project's partners, in a real browser."""

import re

import pytest
from playwright.sync_api import expect

from partners.models import Contact, Involvement, Organization
from territories.models import EPCI
from tests.browser.conftest import assert_accessible, sign_in
from tests.fabrique.factories import PASSWORD, UserFactory
from tests.partners.factories import OrganizationFactory
from tests.projects.factories import ProjectFactory
from tests.territories.factories import CommuneFactory, DepartmentFactory, EPCIFactory, StructureFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def project():
    department = DepartmentFactory(code="35")
    rennes_metropole = EPCIFactory(code="243500139", name="Rennes Métropole", kind=EPCI.Kind.METROPOLE)
    CommuneFactory(code="35238", name="Rennes", department=department, epci=rennes_metropole, siren="213502388")
    structure = StructureFactory(name="TAg35", departments=[department])
    revelateur = UserFactory(email="revelateur35@fabrique.test", structure=structure)
    OrganizationFactory(name="Bretagne Active", kind="solidarity_finance", siren="775672272")
    return ProjectFactory(created_by=revelateur, title="Épicerie solidaire du pays de Redon")


def test_a_revelateur_adds_a_collectivite_from_the_reference_data_as_a_funder_of_their_project(page, project):
    sign_in(page, "revelateur35@fabrique.test", PASSWORD)

    page.get_by_role("navigation", name="Navigation principale").get_by_role("link", name="Partenaires").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Partenaires")
    assert_accessible(page)

    # The collectivité comes from the reference data: found by its name, chosen, recorded as it is.
    page.get_by_role("link", name="Ajouter une collectivité").click()
    page.get_by_label("Nom ou code").fill("rennes metropole")
    page.get_by_role("button", name="Chercher", exact=True).click()
    assert_accessible(page)
    page.get_by_role("button", name="Choisir Rennes Métropole (EPCI)").click()
    expect(page.get_by_text("« Rennes Métropole » est enregistrée dans l'annuaire.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Rennes Métropole")
    expect(page.get_by_text("243500139")).to_be_visible()
    assert_accessible(page)
    organization = Organization.objects.get(governed_epci="243500139")

    # A person of it, for the structure only.
    page.get_by_role("link", name="Ajouter une personne").click()
    assert_accessible(page)
    page.get_by_label("Prénom").fill("Maëlle")
    page.get_by_label("Nom", exact=True).fill("Kerzerho-Quéméneur")
    page.get_by_label("E-mail").fill("maelle.legoff@exemple.fr")
    page.get_by_label("Consentement de la personne").check()
    page.get_by_role("button", name="Enregistrer la personne").click()
    expect(page.get_by_role("rowheader", name="Maëlle Kerzerho-Quéméneur")).to_be_visible()
    assert_accessible(page)

    # Then a partner of the project: a funder, with its grant typed the French way.
    page.goto(project.get_absolute_url())
    page.get_by_role("link", name="Ajouter un partenaire").click()
    # The organisation is typed, and chosen among the suggestions with the keyboard.
    organization_field = page.get_by_role("combobox", name="Organisation")
    organization_field.press_sequentially("métro")
    expect(page.get_by_role("option", name="Rennes Métropole — EPCI")).to_be_visible()
    assert_accessible(page)
    organization_field.press("ArrowDown")
    expect(page.get_by_role("option", name="Rennes Métropole — EPCI")).to_have_attribute("aria-selected", "true")
    organization_field.press("Enter")
    expect(page.get_by_role("listbox")).to_be_hidden()
    expect(organization_field).to_have_value("Rennes Métropole")
    page.get_by_label("Rôle").select_option(label="Financeur")
    page.get_by_label("Nature de la contribution").select_option(label="Subvention")
    page.get_by_label("Montant (€)").fill("15 000")
    page.get_by_role("button", name="Ajouter le partenaire").click()

    expect(page.get_by_text("« Rennes Métropole » est ajoutée aux partenaires du projet (Financeur).")).to_be_visible()
    partners = page.locator("section").filter(has=page.get_by_role("heading", name="Partenaires", exact=True))
    expect(partners.get_by_role("heading", name="Financeur")).to_be_visible()
    expect(partners).to_contain_text("Rennes Métropole")
    expect(partners).to_contain_text("Subvention de 15\u202f000\u00a0€")
    expect(partners).not_to_contain_text("Kerzerho-Quéméneur")
    assert_accessible(page)
    involvement = Involvement.objects.get()
    assert (involvement.organization, involvement.role, involvement.amount) == (organization, "funder", 15000)


def test_the_directorys_forms_say_what_is_wrong_and_its_people_are_erased(page, project):
    organization = Organization.objects.get(name="Bretagne Active")
    Contact.objects.create(
        organization=organization,
        structure=project.structure,
        first_name="Yann",
        last_name="Kervella",
        legal_basis=Contact.LegalBasis.CONSENT,
    )
    sign_in(page, "revelateur35@fabrique.test", PASSWORD)

    # A close name and a known SIREN are flagged before anything is saved.
    page.goto("/partenaires/nouvelle/")
    assert_accessible(page)
    page.get_by_label("Nom", exact=True).fill("Bretagne activ")
    page.get_by_label("Type").select_option(label="Finance solidaire")
    page.get_by_label("SIREN").fill("775 672 272")
    page.get_by_role("button", name="Enregistrer l'organisation").click()
    expect(page.get_by_role("heading", name="Des noms proches sont déjà dans l'annuaire")).to_be_visible()
    expect(page.get_by_text("Ce SIREN est déjà celui de « Bretagne Active »").first).to_be_visible()
    assert_accessible(page)

    page.goto(organization.get_absolute_url() + "modifier/")
    assert_accessible(page)

    # Erasing a person, after confirming it.
    page.goto(organization.get_absolute_url())
    page.get_by_role("link", name="Effacer Yann Kervella").click()
    assert_accessible(page)
    page.get_by_role("button", name="Effacer la personne").click()
    expect(page.get_by_role("rowheader", name="Personne effacée")).to_be_visible()
    assert_accessible(page)
    assert Contact.objects.get().last_name == ""


def test_without_javascript_a_partner_is_named_by_hand_and_a_misspelling_gets_the_closest_name(
    page_without_javascript, project
):
    page = page_without_javascript
    sign_in(page, "revelateur35@fabrique.test", PASSWORD)
    page.goto(f"/projets/{project.pk}/partenaires/nouveau/")

    page.get_by_label("Organisation").fill("bretagne activ")
    page.get_by_label("Rôle").select_option(label="Financeur")
    page.get_by_role("button", name="Ajouter le partenaire").click()
    field = page.get_by_label("Organisation")
    expect(field).to_have_accessible_description(
        re.compile("« bretagne activ » n'est pas dans l'annuaire. Vouliez-vous dire : « Bretagne Active » ?")
    )
    expect(field).to_have_value("bretagne activ")

    field.fill("bretagne-active")
    page.get_by_role("button", name="Ajouter le partenaire").click()

    expect(page.get_by_text("« Bretagne Active » est ajoutée aux partenaires du projet (Financeur).")).to_be_visible()
    assert Involvement.objects.get().organization.name == "Bretagne Active"
