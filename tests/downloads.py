"""Reading the CSV and XLSX files the platform writes, as a spreadsheet would."""

import csv
import io
import re

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter


def content_of(response):
    # The test client closes the response once its content is read, as a server would: never close it again (on
    # PostgreSQL, that would close the test's connection).
    return b"".join(response.streaming_content)


def rows_of(content, file_format):
    """Return the rows of a CSV (checking its byte order mark) or of an XLSX's sheet; an empty cell reads ""."""
    if file_format == "csv":
        text = content.decode("utf-8")
        assert text.startswith("\ufeff")
        return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))
    sheet = load_workbook(io.BytesIO(content)).active
    return [["" if cell.value is None else unescaped(cell.value) for cell in row] for row in sheet.iter_rows()]


def unescaped(value):
    """Return a cell's text as a spreadsheet shows it: a character the XML of a workbook cannot hold is written
    « _x000D_ » (a carriage return), which openpyxl leaves as it is."""
    if not isinstance(value, str):
        return value
    return re.sub(r"_x([0-9A-Fa-f]{4})_", lambda match: chr(int(match[1], 16)), value)


def shown_widths(sheet):
    """Return {column letter: width in characters, as a spreadsheet shows it}; the file stores each width with a
    padding of 5 pixels of 7 per character."""
    widths = {}
    for dimension in sheet.column_dimensions.values():
        shown = (round(dimension.width * 7) - 5) / 7
        for number in range(dimension.min, dimension.max + 1):
            widths[get_column_letter(number)] = shown
    return widths


def exported(response, file_format="csv"):
    """Return the rows of the download, each as a dict by column name."""
    header, *rows = rows_of(content_of(response), file_format)
    return [dict(zip(header, row, strict=True)) for row in rows]
