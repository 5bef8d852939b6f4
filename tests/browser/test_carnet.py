import contextlib

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from projects.models import Project
from tests.browser.conftest import assert_accessible
from tests.fabrique.factories import UserFactory
from tests.needs.factories import ThemeFactory
from tests.projects.factories import ProjectFactory
from tests.territories.factories import CommuneFactory, DepartmentFactory, EPCIFactory, StructureFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = ["/", "/projets/", "/projets/carnet/", "/territoires/29/"]


@pytest.fixture
def carnet():
    """A public project in each of the four départements, and one internal project nobody outside may see."""
    mobility = ThemeFactory(name="Mobilité")
    projects = {}
    for name, code, title in [
        ("TAg22", "22", "Conciergerie de Lannion"),
        ("TAg29", "29", "Tiers-lieu du Poher"),
        ("TAg35", "35", "Garage solidaire de Redon"),
        ("TAg56", "56", "Épicerie itinérante de Pontivy"),
    ]:
        department = DepartmentFactory(code=code)
        structure = StructureFactory(name=name, departments=[department])
        revelateur = UserFactory(email=f"revelateur{code}@fabrique.test", structure=structure)
        projects[code] = ProjectFactory(
            created_by=revelateur,
            department=department,
            title=title,
            visibility=Project.Visibility.PUBLIC,
            themes=[mobility],
            public_summary=f"{title} : un projet public.",
        )
        ProjectFactory(created_by=revelateur, department=department, title=f"Projet interne {code}")
    return projects


def test_a_visitor_filters_the_catalogue_follows_the_map_opens_a_project_and_prints_the_carnet(page, carnet):
    page.goto("/projets/")
    expect(page.get_by_role("heading", name="4 projets")).to_be_visible()
    page.get_by_label("Département", exact=True).select_option(label="Finistère (29)")
    page.get_by_role("button", name="Filtrer").click()
    expect(page.get_by_role("heading", name="1 projet")).to_be_visible()
    expect(page.get_by_role("link", name="Tiers-lieu du Poher")).to_be_visible()
    assert "department=29" in page.url
    assert_accessible(page)

    page.goto("/")
    assert_accessible(page)
    page.get_by_role("link", name="Finistère : 1 projet").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Finistère (29)")
    expect(page.get_by_text("Projet interne 29")).to_have_count(0)
    assert_accessible(page)

    page.get_by_role("link", name="Tiers-lieu du Poher").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tiers-lieu du Poher")
    expect(page.get_by_text("Tiers-lieu du Poher : un projet public.")).to_be_visible()
    assert_accessible(page)

    page.goto("/projets/carnet/")
    assert_accessible(page)
    expect(page.get_by_role("navigation", name="Navigation principale")).to_be_visible()
    page.emulate_media(media="print")
    expect(page.get_by_role("navigation", name="Navigation principale")).to_be_hidden()
    expect(page.get_by_role("heading", name="Finistère (29) — 1 projet")).to_be_visible()
    breaks = page.evaluate(
        "() => [...document.querySelectorAll('.carnet__department')].map(s => getComputedStyle(s).breakBefore)"
    )
    assert breaks[1:] == ["page"] * 3


@pytest.mark.parametrize("path", PAGES)
def test_the_public_pages_read_well_on_a_phone(page, carnet, path):
    page.set_viewport_size({"width": 390, "height": 844})

    page.goto(path)

    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")


def test_the_project_page_reads_well_on_a_phone(page, carnet):
    page.set_viewport_size({"width": 390, "height": 844})

    page.goto(carnet["35"].get_absolute_url())

    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    assert_accessible(page)


@pytest.fixture
def epcis(carnet):
    """An EPCI in Finistère and one in Ille-et-Vilaine, each with a commune."""
    for code, name in [("29", "Morlaix Communauté"), ("35", "Redon Agglomération")]:
        CommuneFactory(department=DepartmentFactory(code=code), epci=EPCIFactory(name=name))


def epci_options(page):
    return page.get_by_label("EPCI", exact=True).locator("option").all_inner_texts()


def test_choosing_a_departement_narrows_the_epci_offered_at_once(page, epcis):
    page.goto("/projets/")
    assert epci_options(page) == ["Tous", "Morlaix Communauté", "Redon Agglomération"]

    page.get_by_label("Département", exact=True).select_option(label="Finistère (29)")

    expect(page.get_by_label("EPCI", exact=True).locator("option")).to_have_text(["Tous", "Morlaix Communauté"])
    page.get_by_label("EPCI", exact=True).select_option(label="Morlaix Communauté")
    page.get_by_label("Département", exact=True).select_option(label="Tous")
    expect(page.get_by_label("EPCI", exact=True).locator("option")).to_have_count(3)
    assert page.get_by_label("EPCI", exact=True).locator("option:checked").inner_text() == "Morlaix Communauté"
    assert_accessible(page)


def test_an_answer_for_an_earlier_departement_never_overwrites_the_last_choice(page, epcis):
    held = []

    def hold_finistere(route):
        if "department=29" in route.request.url:
            held.append(route)
        else:
            route.continue_()

    page.goto("/projets/")
    page.route("**/projets/?*", hold_finistere)
    with page.expect_request(lambda request: "department=29" in request.url):
        page.get_by_label("Département", exact=True).select_option(label="Finistère (29)")
    page.get_by_label("Département", exact=True).select_option(label="Ille-et-Vilaine (35)")
    expect(page.get_by_label("EPCI", exact=True).locator("option")).to_have_text(["Tous", "Redon Agglomération"])

    # Finistère's answer, released last (if the browser had not dropped it already), was cancelled by the newer
    # choice: it changes nothing.
    for finistere in held:
        with contextlib.suppress(PlaywrightError):
            finistere.continue_()
    page.wait_for_timeout(500)
    assert epci_options(page) == ["Tous", "Redon Agglomération"]


def test_without_javascript_the_epci_narrow_once_the_filters_are_sent(page_without_javascript, epcis):
    page = page_without_javascript
    page.goto("/projets/")

    page.get_by_label("Département", exact=True).select_option(label="Ille-et-Vilaine (35)")
    page.get_by_role("button", name="Filtrer").click()

    assert "department=35" in page.url
    assert epci_options(page) == ["Tous", "Redon Agglomération"]
