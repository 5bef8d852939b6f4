"""A révélateur imports a spreadsheet of needs: template, upload, errors in the preview, fix, confirm, records."""

import io

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from needs.models import Need, NeedEvent
from territories.models import EPCI
from tests.browser.conftest import assert_accessible, sign_in
from tests.fabrique.factories import PASSWORD, UserFactory
from tests.needs.factories import ThemeFactory
from tests.territories.factories import CommuneFactory, DepartmentFactory, EPCIFactory, StructureFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def revelateur(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "private"
    department = DepartmentFactory(code="35")
    rennes_metropole = EPCIFactory(code="243500139", name="Rennes Métropole", kind=EPCI.Kind.METROPOLE)
    CommuneFactory(code="35238", name="Rennes", department=department, epci=rennes_metropole)
    CommuneFactory(code="35051", name="Cesson-Sévigné", department=department, epci=rennes_metropole)
    for name in ["Bien-vieillir", "Mobilité"]:
        ThemeFactory(name=name)
    structure = StructureFactory(name="TAg35", departments=[department])
    return UserFactory(email="revelateur35@fabrique.test", structure=structure)


def filled(template, rows):
    """Return the template filled with `rows` (dicts by column name), as a spreadsheet user would save it."""
    workbook = load_workbook(io.BytesIO(template))
    sheet = workbook.worksheets[0]
    header = [cell.value for cell in sheet[1]]
    for row in rows:
        sheet.append([row.get(name) for name in header])
    file = io.BytesIO()
    workbook.save(file)
    return file.getvalue()


def row(reference, title, **values):
    return {
        "Référence": reference,
        "Intitulé": title,
        "Description": "Remonté lors de la réunion publique.",
        "Thèmes": "mobilite",
        "Origine": "Habitants",
        "Département": "35",
        "Communes": "Rennes",
        "Détecté le": "15/03/2021",
        **values,
    }


def upload(page, name, data):
    page.get_by_role("radio", name="Besoins").check()
    page.get_by_label("Fichier à importer").set_input_files(
        {"name": name, "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "buffer": data}
    )
    page.get_by_role("button", name="Voir l'aperçu").click()


def test_a_revelateur_imports_needs_after_fixing_the_errors_the_preview_shows(page, revelateur):
    sign_in(page, revelateur.email, PASSWORD)
    page.goto("/import/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Importer un tableur")
    assert_accessible(page)

    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger le modèle des besoins (XLSX)").click()
    template = download.value.path().read_bytes()

    with_errors = filled(
        template,
        [
            row("B-2021-01", "Se déplacer sans voiture"),
            row("B-2021-02", "Vieillir chez soi", Thèmes="bien viellir", Communes="Rennes, Saint-Glinglin"),
        ],
    )
    upload(page, "besoins.xlsx", with_errors)

    expect(page.get_by_role("heading", level=1)).to_have_text("Aperçu de l'import des besoins")
    errors = page.get_by_role("table", name="Lignes en erreur")
    expect(errors.get_by_role("row", name="3")).to_contain_text(
        "Thème inconnu « bien viellir » : vouliez-vous dire « Bien-vieillir » ?"
    )
    expect(errors.get_by_role("row", name="3")).to_contain_text(
        "Commune inconnue : « Saint-Glinglin » n'est pas une commune du département Ille-et-Vilaine (35)."
    )
    expect(page.get_by_role("button", name="Confirmer l'import")).to_have_count(0)
    assert_accessible(page)
    assert not Need.objects.exists()

    fixed = filled(
        template,
        [
            row("B-2021-01", "Se déplacer sans voiture"),
            # Capitals, accents, hyphens and apostrophes aside, « bien vieillir » is the theme « Bien-vieillir ».
            row("B-2021-02", "Vieillir chez soi", Thèmes="bien vieillir", Communes="Rennes, Cesson-Sévigné"),
        ],
    )
    upload(page, "besoins corrigés.xlsx", fixed)

    expect(page.get_by_text("Nouveau : 2")).to_be_visible()
    expect(page.get_by_role("table", name="Fiches créées ou mises à jour")).to_contain_text(
        "B-2021-02 — Vieillir chez soi"
    )
    assert_accessible(page)
    page.get_by_role("button", name="Confirmer l'import").click()

    expect(
        page.get_by_text("Import des besoins du fichier « besoins corrigés.xlsx » terminé : 2 fiches créées")
    ).to_be_visible()
    page.get_by_role("link", name="Voir les besoins, les derniers modifiés en tête").click()
    expect(page.get_by_label("Trier par")).to_have_value("-updated_at")
    expect(page.get_by_role("link", name="Vieillir chez soi")).to_be_visible()
    page.get_by_role("link", name="Se déplacer sans voiture").click()
    expect(page.get_by_text("Importé par")).to_be_visible()
    assert NeedEvent.objects.filter(kind="imported").count() == 2


def test_the_import_page_fits_a_phone_screen_and_lists_the_columns_there(page, revelateur, tmp_path):
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, revelateur.email, PASSWORD)
    page.goto("/import/")

    # The page does not scroll sideways: the tables of columns give way to lists, whose text wraps.
    assert page.evaluate("document.documentElement.scrollWidth") == 390
    expect(page.get_by_role("table", name="Colonnes du modèle d'import des besoins")).to_be_hidden()
    section = page.get_by_role("region", name="Modèle des besoins")
    origin = section.get_by_role("definition").filter(has_text="Qui a fait remonter le besoin")
    expect(origin).to_contain_text("Obligatoire. Qui a fait remonter le besoin")
    expect(origin).to_contain_text("Exemple : Habitants")
    box = origin.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    origin.scroll_into_view_if_needed()
    page.screenshot(path=tmp_path / "import-390.png")
    assert_accessible(page)

    # On a wide screen, the table, in a region of its own that scrolls should it ever need to.
    page.set_viewport_size({"width": 1280, "height": 900})
    region = page.get_by_role("region", name="Colonnes du modèle d'import des besoins")
    expect(region.get_by_role("table", name="Colonnes du modèle d'import des besoins")).to_be_visible()
    expect(section.get_by_role("definition").first).to_be_hidden()
    assert page.evaluate("document.documentElement.scrollWidth") == 1280
    region.scroll_into_view_if_needed()
    page.screenshot(path=tmp_path / "import-1280.png")
    assert_accessible(page)
    # Just wider than a phone, where the table shows again, it fits too.
    page.set_viewport_size({"width": 660, "height": 900})
    expect(region).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") == 660
    overflows = page.locator(".imports-columns-table").evaluate_all(
        "regions => regions.map(region => region.scrollWidth - region.clientWidth)"
    )
    assert overflows == [0, 0, 0]
