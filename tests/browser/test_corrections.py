"""Correcting what was recorded, in a real browser: a révélateur corrects a yearly follow-up from the project's
page, is pointed to that correction when recording the same year again, and removes a note, with axe-core on each
page."""

import datetime
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from projects.models import ProjectEvent
from tests.browser.conftest import assert_accessible, sign_in
from tests.fabrique.factories import PASSWORD, UserFactory
from tests.projects.factories import FollowUpFactory, NoteFactory, ProjectFactory
from tests.territories.factories import DepartmentFactory, StructureFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def revelateur(db):
    structure = StructureFactory(name="TAg35", departments=[DepartmentFactory(code="35")])
    return UserFactory(email="revelateur35@fabrique.test", structure=structure, first_name="Maëlle")


def test_a_revelateur_corrects_a_follow_up_and_removes_a_note(page, live_server, revelateur):
    project = ProjectFactory(
        created_by=revelateur,
        title="Épicerie solidaire du pays de Redon",
        launched=True,
        activity__name="La Cagette de Redon",
        activity__opened_on=datetime.date(2023, 4, 1),
    )
    follow_up = FollowUpFactory(activity=project.activity, year=2024, jobs=Decimal("3"))
    NoteFactory(project=project, comment="Le téléphone personnel de la présidente.")
    sign_in(page, revelateur.email, PASSWORD)
    page.goto(f"{live_server.url}/projets/{project.pk}/")

    page.get_by_role("link", name="Modifier le suivi de 2024").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Corriger le suivi de 2024")
    assert_accessible(page)
    page.get_by_label("Emplois (ETP)").fill("4,5")
    page.get_by_role("button", name="Enregistrer la correction").click()

    expect(page.get_by_text("Le suivi de 2024 est corrigé.")).to_be_visible()
    expect(page.get_by_text("Suivi annuel de 2024 corrigé : emplois (ETP) : 3 → 4,5.")).to_be_visible()
    follow_up.refresh_from_db()
    assert follow_up.jobs == Decimal("4.5")

    # Recording the same year again leads to its correction, not to a dead end.
    page.get_by_role("link", name="Ajouter un suivi annuel").click()
    page.get_by_label("Année").fill("2024")
    page.get_by_label("Emplois (ETP)").fill("5")
    page.get_by_role("button", name="Enregistrer le suivi").click()
    assert_accessible(page)
    page.get_by_role("link", name="Corriger le suivi de 2024").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Corriger le suivi de 2024")
    page.get_by_role("link", name="Annuler").click()

    page.get_by_role("link", name="Supprimer la note").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Supprimer la note du")
    assert_accessible(page)
    page.get_by_role("button", name="Supprimer").click()

    expect(page.get_by_text("La note est supprimée")).to_be_visible()
    expect(page.get_by_text("Le téléphone personnel de la présidente.")).to_have_count(0)
    assert_accessible(page)
    assert not project.events.filter(kind=ProjectEvent.Kind.NOTE).exists()
