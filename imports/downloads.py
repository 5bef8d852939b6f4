"""The blank templates to fill: a CSV whose first line names the columns, or an XLSX whose first sheet does the same
(each name carrying its explanation as a cell comment, the header row frozen, a drop-down list on each column whose
values are a closed list) and whose second sheet explains every column in French."""

import tempfile

from django.http import FileResponse
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from fabrique.exports import XLSX_CONTENT_TYPE, export_response, xlsx_cell

# The rows a drop-down list covers: as many as a file may hold (imports.reading.MAX_ROWS), below the header.
LAST_ROW = 10_001
# Excel refuses a list written in the formula itself beyond 255 characters; a longer list is read from a range.
MAX_LIST_FORMULA = 255
LISTS_SHEET = "Listes"
# Column widths, in characters: the name and its drop-down values readable, within reason.
MIN_WIDTH, MAX_WIDTH = 10, 40
VALUE_REFUSED = "Choisissez une valeur de la liste. La feuille « Colonnes » explique chaque colonne."
GUIDE_WIDTHS = {"A": 26, "B": 12, "C": 90, "D": 28}


def template_response(kind, file_format):
    header = [column.name for column in kind.columns]
    if file_format == "csv":
        return export_response("csv", kind.filename, header, [])
    return xlsx_template_response(kind)


def column_width(column):
    longest = max([len(column.name), *(len(choice) for choice in column.choices)])
    # The bold name and the drop-down arrow take a few characters more.
    return min(max(longest + 4, MIN_WIDTH), MAX_WIDTH)


def list_formula(choices):
    """Return the formula of a drop-down list written in itself (« "Rural,Urbain" »), or None if Excel would refuse
    it: too long, or a value holding a comma (the list's separator)."""
    if any("," in choice for choice in choices):
        return None
    formula = '"{}"'.format(",".join(choice.replace('"', '""') for choice in choices))
    return formula if len(formula) <= MAX_LIST_FORMULA else None


def drop_down(column, letter, formula):
    validation = DataValidation(
        type="list",
        formula1=formula,
        allow_blank=not column.required,
        showDropDown=False,  # openpyxl's name is misleading: False shows the arrow.
        showErrorMessage=True,
        errorTitle=column.name[:32],
        error=VALUE_REFUSED,
    )
    validation.add(f"{letter}2:{letter}{LAST_ROW}")
    return validation


def xlsx_template_response(kind):
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=kind.label.capitalize())
    guide = workbook.create_sheet(title="Colonnes")
    # A write-only sheet takes its frozen pane and widths before any row.
    sheet.freeze_panes = "A2"
    long_lists = []
    for number, column in enumerate(kind.columns, start=1):
        letter = get_column_letter(number)
        sheet.column_dimensions[letter].width = column_width(column)
        if column.choices:
            formula = list_formula(column.choices)
            if formula is None:
                long_lists.append(column)
                first, last = 1, len(column.choices)
                list_letter = get_column_letter(len(long_lists))
                formula = f"{quote_sheetname(LISTS_SHEET)}!${list_letter}${first}:${list_letter}${last}"
            sheet.data_validations.append(drop_down(column, letter, formula))
    bold = Font(bold=True)
    cells = []
    for column in kind.columns:
        cell = xlsx_cell(sheet, column.name)
        cell.font = bold
        cell.comment = Comment(column.explanation, "Fabrique")
        cells.append(cell)
    sheet.append(cells)

    guide.freeze_panes = "A2"
    for letter, width in GUIDE_WIDTHS.items():
        guide.column_dimensions[letter].width = width
    header = []
    for name in ("Colonne", "Obligatoire", "Contenu", "Exemple"):
        cell = xlsx_cell(guide, name)
        cell.font = bold
        header.append(cell)
    guide.append(header)
    wrapped = Alignment(wrap_text=True, vertical="top")
    for column in kind.columns:
        values = (column.name, column.required_label, column.explanation, column.example)
        cells = [xlsx_cell(guide, value) for value in values]
        for cell in cells:
            cell.alignment = wrapped
        guide.append(cells)

    if long_lists:
        # The values of the lists too long to sit in their formula, one list per column, out of the way.
        lists = workbook.create_sheet(title=LISTS_SHEET)
        lists.sheet_state = "hidden"
        depth = max(len(column.choices) for column in long_lists)
        for index in range(depth):
            lists.append(
                [
                    xlsx_cell(lists, column.choices[index] if index < len(column.choices) else None)
                    for column in long_lists
                ]
            )
    file = tempfile.TemporaryFile()
    workbook.save(file)
    file.seek(0)
    return FileResponse(file, as_attachment=True, filename=f"{kind.filename}.xlsx", content_type=XLSX_CONTENT_TYPE)
