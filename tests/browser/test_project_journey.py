"""A révélateur runs a project from its opportunity study to its launched activity, in a real browser."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from projects.models import Project
from tests.browser.conftest import assert_accessible, sign_in
from tests.fabrique.factories import PASSWORD, UserFactory
from tests.needs.factories import ThemeFactory
from tests.partners.factories import OrganizationFactory
from tests.projects.factories import ProjectFactory
from tests.projects.files import PDF
from tests.territories.factories import DepartmentFactory, RegionFactory, StructureFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def project(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "private"
    tag35 = StructureFactory(name="TAg35", departments=[DepartmentFactory(code="35")])
    revelateur = UserFactory(email="revelateur35@fabrique.test", structure=tag35, first_name="Maëlle")
    OrganizationFactory(name="Région Bretagne", kind="region", governed_region=RegionFactory())
    return ProjectFactory(
        created_by=revelateur,
        title="Épicerie solidaire du pays de Redon",
        themes=[ThemeFactory(name="Alimentation durable")],
    )


def test_a_revelateur_runs_a_project_from_its_study_to_its_launched_activity(page, project):
    today = timezone.localdate()
    sign_in(page, "revelateur35@fabrique.test", PASSWORD)

    page.goto("/projets/")
    assert_accessible(page)
    page.get_by_role("link", name="Épicerie solidaire du pays de Redon").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Épicerie solidaire du pays de Redon")
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

    # Then one stage after the other.
    page.get_by_role("button", name="Passer à « Étude de faisabilité »").click()
    expect(page.get_by_text("Étape 3 sur 5 : Étude de faisabilité")).to_be_visible()
    page.get_by_role("button", name="Passer à « Amorçage »").click()
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
        page.get_by_role("cell", name="Atelier avec les commerçants").or_(
            page.get_by_role("rowheader", name="Atelier avec les commerçants")
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
    page.get_by_label("Nom de l'activité").fill("La Cagette de Redon")
    page.get_by_label("Forme juridique").select_option(label="SCIC")
    page.get_by_label("Agrément ESUS").check()
    page.get_by_label("Date d'ouverture").fill(today.isoformat())
    page.get_by_label("Emplois au lancement (ETP)").fill("2,5")
    page.get_by_label("Nom du nouveau porteur").fill("SCIC La Cagette")
    page.get_by_label("Type du nouveau porteur").select_option(label="Structure de l'ESS")
    first_funding = page.get_by_role("group", name="Financement 1")
    first_funding.get_by_label("Nature").select_option(label="Subvention")
    first_funding.get_by_label("Montant (€)").fill("15 000")
    first_funding.get_by_label("Financeur").select_option(label="Région Bretagne")
    page.get_by_role("button", name="Enregistrer l'activité et lancer le projet").click()
    expect(page.get_by_text("Étape 5 sur 5 : Activité lancée")).to_be_visible()
    expect(page.get_by_text("15\u202f000\u00a0€ au total")).to_be_visible()

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
