"""The templates to fill: the same explanation of each column everywhere, and an XLSX that helps filling it."""

import io

import pytest
from openpyxl import load_workbook
from openpyxl.utils import column_index_from_string

from imports.columns import KINDS, NEEDS, ORGANIZATIONS, PROJECTS, UPDATE_RULE, Column, ImportKind
from imports.downloads import xlsx_template_response
from imports.importers import preview
from imports.reading import read_table
from tests.imports.conftest import HEADERS, csv_bytes, need_row, project_row

pytestmark = pytest.mark.django_db


def workbook_of(response):
    # The test client closes its responses once their content is read, as a server would (closing one here would
    # also close the database connection, on PostgreSQL, in the middle of the test).
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def template(client, slug):
    return workbook_of(client.get(f"/import/modele/{slug}.xlsx"))


def drop_downs(sheet):
    """Return {column name: (values of its list, the cells it covers)} of the sheet's drop-down lists."""
    header = [cell.value for cell in sheet[1]]
    lists = {}
    for validation in sheet.data_validations.dataValidation:
        assert validation.type == "list"
        [cells] = str(validation.sqref).split()
        letter = cells.split(":")[0].rstrip("0123456789")
        formula = validation.formula1
        if formula.startswith('"'):
            values = formula.strip('"').split(",")
        else:
            sheet_name, cells_range = formula.rsplit("!", 1)
            values = [row[0].value for row in sheet.parent[sheet_name.strip("'")][cells_range.replace("$", "")]]
        lists[header[column_index_from_string(letter) - 1]] = (values, cells)
    return lists


@pytest.mark.parametrize("kind", KINDS.values(), ids=KINDS)
def test_every_column_says_first_whether_it_is_required(kind):
    for column in kind.columns:
        if column.required:
            first_words = "Obligatoire."
        elif column.required_unless:
            first_words = (
                f"Obligatoire, sauf pour mettre à jour une fiche désignée par son « {column.required_unless} »."
            )
        else:
            first_words = "Facultatif"
        assert column.explanation.startswith(first_words), column.name


@pytest.mark.parametrize("kind", [NEEDS, PROJECTS], ids=["besoins", "projets"])
def test_the_reference_may_give_way_to_the_number_the_exports_give(kind):
    assert kind.column("reference").required_label == "oui, sauf avec un « N° »"
    assert kind.column("number").explanation.startswith(
        f"Facultatif ; obligatoire si « Référence » est vide. Le numéro de la fiche dans la Fabrique, tel que "
        f"l'export de la liste des {kind.label} le donne"
    )
    assert kind.column("number").required_label == "non"


def test_optional_columns_that_some_rows_must_fill_say_when():
    assert NEEDS.column("status").explanation.startswith("Facultatif. « Détecté », « Qualifié », « En attente »")
    assert NEEDS.column("status_reason").explanation == (
        "Facultatif ; obligatoire pour un besoin « En attente » ou « Écarté ». Le motif de ce statut."
    )
    assert PROJECTS.column("stopped_on").explanation.startswith(
        "Facultatif ; obligatoire pour un projet « Arrêté ». La date de l'arrêt"
    )
    assert ORGANIZATIONS.column("siren").explanation.startswith("Facultatif. 9 chiffres.")


@pytest.mark.parametrize("slug", ["besoins", "projets", "organisations"])
def test_the_comments_the_columns_sheet_and_the_page_give_the_same_explanation(client, revelateur35, slug):
    client.force_login(revelateur35)
    kind = KINDS[slug]

    workbook = template(client, slug)
    page = client.get("/import/").content.decode().replace("&#x27;", "'").replace("&quot;", '"')

    sheet = workbook.worksheets[0]
    comments = [cell.comment.text for cell in sheet[1]]
    guide = list(workbook["Colonnes"].iter_rows(min_row=2, values_only=True))
    explanations = [column.explanation for column in kind.columns]
    assert comments == explanations
    assert [row[2] for row in guide] == explanations
    assert all(f"<td>{explanation}</td>" in page for explanation in explanations)


