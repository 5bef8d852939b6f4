"""Documents: their type read from their content, kept out of any public path, served only to those who may read
the project's internal material."""

from pathlib import Path

import pytest
from django.conf import settings

from projects.models import Document
from tests.projects import files, posts
from tests.projects.files import upload


@pytest.fixture
def signed_in(client, revelateur35):
    client.force_login(revelateur35)
    return client


def deposit(client, project, file, **data):
    return client.post(f"/projets/{project.pk}/documents/nouveau/", posts.document_data(file=file, **data))


def download(client, document):
    response = client.get(f"/projets/documents/{document.pk}/")
    content = b"".join(response.streaming_content) if response.status_code == 200 else b""
    response.close()
    return response, content


@pytest.mark.parametrize("name", files.ACCEPTED)
def test_it_accepts_each_type_and_serves_it_back_as_a_download(signed_in, project, name):
    content, content_type = files.ACCEPTED[name]

    response = deposit(signed_in, project, upload(name, content), title="Pièce du dossier")

    assert response.status_code == 302
    document = project.documents.get()
    assert (document.title, document.original_name, document.content_type, document.size) == (
        "Pièce du dossier",
        name,
        content_type,
        len(content),
    )
    response, served = download(signed_in, document)
    assert served == content
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == f'attachment; filename="{name}"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]


def test_the_type_comes_from_the_content_not_from_what_the_browser_says(signed_in, project):
    deposit(signed_in, project, upload("etude.pdf", files.PDF, content_type="image/png"))

    assert project.documents.get().content_type == "application/pdf"


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("programme.pdf", files.EXECUTABLE),
        ("affiche.pdf", files.PNG),
        ("photo.png", files.JPEG),
        ("tableur.odt", files.ODS),
        ("budget.xlsx", files.DOCX),
        ("compte-rendu.docx", files.PLAIN_ZIP),
        ("compte-rendu.odt", files.PDF),
        ("image.webp", b"RIFF\x00\x00\x00\x00AVI LIST" + b"\x00" * 20),
    ],
    ids=[
        "an-executable-renamed-pdf",
        "a-png-named-pdf",
        "a-jpeg-named-png",
        "a-spreadsheet-named-odt",
        "a-docx-named-xlsx",
        "a-plain-zip-named-docx",
        "a-pdf-named-odt",
        "a-video-named-webp",
    ],
)
def test_it_refuses_a_file_that_is_not_what_its_name_says(signed_in, project, name, content):
    response = deposit(signed_in, project, upload(name, content, content_type="application/pdf"), title="Mon titre")

    assert response.status_code == 200
    [error] = response.context["form"].errors["file"]
    assert "son contenu n'en est pas un" in error
    assert 'value="Mon titre"' in response.content.decode()
    assert not Document.objects.exists()
    assert not Path(settings.MEDIA_ROOT).exists() or not any(Path(settings.MEDIA_ROOT).rglob("*"))


@pytest.mark.parametrize("name", ["programme.exe", "notes.txt", "page.html", "sans-extension"])
def test_it_refuses_a_type_that_is_not_accepted(signed_in, project, name):
    response = deposit(signed_in, project, upload(name, files.PDF))

    assert response.context["form"].errors["file"] == [
        "Ce type de fichier n'est pas accepté : déposez un PDF, un document ODT ou DOCX, un tableur XLSX ou une "
        "image PNG, JPEG ou WebP."
    ]
    assert not Document.objects.exists()


def test_it_refuses_a_file_over_twenty_megabytes(signed_in, project):
    too_big = files.PDF + b"\x00" * (20 * 1024 * 1024 + 1 - len(files.PDF))

    response = deposit(signed_in, project, upload("etude.pdf", too_big))

    assert response.context["form"].errors["file"] == [
        "Ce fichier dépasse la limite de 20 Mo : déposez une version plus légère (un PDF compressé, des images "
        "réduites)."
    ]
    assert not Document.objects.exists()


def test_it_accepts_a_file_of_twenty_megabytes(signed_in, project):
    just_right = files.PDF + b"\x00" * (20 * 1024 * 1024 - len(files.PDF))

    deposit(signed_in, project, upload("etude.pdf", just_right))

    assert project.documents.get().size == 20 * 1024 * 1024


def test_it_asks_for_a_file(signed_in, project):
    data = posts.document_data()
    del data["file"]

    response = signed_in.post(f"/projets/{project.pk}/documents/nouveau/", data)

    assert response.context["form"].errors["file"] == ["Ce champ est obligatoire."]


def test_it_is_stored_under_the_private_root_with_a_random_name_outside_any_public_path(
    signed_in, project, private_storage_root
):
    deposit(signed_in, project, upload("../../static/css/fabrique.css.pdf", files.PDF))

    document = project.documents.get()
    stored = Path(document.file.path).resolve()
    assert stored.is_relative_to(Path(private_storage_root).resolve())
    assert stored.parent.name == str(project.pk)
    assert "fabrique" not in stored.name
    for public in [settings.STATIC_ROOT, *settings.STATICFILES_DIRS]:
        assert not stored.is_relative_to(Path(public).resolve())
    # No address serves the storage directly: only the download view does.
    assert signed_in.get(f"/{document.file.name}").status_code == 404
    assert signed_in.get(f"/media/{document.file.name}").status_code == 404
    assert document.original_name == "fabrique.css.pdf"


def test_a_name_with_accents_is_given_back_as_it_was(signed_in, project):
    deposit(signed_in, project, upload("Étude d'opportunité.pdf", files.PDF))

    response, _ = download(signed_in, project.documents.get())

    assert response["Content-Disposition"] == "attachment; filename*=utf-8''%C3%89tude%20d%27opportunit%C3%A9.pdf"


def test_a_document_whose_file_is_gone_answers_404(signed_in, project):
    deposit(signed_in, project, upload("etude.pdf", files.PDF))
    document = project.documents.get()
    Path(document.file.path).unlink()

    response, _ = download(signed_in, document)

    assert response.status_code == 404


def test_a_document_form_submitted_twice_deposits_one_document(signed_in, project):
    data = posts.document_data()
    signed_in.post(f"/projets/{project.pk}/documents/nouveau/", data)
    data["file"] = upload("etude.pdf", files.PDF)

    response = signed_in.post(f"/projets/{project.pk}/documents/nouveau/", data)

    assert response["Location"] == f"/projets/{project.pk}/"
    assert Document.objects.count() == 1


def test_the_timeline_and_the_list_link_to_the_checked_download(signed_in, project):
    deposit(signed_in, project, upload("etude.pdf", files.PDF), title="Étude finale")
    document = project.documents.get()

    content = signed_in.get(f"/projets/{project.pk}/").content.decode()

    assert content.count(f'href="/projets/documents/{document.pk}/"') == 2
    assert document.file.name not in content
