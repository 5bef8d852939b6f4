"""Every list page on a phone, 390 px wide, as the role that reads it: the page never scrolls sideways, each row of
a list reads as a card whose cells are labelled by their column (and stays a table for a screen reader), the
filters fold behind « Filtrer » so that the first result shows on the first screen, every target is at least
24 px on each side (WCAG 2.2, 2.5.8) and the menu is one line behind « Menu ». At 1280 px, the desktop layout:
the columns side by side, the filters and the menu shown whole."""

import pytest
from playwright.sync_api import expect

from needs.models import Need
from projects.models import CopilDecision, Meeting, Project
from territories.models import Commune
from tests.browser.conftest import assert_accessible, sign_in
from tests.browser.test_import import filled, row, upload
from tests.fabrique.factories import PASSWORD
from tests.needs.factories import NeedFactory, ThemeFactory
from tests.partners.factories import ContactFactory, InvolvementFactory, OrganizationFactory
from tests.projects.factories import FollowUpFactory, ProjectFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}

# What a person taps, outside the links of a sentence: the links of tables, menus and lists of links, the
# pagination, buttons, checkboxes, radio buttons and disclosures.
TARGETS = ", ".join(
    [
        "table a",
        "nav a",
        ".pagination a",
        ".export-links a",
        ".statistics__downloads a",
        "button",
        "input[type=checkbox]",
        "input[type=radio]",
        "summary",
    ]
)
SMALL_TARGETS = """selector => [...document.querySelectorAll(selector)]
    .filter(target => target.checkVisibility())
    .map(target => [target, target.getBoundingClientRect()])
    .filter(([target, box]) => box.width < 24 || box.height < 24)
    .map(([target, box]) => `${target.outerHTML.slice(0, 90)} : ${box.width} × ${box.height}`)"""
HORIZONTAL_SCROLL = "() => document.documentElement.scrollWidth - window.innerWidth"


def table_roles(page):
    """Return how many tables, column headers and cells Chromium's accessibility tree holds: what a screen reader
    reads, whatever the stylesheet makes of the table."""
    session = page.context.new_cdp_session(page)
    nodes = session.send("Accessibility.getFullAXTree")["nodes"]
    session.detach()
    roles = [node["role"]["value"] for node in nodes if not node.get("ignored")]
    return {role: roles.count(role) for role in ["table", "columnheader", "cell"]}


def assert_reads_on_a_phone(page, first_result, *, columns=None):
    """Check the page at 390 px: no sideways scroll, `first_result` on the first screen, targets of 24 px at least,
    the menu on one line, and, where the page lists rows in a table of `columns` headers, its rows as cards that
    remain a table for a screen reader."""
    # A page just submitted may be read before its stylesheet applies: measure it once loaded.
    page.wait_for_load_state("load")
    page.set_viewport_size(PHONE)
    page.evaluate("window.scrollTo(0, 0)")
    assert page.evaluate(HORIZONTAL_SCROLL) <= 0
    expect(first_result).to_be_visible()
    assert first_result.bounding_box()["y"] < PHONE["height"]
    assert page.evaluate(SMALL_TARGETS, TARGETS) == []
    # The menu: « Menu » beside the name of the site, the links folded behind it.
    brand = page.locator(".site-header__brand").bounding_box()
    toggle = page.locator("summary", has_text="Menu").bounding_box()
    assert toggle["y"] < brand["y"] + brand["height"] and brand["y"] < toggle["y"] + toggle["height"]
    expect(page.get_by_role("navigation", name="Navigation principale")).to_be_hidden()
    if columns:
        row = page.locator("table.table--stack tbody tr").first
        cells = row.locator("th, td")
        # One cell under the other, each labelled by its column, the row's header first.
        assert cells.nth(1).bounding_box()["y"] > cells.nth(0).bounding_box()["y"]
        assert page.locator("table.table--stack thead").first.bounding_box()["height"] <= 1
        labelled = row.locator("td[data-label]").first
        label = labelled.evaluate("cell => getComputedStyle(cell, '::before').content")
        assert labelled.get_attribute("data-label") in label
        roles = table_roles(page)
        assert roles["table"] >= 1 and roles["columnheader"] >= columns and roles["cell"] > 0
    assert_accessible(page)


