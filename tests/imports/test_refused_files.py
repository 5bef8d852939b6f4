"""Bad files are refused with a clear French message, and write nothing: not a row, not a stored file."""

import io
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.html import escape

from imports.reading import FileRefused, read_table
from needs.models import Need
from tests.imports.conftest import HEADERS, csv_bytes, need_row, xlsx_bytes

pytestmark = pytest.mark.django_db

HEADER_LINE = ";".join(HEADERS["besoins"]).encode()


def upload(client, user, name, data, kind="besoins"):
    client.force_login(user)
    return client.post("/import/", {"kind": kind, "file": SimpleUploadedFile(name, data)})


def assert_refused(response, message, private_root):
    assert response.status_code == 200
    errors = response.context["form"].errors["file"]
    assert any(error.startswith(message) for error in errors), errors
    assert escape(message) in response.content.decode()
    assert not Need.objects.exists()
    assert not Path(private_root).exists() or not any(Path(private_root).rglob("*"))
    assert not response.wsgi_request.session.get("imports")


def test_a_file_over_5_mb_is_refused(client, revelateur35, brittany, private_root):
    data = csv_bytes(HEADERS["besoins"], [need_row()]) + b"\r\n" * (5 * 1024 * 1024)

    response = upload(client, revelateur35, "besoins.csv", data)

    assert_refused(response, "Ce fichier dépasse 5 Mo", private_root)


def test_a_file_over_10_000_rows_is_refused(client, revelateur35, brittany, private_root):
    data = HEADER_LINE + b"\r\n" + b"x;y\r\n" * 10_001

    response = upload(client, revelateur35, "besoins.csv", data)

    assert_refused(response, "Ce fichier compte plus de 10 000 lignes", private_root)


def test_an_xlsx_over_10_000_rows_is_refused():
    data = xlsx_bytes(["Référence"], [{"Référence": str(number)} for number in range(10_001)])

    with pytest.raises(FileRefused, match="plus de 10 000 lignes"):
        read_table("besoins.xlsx", data)


def test_exactly_10_000_rows_are_read():
    data = HEADER_LINE + b"\r\n" + b"x;y\r\n" * 10_000

    assert len(read_table("besoins.csv", data).rows) == 10_000


def test_mixed_encodings_are_refused(client, revelateur35, brittany, private_root):
    data = csv_bytes(HEADERS["besoins"], [need_row(Intitulé="Café")]) + "Crêpe\r\n".encode("cp1252")

    response = upload(client, revelateur35, "besoins.csv", data)

    assert_refused(response, "Ce fichier mélange deux encodages", private_root)


def test_an_unknown_encoding_is_refused(client, revelateur35, brittany, private_root):
    # 0x81 is undefined in Windows-1252, and not UTF-8; nothing else in the file is UTF-8 either.
    data = b"Reference;Intitule\r\nB\x81;x\r\n"

    response = upload(client, revelateur35, "besoins.csv", data)

    assert_refused(response, "L'encodage de ce fichier n'est pas reconnu", private_root)


def test_utf16_is_refused_with_how_to_save_it(client, revelateur35, brittany, private_root):
    data = "\ufeff".encode("utf-16-le") + ";".join(HEADERS["besoins"]).encode("utf-16-le")

    response = upload(client, revelateur35, "besoins.csv", data)

    assert_refused(response, "Ce fichier est encodé en UTF-16", private_root)


def test_nul_bytes_are_refused(client, revelateur35, brittany, private_root):
    data = csv_bytes(HEADERS["besoins"], [need_row()]).replace(b"Rennes", b"Ren\x00nes")

    response = upload(client, revelateur35, "besoins.csv", data)

    assert_refused(response, "Ce fichier contient des octets nuls", private_root)


def test_a_missing_required_column_is_named(client, revelateur35, brittany, private_root):
    header = [name for name in HEADERS["besoins"] if name not in ("Thèmes", "Détecté le")]
    data = csv_bytes(header, [need_row()])

    response = upload(client, revelateur35, "besoins.csv", data)

    assert_refused(response, "Colonnes obligatoires absentes : « Thèmes », « Détecté le ».", private_root)


@pytest.mark.parametrize("data", [b"", b"  \r\n\r\n"], ids=["nothing", "blank lines"])
def test_an_empty_file_is_refused(client, revelateur35, brittany, private_root, data):
    response = upload(client, revelateur35, "besoins.csv", data)

    assert_refused(response, "Ce fichier est vide", private_root)


