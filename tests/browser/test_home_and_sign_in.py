import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, sign_in
from tests.fabrique.factories import PASSWORD, UserFactory
from tests.territories.factories import DepartmentFactory, StructureFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def structures():
    for name, code in [("TAg22", "22"), ("TAg29", "29"), ("TAg35", "35"), ("TAg56", "56")]:
        StructureFactory(name=name, departments=[DepartmentFactory(code=code)])


def test_a_visitor_reads_the_home_page(page, structures):
    page.goto("/")

    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="TAg35")).to_be_visible()
    expect(page.get_by_text("Ille-et-Vilaine (35)")).to_be_visible()
    assert_accessible(page)


def test_the_skip_link_leads_to_the_content(page, structures):
    page.goto("/")

    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Aller au contenu")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(page.url.split("#")[0].rstrip("/") + "/#contenu")


def test_a_revelateur_signs_in_and_out(page, structures):
    UserFactory(email="revelateur35@fabrique.test", first_name="Maëlle")
    page.goto("/")
    page.get_by_role("link", name="Se connecter").first.click()
    assert_accessible(page)

    sign_in(page, "Revelateur35@Fabrique.test", PASSWORD)

    expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()
    page.get_by_role("button", name="Se déconnecter").click()
    expect(page.get_by_role("link", name="Se connecter").first).to_be_visible()


def test_a_refused_sign_in_keeps_the_email_and_says_why(page, structures):
    UserFactory(email="revelateur35@fabrique.test")

    sign_in(page, "revelateur35@fabrique.test", "pas le bon mot de passe")

    expect(page.get_by_text("Adresse e-mail ou mot de passe incorrect.")).to_be_visible()
    expect(page.get_by_label("Adresse e-mail")).to_have_value("revelateur35@fabrique.test")
    expect(page.get_by_label("Mot de passe")).to_have_value("")
    assert_accessible(page)


def test_signing_in_works_without_javascript(page_without_javascript, structures):
    page = page_without_javascript
    UserFactory(email="revelateur35@fabrique.test")

    sign_in(page, "revelateur35@fabrique.test", PASSWORD)

    expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()


@pytest.mark.parametrize("path", ["/admin/", "/admin/fabrique/user/", "/admin/territories/structure/"])
def test_the_admin_pages_are_accessible(page, structures, path):
    UserFactory(email="admin@fabrique.test", admin=True)
    sign_in(page, "admin@fabrique.test", PASSWORD)

    page.goto(path)

    expect(page.locator("#content")).to_be_visible()
    assert_accessible(page)


@pytest.mark.parametrize("path", ["/accessibilite/", "/mentions-legales/", "/compte/mot-de-passe/oublie/"])
def test_the_other_public_pages_are_accessible(page, path):
    page.goto(path)

    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_accessible(page)
