import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.http import Http404
from openpyxl import load_workbook

from fabrique.exports import export_response, sheet_title
from tests.downloads import shown_widths, unescaped

# Closing a response sends request_finished, which closes the database connections: the tests need the database.
pytestmark = pytest.mark.django_db

HEADER = ["Intitulé", "Montant", "Date", "Actif"]


def content_of(response):
    content = b"".join(response.streaming_content)
    response.close()
    return content


def csv_rows(response):
    content = content_of(response).decode("utf-8")
    assert content.startswith("\ufeff")
    return list(csv.reader(io.StringIO(content[1:]), delimiter=";"))


def xlsx_rows(response):
    workbook = load_workbook(io.BytesIO(content_of(response)))
    return [[unescaped(cell.value) for cell in row] for row in workbook.active.iter_rows()], workbook.active


def test_it_writes_a_csv_that_french_spreadsheets_open():
    rows = [("Épicerie solidaire", Decimal("1500.50"), datetime.date(2025, 3, 7), True), ("Garage", 3, None, False)]

    response = export_response("csv", "besoins", HEADER, rows)

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="besoins.csv"'
    assert csv_rows(response) == [
        HEADER,
        ["Épicerie solidaire", "1500,50", "07/03/2025", "oui"],
        ["Garage", "3", "", "non"],
    ]


def test_it_writes_an_xlsx_with_numbers_and_dates_as_such():
    rows = [("Épicerie solidaire", Decimal("1500.50"), datetime.date(2025, 3, 7), True)]

    response = export_response("xlsx", "besoins", HEADER, rows, title="Besoins")

    assert response["Content-Disposition"] == 'attachment; filename="besoins.xlsx"'
    values, sheet = xlsx_rows(response)
    assert sheet.title == "Besoins"
    assert values == [HEADER, ["Épicerie solidaire", 1500.5, datetime.datetime(2025, 3, 7), "oui"]]
    assert sheet["C2"].number_format == "DD/MM/YYYY"
    # The header stays in sight, offers its filters, and each column is wide enough for its name.
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:D2"
    assert shown_widths(sheet)["A"] == 20 and shown_widths(sheet)["D"] == 12


@pytest.mark.parametrize("text", ["=1+2", "+33 6 12", "-2", "@SUM(A1)", "\tcachée", "\rretour"])
def test_it_never_writes_a_text_as_a_formula(text):
    assert csv_rows(export_response("csv", "t", ["Texte"], [(text,)]))[1] == ["'" + text]

    values, sheet = xlsx_rows(export_response("xlsx", "t", ["Texte"], [(text,)]))
    assert values[1] == [text]
    assert sheet["A2"].data_type == "s"


def test_it_keeps_negative_numbers_as_numbers():
    assert csv_rows(export_response("csv", "t", ["Écart"], [(-2,)]))[1] == ["-2"]
    values, _ = xlsx_rows(export_response("xlsx", "t", ["Écart"], [(-2,)]))
    assert values[1] == [-2]


def test_it_drops_the_control_characters_a_workbook_cannot_hold():
    values, _ = xlsx_rows(export_response("xlsx", "t", ["Texte"], [("a\x00b\x07c",)]))
    assert values[1] == ["abc"]


def test_it_writes_times_in_the_sites_time_zone():
    moment = datetime.datetime(2025, 6, 1, 8, 30, tzinfo=datetime.UTC)
    assert csv_rows(export_response("csv", "t", ["Quand"], [(moment,)]))[1] == ["01/06/2025 10:30"]
    values, _ = xlsx_rows(export_response("xlsx", "t", ["Quand"], [(moment,)]))
    assert values[1] == [datetime.datetime(2025, 6, 1, 10, 30)]


def test_it_consumes_the_rows_one_at_a_time():
    consumed = []

    def rows():
        for number in range(3):
            consumed.append(number)
            yield (number,)

    response = export_response("csv", "t", ["N"], rows())
    assert consumed == []
    lines = iter(response.streaming_content)
    next(lines), next(lines)
    assert consumed == [0]


def test_it_refuses_an_unknown_format():
    with pytest.raises(Http404):
        export_response("ods", "t", ["N"], [])


def test_it_widens_a_column_to_its_header_and_first_rows_within_reason():
    header = ["N°", "Emplois au lancement (ETP)", "x" * 80, "Intitulé"]
    rows = [
        (1, 2, 3, "Garage solidaire"),
        (2, 3, 4, "Études ouvertes par création (référence nationale : environ 3,5)"),
    ]
    _, sheet = xlsx_rows(export_response("xlsx", "t", header, rows))
    assert [shown_widths(sheet)[letter] for letter in "ABCD"] == [12, 28, 60, 60]


def test_it_measures_the_widths_on_the_first_rows_only_and_writes_every_row():
    rows = [("court",)] * 50 + [("une cellule beaucoup plus longue que les autres",)] + [("court",)] * 10
    values, sheet = xlsx_rows(export_response("xlsx", "t", ["Texte"], iter(rows)))
    assert shown_widths(sheet)["A"] == 12
    assert len(values) == 62 and values[51] == ["une cellule beaucoup plus longue que les autres"]


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Besoins", "Besoins"),
        ("Activités lancées et emplois, par année", "Activités lancées et emplois"),
        ("Besoins détectés, par année de détection", "Besoins détectés, par année"),
        ("Temps médian passé dans chaque étape du projet", "Temps médian passé"),
        ("Projets : arrêtés [par étape] ?", "Projets arrêtés par étape"),
        ("x" * 40, "x" * 31),
        ("", "Export"),
    ],
)
def test_a_sheet_is_named_after_its_table_cut_at_a_word(title, expected):
    assert sheet_title(title) == expected


def test_it_writes_an_xlsx_whose_header_is_bold_and_whose_dates_keep_their_format():
    moment = datetime.datetime(2025, 6, 1, 8, 30, tzinfo=datetime.UTC)
    values, sheet = xlsx_rows(export_response("xlsx", "t", ["Saisi le", "Vide", "Sans texte"], [(moment, None, "")]))
    assert values == [["Saisi le", "Vide", "Sans texte"], [datetime.datetime(2025, 6, 1, 10, 30), None, None]]
    assert sheet["A1"].font.bold and not sheet["A2"].font.bold
    assert sheet["A2"].number_format == "DD/MM/YYYY HH:MM"


def test_it_keeps_the_spaces_line_breaks_and_markup_of_a_text_in_an_xlsx():
    texts = ("  Épicerie & café <bio>  ", "Ligne 1\nLigne 2", "« guillemets » et 'apostrophes'")
    values, _ = xlsx_rows(export_response("xlsx", "t", ["A", "B", "C"], [texts]))
    assert values[1] == list(texts)


def test_it_names_an_xlsx_sheet_whose_title_holds_quotes_and_ampersands():
    values, sheet = xlsx_rows(export_response("xlsx", "t", ["N"], [(1,)], title='L\'ESS & "vous"'))
    assert sheet.title == 'L\'ESS & "vous"'
    assert values == [["N"], [1]]
    assert sheet.auto_filter.ref == "A1:A2"
