"""A révélateur finds her structure's projects under « Projets », the network's a tab away, and searches the whole
platform from the header."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, sign_in
from tests.fabrique.factories import PASSWORD, UserFactory
from tests.needs.factories import NeedFactory
from tests.partners.factories import OrganizationFactory
from tests.projects.factories import ProjectFactory
from tests.territories.factories import DepartmentFactory, StructureFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def revelateur():
    structure = StructureFactory(name="TAg35", departments=[DepartmentFactory(code="35")])
    other = StructureFactory(name="TAg29", departments=[DepartmentFactory(code="29")])
    revelateur = UserFactory(email="revelateur35@fabrique.test", structure=structure)
    colleague = UserFactory(email="revelateur29@fabrique.test", structure=other)
    ProjectFactory(created_by=revelateur, title="Épicerie arrêtée", stopped=True)
    ProjectFactory(created_by=revelateur, title="Épicerie en cours")
    ProjectFactory(created_by=colleague, title="Épicerie du Poher", public=True, department__code="29")
    NeedFactory(created_by=revelateur, title="Une épicerie à Redon")
    OrganizationFactory(name="Épicerie sociale de Vitré")
    return revelateur


def test_a_revelateur_opens_her_projects_then_the_network_then_searches_everything(page, revelateur):
    sign_in(page, revelateur.email, PASSWORD)

    page.get_by_role("navigation", name="Navigation principale").get_by_role("link", name="Projets").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Projets de TAg35")
    rows = page.get_by_role("table").get_by_role("rowheader")
    expect(rows).to_have_text(["Épicerie en cours", "Épicerie arrêtée"])
    assert_accessible(page)

    page.get_by_role("navigation", name="Listes de projets").get_by_role("link", name="Catalogue du réseau").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Carnet de projets")
    expect(page.get_by_role("rowheader", name="Épicerie du Poher")).to_be_visible()

    search = page.get_by_role("search")
    search.get_by_label("Recherche dans la Fabrique").fill("épicerie")
    search.get_by_role("button", name="Rechercher").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Recherche : « épicerie »")
    expect(page.get_by_role("region", name="Besoins").get_by_role("link")).to_have_text(["Une épicerie à Redon"])
    expect(page.get_by_role("region", name="Organisations").get_by_role("link")).to_have_text(
        ["Épicerie sociale de Vitré"]
    )
    expect(page.get_by_role("region", name="Projets").get_by_role("link")).to_have_count(3)
    assert_accessible(page)
