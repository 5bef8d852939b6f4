"""The blank templates to fill: a CSV whose first line names the columns, or an XLSX whose first sheet does the same
(each name carrying its explanation as a cell comment) and whose second sheet explains every column in French."""

import tempfile

from django.http import FileResponse
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font

from fabrique.exports import XLSX_CONTENT_TYPE, export_response, xlsx_cell


def template_response(kind, file_format):
    header = [column.name for column in kind.columns]
    if file_format == "csv":
        return export_response("csv", kind.filename, header, [])
    return xlsx_template_response(kind)


def xlsx_template_response(kind):
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=kind.label.capitalize())
    bold = Font(bold=True)
    cells = []
    for column in kind.columns:
        cell = xlsx_cell(sheet, column.name)
        cell.font = bold
        cell.comment = Comment(("Obligatoire. " if column.required else "") + column.help, "Fabrique")
        cells.append(cell)
    sheet.append(cells)
    guide = workbook.create_sheet(title="Colonnes")
    guide.append([xlsx_cell(guide, name) for name in ("Colonne", "Obligatoire", "Contenu", "Exemple")])
    for column in kind.columns:
        values = (column.name, "oui" if column.required else "non", column.help, column.example)
        guide.append([xlsx_cell(guide, value) for value in values])
    file = tempfile.TemporaryFile()
    workbook.save(file)
    file.seek(0)
    return FileResponse(file, as_attachment=True, filename=f"{kind.filename}.xlsx", content_type=XLSX_CONTENT_TYPE)
