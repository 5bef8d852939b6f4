"""What an uploaded document really is, read from its content (never from its name or the browser's word)."""

import zipfile
from dataclasses import dataclass
from pathlib import PurePath


@dataclass(frozen=True)
class DocumentType:
    label: str
    content_type: str
    extensions: tuple[str, ...]


PDF = DocumentType("PDF", "application/pdf", ("pdf",))
ODT = DocumentType("ODT", "application/vnd.oasis.opendocument.text", ("odt",))
DOCX = DocumentType("DOCX", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", ("docx",))
XLSX = DocumentType("XLSX", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ("xlsx",))
PNG = DocumentType("PNG", "image/png", ("png",))
JPEG = DocumentType("JPEG", "image/jpeg", ("jpg", "jpeg"))
WEBP = DocumentType("WebP", "image/webp", ("webp",))
ACCEPTED_TYPES = [PDF, ODT, DOCX, XLSX, PNG, JPEG, WEBP]
TYPES_BY_EXTENSION = {extension: type_ for type_ in ACCEPTED_TYPES for extension in type_.extensions}


def extension_of(name):
    return PurePath(name or "").suffix.lower().lstrip(".")


def sniff(file):
    """Return the DocumentType that the content of `file` (an open binary file) shows, or None."""
    file.seek(0)
    head = file.read(16)
    file.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head.startswith(b"PK\x03\x04"):
        try:
            return _sniff_zip(file)
        finally:
            file.seek(0)
    return None


def _sniff_zip(file):
    """Tell an OpenDocument text from an Office Open XML document or workbook, reading only the archive's index
    and, for OpenDocument, its small `mimetype` entry (never decompressing the content)."""
    try:
        with zipfile.ZipFile(file) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                with archive.open("mimetype") as entry:
                    if entry.read(100).strip() == ODT.content_type.encode():
                        return ODT
                return None
            if "[Content_Types].xml" in names:
                if any(name.startswith("word/") for name in names):
                    return DOCX
                if any(name.startswith("xl/") for name in names):
                    return XLSX
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, KeyError, RuntimeError, NotImplementedError):
        return None
    return None