def test_the_statut_comment_starts_as_every_optional_column_does(client, revelateur35):
    client.force_login(revelateur35)

    sheet = template(client, "besoins").worksheets[0]
    comments = {cell.value: cell.comment.text for cell in sheet[1]}

    assert comments["Statut"].startswith("Facultatif. « Détecté »")
    assert comments["Précision sur l'origine"] == "Facultatif. À quelle occasion."
    assert comments["Intitulé"] == "Obligatoire. Le besoin en une phrase (200 caractères au plus)."


def test_each_kind_gives_an_example_reference_in_its_own_style(client, revelateur35):
    client.force_login(revelateur35)

    assert NEEDS.column("reference").example == "B-2021-04"
    assert PROJECTS.column("reference").example == "P-2021-04"
    assert "(par exemple P-2021-04)" in PROJECTS.column("reference").explanation
    guide = list(template(client, "projets")["Colonnes"].iter_rows(min_row=3, max_row=3, values_only=True))
    assert guide == [
        (
            "Référence",
            "oui, sauf avec un « N° »",
            "Obligatoire, sauf pour mettre à jour une fiche désignée par son « N° ». Votre référence de la ligne (par "
            "exemple P-2021-04), unique dans votre structure. Importer à nouveau une ligne de même référence met à "
            "jour la fiche au lieu d'en créer une seconde. Vide avec un « N° », la fiche garde sa référence. Une "
            "fiche existante n'est mise à jour que des colonnes présentes dans le fichier : une colonne absente, ou "
            "une cellule vide d'une colonne facultative, garde ce que la fiche contient (pour effacer une valeur, "
            "passez par la page de la fiche) ; une cellule vide d'une colonne obligatoire est une erreur. Les valeurs "
            "par défaut (« si vide ») ne valent que pour une nouvelle fiche.",
            "P-2021-04",
        )
    ]


def test_the_xlsx_template_keeps_its_header_in_sight_and_its_names_readable(client, revelateur35):
    client.force_login(revelateur35)

    workbook = template(client, "besoins")

    sheet = workbook.worksheets[0]
    assert sheet.freeze_panes == "A2"
    widths = {cell.value: sheet.column_dimensions[cell.column_letter].width for cell in sheet[1]}
    # The name and 4 characters for the bold and the arrow, at least 10; a drop-down column fits its longest value.
    assert widths["Précision sur l'origine"] == 27
    assert widths["EPCI"] == 10
    assert widths["Origine"] == len("Appel à révélation (collectivité)") + 4
    assert all(width >= len(name) + 4 for name, width in widths.items())
    assert workbook["Colonnes"].freeze_panes == "A2"


def test_the_needs_template_offers_the_values_the_importer_accepts_in_drop_down_lists(client, revelateur35):
    client.force_login(revelateur35)

    sheet = template(client, "besoins").worksheets[0]

    assert drop_downs(sheet) == {
        "Origine": (
            [
                "Appel à révélation (collectivité)",
                "Habitants",
                "Capteur d'idées",
                "Partenaire",
                "Veille / auto-saisine",
            ],
            "F2:F10001",
        ),
        "Type de territoire": (["Rural", "Urbain", "Quartier prioritaire"], "L2:L10001"),
        "Statut": (["Détecté", "Qualifié", "En attente", "Écarté"], "N2:N10001"),
    }
    validations = {str(validation.sqref): validation for validation in sheet.data_validations.dataValidation}
    # A required column refuses an empty cell; an optional one accepts it. A value out of the list is refused.
    assert (validations["F2:F10001"].allow_blank, validations["N2:N10001"].allow_blank) == (False, True)
    assert all(validation.showErrorMessage for validation in validations.values())
    assert all(len(validation.formula1) <= 255 for validation in validations.values())


