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
import zipfile
from decimal import Decimal
from itertools import chain, islice
from xml.sax.saxutils import escape

from django.http import FileResponse, Http404, StreamingHttpResponse
from django.utils import timezone
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.utils.datetime import to_excel

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


def joined_names(pairs):
    """Return {pk: « name, name »} from (pk, name) pairs in the order of the names."""
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


# A workbook is a zip of XML parts. The download writes them itself rather than through openpyxl, whose cell objects
# and XML serialiser take about 30 µs a cell (12 s for 25,000 needs): the cells of a row are a few formatted strings.
# openpyxl still reads the files back in the tests, and writes the blank import templates (imports/downloads.py).
XLSX_PARTS = {
    "[Content_Types].xml": (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml"'
        ' ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml"'
        ' ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/styles.xml"'
        ' ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        "</Types>"
    ),
    "_rels/.rels": (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Target="xl/workbook.xml"'
        ' Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/>'
        "</Relationships>"
    ),
    "xl/_rels/workbook.xml.rels": (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Target="worksheets/sheet1.xml"'
        ' Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"/>'
        '<Relationship Id="rId2" Target="styles.xml"'
        ' Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles"/>'
        "</Relationships>"
    ),
    # The cell styles a cell names by its index (s="…"): 0 plain, 1 bold (the header), 2 a date, 3 a date and time.
    "xl/styles.xml": (
        '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<numFmts count="2"><numFmt numFmtId="164" formatCode="{DATE_FORMAT}"/>'
        f'<numFmt numFmtId="165" formatCode="{DATETIME_FORMAT}"/></numFmts>'
        '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
        '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
        '<fills count="2"><fill><patternFill patternType="none"/></fill>'
        '<fill><patternFill patternType="gray125"/></fill></fills>'
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        '<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
        '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
        '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
        '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
        "</styleSheet>"
    ),
}
XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
MAIN_NAMESPACES = (
    'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    ' xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
)
PLAIN, BOLD, DATE, DATETIME = range(4)
# The rows of the sheet reach the zip this many at a time: few writes, and little text held.
XML_ROWS_PER_WRITE = 500


