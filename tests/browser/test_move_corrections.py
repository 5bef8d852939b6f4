"""Correcting a move after the minutes it could be undone, in a real browser and without JavaScript: the project's
page leads to the correction page, which takes the move back with its reason; axe-core audits each page."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from projects.models import Project, ProjectEvent
from tests.browser.conftest import assert_accessible, sign_in
from tests.fabrique.factories import PASSWORD, UserFactory
from tests.projects.factories import ProjectFactory
from tests.territories.factories import DepartmentFactory, StructureFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def revelateur():
    structure = StructureFactory(name="TAg35", departments=[DepartmentFactory(code="35")])
    return UserFactory(email="revelateur35@fabrique.test", structure=structure)


@pytest.mark.parametrize("javascript", [True, False], ids=["with-javascript", "without-javascript"])
def test_a_revelateur_takes_back_a_stop_recorded_by_mistake_yesterday(request, revelateur, javascript):
    page = request.getfixturevalue("page" if javascript else "page_without_javascript")
    project = ProjectFactory(created_by=revelateur, title="Conciergerie rurale", stage=Project.Stage.PORTEUR_SEARCH)
    project.stop(by=revelateur, reason="Saisi sur le mauvais projet.")
    ProjectEvent.objects.filter(project=project).moves().update(at=timezone.now() - datetime.timedelta(days=1))
    sign_in(page, revelateur.email, PASSWORD)

    page.goto(f"/projets/{project.pk}/")
    expect(page.get_by_role("button", name="Annuler ce passage")).to_have_count(0)
    page.get_by_role("link", name="Corriger ce passage").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Corriger le dernier passage")
    if javascript:
        assert_accessible(page)
    page.get_by_label("Motif de la correction").nth(1).fill("L'arrêt concernait un autre projet.")
    page.get_by_role("button", name="Annuler ce passage").click()

    expect(page.get_by_text("Le passage est annulé")).to_be_visible()
    expect(page.get_by_text("Étape 2 sur 5 : Recherche de porteur")).to_be_visible()
    expect(page.get_by_text("Correction : passage « En cours » → « Arrêté » annulé")).to_be_visible()
    if javascript:
        assert_accessible(page)
    assert Project.objects.get(pk=project.pk).state == Project.State.RUNNING
