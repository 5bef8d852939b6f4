"""Reading the CSV and XLSX files the platform writes, as a spreadsheet would."""

import csv
import io

from openpyxl import load_workbook


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
    return [["" if cell.value is None else cell.value for cell in row] for row in sheet.iter_rows()]


def exported(response, file_format="csv"):
    """Return the rows of the download, each as a dict by column name."""
    header, *rows = rows_of(content_of(response), file_format)
    return [dict(zip(header, row, strict=True)) for row in rows]
