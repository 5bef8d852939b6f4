from unittest import mock

from django.db import OperationalError


def test_it_answers_ok_when_the_database_answers(client, db):
    response = client.get("/sante/")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_it_answers_503_when_the_database_does_not(client, db):
    with mock.patch("fabrique.views.connection.cursor", side_effect=OperationalError("connexion refusée")):
        response = client.get("/sante/")

    assert response.status_code == 503
    assert response.json()["status"] == "error"


def test_the_browsers_favicon_request_finds_the_sites_icon(client, db):
    response = client.get("/favicon.ico")

    assert response.status_code == 301
    assert response["Location"].startswith("/static/img/favicon") and response["Location"].endswith(".svg")
