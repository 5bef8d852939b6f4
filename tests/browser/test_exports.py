"""A révélateur downloads the lists they filtered, in a real browser: the file holds what the page showed."""

import csv
import datetime
import io

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from needs.models import Need
from projects.models import Activity, Project
from tests.browser.conftest import assert_accessible, sign_in
from tests.fabrique.factories import PASSWORD, UserFactory
from tests.needs.factories import NeedFactory
from tests.projects.factories import ActivityFactory, ProjectFactory
from tests.territories.factories import DepartmentFactory, StructureFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def revelateur():
    department = DepartmentFactory(code="35")
    structure = StructureFactory(name="TAg35", departments=[department])
    revelateur = UserFactory(email="revelateur35@fabrique.test", structure=structure)
    NeedFactory(created_by=revelateur, title="Une ressourcerie pour le pays de Redon", qualified=True)
    NeedFactory(created_by=revelateur, title="=Garde d'enfants", detected_on=datetime.date(2025, 3, 12))
    for name, legal_form in [("Épicerie de Redon", Activity.LegalForm.SCIC), ("Garage de Vitré", "association")]:
        project = ProjectFactory(created_by=revelateur, launched=True, activity=False)
        ActivityFactory(project=project, name=name, legal_form=legal_form, opened_on=datetime.date(2026, 3, 1))
    ProjectFactory(created_by=revelateur, title="Conciergerie rurale", stage=Project.Stage.FEASIBILITY_STUDY)
    return revelateur


def downloaded(page, link_name):
    """Click the link and return the name and content of the file it downloads."""
    with page.expect_download() as download_info:
        page.get_by_role("link", name=link_name).click()
    download = download_info.value
    with open(download.path(), "rb") as file:
        return download.suggested_filename, file.read()


def test_a_revelateur_downloads_the_filtered_needs_and_activities(page, revelateur):
    sign_in(page, "revelateur35@fabrique.test", PASSWORD)

    # The needs, filtered by status: the CSV holds the one the page shows.
    page.goto("/besoins/")
    page.get_by_label("Statut").select_option(Need.Status.QUALIFIED)
    page.get_by_role("button", name="Filtrer").click()
    expect(page.get_by_role("heading", name="1 besoin correspondant aux filtres")).to_be_visible()
    assert_accessible(page)
    filename, content = downloaded(page, "Télécharger (CSV)")
    assert filename.startswith("besoins-") and filename.endswith(".csv")
    text = content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:]), delimiter=";"))
    assert [row[2] for row in rows] == ["Intitulé", "Une ressourcerie pour le pays de Redon"]

    # Unfiltered, in XLSX: a title that looks like a formula stays a text.
    page.get_by_role("link", name="Effacer les filtres").click()
    filename, content = downloaded(page, "Télécharger (XLSX)")
    assert filename.endswith(".xlsx")
    sheet = load_workbook(io.BytesIO(content)).active
    titles = {row[2].value: row[2].data_type for row in sheet.iter_rows(min_row=2)}
    assert titles == {"Une ressourcerie pour le pays de Redon": "s", "=Garde d'enfants": "s"}

    # The activities, found from the projects list, filtered by legal form.
    page.get_by_role("navigation", name="Navigation principale").get_by_role("link", name="Projets").click()
    page.get_by_role("link", name="Activités créées").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Activités créées")
    page.get_by_label("Forme juridique").select_option(Activity.LegalForm.SCIC)
    page.get_by_role("button", name="Filtrer").click()
    expect(page.get_by_role("heading", name="1 activité correspondant aux filtres")).to_be_visible()
    expect(page.get_by_role("rowheader", name="Épicerie de Redon")).to_be_visible()
    assert_accessible(page)
    filename, content = downloaded(page, "Télécharger (CSV)")
    assert filename.startswith("activites-")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8")[1:]), delimiter=";"))
    assert [row[1] for row in rows] == ["Activité", "Épicerie de Redon"]
