"""Small but genuine files of each type a project document may be, and impostors."""

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 40 + b"\xff\xd9"
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 40
EXECUTABLE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64


def zip_of(entries):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in entries.items():
            compression = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            archive.writestr(name, content, compress_type=compression)
    return buffer.getvalue()


ODT = zip_of(
    {
        "mimetype": "application/vnd.oasis.opendocument.text",
        "META-INF/manifest.xml": "<manifest/>",
        "content.xml": "<office:document-content/>",
    }
)
DOCX = zip_of({"[Content_Types].xml": "<Types/>", "_rels/.rels": "<Relationships/>", "word/document.xml": "<w/>"})
XLSX = zip_of({"[Content_Types].xml": "<Types/>", "_rels/.rels": "<Relationships/>", "xl/workbook.xml": "<x/>"})
ODS = zip_of({"mimetype": "application/vnd.oasis.opendocument.spreadsheet", "content.xml": "<c/>"})
PLAIN_ZIP = zip_of({"notes.txt": "rien"})

ACCEPTED = {
    "etude.pdf": (PDF, "application/pdf"),
    "compte-rendu.odt": (ODT, "application/vnd.oasis.opendocument.text"),
    "business-plan.docx": (DOCX, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "budget.xlsx": (XLSX, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "affiche.png": (PNG, "image/png"),
    "photo-atelier.jpg": (JPEG, "image/jpeg"),
    "photo-atelier.jpeg": (JPEG, "image/jpeg"),
    "carte.webp": (WEBP, "image/webp"),
}


def upload(name, content, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)
