import pytest
from playwright.sync_api import expect

from needs.models import Need
from territories.models import EPCI
from tests.browser.conftest import assert_accessible, sign_in
from tests.fabrique.factories import PASSWORD, UserFactory
from tests.needs.factories import ThemeFactory
from tests.territories.factories import CommuneFactory, DepartmentFactory, EPCIFactory, StructureFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def revelateur():
    department = DepartmentFactory(code="35")
    rennes_metropole = EPCIFactory(code="243500139", name="Rennes Métropole", kind=EPCI.Kind.METROPOLE)
    CommuneFactory(code="35238", name="Rennes", department=department, epci=rennes_metropole)
    CommuneFactory(code="35051", name="Cesson-Sévigné", department=department, epci=rennes_metropole)
    for name in ["Bien-vieillir", "Mobilité", "Économie circulaire et réemploi"]:
        ThemeFactory(name=name)
    structure = StructureFactory(name="TAg35", departments=[department])
    return UserFactory(email="revelateur35@fabrique.test", structure=structure)


def test_the_need_list_is_accessible_with_filters_and_choices(page, revelateur):
    for number in range(3):
        need = Need.objects.create(
            structure=revelateur.structure,
            title=f"Besoin {number}",
            description="Une description.",
            source=Need.Source.INHABITANTS,
            department_id="35",
            detected_on="2026-01-15",
            status=Need.Status.QUALIFIED if number else Need.Status.DETECTED,
            created_by=revelateur,
        )
        need.themes.set([ThemeFactory(name="Mobilité")])
    sign_in(page, revelateur.email, PASSWORD)

    page.goto("/besoins/?status=qualified&q=besoin")

    expect(page.get_by_role("heading", name="2 besoins correspondant aux filtres")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Choisir « Besoin 1 »").check()
    page.get_by_label("Choisir « Besoin 2 »").check()
    page.get_by_role("button", name="Ouvrir une étude").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ouvrir une étude d'opportunité")
    expect(page.get_by_role("link", name="Besoin 2")).to_be_visible()
