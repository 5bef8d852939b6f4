"""Read an uploaded spreadsheet into a header and rows of cells, or refuse it with a French message.

XLSX goes through openpyxl (read-only, values only), CSV through Python's csv module. What is refused, before any
row is looked at: a file too big or with too many rows, an empty file, a file that is not what its name says, NUL
bytes, an encoding that is neither UTF-8 nor Windows-1252, or UTF-8 mixed with another encoding.
"""

import csv
import datetime
import io
import itertools
import re
import warnings
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePath

from openpyxl import load_workbook

from fabrique.exports import FORMULA_STARTS

MAX_SIZE = 5 * 1024 * 1024
MAX_ROWS = 10_000
# An XLSX of 5 MB may unpack to much more (it is a zip); beyond this, it is refused before openpyxl reads it. A real
# table of 10,000 rows with long descriptions unpacks to about 30 MB (and weighs 10 MB zipped, over the limit);
# openpyxl needs about twice the unpacked size in memory.
MAX_UNPACKED_SIZE = 50 * 1024 * 1024
EXTENSIONS = ("csv", "xlsx")

# A valid UTF-8 multi-byte sequence: seen next to bytes that are not UTF-8, the file mixes two encodings.
UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
# Control characters that no text file holds (tab, line feed and carriage return are text).
BINARY_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class FileRefused(Exception):
    """The file cannot be read as a table; the message says why, in French, for the person who sent it."""


@dataclass
class Table:
    header: list[str]
    # (line number as the spreadsheet shows it, cells): the header is line 1. A list, or for a streamed table an
    # iterator that reads the rows one by one as they are consumed (and may raise FileRefused on the way).
    rows: Iterable[tuple[int, list]]


def extension_of(name):
    return PurePath(name or "").suffix.lower().lstrip(".")


def read_table(name, data, *, stream=False):
    """Return the Table held in `data` (the bytes of a file called `name`), or raise FileRefused.

    With `stream`, the rows are read one by one as the caller consumes them, so that a file of 10,000 rows never
    lies in memory as a whole: only the header and the first row are read (and checked) here; what is wrong further
    down (too many rows, a broken quote) raises FileRefused while the rows are consumed. The upload reads the file
    whole (without `stream`) once, so that such a file is refused before it waits for its preview."""
    extension = extension_of(name)
    if extension == "xls":
        raise FileRefused(
            "Les classeurs .xls (ancien format d'Excel) ne sont pas lus : enregistrez le fichier au format .xlsx "
            "ou .csv, puis déposez-le à nouveau."
        )
    if extension not in EXTENSIONS:
        raise FileRefused("Déposez un fichier .xlsx ou .csv : les autres formats ne sont pas lus.")
    if len(data) > MAX_SIZE:
        raise FileRefused("Ce fichier dépasse 5 Mo : découpez-le en plusieurs fichiers de 10 000 lignes au plus.")
    if not data.strip():
        raise FileRefused("Ce fichier est vide.")
    header, rows = read_xlsx(data) if extension == "xlsx" else read_csv(data)
    if not header or not any(header):
        raise FileRefused("Ce fichier est vide : sa première ligne doit nommer les colonnes du modèle.")
    first = next(rows, None)
    if first is None:
        raise FileRefused("Ce fichier ne contient aucune ligne de données sous la ligne des noms de colonnes.")
    rows = itertools.chain([first], rows)
    return Table(header=header, rows=rows if stream else list(rows))


def read_xlsx(data):
    """Return the header of the workbook's first sheet and an iterator over its data rows."""
    if not data.startswith(b"PK\x03\x04"):
        raise FileRefused(_not_what_its_name_says(data, "xlsx"))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            unpacked = sum(entry.file_size for entry in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError):
        raise FileRefused("Ce fichier .xlsx est endommagé : ouvrez-le et enregistrez-le à nouveau.") from None
    if "[Content_Types].xml" not in names or not any(name.startswith("xl/") for name in names):
        raise FileRefused(
            "Ce fichier porte l'extension .xlsx mais n'est pas un classeur Excel (c'est une autre archive zip, "
            "peut-être un document OpenDocument ou Word) : enregistrez-le au format .xlsx."
        )
    if unpacked > MAX_UNPACKED_SIZE:
        raise FileRefused("Ce classeur est trop volumineux une fois décompressé : découpez-le en plusieurs fichiers.")
    workbook = _unreadable_as_refused(load_workbook, io.BytesIO(data), read_only=True, data_only=True)
    try:
        values = _unreadable_as_refused(lambda: iter(workbook.worksheets[0].iter_rows(values_only=True)))
        first = _unreadable_as_refused(next, values, ())
    except FileRefused:
        workbook.close()
        raise
    header = _trimmed([_header_text(value) for value in first])
    if not any(header):
        workbook.close()
        return header, iter(())
    return header, _xlsx_rows(workbook, values, len(first))


def _xlsx_rows(workbook, values, width):
    count = 0
    try:
        for number in itertools.count(start=2):
            cells = _unreadable_as_refused(next, values, None)
            if cells is None:
                return
            cells = list(cells[:width])
            if all(_blank(value) for value in cells):
                # Spreadsheets keep formatted empty rows far below the data: past the limit, stop there.
                if number > MAX_ROWS + 1:
                    return
                continue
            count += 1
            if count > MAX_ROWS:
                raise FileRefused(_too_many_rows())
            yield number, cells
    finally:
        workbook.close()