def test_a_header_without_rows_is_refused(client, revelateur35, brittany, private_root):
    response = upload(client, revelateur35, "besoins.csv", HEADER_LINE + b"\r\n")

    assert_refused(response, "Ce fichier ne contient aucune ligne de données", private_root)


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        (
            "besoins.xlsx",
            HEADER_LINE + b"\r\nB1;x\r\n",
            "Ce fichier porte l'extension .xlsx mais n'est pas un classeur",
        ),
        ("besoins.xlsx", b"%PDF-1.7 ...", "Ce fichier porte l'extension .xlsx mais c'est un PDF"),
        ("besoins.xlsx", b"PK\x03\x04 not really a zip", "Ce fichier .xlsx est endommagé"),
        ("besoins.csv", b"PK\x03\x04" + b"x" * 100, "Ce fichier porte l'extension .csv mais c'est un classeur"),
        ("besoins.csv", HEADER_LINE + b"\r\nB1;\x01\x02\x03\r\n", "Ce fichier contient des caractères de contrôle"),
        ("besoins.csv", b"%PDF-1.7 \xe2\x80", "Ce fichier porte l'extension .csv mais c'est un PDF"),
        ("besoins.xls", b"\xd0\xcf\x11\xe0", "Les classeurs .xls (ancien format d'Excel) ne sont pas lus"),
        ("besoins.pdf", b"%PDF-1.7", "Déposez un fichier .xlsx ou .csv"),
    ],
    ids=["text as xlsx", "pdf as xlsx", "broken zip", "xlsx as csv", "binary csv", "pdf as csv", "xls", "pdf"],
)
def test_a_file_that_is_not_what_its_name_says_is_refused(
    client, revelateur35, brittany, private_root, name, data, message
):
    response = upload(client, revelateur35, name, data)

    assert_refused(response, message, private_root)


def test_a_zip_that_is_not_a_workbook_is_refused(client, revelateur35, brittany, private_root):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
    response = upload(client, revelateur35, "besoins.xlsx", buffer.getvalue())

    assert_refused(response, "Ce fichier porte l'extension .xlsx mais n'est pas un classeur Excel", private_root)


def test_windows_1252_with_commas_and_utf8_with_bom_are_both_read(revelateur35, brittany):
    cp1252 = csv_bytes(HEADERS["besoins"], [need_row(Intitulé="Épicerie")], delimiter=",", encoding="cp1252")
    utf8 = b"\xef\xbb\xbf" + csv_bytes(HEADERS["besoins"], [need_row(Intitulé="Épicerie")])

    for name, data in [("a.csv", cp1252), ("b.csv", utf8)]:
        table = read_table(name, data)
        assert table.header == HEADERS["besoins"]
        assert table.rows[0][1][HEADERS["besoins"].index("Intitulé")] == "Épicerie"


def test_an_xlsx_that_unpacks_beyond_the_limit_is_refused_before_it_is_read(
    client, revelateur35, brittany, private_root, monkeypatch
):
    data = xlsx_bytes(HEADERS["besoins"], [need_row()] * 50)
    unpacked = sum(entry.file_size for entry in zipfile.ZipFile(io.BytesIO(data)).infolist())
    # A zip bomb of a few kilobytes would unpack to gigabytes: here, the limit is lowered under this file's size.
    monkeypatch.setattr("imports.reading.MAX_UNPACKED_SIZE", unpacked - 1)
    monkeypatch.setattr("imports.reading.load_workbook", lambda *args, **kwargs: pytest.fail("read anyway"))

    response = upload(client, revelateur35, "besoins.xlsx", data)

    assert_refused(response, "Ce classeur est trop volumineux une fois décompressé", private_root)


def test_a_refused_file_keeps_what_the_person_said_it_holds(client, revelateur35, brittany, private_root):
    response = upload(client, revelateur35, "projets.csv", b"%PDF-1.4 ...", kind="projets")

    assert response.context["form"]["kind"].value() == "projets"
    assert 'value="projets" required id="id_kind_1" checked' in response.content.decode()


def test_a_small_xlsx_that_unpacks_to_60_mb_is_refused(client, revelateur35, brittany, private_root):
    data = xlsx_bytes(HEADERS["besoins"], [need_row(Description="DESCRIPTION")])
    bomb = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        for entry in source.infolist():
            content = source.read(entry.filename)
            if entry.filename == "xl/worksheets/sheet1.xml":
                content = content.replace(b"DESCRIPTION", b"a" * 60_000_000)
            archive.writestr(entry.filename, content)
    assert len(bomb.getvalue()) < 100_000

    response = upload(client, revelateur35, "besoins.xlsx", bomb.getvalue())

    assert_refused(response, "Ce classeur est trop volumineux une fois décompressé", private_root)