def assert_reads_on_a_desktop(page, *, filters=None):
    """Check the page at 1280 px: no sideways scroll, the menu whole on one line, no « Menu » nor « Filtrer » but
    the filters shown, and a list's table with its columns side by side."""
    page.wait_for_load_state("load")
    page.set_viewport_size(DESKTOP)
    assert page.evaluate(HORIZONTAL_SCROLL) <= 0
    expect(page.locator("summary", has_text="Menu")).to_be_hidden()
    links = page.get_by_role("navigation", name="Navigation principale").get_by_role("link")
    expect(links.first).to_be_visible()
    middles = [box["y"] + box["height"] / 2 for box in (link.bounding_box() for link in links.all())]
    assert max(middles) - min(middles) < 4
    if filters:
        expect(page.get_by_role("heading", name=filters)).to_be_visible()
        expect(page.locator("summary.filters__toggle")).to_be_hidden()
    for table in page.locator("table.table--stack").all():
        headers = table.locator("thead th")
        expect(headers.first).to_be_visible()
        assert len({round(header.bounding_box()["y"]) for header in headers.all()}) == 1
    assert_accessible(page)


@pytest.fixture
def needs(revelateur35):
    """A page and one more of qualified needs: checkboxes to open a study, and pages."""
    return NeedFactory.create_batch(26, created_by=revelateur35, status=Need.Status.QUALIFIED)


def test_a_revelateur_reads_the_needs_on_a_phone(page, revelateur35, needs):
    sign_in(page, revelateur35.email, PASSWORD)
    page.goto("/besoins/")

    first = page.locator("table.table--stack tbody tr").first
    assert_reads_on_a_phone(page, first, columns=6)
    # The filters are folded: « Filtrer » opens them, without a count while none is set.
    toggle = page.locator("summary.filters__toggle")
    expect(toggle).to_have_text("Filtrer")
    expect(page.get_by_label("Statut")).to_be_hidden()
    toggle.click()
    expect(page.get_by_label("Statut")).to_be_visible()
    assert page.evaluate(SMALL_TARGETS, TARGETS) == []
    # A checkbox is 24 px at least, and still chooses its need.
    checkbox = page.get_by_role("checkbox").first
    box = checkbox.bounding_box()
    assert box["width"] >= 24 and box["height"] >= 24
    checkbox.check()

    assert_reads_on_a_desktop(page, filters="Filtrer les besoins")


def test_the_filters_set_stay_open_on_a_phone_with_their_count(page, revelateur35, needs):
    sign_in(page, revelateur35.email, PASSWORD)
    page.set_viewport_size(PHONE)

    page.goto("/besoins/?status=qualified&q=&order=title")

    # The sort is not a filter: one filter is set.
    expect(page.locator("summary.filters__toggle")).to_have_text("Filtrer (1 filtre actif)")
    expect(page.get_by_label("Statut")).to_have_value("qualified")
    expect(page.get_by_label("Statut")).to_be_visible()
    assert_accessible(page)


def test_the_menu_opens_on_a_phone_and_keeps_its_focus_order(page, revelateur35):
    sign_in(page, revelateur35.email, PASSWORD)
    page.set_viewport_size(PHONE)
    page.goto("/besoins/")
    header = page.get_by_role("banner")
    # The whole header is one line high: the name of the site beside « Menu ».
    assert header.bounding_box()["height"] < 120

    page.get_by_role("link", name="Fabrique à initiatives Bretagne").focus()
    page.keyboard.press("Tab")
    toggle = page.locator("summary", has_text="Menu")
    expect(toggle).to_be_focused()
    assert toggle.evaluate("element => getComputedStyle(element).outlineStyle") == "solid"
    page.keyboard.press("Enter")

    navigation = page.get_by_role("navigation", name="Navigation principale")
    expect(navigation).to_be_visible()
    page.keyboard.press("Tab")
    expect(navigation.get_by_role("link", name="Accueil")).to_be_focused()
    # The links, one under the other, over the page, each a target of 24 px at least.
    links = navigation.get_by_role("link").all()
    assert [round(link.bounding_box()["x"]) for link in links] == [round(links[0].bounding_box()["x"])] * len(links)
    assert page.evaluate(SMALL_TARGETS, TARGETS) == []
    assert page.evaluate(HORIZONTAL_SCROLL) <= 0
    assert_accessible(page)
    navigation.get_by_role("link", name="Projets").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Projets de TAg35")


