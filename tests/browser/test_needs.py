import re

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


def fill_need(page):
    page.get_by_label("Intitulé").fill("Pas de garde d'enfants en horaires décalés")
    page.get_by_label("Description").fill("Les soignantes de l'hôpital cherchent une solution avant 7 h.")
    page.get_by_label("Mobilité").check()
    page.get_by_label("Habitants").check()
    page.get_by_label("Urbain").check()
    page.get_by_label("Détecté le").fill("2026-01-15")


def test_communes_are_suggested_as_one_types_and_chosen_with_the_keyboard(page, revelateur):
    CommuneFactory(code="35012", name="Bain-de-Bretagne", department_id="35", population=7500)
    CommuneFactory(code="29019", name="Brest", department=DepartmentFactory(code="29"))
    sign_in(page, revelateur.email, PASSWORD)
    page.goto("/besoins/nouveau/")
    fill_need(page)

    communes = page.get_by_role("combobox", name="Communes")
    communes.press_sequentially("rennes, bain de b")
    option = page.get_by_role("option", name="Bain-de-Bretagne — Ille-et-Vilaine (35)")
    expect(option).to_be_visible()
    expect(communes).to_have_attribute("aria-expanded", "true")
    expect(page.get_by_role("status").filter(has_text="1 suggestion")).to_be_attached()
    assert_accessible(page)
    communes.press("ArrowDown")
    expect(option).to_have_attribute("aria-selected", "true")
    expect(communes).to_have_attribute("aria-activedescendant", option.get_attribute("id"))
    communes.press("Enter")
    expect(communes).to_have_value("rennes, Bain-de-Bretagne")
    expect(communes).to_have_attribute("aria-expanded", "false")

    # Escape closes the suggestions without changing what was typed; only the département's communes are offered.
    communes.press_sequentially(", bre")
    expect(page.get_by_role("option", name="Bain-de-Bretagne — Ille-et-Vilaine (35)")).to_be_visible()
    expect(page.get_by_role("option", name="Brest — Finistère (29)")).to_have_count(0)
    communes.press("Escape")
    expect(page.get_by_role("listbox")).to_be_hidden()
    expect(communes).to_have_value("rennes, Bain-de-Bretagne, bre")
    communes.fill("rennes, Bain-de-Bretagne")

    page.get_by_role("button", name="Enregistrer le besoin").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Pas de garde d'enfants en horaires décalés")
    expect(page.get_by_text("Communes : Bain-de-Bretagne, Rennes")).to_be_visible()
    assert sorted(Need.objects.get().communes.values_list("code", flat=True)) == ["35012", "35238"]


def test_without_javascript_pasted_communes_are_read_and_a_misspelling_gets_the_closest_name(
    page_without_javascript, revelateur
):
    page = page_without_javascript
    CommuneFactory(code="35012", name="Bain-de-Bretagne", department_id="35")
    sign_in(page, revelateur.email, PASSWORD)
    page.goto("/besoins/nouveau/")
    fill_need(page)

    # A row of a spreadsheet, pasted: its cells are separated by tabs.
    page.get_by_label("Communes").fill("Rennes\tBain de Bretagn")
    page.get_by_role("button", name="Enregistrer le besoin").click()

    communes = page.get_by_label("Communes")
    expect(communes).to_have_accessible_description(
        re.compile(
            "« Bain de Bretagn » n'est pas une commune du département Ille-et-Vilaine \\(35\\). "
            "Vouliez-vous dire : Bain-de-Bretagne ?"
        )
    )
    expect(communes).to_have_value("Rennes\tBain de Bretagn")
    communes.fill("Rennes\tbain de bretagne")
    page.get_by_role("button", name="Enregistrer le besoin").click()

    expect(page.get_by_text("Communes : Bain-de-Bretagne, Rennes")).to_be_visible()
    assert sorted(Need.objects.get().communes.values_list("code", flat=True)) == ["35012", "35238"]