def _unreadable_as_refused(function, *args, **kwargs):
    """Call openpyxl: what it warns about (data validation, styles) is skipped, and a broken workbook is refused."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return function(*args, **kwargs)
    except Exception:
        # openpyxl raises many kinds of errors on a broken workbook (KeyError, ValueError, XML errors…).
        raise FileRefused("Ce classeur .xlsx n'a pas pu être lu : ouvrez-le et enregistrez-le à nouveau.") from None


# Signatures of files that are not spreadsheets at all, whatever their name says.
KNOWN_SIGNATURES = [
    (b"%PDF", "un PDF"),
    (b"\x89PNG", "une image PNG"),
    (b"\xff\xd8\xff", "une image JPEG"),
    (b"\x1f\x8b", "une archive gzip"),
    (b"\xd0\xcf\x11\xe0", "un ancien document Office (.xls ou .doc)"),
]


def read_csv(data):
    """Return the header of the CSV file and an iterator over its data rows."""
    for signature, what in KNOWN_SIGNATURES:
        if data.startswith(signature):
            raise FileRefused(f"Ce fichier porte l'extension .csv mais c'est {what} : déposez le tableur lui-même.")
    if data.startswith(b"PK\x03\x04"):
        raise FileRefused(
            "Ce fichier porte l'extension .csv mais c'est un classeur (zip) : déposez-le avec l'extension .xlsx, "
            "ou enregistrez-le au format CSV."
        )
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise FileRefused("Ce fichier est encodé en UTF-16 : enregistrez-le en CSV UTF-8, puis déposez-le à nouveau.")
    if b"\x00" in data:
        raise FileRefused(
            "Ce fichier contient des octets nuls : ce n'est pas un fichier texte CSV. Enregistrez-le au format CSV "
            "depuis votre tableur."
        )
    text = decode(data)
    if BINARY_CHARACTERS.search(text):
        raise FileRefused(
            "Ce fichier contient des caractères de contrôle : ce n'est pas un fichier texte CSV. Enregistrez-le "
            "au format CSV depuis votre tableur."
        )
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") >= first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        first = next(reader, [])
    except csv.Error:
        raise _malformed(reader) from None
    header = _trimmed([_header_text(cell) for cell in first])
    return header, _csv_rows(reader)


def _csv_rows(reader):
    count = 0
    try:
        for number, cells in enumerate(reader, start=2):
            if not any(cell.strip() for cell in cells):
                continue
            count += 1
            if count > MAX_ROWS:
                raise FileRefused(_too_many_rows())
            yield number, cells
    except csv.Error:
        raise _malformed(reader) from None


def _malformed(reader):
    return FileRefused(
        f"Ce fichier CSV est mal formé vers la ligne {reader.line_num} (un guillemet non refermé ?) : "
        "vérifiez-le dans votre tableur et enregistrez-le à nouveau."
    )


def decode(data):
    """Return the text of a CSV file in UTF-8 (with or without BOM) or Windows-1252; refuse anything else."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    if UTF8_SEQUENCE.search(data):
        raise FileRefused(
            "Ce fichier mélange deux encodages (de l'UTF-8 et un autre) : certains accents seraient mal lus. "
            "Enregistrez-le à nouveau en CSV UTF-8 depuis votre tableur."
        )
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        raise FileRefused(
            "L'encodage de ce fichier n'est pas reconnu : enregistrez-le en CSV UTF-8 (ou Windows-1252)."
        ) from None


def _not_what_its_name_says(data, extension):
    if data.startswith(b"%PDF"):
        return f"Ce fichier porte l'extension .{extension} mais c'est un PDF : déposez le tableur lui-même."
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        return (
            f"Ce fichier porte l'extension .{extension} mais c'est un ancien classeur .xls : enregistrez-le au "
            "format .xlsx."
        )
    return (
        f"Ce fichier porte l'extension .{extension} mais n'est pas un classeur Excel : enregistrez-le au format "
        ".xlsx depuis votre tableur, ou déposez-le avec l'extension .csv si c'est un CSV."
    )


def _too_many_rows():
    return f"Ce fichier compte plus de {MAX_ROWS:_} lignes : découpez-le en plusieurs fichiers.".replace("_", " ")


def _header_text(value):
    return "" if value is None else str(value).strip()


def _blank(value):
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    return False


def _trimmed(header):
    while header and not header[-1]:
        header.pop()
    return header


def cell_text(value):
    """Return the text of a cell: a number typed in a spreadsheet (a SIREN, an INSEE code) without its « .0 », and
    text that the Fabrique's exports kept from running as a formula (« '=1+2 ») without the quote they added."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    return unquoted(str(value).strip())


def unquoted(text):
    """Return `text` without the one quote fabrique.exports puts before a text a spreadsheet would run as a formula."""
    if text.startswith("'") and text[1:].startswith(FORMULA_STARTS):
        return text[1:]
    return text
