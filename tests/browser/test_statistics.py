import csv
import io

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, sign_in
from tests.fabrique.factories import PASSWORD
from tests.reports.conftest import network, rennes  # noqa: F401 — the hand-built network of the statistics' tests

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("network")]


def test_avise_staff_filter_the_network_statistics_and_download_a_table(page, avise, tag29):
    sign_in(page, avise.email, PASSWORD)
    page.goto("/admin/")
    page.get_by_role("link", name="Statistiques du réseau").click()
    expect(page.get_by_role("heading", name="Statistiques du réseau")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("De l'année").select_option("2019")
    page.get_by_label("À l'année").select_option("2021")
    page.get_by_label("Structure", exact=True).select_option(label="TAg29")
    page.get_by_label("Chiffre de la carte").select_option(label="Études d'opportunité ouvertes")
    page.get_by_role("button", name="Afficher").click()

    assert "year_from=2019" in page.url
    assert f"structure={tag29.pk}" in page.url
    expect(page.get_by_text("TAg29, de 2019 à 2021", exact=True)).to_be_visible()
    studies = page.get_by_role("table", name="Études et décisions de COPIL, par année")
    expect(studies.get_by_role("row", name="Études d'opportunité ouvertes").get_by_role("cell")).to_have_text(
        ["1", "1", "0", "2"]
    )
    expect(page.get_by_role("img", name="Graphique : Études et décisions de COPIL, par année")).to_be_visible()
    expect(page.get_by_role("img", name="Carte : Études d'opportunité ouvertes, par département")).to_be_visible()
    assert_accessible(page)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="CSV — Études et décisions de COPIL, par année").click()
    download = download_info.value
    assert download.suggested_filename == "statistiques-etudes-tag29-2019-2021.csv"
    rows = list(csv.reader(io.StringIO(download.path().read_text(encoding="utf-8-sig")), delimiter=";"))
    assert rows[1] == ["Études d'opportunité ouvertes", "1", "1", "0", "2"]


def test_a_revelateur_reads_their_structure_and_never_reaches_the_network_statistics(page, revelateur35):
    sign_in(page, revelateur35.email, PASSWORD)

    page.goto("/statistiques/?year_from=2019&year_to=2021")
    expect(page.get_by_role("heading", name="Statistiques", exact=True)).to_be_visible()
    expect(page.get_by_role("table", name="TAg35 et le réseau, sur la période")).to_be_visible()
    assert_accessible(page)

    # The same browser, signed in: the address answers as if it did not exist.
    assert page.request.get("/admin/statistiques/").status == 404


def test_a_collectivite_never_reaches_the_network_statistics(page, collectivite):
    sign_in(page, collectivite.email, PASSWORD)

    page.goto("/statistiques/?year_from=2019&year_to=2021")
    expect(page.get_by_role("table", name="Études et décisions de COPIL, par année")).to_be_visible()
    assert_accessible(page)

    # The same browser, signed in: the address answers as if it did not exist.
    assert page.request.get("/admin/statistiques/").status == 404


# The size, in CSS pixels, the smallest text of the page's charts is drawn at.
SMALLEST_CHART_TEXT = """() => Math.min(...[...document.querySelectorAll("svg.chart")].map(
    (svg) => svg.getBoundingClientRect().width / svg.viewBox.baseVal.width * parseFloat(svg.getAttribute("font-size"))
))"""
# How far the page spreads beyond the window, in CSS pixels.
PAGE_OVERFLOW = "() => document.documentElement.scrollWidth - window.innerWidth"


def test_on_a_phone_the_charts_are_drawn_at_a_readable_size_and_the_page_does_not_spread(page, avise, revelateur35):
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, avise.email, PASSWORD)

    page.goto("/admin/statistiques/?year_from=2019&year_to=2021")

    # Once drawn 640 wide and shrunk to the phone, their 13 px text read about 6 px high.
    assert page.evaluate(SMALLEST_CHART_TEXT) >= 13
    assert page.evaluate(PAGE_OVERFLOW) <= 0
    # The admin's breadcrumbs, in its own bar.
    expect(page.locator("ol.breadcrumbs")).to_have_css("background-color", "rgb(38, 75, 93)")
    assert_accessible(page)

    page.context.clear_cookies()
    sign_in(page, revelateur35.email, PASSWORD)
    page.goto("/statistiques/?year_from=2019&year_to=2021")
    assert page.evaluate(SMALLEST_CHART_TEXT) >= 13
    assert page.evaluate(PAGE_OVERFLOW) <= 0


def test_on_a_wide_screen_the_table_per_departement_fits_beside_the_admins_sidebar(page, avise):
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, avise.email, PASSWORD)

    page.goto("/admin/statistiques/?year_from=2019&year_to=2021")

    region = page.get_by_role("region", name="Les chiffres par département")
    expect(region).to_be_visible()
    # Its headers wrap: no column (« Emplois au lancement (ETP) », « Financements levés (€) ») is hidden to the right.
    assert region.evaluate("(wrapper) => wrapper.scrollWidth - wrapper.clientWidth") <= 0
    header, box = (
        region.get_by_role("columnheader", name="Financements levés (€)").bounding_box(),
        region.bounding_box(),
    )
    assert header["x"] + header["width"] <= box["x"] + box["width"] + 1


def test_a_collectivite_sees_the_departements_outside_its_territory_set_apart_on_the_map(page, collectivite):
    sign_in(page, collectivite.email, PASSWORD)

    page.goto("/statistiques/?year_from=2019&year_to=2021")

    expect(page.get_by_role("heading", name="Par département de votre territoire")).to_be_visible()
    expect(page.get_by_role("list", name="Légende de la carte").get_by_role("listitem")).to_have_text(
        ["0", "Hors de votre territoire"]
    )
    expect(
        page.get_by_role("table", name="Les mêmes chiffres : Activités lancées, par département").get_by_role(
            "rowheader"
        )
    ).to_have_text(["Ille-et-Vilaine (35)"])
    assert_accessible(page)