def test_a_visitor_reads_the_catalogue_on_a_phone(page, revelateur35):
    ProjectFactory.create_batch(21, created_by=revelateur35, public=True)
    page.goto("/projets/")

    assert_reads_on_a_phone(page, page.locator("table.table--stack tbody tr").first, columns=8)
    assert page.get_by_role("navigation", name="Pages de résultats").get_by_role("link").count() >= 2

    assert_reads_on_a_desktop(page, filters="Filtrer les projets")


def test_a_revelateur_reads_the_activities_on_a_phone(page, revelateur35):
    for _ in range(2):
        ProjectFactory(created_by=revelateur35, stage=Project.Stage.LAUNCHED)
    sign_in(page, revelateur35.email, PASSWORD)
    page.goto("/projets/activites/")

    assert_reads_on_a_phone(page, page.locator("table.table--stack tbody tr").first, columns=8)
    assert_reads_on_a_desktop(page, filters="Filtrer les activités")


def test_a_revelateur_reads_the_partners_directory_on_a_phone(page, revelateur35):
    OrganizationFactory.create_batch(26)
    sign_in(page, revelateur35.email, PASSWORD)
    page.goto("/partenaires/")

    assert_reads_on_a_phone(page, page.locator("table.table--stack tbody tr").first, columns=4)
    assert_reads_on_a_desktop(page, filters="Filtrer les partenaires")


def test_an_organisations_page_reads_on_a_phone_its_projects_and_people_as_cards(page, revelateur35):
    organization = OrganizationFactory(name="Association L'Épicerie qui roule")
    project = ProjectFactory(created_by=revelateur35, title="Épicerie solidaire itinérante de l'ouest rennais")
    InvolvementFactory(project=project, organization=organization)
    ContactFactory(organization=organization, created_by=revelateur35, email="s.lemarchand@exemple.fr")
    sign_in(page, revelateur35.email, PASSWORD)
    page.goto(f"/partenaires/{organization.pk}/")
    page.wait_for_load_state("load")
    page.set_viewport_size(PHONE)

    assert page.evaluate(HORIZONTAL_SCROLL) <= 0
    for caption in ["Les projets auxquels elle prend part", "Personnes de l'organisation"]:
        table = page.locator("table", has=page.locator("caption", has_text=caption))
        assert table.evaluate("table => table.scrollWidth <= table.parentElement.clientWidth")
        cells = table.locator("tbody tr").first.locator("th, td")
        assert cells.nth(1).bounding_box()["y"] > cells.nth(0).bounding_box()["y"]
    assert page.evaluate(SMALL_TARGETS, TARGETS) == []
    assert_accessible(page)

    assert_reads_on_a_desktop(page)


@pytest.fixture
def territory_projects(revelateur35, collectivite):
    rennes = Commune.objects.get(code="35238")
    for stage in [Project.Stage.OPPORTUNITY_STUDY, Project.Stage.PORTEUR_SEARCH]:
        project = ProjectFactory(created_by=revelateur35, epci=rennes.epci, shared=True, stage=stage)
        project.communes.set([rennes])
        NeedFactory(
            created_by=collectivite,
            structure=revelateur35.structure,
            source=Need.Source.COLLECTIVITE,
            proposed_by=collectivite.organization,
            status=Need.Status.IN_STUDY,
            project=project,
        )


def test_a_collectivite_reads_its_home_and_its_proposals_on_a_phone(page, collectivite, territory_projects):
    sign_in(page, collectivite.email, PASSWORD)

    page.goto("/")
    first = page.get_by_role("region", name="Les projets de votre territoire").get_by_role("listitem").first
    assert_reads_on_a_phone(page, first, columns=4)
    assert_reads_on_a_desktop(page)

    page.goto("/besoins/propositions/")
    assert_reads_on_a_phone(page, page.locator("table.table--stack tbody tr").first, columns=4)
    assert_reads_on_a_desktop(page)


