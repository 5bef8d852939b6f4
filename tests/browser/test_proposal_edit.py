import datetime
import re

import pytest
from playwright.sync_api import expect

from needs.models import Need, NeedEvent
from partners.models import Organization
from projects.models import CopilDecision
from territories.models import EPCI
from tests.browser.conftest import assert_accessible, sign_in
from tests.fabrique.factories import PASSWORD, UserFactory
from tests.needs.factories import NeedFactory, ThemeFactory
from tests.partners.factories import OrganizationFactory
from tests.projects.factories import ProjectFactory
from tests.territories.factories import CommuneFactory, DepartmentFactory, EPCIFactory, StructureFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def people():
    department = DepartmentFactory(code="35")
    epci = EPCIFactory(code="243500139", name="Rennes Métropole", kind=EPCI.Kind.METROPOLE)
    CommuneFactory(code="35238", name="Rennes", department=department, epci=epci)
    CommuneFactory(code="35051", name="Cesson-Sévigné", department=department, epci=epci)
    for name in ["Bien-vieillir", "Mobilité"]:
        ThemeFactory(name=name)
    structure = StructureFactory(name="TAg35", departments=[department])
    organization = OrganizationFactory(
        name="Rennes Métropole", kind=Organization.Kind.EPCI, governed_epci=epci, siren="243500139"
    )
    return {
        "revelateur": UserFactory(email="revelateur35@fabrique.test", structure=structure),
        "collectivite": UserFactory(
            email="collectivite35@fabrique.test", collectivite=True, organization=organization
        ),
    }


def test_a_collectivite_changes_its_proposal_on_an_accessible_page(page, people):
    collectivite = people["collectivite"]
    need = NeedFactory(
        created_by=collectivite,
        structure=people["revelateur"].structure,
        source=Need.Source.COLLECTIVITE,
        proposed_by=collectivite.organization,
        proposal_contact="Anne Le Goff, 02 99 00 00 00",
        title="Laverie solidaire",
        themes=[ThemeFactory(name="Mobilité")],
    )
    sign_in(page, collectivite.email, PASSWORD)

    page.goto(f"/besoins/propositions/{need.pk}/")
    page.get_by_role("link", name="Modifier ma proposition").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Modifier ma proposition")
    assert_accessible(page)
    page.get_by_label("Intitulé").fill("")
    page.get_by_role("button", name="Enregistrer les modifications").click()
    expect(page.get_by_text("Indiquez l'intitulé du besoin.", exact=True)).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Intitulé").fill("Laverie solidaire à Rennes")
    page.get_by_label("Communes concernées").fill("Rennes")
    page.get_by_role("button", name="Enregistrer les modifications").click()
    expect(page).to_have_url(re.compile(rf"/besoins/propositions/{need.pk}/$"))
    expect(page.get_by_text("Vos modifications sont enregistrées : TAg35 les verra dans son suivi.")).to_be_visible()
    expect(page.get_by_text("Proposition modifiée")).to_be_visible()
    assert NeedEvent.objects.filter(need=need, kind=NeedEvent.Kind.PROPOSAL_CHANGED).exists()


def test_the_organisations_present_at_a_copil_are_accessible_on_both_pages(page, people):
    revelateur = people["revelateur"]
    project = ProjectFactory(created_by=revelateur, title="Garage solidaire")
    copil = CopilDecision.objects.create(
        project=project,
        decided_on=datetime.date(2026, 1, 15),
        body="Bureau communautaire",
        decision="go",
        recorded_by=revelateur,
    )
    funder = OrganizationFactory(name="Fondation Macif", kind="private_funder")
    copil.organizations.set([funder, people["collectivite"].organization])
    sign_in(page, revelateur.email, PASSWORD)

    page.goto(f"/projets/{project.pk}/")
    copil_table = page.get_by_role("region", name="Décisions de COPIL")
    expect(copil_table.get_by_role("columnheader", name="Organisations présentes")).to_be_visible()
    expect(copil_table.get_by_role("link", name="Fondation Macif")).to_be_visible()
    assert_accessible(page)

    copil_table.get_by_role("link", name="Fondation Macif").click()
    expect(page.get_by_role("heading", name="Les COPIL où elle était présente")).to_be_visible()
    expect(page.get_by_role("link", name="Garage solidaire").first).to_be_visible()
    assert_accessible(page)
