import pytest
from playwright.sync_api import expect

from projects.models import Project
from tests.browser.conftest import AXE_SCRIPT, assert_accessible, sign_in
from tests.fabrique.factories import PASSWORD, UserFactory
from tests.needs.factories import ThemeFactory
from tests.projects.factories import ProjectFactory
from tests.territories.factories import DepartmentFactory, StructureFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def project():
    structure = StructureFactory(name="TAg35", departments=[DepartmentFactory(code="35")])
    revelateur = UserFactory(email="revelateur35@fabrique.test", structure=structure)
    return ProjectFactory(
        structure=structure,
        created_by=revelateur,
        department_id="35",
        title="Épicerie solidaire",
        internal_summary="Premier contact avec la mairie.",
        themes=[ThemeFactory(name="Alimentation durable")],
    )


def test_a_project_edited_in_two_tabs_keeps_both_changes_after_the_conflict(browser, live_server, project):
    context = browser.new_context(base_url=live_server.url, locale="fr-FR")
    # Two tabs of one browser, signed in once: the same person saves in both.
    context.route("**/__axe__.js", lambda route: route.fulfill(path=AXE_SCRIPT, content_type="text/javascript"))
    first, second = context.new_page(), context.new_page()
    sign_in(first, "revelateur35@fabrique.test", PASSWORD)
    path = f"/projets/{project.pk}/modifier/"
    first.goto(path)
    second.goto(path)

    second.get_by_label("Résumé interne").fill("Rencontre avec la Région en mai.")
    second.get_by_role("button", name="Enregistrer les modifications").click()
    expect(second.get_by_text("Les modifications du projet sont enregistrées.")).to_be_visible()

    first.get_by_label("Intitulé", exact=True).fill("Épicerie solidaire itinérante")
    first.get_by_role("button", name="Enregistrer les modifications").click()

    expect(first.get_by_text("Vous avez enregistré cette fiche dans un autre onglet")).to_be_visible()
    table = first.get_by_role("table", name="Les champs modifiés par l'autre enregistrement")
    expect(table.get_by_role("rowheader", name="Résumé interne")).to_be_visible()
    expect(first.get_by_label("Résumé interne")).to_have_value("Rencontre avec la Région en mai.")
    expect(first.get_by_label("Intitulé", exact=True)).to_have_value("Épicerie solidaire itinérante")
    assert_accessible(first)
    # On a phone, each changed field reads as a card: nothing hides to the right of the screen.
    first.set_viewport_size({"width": 390, "height": 844})
    assert table.evaluate("table => table.parentElement.scrollWidth <= table.parentElement.clientWidth")
    first.set_viewport_size({"width": 1280, "height": 800})

    first.get_by_role("button", name="Enregistrer les modifications").click()

    expect(first.get_by_text("Les modifications du projet sont enregistrées.")).to_be_visible()
    project.refresh_from_db()
    assert (project.title, project.internal_summary) == (
        "Épicerie solidaire itinérante",
        "Rencontre avec la Région en mai.",
    )
    assert Project.objects.get(pk=project.pk).version == 3
    context.close()
