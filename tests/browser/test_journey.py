"""The whole journey, in a real browser: a révélateur logs a need from an empty form, qualifies it, opens a
study, runs the project through its stages and launches the activity, with axe-core on each page."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from needs.models import Need
from projects.models import Project
from territories.models import EPCI
from tests.browser.conftest import assert_accessible, sign_in
from tests.fabrique.factories import PASSWORD, UserFactory
from tests.needs.factories import ThemeFactory
from tests.partners.factories import OrganizationFactory
from tests.projects.files import PDF
from tests.territories.factories import CommuneFactory, DepartmentFactory, EPCIFactory, RegionFactory, StructureFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def revelateur(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "private"
    department = DepartmentFactory(code="35")
    rennes_metropole = EPCIFactory(code="243500139", name="Rennes Métropole", kind=EPCI.Kind.METROPOLE)
    CommuneFactory(code="35238", name="Rennes", department=department, epci=rennes_metropole)
    CommuneFactory(code="35051", name="Cesson-Sévigné", department=department, epci=rennes_metropole)
    for name in ["Bien-vieillir", "Mobilité", "Économie circulaire et réemploi"]:
        ThemeFactory(name=name)
    OrganizationFactory(name="Région Bretagne", kind="region", governed_region=RegionFactory())
    structure = StructureFactory(name="TAg35", departments=[department])
    return UserFactory(email="revelateur35@fabrique.test", structure=structure, first_name="Maëlle")


def test_a_revelateur_takes_a_need_from_an_empty_form_to_a_launched_activity(page, revelateur):
    today = timezone.localdate()
    sign_in(page, revelateur.email, PASSWORD)

    # The day starts on the dashboard.
    expect(page.get_by_role("heading", level=1)).to_have_text("Bonjour Maëlle")
    assert_accessible(page)
    page.get_by_role("link", name="Besoins", exact=True).click()
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

    # The study runs on the project's page.
    expect(page.get_by_role("heading", level=1)).to_have_text("Crèche à horaires étendus")
    expect(page.get_by_text("Étape 1 sur 5 : Étude d'opportunité")).to_be_visible()
    assert_accessible(page)

    # The opportunity study ends with the COPIL's decision.
    page.get_by_role("link", name="Enregistrer la décision du COPIL").click()
    assert_accessible(page)
    page.get_by_label("Date du COPIL").fill(today.isoformat())
    page.get_by_label("Instance").fill("COPIL de l'étude")
    page.get_by_label("Poursuivre").check()
    page.get_by_role("button", name="Enregistrer la décision").click()
    expect(page.get_by_text("le projet passe à la recherche de porteur")).to_be_visible()
    expect(page.get_by_text("Étape 2 sur 5 : Recherche de porteur")).to_be_visible()

    # Then one stage after the other, each move confirmed with its date; a slip is undone at once.
    page.get_by_role("link", name="Passer à « Étude de faisabilité »").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Passer à « Étude de faisabilité »")
    expect(page.get_by_label("Date du passage")).to_have_value(today.isoformat())
    assert_accessible(page)
    page.get_by_role("button", name="Confirmer le passage à « Étude de faisabilité »").click()
    expect(page.get_by_text("Étape 3 sur 5 : Étude de faisabilité")).to_be_visible()
    page.get_by_role("button", name="Annuler ce passage").click()
    expect(page.get_by_text("Le passage est annulé")).to_be_visible()
    expect(page.get_by_text("Étape 2 sur 5 : Recherche de porteur")).to_be_visible()
    expect(
        page.get_by_text("Correction : passage « Recherche de porteur » → « Étude de faisabilité » annulé")
    ).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Passer à « Étude de faisabilité »").click()
    page.get_by_role("button", name="Confirmer le passage à « Étude de faisabilité »").click()
    expect(page.get_by_text("Étape 3 sur 5 : Étude de faisabilité")).to_be_visible()
    page.get_by_role("link", name="Passer à « Amorçage »").click()
    page.get_by_role("button", name="Confirmer le passage à « Amorçage »").click()
    expect(page.get_by_text("Étape 4 sur 5 : Amorçage")).to_be_visible()
    assert_accessible(page)

    # The record: a workshop, a note, a document.
    page.get_by_role("link", name="Ajouter un temps fort").click()
    assert_accessible(page)
    page.get_by_label("Nature").select_option(label="Atelier")
    page.get_by_label("Date").fill(today.isoformat())
    page.get_by_label("Intitulé").fill("Atelier avec les commerçants")
    page.get_by_label("Nombre de participants").fill("14")
    page.get_by_role("button", name="Enregistrer le temps fort").click()
    expect(
        # Exact names: the cell of its « Modifier » and « Supprimer » links names the meeting too.
        page.get_by_role("cell", name="Atelier avec les commerçants", exact=True).or_(
            page.get_by_role("rowheader", name="Atelier avec les commerçants", exact=True)
        )
    ).to_be_visible()

    page.get_by_label("Note").fill("Le porteur pressenti confirme son intérêt.")
    page.get_by_role("button", name="Ajouter la note").click()
    expect(page.get_by_text("Le porteur pressenti confirme son intérêt.")).to_be_visible()

    page.get_by_role("link", name="Déposer un document").click()
    assert_accessible(page)
    page.get_by_label("Nature").select_option(label="Étude de faisabilité")
    page.get_by_label("Titre").fill("Étude de faisabilité")
    page.get_by_label("Fichier").set_input_files(
        {"name": "faisabilite.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    page.get_by_role("button", name="Déposer le document").click()
    expect(page.get_by_text("Le document « Étude de faisabilité » est déposé.")).to_be_visible()

    # The launch, with a new porteur and a grant of the Région.
    page.get_by_role("link", name="Enregistrer l'activité créée").click()
    assert_accessible(page)
    page.get_by_label("Nom de l'activité").fill("La Crèche des Lève-tôt")
    page.get_by_label("Forme juridique").select_option(label="SCIC")
    page.get_by_label("Agrément ESUS").check()
    page.get_by_label("Date d'ouverture").fill(today.isoformat())
    page.get_by_label("Emplois au lancement (ETP)").fill("2,5")
    page.get_by_label("Nom du nouveau porteur").fill("SCIC Les Lève-tôt")
    page.get_by_label("Type du nouveau porteur").select_option(label="Structure de l'ESS")
    first_funding = page.get_by_role("group", name="Financement 1")
    first_funding.get_by_label("Nature").select_option(label="Subvention")
    first_funding.get_by_label("Montant (€)").fill("15 000")
    first_funding.get_by_role("combobox", name="Financeur").fill("Région Bretagne")
    first_funding.get_by_role("combobox", name="Financeur").press("Escape")
    # One more funding: the form comes back with a second row, keeping what was typed.
    page.get_by_role("button", name="Ajouter un financement").click()
    expect(page.get_by_text("Une ligne de financement est ajoutée : rien n'est encore enregistré.")).to_be_visible()
    expect(page.get_by_label("Nom de l'activité")).to_have_value("La Crèche des Lève-tôt")
    assert_accessible(page)
    second_funding = page.get_by_role("group", name="Financement 2")
    second_funding.get_by_label("Nature").select_option(label="Prêt")
    second_funding.get_by_label("Montant (€)").fill("5 000")
    # Enter in a field launches, as the form's main button does.
    second_funding.get_by_label("Montant (€)").press("Enter")
    expect(page.get_by_text("Étape 5 sur 5 : Activité lancée")).to_be_visible()
    expect(page.get_by_text("20\u202f000\u00a0€ au total")).to_be_visible()

    # And its first yearly follow-up.
    page.get_by_role("link", name="Ajouter un suivi annuel").click()
    assert_accessible(page)
    page.get_by_label("Année").fill(str(today.year))
    page.get_by_label("Emplois (ETP)").fill("3")
    page.get_by_role("button", name="Enregistrer le suivi").click()
    expect(page.get_by_text(f"Le suivi de {today.year} est enregistré.")).to_be_visible()
    assert_accessible(page)

    project.refresh_from_db()
    assert (project.stage, project.state) == (Project.Stage.LAUNCHED, Project.State.RUNNING)
    timeline = page.locator(".timeline")
    for text in [
        "Étape : « Amorçage » → « Activité lancée »",
        "Document déposé",
        "Note",
        "Atelier : Atelier avec les commerçants",
        "Décision de COPIL de l'étude",
        "Ouverture de l'étude",
    ]:
        expect(timeline).to_contain_text(text)

    # The need tells what became of it.
    page.get_by_role("link", name="Pas de garde d'enfants en horaires décalés").click()
    expect(page.get_by_role("link", name="Crèche à horaires étendus")).to_be_visible()
    assert_accessible(page)
