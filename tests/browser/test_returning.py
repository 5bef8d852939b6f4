"""From a project's partner form to a new organisation of the directory, and back to the form with it chosen."""

import pytest
from playwright.sync_api import expect

from partners.models import Involvement, Organization
from tests.browser.conftest import assert_accessible, sign_in
from tests.fabrique.factories import PASSWORD, UserFactory
from tests.projects.factories import ProjectFactory
from tests.territories.factories import DepartmentFactory, StructureFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_revelateur_creates_a_missing_partner_and_comes_back_to_the_project_with_it_chosen(page):
    department = DepartmentFactory(code="35")
    structure = StructureFactory(name="TAg35", departments=[department])
    revelateur = UserFactory(email="revelateur35@fabrique.test", structure=structure)
    project = ProjectFactory(created_by=revelateur, title="Épicerie solidaire du pays de Redon", department=department)
    sign_in(page, "revelateur35@fabrique.test", PASSWORD)

    page.goto(project.get_absolute_url())
    page.get_by_role("link", name="Ajouter un partenaire").click()
    page.get_by_role("link", name="Créer une organisation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ajouter une organisation")
    page.get_by_label("Nom", exact=True).fill("Fondation Solidarités Bretonnes")
    page.get_by_label("Type").select_option(label="Fondation ou financeur privé")
    page.get_by_role("button", name="Enregistrer l'organisation").click()

    # Back on the partner form, the new organisation already named in it.
    expect(page.get_by_role("heading", level=1)).to_have_text("Ajouter un partenaire au projet")
    expect(
        page.get_by_text(
            "« Fondation Solidarités Bretonnes » est enregistrée dans l'annuaire : elle est choisie ci-dessous."
        )
    ).to_be_visible()
    organization = Organization.objects.get()
    expect(page.get_by_role("combobox", name="Organisation")).to_have_value(organization.reference)
    assert_accessible(page)
    page.get_by_label("Rôle").select_option(label="Financeur")
    page.get_by_role("button", name="Ajouter le partenaire").click()

    expect(
        page.get_by_text("« Fondation Solidarités Bretonnes » est ajoutée aux partenaires du projet")
    ).to_be_visible()
    assert Involvement.objects.values_list("project", "organization", "role").get() == (
        project.pk,
        organization.pk,
        "funder",
    )
