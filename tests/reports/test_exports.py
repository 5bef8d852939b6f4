"""Every table of the dashboard downloads as CSV and XLSX, with the filters applied, and never as a formula."""

import csv
import io

import pytest
from django.http import FileResponse
from openpyxl import load_workbook

from tests.needs.factories import ThemeFactory
from tests.reports.conftest import YEARS

pytestmark = pytest.mark.django_db

ADMIN_EXPORT = "/admin/statistiques/export/"
SITE_EXPORT = "/statistiques/export/"


def content_of(response):
    content = b"".join(response.streaming_content)
    if isinstance(response, FileResponse):
        # The XLSX file on disk. (Closing a response ends the request, which closes the database connection: the
        # test client leaves the CSV ones, which hold no file, open.)
        response.close()
    return content


def csv_lines(response):
    content = content_of(response).decode("utf-8")
    assert content.startswith("\ufeff")
    return content.removeprefix("\ufeff").splitlines()


def xlsx_sheet(response):
    return load_workbook(io.BytesIO(content_of(response))).active


def test_a_table_downloads_as_csv_with_the_filters_applied(client, avise, network):
    client.force_login(avise)

    response = client.get(ADMIN_EXPORT + "etudes.csv", YEARS)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="statistiques-etudes-2019-2021.csv"'
    assert csv_lines(response) == [
        "Chiffre;2019;2020;2021;Total",
        "Études d'opportunité ouvertes;2;2;1;5",
        "Études d'opportunité conclues (COPIL);2;1;2;5",
        "Décisions de COPIL : poursuivre;2;0;2;4",
        "Décisions de COPIL : arrêter;0;1;0;1",
    ]


def test_the_export_follows_the_structure_and_theme_filters(client, avise, network, tag29):
    client.force_login(avise)

    response = client.get(ADMIN_EXPORT + "activites.csv", {**YEARS, "structure": tag29.pk})

    assert csv_lines(response)[1:3] == ["Activités lancées;0;1;0;1", "Emplois au lancement (ETP);0;1;0;1"]
    response = client.get(ADMIN_EXPORT + "financements-par-nature.csv", {**YEARS, "theme": network["food"].pk})
    assert csv_lines(response)[1] == "Subvention;0;0;0;0"


@pytest.mark.parametrize("name", ['=HYPERLINK("http://x")', "+33 6", "-1", "@SOMME(A1)", "\tTab", "\rRetour"])
def test_a_value_that_a_spreadsheet_would_run_is_written_as_text(client, avise, network, name):
    theme = ThemeFactory(name=name)
    network["p1"].themes.add(theme)
    client.force_login(avise)

    csv_response = client.get(ADMIN_EXPORT + "activites-par-theme.csv", YEARS)
    xlsx_response = client.get(ADMIN_EXPORT + "activites-par-theme.xlsx", YEARS)

    rows = list(csv.reader(io.StringIO(content_of(csv_response).decode("utf-8-sig"), newline=""), delimiter=";"))
    assert ["'" + name, "0", "0", "1", "1"] in rows
    sheet = xlsx_sheet(xlsx_response)
    # Spreadsheet files keep a carriage return in their own escape (_x000D_): the text stays.
    cells = [row[0] for row in sheet.iter_rows(min_row=2) if row[0].value.endswith(name.strip())]
    assert [cell.data_type for cell in cells] == ["s"]


def test_a_table_downloads_as_xlsx_with_numbers_kept_as_numbers(client, avise, network):
    client.force_login(avise)

    response = client.get(ADMIN_EXPORT + "financements-par-financeur.xlsx", YEARS)

    assert response["Content-Disposition"].startswith('attachment; filename="statistiques-financements-par-financeur')
    sheet = xlsx_sheet(response)
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0] == ["Type de financeur", "2019", "2020", "2021", "Total"]
    assert rows[1] == ["Région", 0, 0, 20000, 20000]
    # The sheet's tab holds 31 characters: the title is cut at a word.
    assert sheet.title == "Financements levés par type"


def test_a_revelateur_downloads_their_structures_figures_and_the_comparison_with_the_network(
    client, revelateur35, network
):
    client.force_login(revelateur35)

    studies = client.get(SITE_EXPORT + "etudes.csv", YEARS)
    comparison = client.get(SITE_EXPORT + "comparaison-reseau.csv", YEARS)

    assert csv_lines(studies)[1] == "Études d'opportunité ouvertes;1;1;1;3"
    assert csv_lines(comparison)[:3] == [
        "Chiffre;TAg35;Tout le réseau;Part de votre structure (%)",
        "Besoins détectés;3;4;75",
        "Études d'opportunité ouvertes;3;5;60",
    ]


@pytest.mark.parametrize("name", ["financements-par-nature", "besoins-par-origine", "par-structure"])
def test_a_collectivite_cannot_download_amounts_needs_or_structures(client, collectivite, network, name):
    client.force_login(collectivite)

    assert client.get(SITE_EXPORT + f"{name}.csv", YEARS).status_code == 404


def test_avise_staff_download_from_the_admin_not_from_the_site(client, avise, network):
    client.force_login(avise)

    assert client.get(SITE_EXPORT + "etudes.csv").status_code == 404


def test_a_download_is_named_after_its_filters(client, avise, network, tag35):
    client.force_login(avise)

    one_year = client.get(ADMIN_EXPORT + "etudes.csv", {"year_from": 2020, "year_to": 2020})
    narrowed = client.get(ADMIN_EXPORT + "etudes.xlsx", {**YEARS, "department": "35", "structure": tag35.pk})

    assert one_year["Content-Disposition"] == 'attachment; filename="statistiques-etudes-2020.csv"'
    assert narrowed["Content-Disposition"] == 'attachment; filename="statistiques-etudes-35-tag35-2019-2021.xlsx"'
    assert content_of(one_year) and content_of(narrowed)
