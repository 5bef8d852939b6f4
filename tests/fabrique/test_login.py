import re

import pytest
from django.contrib.auth import SESSION_KEY

from tests.fabrique.factories import PASSWORD

LOGIN_URL = "/compte/connexion/"


def sign_in(client, email, password=PASSWORD, **extra):
    return client.post(LOGIN_URL, {"username": email, "password": password, **extra})


def page_title(response):
    return " ".join(re.search(r"<title>(.*?)</title>", response.content.decode(), re.S).group(1).split())


def test_it_signs_a_person_in_with_their_email_and_password(client, revelateur35):
    response = sign_in(client, "revelateur35@fabrique.test")

    assert response.status_code == 302
    assert response.url == "/"
    assert client.session[SESSION_KEY] == str(revelateur35.pk)


def test_it_ignores_the_case_of_the_email_address(client, revelateur35):
    response = sign_in(client, "  Revelateur35@Fabrique.TEST ")

    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(revelateur35.pk)


def test_it_takes_the_person_to_the_page_they_asked_for(client, revelateur35):
    response = sign_in(client, "revelateur35@fabrique.test", next="/compte/mot-de-passe/")

    assert response.url == "/compte/mot-de-passe/"


def test_it_does_not_take_the_person_to_another_site(client, revelateur35):
    response = sign_in(client, "revelateur35@fabrique.test", next="https://example.com/")

    assert response.url == "/"


@pytest.mark.parametrize(
    "email, password", [("revelateur35@fabrique.test", "faux"), ("inconnu@fabrique.test", PASSWORD)]
)
def test_it_refuses_a_wrong_password_or_an_unknown_email_with_one_message(client, revelateur35, email, password):
    response = sign_in(client, email, password)

    assert response.status_code == 200
    assert SESSION_KEY not in client.session
    assert response.context["form"].non_field_errors() == ["Adresse e-mail ou mot de passe incorrect."]
    assert '<div class="form__errors" role="alert">' in response.content.decode()


def test_a_wrong_password_and_an_unknown_email_give_identical_pages(client, revelateur35):
    wrong_password = sign_in(client, "revelateur35@fabrique.test", "faux").content.decode()
    unknown_email = sign_in(client, "inconnu@fabrique.test", "faux").content.decode()

    def without_csrf_token(html):
        return "".join(line for line in html.splitlines() if "csrfmiddlewaretoken" not in line)

    assert without_csrf_token(wrong_password).replace("revelateur35", "inconnu") == without_csrf_token(unknown_email)


def test_it_refuses_a_deactivated_account_with_the_same_message(client, revelateur35):
    revelateur35.is_active = False
    revelateur35.save()

    response = sign_in(client, "revelateur35@fabrique.test")

    assert SESSION_KEY not in client.session
    assert response.context["form"].non_field_errors() == ["Adresse e-mail ou mot de passe incorrect."]


def test_it_keeps_the_typed_email_but_never_the_password(client, revelateur35):
    response = sign_in(client, "revelateur35@fabrique.test", "mon-secret-errone")

    content = response.content.decode()
    assert 'value="revelateur35@fabrique.test"' in content
    assert "mon-secret-errone" not in content


def test_the_login_page_is_french_with_labelled_fields_and_autocomplete(client, db):
    response = client.get(LOGIN_URL)

    assert response.status_code == 200
    assert page_title(response) == "Connexion — Fabrique à initiatives"
    content = response.content.decode()
    assert '<label for="id_username">' in content
    assert '<label for="id_password">' in content
    assert 'autocomplete="email"' in content
    assert 'autocomplete="current-password"' in content
    assert 'href="/compte/mot-de-passe/oublie/"' in content


def test_a_field_error_is_shown_next_to_its_field_and_tied_to_it(client, db):
    response = sign_in(client, "pas-une-adresse", "")

    content = response.content.decode()
    assert 'id="id_username_error"' in content
    assert 'aria-invalid="true" aria-describedby="id_username_error" id="id_username"' in content
    assert 'aria-describedby="id_password_error" id="id_password"' in content
    assert page_title(response) == "Erreur — Connexion — Fabrique à initiatives"


def test_a_signed_in_person_opening_the_login_page_goes_home(client, revelateur35):
    client.force_login(revelateur35)

    response = client.get(LOGIN_URL)

    assert response.status_code == 302
    assert response.url == "/"


def test_it_signs_out_with_a_post(client, revelateur35):
    client.force_login(revelateur35)

    response = client.post("/compte/deconnexion/")

    assert response.status_code == 302
    assert response.url == "/"
    assert SESSION_KEY not in client.session


def test_a_get_does_not_sign_out(client, revelateur35):
    client.force_login(revelateur35)

    response = client.get("/compte/deconnexion/")

    assert response.status_code == 405
    assert client.session[SESSION_KEY] == str(revelateur35.pk)


def test_signing_out_after_the_session_expired_just_goes_home(client, db):
    response = client.post("/compte/deconnexion/")

    assert response.status_code == 302
    assert response.url == "/"


def test_the_header_signs_out_through_a_form(client, revelateur35):
    client.force_login(revelateur35)

    content = client.get("/").content.decode()

    assert '<form method="post" action="/compte/deconnexion/"' in content
