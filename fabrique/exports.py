"""Tables downloaded as CSV or XLSX, that French spreadsheet software opens cleanly and never as formulas.

A table is a header (a list of French column names) and rows (an iterable of sequences of Python values:
text, numbers, dates, booleans, None). Rows are consumed one at a time, so a caller that passes
`queryset.iterator(chunk_size=...)` keeps the memory flat whatever the number of rows.
"""

import csv
import datetime
import math
import re
import tempfile
from decimal import Decimal
from itertools import chain, islice

import xlsxwriter
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.utils import timezone
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

FORMATS = ("csv", "xlsx")
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# A spreadsheet reads a cell starting with one of these as a formula (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
DATE_FORMAT = "DD/MM/YYYY"
# Column widths, in characters: wide enough for the header and the first rows, within reason.
MIN_WIDTH, MAX_WIDTH = 12, 60
WIDTH_SAMPLE = 50
DANGLING_WORDS = {
    "à",
    "au",
    "aux",
    "avec",
    "chaque",
    "dans",
    "de",
    "des",
    "du",
    "en",
    "et",
    "la",
    "le",
    "les",
    "par",
    "pour",
    "sur",
    "un",
    "une",
    "votre",
}
DATETIME_FORMAT = "DD/MM/YYYY HH:MM"
# Every export reads its rows from the database this many at a time (`queryset.iterator(chunk_size=CHUNK_SIZE)`),
# each batch with its related rows: the memory stays flat, and the number of queries grows with the batches, never
# with the rows. 2000 is Django's own default for iterator(): a whole list of the network fits in a batch or two.
# Read it at call time (`exports.CHUNK_SIZE`), so that a test that lowers it reaches every export.
CHUNK_SIZE = 2000


def is_formula_like(text):
    return text.startswith(FORMULA_STARTS)


def local(moment, zone=None):
    """Return the moment as the wall-clock time of the site, without a time zone (spreadsheets have none).

    An export reads the site's time zone once and passes it as `zone`: reading it costs more than converting.
    """
    if moment.utcoffset() is None:
        return moment
    return moment.astimezone(zone or timezone.get_current_timezone()).replace(tzinfo=None)


def csv_value(value, zone=None):
    """Return the text of a CSV cell: French dates and decimals, and text that can never run as a formula."""
    match value:
        # Most cells are texts: they are matched first.
        case str():
            # The quote makes the spreadsheet show the rest as text; it is what OWASP recommends.
            return "'" + value if is_formula_like(value) else value
        case None:
            return ""
        case bool():
            return "oui" if value else "non"
        case datetime.datetime():
            return local(value, zone).strftime("%d/%m/%Y %H:%M")
        case datetime.date():
            return value.strftime("%d/%m/%Y")
        case int():
            return str(value)
        case Decimal() | float():
            return format(value, "f").replace(".", ",")
        case _:
            text = str(value)
            # The quote makes the spreadsheet show the rest as text; it is what OWASP recommends.
            return "'" + text if is_formula_like(text) else text


def xlsx_cell(sheet, value):
    """Return a write-only cell holding the value with its type: numbers and dates stay numbers and dates."""
    match value:
        case None:
            return WriteOnlyCell(sheet, value=None)
        case bool():
            return WriteOnlyCell(sheet, value="oui" if value else "non")
        case datetime.datetime():
            cell = WriteOnlyCell(sheet, value=local(value))
            cell.number_format = DATETIME_FORMAT
            return cell
        case datetime.date():
            cell = WriteOnlyCell(sheet, value=value)
            cell.number_format = DATE_FORMAT
            return cell
        case int() | Decimal() | float():
            return WriteOnlyCell(sheet, value=value)
        case _:
            cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", str(value)))
            # openpyxl would store a text starting with "=" as a formula; an explicit string type never runs.
            cell.data_type = "s"
            return cell


def linked_names(relation, pks, order=("name",)):
    """Return {pk: « name, name »}: the names of the rows that `relation` (a many-to-many field of the exported
    model, such as `Need.themes`) links to each of `pks`, in `order` (fields of the linked rows), in one query."""
    owner, linked = relation.field.m2m_field_name(), relation.field.m2m_reverse_field_name()
    pairs = (
        relation.through.objects.filter(**{f"{owner}__in": pks})
        .order_by(*(f"{linked}__{field}" for field in order))
        .values_list(owner, f"{linked}__name")
    )
    grouped = {}
    for pk, name in pairs:
        grouped.setdefault(pk, []).append(name)
    return {pk: ", ".join(group) for pk, group in grouped.items()}


