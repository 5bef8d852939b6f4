"""Every refusal speaks French: what a person meets when a page does not exist, is refused, or breaks."""

import pytest
from django.contrib.auth.decorators import login_not_required
from django.test import Client
from django.urls import path

from fabrique import urls as fabrique_urls
from tests.projects.factories import ProjectFactory


@login_not_required
def broken(request):
    raise RuntimeError("panne")


urlpatterns = [*fabrique_urls.urlpatterns, path("panne/", broken)]


def test_a_missing_page_answers_in_french(client, db):
    response = client.get("/nulle-part/")

    assert response.status_code == 404
    content = response.content.decode()
    assert '<html lang="fr">' in content
    assert "Page introuvable" in content
    assert "Not Found" not in content


def test_a_refused_project_reads_like_a_missing_page(client, revelateur29, revelateur35):
    project = ProjectFactory(created_by=revelateur35)
    client.force_login(revelateur29)

    response = client.get(f"/projets/{project.pk}/")

    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()


def test_a_form_without_its_csrf_token_is_refused_in_french(db, revelateur35):
    client = Client(enforce_csrf_checks=True)
    client.force_login(revelateur35)

    response = client.post("/compte/deconnexion/")

    assert response.status_code == 403
    content = response.content.decode()
    assert '<html lang="fr">' in content
    assert "Formulaire expiré" in content


@pytest.mark.urls(__name__)
def test_a_server_error_answers_in_french(db):
    client = Client(raise_request_exception=False)

    response = client.get("/panne/")

    assert response.status_code == 500
    assert "Une erreur est survenue" in response.content.decode()
