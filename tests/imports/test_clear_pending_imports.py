"""The daily clearing of the files uploaded for an import and never confirmed."""

import os
import time
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from tests.imports.conftest import HEADERS, csv_bytes, need_row

HOUR = 3600


def aged(path, hours):
    """Give the file the age of a file last written `hours` ago; return its path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        path.write_bytes(b"Reference;Intitule\r\n")
    moment = time.time() - hours * HOUR
    os.utime(path, (moment, moment))
    return path


def clear(*args):
    out = StringIO()
    call_command("clear_pending_imports", *args, stdout=out)
    return out.getvalue().strip()


def files_under(root):
    return sorted(str(path.relative_to(root)) for path in Path(root).rglob("*") if path.is_file())


def test_it_deletes_the_pending_files_older_than_a_day_and_nothing_else(private_root):
    root = Path(private_root)
    aged(root / "imports/12/old-token_A", hours=25)
    aged(root / "imports/12/other-old-token", hours=24 * 10)
    aged(root / "imports/7/recent-token", hours=23)
    # What is not a pending upload stays, however old: project documents, other folders, stray names.
    aged(root / "projects/3/documents/compte-rendu.pdf", hours=24 * 400)
    aged(root / "imports/notes.txt", hours=48)
    aged(root / "imports/12/rapport.old.csv", hours=48)
    aged(root / "imports/archives/old-token", hours=48)

    assert clear() == "2 fichiers d'import en attente effacés (déposés il y a plus de 24 heures)."

    assert files_under(root) == [
        "imports/12/rapport.old.csv",
        "imports/7/recent-token",
        "imports/archives/old-token",
        "imports/notes.txt",
        "projects/3/documents/compte-rendu.pdf",
    ]


def test_hours_sets_the_age_beyond_which_a_file_goes(private_root):
    root = Path(private_root)
    aged(root / "imports/12/three-hours", hours=3)
    aged(root / "imports/12/one-hour", hours=1)

    assert clear("--hours", "2") == "1 fichier d'import en attente effacé (déposé il y a plus de 2 heures)."

    assert files_under(root) == ["imports/12/one-hour"]


def test_with_no_pending_file_it_says_so(private_root):
    assert clear() == "0 fichier d'import en attente effacé (déposé il y a plus de 24 heures)."
    assert not Path(private_root).exists() or not files_under(private_root)


def test_it_refuses_an_age_of_zero_hours(private_root):
    aged(Path(private_root) / "imports/12/token", hours=1)

    with pytest.raises(CommandError, match="au moins 1"):
        clear("--hours", "0")

    assert files_under(private_root) == ["imports/12/token"]


@pytest.mark.django_db
def test_it_deletes_a_real_upload_once_old_and_its_preview_then_asks_for_the_file(
    client, revelateur35, brittany, private_root
):
    client.force_login(revelateur35)
    url = client.post(
        "/import/",
        {"kind": "besoins", "file": SimpleUploadedFile("besoins.csv", csv_bytes(HEADERS["besoins"], [need_row()]))},
    ).url
    [pending] = [path for path in Path(private_root).rglob("*") if path.is_file()]

    assert clear() == "0 fichier d'import en attente effacé (déposé il y a plus de 24 heures)."
    aged(pending, hours=30)
    assert clear() == "1 fichier d'import en attente effacé (déposé il y a plus de 24 heures)."

    assert not pending.exists()
    assert client.get(url, follow=True).redirect_chain == [("/import/", 302)]