class Echo:
    """A file-like object that gives back what is written, for csv.writer inside a streaming response."""

    def write(self, value):
        return value


def csv_lines(header, rows):
    writer = csv.writer(Echo(), delimiter=";", lineterminator="\r\n")
    zone = timezone.get_current_timezone()
    # The byte order mark tells spreadsheet software that the file is UTF-8.
    yield "\ufeff" + writer.writerow([csv_value(name) for name in header])
    for row in rows:
        yield writer.writerow([csv_value(value, zone) for value in row])


def csv_response(filename, header, rows):
    response = StreamingHttpResponse(csv_lines(header, rows), content_type=CSV_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def sheet_title(title):
    """Return a title a sheet's tab can hold: 31 characters at most, cut at a word, without []:*?/\\."""
    title = " ".join(re.sub(r"[\[\]:*?/\\]", " ", title).split())
    if len(title) > 31:
        cut = title[:32]
        if " " not in cut:
            return title[:31]
        words = cut.rsplit(" ", 1)[0].split(" ")
        # A cut title does not end on a word that announces what was cut off (« … par année de »).
        while len(words) > 1 and words[-1].lower().strip(",;.-—") in DANGLING_WORDS:
            words.pop()
        title = " ".join(words).rstrip(" ,;.-—")
    return title or "Export"


def xlsx_write(sheet, row, column, value, formats, zone):
    """Write the value with its type: numbers and dates stay numbers and dates, and a text is always a text, never a
    formula. None and an empty text leave the cell empty."""
    match value:
        # Most cells are texts: they are matched first.
        case str():
            if value:
                sheet.write_string(row, column, ILLEGAL_CHARACTERS_RE.sub("", value))
        case None:
            pass
        case bool():
            sheet.write_string(row, column, "oui" if value else "non")
        case datetime.datetime():
            sheet.write_datetime(row, column, local(value, zone), formats["datetime"])
        case datetime.date():
            sheet.write_datetime(row, column, value, formats["date"])
        case int() | Decimal() | float():
            if math.isfinite(value):
                sheet.write_number(row, column, value)
        case _:
            sheet.write_string(row, column, ILLEGAL_CHARACTERS_RE.sub("", str(value)))


def xlsx_response(filename, header, rows, *, title="Export"):
    """Return the table as an XLSX download, written by XlsxWriter row by row to a temporary file (its constant
    memory mode keeps one row in memory), with a bold frozen header, its filters and columns sized on the first
    rows."""
    zone = timezone.get_current_timezone()
    # The widths come before the rows: they are measured on the header and the first rows, read ahead (a bounded
    # number, so the memory stays flat).
    rows = iter(rows)
    first_rows = list(islice(rows, WIDTH_SAMPLE))
    file = tempfile.TemporaryFile()
    workbook = xlsxwriter.Workbook(
        file,
        # No text is ever read as a number, a formula or a link: it is written as it is.
        {"constant_memory": True, "strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False},
    )
    formats = {
        "bold": workbook.add_format({"bold": True}),
        "date": workbook.add_format({"num_format": DATE_FORMAT}),
        "datetime": workbook.add_format({"num_format": DATETIME_FORMAT}),
    }
    sheet = workbook.add_worksheet(sheet_title(title))
    for number, name in enumerate(header):
        longest = max(len(csv_value(row[number], zone)) for row in [header, *first_rows] if len(row) > number)
        sheet.set_column(number, number, min(max(longest + 2, MIN_WIDTH), MAX_WIDTH))
        sheet.write_string(0, number, str(name), formats["bold"])
    sheet.freeze_panes(1, 0)
    last_row = 0
    for last_row, row in enumerate(chain(first_rows, rows), start=1):
        for number, value in enumerate(row):
            xlsx_write(sheet, last_row, number, value, formats, zone)
    if header:
        sheet.autofilter(0, 0, last_row, len(header) - 1)
    workbook.close()
    file.seek(0)
    return FileResponse(file, as_attachment=True, filename=f"{filename}.xlsx", content_type=XLSX_CONTENT_TYPE)


def export_response(file_format, filename, header, rows, *, title="Export"):
    """Return the table as a download in the format asked for ("csv" or "xlsx"); 404 for any other format."""
    if file_format == "csv":
        return csv_response(filename, header, rows)
    if file_format == "xlsx":
        return xlsx_response(filename, header, rows, title=title)
    raise Http404