def xml_text(text):
    """Return the text escaped for XML, without the control characters a workbook cannot hold."""
    return ILLEGAL_CHARACTERS_RE.sub("", text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def xlsx_xml_cell(ref, value, zone):
    """Return the XML of one cell at `ref` (« C2 »), holding the value with its type: numbers and dates stay numbers
    and dates (Excel's day numbers, shown with a date format), and a text is always a text, never a formula."""
    match value:
        # Most cells are texts: they are matched first. An empty text is an empty cell, as no value is.
        case str():
            return xlsx_xml_text_cell(ref, value) if value else ""
        case None:
            return ""
        case bool():
            return f'<c r="{ref}" t="inlineStr"><is><t>{"oui" if value else "non"}</t></is></c>'
        case datetime.datetime():
            return f'<c r="{ref}" s="{DATETIME}"><v>{to_excel(local(value, zone)):.16g}</v></c>'
        case datetime.date():
            return f'<c r="{ref}" s="{DATE}"><v>{to_excel(value)}</v></c>'
        case int():
            return f'<c r="{ref}"><v>{value}</v></c>'
        case Decimal() | float():
            return f'<c r="{ref}"><v>{value:.16g}</v></c>' if math.isfinite(value) else ""
        case _:
            return xlsx_xml_text_cell(ref, str(value))


def xlsx_xml_text_cell(ref, text, style=PLAIN):
    text = xml_text(text)
    # Spaces at either end, and line breaks, are kept only when the text says so.
    space = ' xml:space="preserve"' if text[:1].isspace() or text[-1:].isspace() or "\n" in text else ""
    style = f' s="{style}"' if style else ""
    return f'<c r="{ref}" t="inlineStr"{style}><is><t{space}>{text}</t></is></c>'


def write_sheet(write, header, rows, widths, zone):
    """Write the XML of the sheet through `write`, a few hundred rows at a time: its frozen header, its column widths,
    its rows and its filters. Return the number of its last row."""
    letters = [get_column_letter(number) for number in range(1, len(header) + 1)]
    cols = "".join(
        f'<col min="{number}" max="{number}" width="{width}" customWidth="1"/>'
        for number, width in enumerate(widths, start=1)
    )
    write(
        f'{XML_DECLARATION}<worksheet {MAIN_NAMESPACES}><sheetViews><sheetView workbookViewId="0">'
        '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
        '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>'
        f'<sheetFormatPr defaultRowHeight="15"/>{f"<cols>{cols}</cols>" if cols else ""}<sheetData><row r="1">'
        + "".join(xlsx_xml_text_cell(f"{letter}1", str(name), BOLD) for letter, name in zip(letters, header))
        + "</row>"
    )
    last = 1
    pieces = []
    for last, row in enumerate(rows, start=2):
        cells = "".join([xlsx_xml_cell(f"{letter}{last}", value, zone) for letter, value in zip(letters, row)])
        pieces.append(f'<row r="{last}">{cells}</row>')
        if len(pieces) == XML_ROWS_PER_WRITE:
            write("".join(pieces))
            pieces = []
    write("".join(pieces) + "</sheetData>")
    write((f'<autoFilter ref="A1:{letters[-1]}{last}"/>' if header else "") + "</worksheet>")
    return last


def workbook_xml(title, header, last_row):
    """Return the XML of the workbook: its one sheet and, for the header's filters, the range they cover."""
    names = ""
    if header:
        ref = f"{quote_sheetname(title)}!$A$1:${get_column_letter(len(header))}${last_row}"
        names = (
            '<definedNames><definedName name="_xlnm._FilterDatabase" localSheetId="0" hidden="1">'
            f"{xml_text(ref)}</definedName></definedNames>"
        )
    return (
        f"{XML_DECLARATION}<workbook {MAIN_NAMESPACES}><workbookPr/><bookViews><workbookView/></bookViews>"
        f'<sheets><sheet name="{escape(title, {'"': "&quot;"})}" sheetId="1" r:id="rId1"/></sheets>{names}</workbook>'
    )


def xlsx_response(filename, header, rows, *, title="Export"):
    title = sheet_title(title)
    zone = timezone.get_current_timezone()
    # A sheet's widths come before its rows: they are measured on the header and the first rows, read ahead (a bounded
    # number, so the memory stays flat).
    rows = iter(rows)
    first_rows = list(islice(rows, WIDTH_SAMPLE))
    widths = []
    for number in range(1, len(header) + 1):
        longest = max(len(csv_value(row[number - 1], zone)) for row in [header, *first_rows] if len(row) >= number)
        widths.append(min(max(longest + 2, MIN_WIDTH), MAX_WIDTH))
    # The finished file goes to a temporary file as it is written, and is streamed from there.
    file = tempfile.TemporaryFile()
    with zipfile.ZipFile(file, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, xml in XLSX_PARTS.items():
            archive.writestr(name, XML_DECLARATION + xml)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            last_row = write_sheet(
                lambda text: sheet.write(text.encode()), header, chain(first_rows, rows), widths, zone
            )
        archive.writestr("xl/workbook.xml", workbook_xml(title, header, last_row))
    file.seek(0)
    return FileResponse(file, as_attachment=True, filename=f"{filename}.xlsx", content_type=XLSX_CONTENT_TYPE)


def export_response(file_format, filename, header, rows, *, title="Export"):
    """Return the table as a download in the format asked for ("csv" or "xlsx"); 404 for any other format."""
    if file_format == "csv":
        return csv_response(filename, header, rows)
    if file_format == "xlsx":
        return xlsx_response(filename, header, rows, title=title)
    raise Http404