def test_a_revelateur_reads_the_dashboard_on_a_phone(page, revelateur35, needs):
    ProjectFactory(created_by=revelateur35)
    sign_in(page, revelateur35.email, PASSWORD)
    page.goto("/")

    first = page.get_by_role("table", name="Besoins de TAg35 par statut").get_by_role("row").nth(1)
    assert_reads_on_a_phone(page, first)
    assert_reads_on_a_desktop(page)


def test_a_project_page_reads_on_a_phone_its_copil_meetings_and_follow_ups_as_cards(page, revelateur35):
    project = ProjectFactory(created_by=revelateur35, launched=True)
    FollowUpFactory(activity=project.activity, comment="Deux salariés de plus, un local trouvé en centre-bourg.")
    CopilDecision.objects.create(
        project=project,
        decided_on="2026-01-15",
        body="COPIL de l'étude d'opportunité",
        decision="go",
        comment="Opportunité confirmée : lancer la recherche d'un porteur.",
        recorded_by=revelateur35,
    )
    Meeting.objects.create(
        project=project,
        kind="workshop",
        held_on="2026-02-03",
        title="Séance de créativité avec les habitants et les élus",
        participants=18,
        recorded_by=revelateur35,
    )
    sign_in(page, revelateur35.email, PASSWORD)
    page.goto(f"/projets/{project.pk}/")
    page.wait_for_load_state("load")
    page.set_viewport_size(PHONE)

    assert page.evaluate(HORIZONTAL_SCROLL) <= 0
    for caption in ["Décisions des comités de pilotage", "L'activité année par année", "Séances, ateliers"]:
        table = page.locator("table", has=page.locator("caption", has_text=caption))
        # The table fits the screen, whole words on their lines: its rows are cards, each cell under the other.
        assert table.evaluate("table => table.scrollWidth <= table.parentElement.clientWidth")
        cells = table.locator("tbody tr").first.locator("th, td")
        assert cells.nth(1).bounding_box()["y"] > cells.nth(0).bounding_box()["y"]
        expect(table.locator("thead")).to_have_css("position", "absolute")
    assert page.evaluate(SMALL_TARGETS, TARGETS) == []
    assert_accessible(page)

    assert_reads_on_a_desktop(page)


def test_a_revelateur_reads_the_statistics_on_a_phone_with_wide_tables_scrolling_in_their_region(page, revelateur35):
    sign_in(page, revelateur35.email, PASSWORD)
    page.goto("/statistiques/")

    assert_reads_on_a_phone(page, page.get_by_role("heading", name="Besoins", exact=True))
    # A table wider than the phone scrolls inside its own region, which the keyboard reaches and which is named.
    regions = page.locator(".table-wrapper").all()
    wide = [region for region in regions if region.evaluate("region => region.scrollWidth > region.clientWidth")]
    assert wide
    for region in wide:
        assert region.get_attribute("role") == "region"
        assert region.get_attribute("tabindex") == "0"
        expect(region).to_have_accessible_name(region.locator("caption").inner_text())
    assert_reads_on_a_desktop(page)


def test_a_revelateur_reads_the_import_page_and_its_preview_on_a_phone(
    page, revelateur35, rennes_metropole, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "private"
    ThemeFactory(name="Mobilité")
    sign_in(page, revelateur35.email, PASSWORD)
    page.goto("/import/")

    assert_reads_on_a_phone(page, page.get_by_role("heading", name="Déposer un fichier"))
    assert_reads_on_a_desktop(page)

    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger le modèle des besoins (XLSX)").click()
    template = download.value.path().read_bytes()
    rows = [row("B-1", "Se déplacer sans voiture"), row("B-2", "Vieillir chez soi", Thèmes="bien viellir")]
    upload(page, "besoins.xlsx", filled(template, rows))

    errors = page.get_by_role("table", name="Lignes en erreur")
    expect(errors).to_contain_text("Thème inconnu « bien viellir »")
    assert_reads_on_a_phone(page, errors.locator("tbody tr").first, columns=3)
    assert_reads_on_a_desktop(page)
