import re

import pytest
from playwright.sync_api import expect

from needs.models import Need
from projects.models import Project
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


def test_a_revelateur_logs_a_need_qualifies_it_and_opens_a_study(page, revelateur):
    sign_in(page, revelateur.email, PASSWORD)
    page.goto("/besoins/")
    assert_accessible(page)
    page.get_by_role("link", name="Saisir un besoin").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Saisir un besoin")
    assert_accessible(page)

    page.get_by_role("button", name="Enregistrer le besoin").click()

    expect(page.get_by_text("Le formulaire contient des erreurs")).to_be_visible()
    expect(page.get_by_text("Choisissez au moins un thème.").last).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Intitulé").fill("Pas de garde d'enfants en horaires décalés")
    page.get_by_label("Description").fill("Les soignantes de l'hôpital cherchent une solution avant 7 h.")
    page.get_by_label("Mobilité").check()
    page.get_by_label("Habitants").check()
    page.get_by_label("EPCI").select_option(label="Rennes Métropole")
    page.get_by_label("Communes").fill("rennes, cesson-sevigne")
    page.get_by_label("Urbain").check()
    page.get_by_label("Détecté le").fill("2026-01-15")
    page.get_by_role("button", name="Enregistrer le besoin").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Pas de garde d'enfants en horaires décalés")
    expect(page.get_by_text("Communes : Cesson-Sévigné, Rennes")).to_be_visible()
    expect(page.get_by_text("Besoin saisi")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Qualifier", exact=True).click()

    expect(page.get_by_text("Le besoin est qualifié.")).to_be_visible()
    expect(page.get_by_text("en « Qualifié »")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Modifier le besoin").click()
    expect(page.get_by_label("Communes")).to_have_value("Cesson-Sévigné, Rennes")
    assert_accessible(page)
    page.get_by_label("Public concerné").fill("Parents en horaires décalés")
    page.get_by_role("button", name="Enregistrer les modifications").click()
    expect(page.get_by_text("Vos modifications sont enregistrées.")).to_be_visible()

    page.get_by_role("link", name="Ouvrir une étude").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Ouvrir une étude d'opportunité")
    expect(page.get_by_label("Intitulé du projet")).to_have_value("Pas de garde d'enfants en horaires décalés")
    assert_accessible(page)

    page.get_by_label("Intitulé du projet").fill("Crèche à horaires étendus")
    page.get_by_role("button", name="Ouvrir l'étude").click()

    project = Project.objects.get()
    expect(page).to_have_url(re.compile(rf"/projets/{project.pk}/$"))
    assert project.title == "Crèche à horaires étendus"
    assert Need.objects.get().status == Need.Status.IN_STUDY


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