def test_the_projects_and_organisations_templates_offer_their_closed_lists(client, revelateur35):
    client.force_login(revelateur35)

    projects = drop_downs(template(client, "projets").worksheets[0])
    organizations = drop_downs(template(client, "organisations").worksheets[0])

    assert {name: values for name, (values, _cells) in projects.items()} == {
        "Programme": ["Révélateur", "Idéateur", "Incubateur"],
        "Visibilité": ["Interne à la structure", "Partagé avec les partenaires"],
        "Étape": ["Étude d'opportunité", "Recherche de porteur", "Étude de faisabilité", "Amorçage"],
        "État": ["En cours", "En pause", "Arrêté"],
    }
    assert organizations == {
        "Type": (
            [
                "État et services déconcentrés",
                "Financeur public",
                "Fondation ou financeur privé",
                "Finance solidaire",
                "Association",
                "Entreprise",
                "Structure de l'ESS",
                "Réseau",
                "Autre",
            ],
            "B2:B10001",
        )
    }


@pytest.mark.parametrize(
    ("kind", "row", "extra"),
    [
        (NEEDS, need_row, {"Motif": "Un motif."}),
        (PROJECTS, project_row, {"Date du COPIL": "12/06/2021", "Instance du COPIL": "COPIL"}),
        (ORGANIZATIONS, lambda **values: {"Nom": "Bretagne Active", **values}, {}),
    ],
    ids=["besoins", "projets", "organisations"],
)
def test_every_value_of_a_drop_down_list_is_accepted_by_the_import(revelateur35, brittany, kind, row, extra):
    rows = [
        row(**{"Référence": f"R-{number}", column.name: choice, **extra, "Nom": f"Organisation {number}"})
        for number, (column, choice) in enumerate(
            (column, choice) for column in kind.columns for choice in column.choices
        )
    ]
    table = read_table("modele.csv", csv_bytes(HEADERS[kind.slug], rows))

    results = preview(kind, table, revelateur35)

    checked = [column.name for column in kind.columns if column.choices]
    assert len(results) == sum(len(column.choices) for column in kind.columns)
    for result in results:
        assert not [error for error in result.errors if error.startswith(tuple(f"{name} :" for name in checked))]


def test_a_list_too_long_for_its_formula_is_read_from_a_hidden_sheet():
    many = tuple(f"Valeur numéro {number}" for number in range(20))
    kind = ImportKind(
        slug="essai",
        label="essais",
        filename="essai",
        columns=(
            Column("name", "Nom", True, "Le nom."),
            Column("short", "Court", False, "Court.", choices=("Oui", "Non")),
            Column("long", "Long", False, "Une longue liste.", choices=many),
            Column("comma", "Virgule", False, "Une valeur avec une virgule.", choices=("Un, deux", "Trois")),
        ),
    )

    response = xlsx_template_response(kind)
    workbook = workbook_of(response)
    response.close()

    assert workbook.sheetnames == ["Essais", "Colonnes", "Listes"]
    assert workbook["Listes"].sheet_state == "hidden"
    formulas = {
        str(validation.sqref): validation.formula1 for validation in workbook["Essais"].data_validations.dataValidation
    }
    assert formulas == {
        "B2:B10001": '"Oui,Non"',
        "C2:C10001": "'Listes'!$A$1:$A$20",
        "D2:D10001": "'Listes'!$B$1:$B$2",
    }
    assert drop_downs(workbook["Essais"])["Long"][0] == list(many)
    assert drop_downs(workbook["Essais"])["Virgule"][0] == ["Un, deux", "Trois"]


def test_the_import_page_says_what_an_update_writes(client, revelateur35):
    client.force_login(revelateur35)

    page = client.get("/import/").content.decode().replace("&#x27;", "'").replace("&quot;", '"')

    assert f"<li>{UPDATE_RULE}</li>" in page
    assert UPDATE_RULE.startswith("Une fiche existante n'est mise à jour que des colonnes présentes dans le fichier")
    assert "<td>oui, sauf avec un « N° »</td>" in page
