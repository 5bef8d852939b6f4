import pytest
from playwright.sync_api import expect

from fabrique.models import User
from notifications.models import Frequency, Kind, Preference
from tests.browser.conftest import assert_accessible, sign_in
from tests.fabrique.factories import PASSWORD, UserFactory
from tests.territories.factories import DepartmentFactory, StructureFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_revelateur_changes_their_name_and_notifications_on_an_accessible_page(page):
    structure = StructureFactory(name="TAg35", departments=[DepartmentFactory(code="35")])
    revelateur = UserFactory(email="revelateur35@fabrique.test", first_name="Maëlle", structure=structure)
    sign_in(page, revelateur.email, PASSWORD)

    page.get_by_role("link", name="Mon compte").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Mon compte")
    expect(page.get_by_role("link", name="Mon compte")).to_have_attribute("aria-current", "page")
    assert_accessible(page)
    page.get_by_label("Prénom").fill("Nolwenn")
    dormant = page.get_by_role("group", name="Un projet de ma structure sans nouvelles depuis 90 jours")
    dormant.get_by_label("Jamais").check()
    page.get_by_role("group", name="Un COPIL qui approche sur un projet de ma structure").get_by_label(
        "Tout de suite"
    ).check()
    page.get_by_role("button", name="Enregistrer").click()

    expect(page.get_by_role("status")).to_contain_text("Vos modifications sont enregistrées.")
    expect(page.get_by_label("Prénom")).to_have_value("Nolwenn")
    expect(dormant.get_by_label("Jamais")).to_be_checked()
    assert User.objects.get(pk=revelateur.pk).first_name == "Nolwenn"
    assert Preference.objects.of(revelateur)[Kind.PROJECT_DORMANT] == Frequency.NEVER
    assert Preference.objects.of(revelateur)[Kind.COPIL_COMING] == Frequency.IMMEDIATELY

    # A new address without the password: refused next to its field, what was typed kept.
    page.get_by_label("Adresse e-mail").fill("maelle@tag35.bzh")
    page.get_by_role("button", name="Enregistrer").click()

    expect(page.get_by_role("alert")).to_contain_text("Indiquez votre mot de passe actuel")
    expect(page.get_by_label("Adresse e-mail")).to_have_value("maelle@tag35.bzh")
    assert_accessible(page)
    page.get_by_label("Mot de passe actuel").fill(PASSWORD)
    page.get_by_role("button", name="Enregistrer").click()

    expect(page.get_by_label("Adresse e-mail")).to_have_value("maelle@tag35.bzh")
    assert User.objects.get(pk=revelateur.pk).email == "maelle@tag35.bzh"
