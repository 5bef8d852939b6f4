"""Failed sign-ins are throttled per e-mail address and IP address, with a cool-off rather than a lasting lock."""

import re
from datetime import timedelta

from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.db.models import F

from tests.fabrique.factories import PASSWORD, UserFactory

EMAIL = "revelateur35@fabrique.test"


def sign_in(client, email=EMAIL, password=PASSWORD, ip="192.0.2.1"):
    return client.post("/compte/connexion/", {"username": email, "password": password}, REMOTE_ADDR=ip)


def fail(client, times, email=EMAIL, ip="192.0.2.1"):
    for _ in range(times):
        response = sign_in(client, email, "faux", ip)
    return response


def test_four_failures_still_let_the_person_in(client, revelateur35):
    assert fail(client, 4).status_code == 200

    response = sign_in(client)

    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(revelateur35.pk)


def test_five_failures_lock_the_address_even_against_the_right_password(client, revelateur35):
    assert fail(client, 5).status_code == 429

    response = sign_in(client)

    assert response.status_code == 429
    assert SESSION_KEY not in client.session


def test_the_lockout_page_is_french_says_to_retry_later_and_offers_a_new_password(client, revelateur35):
    response = fail(client, 5)

    assert response.status_code == 429
    content = " ".join(response.content.decode().split())
    assert '<html lang="fr">' in content
    assert re.search(r"<title>\s*Connexion suspendue — Fabrique à initiatives\s*</title>", content)
    assert "la connexion est suspendue pendant 15 minutes." in content
    assert "Réessayez plus tard" in content
    assert 'href="/compte/mot-de-passe/oublie/"' in content


def test_an_unknown_address_is_locked_the_same_way(client, db):
    assert fail(client, 4, email="inconnu@fabrique.test").status_code == 200
    assert fail(client, 1, email="inconnu@fabrique.test").status_code == 429


def test_another_address_from_the_same_ip_is_not_locked(client, revelateur35, revelateur29):
    fail(client, 5)

    response = sign_in(client, "revelateur29@fabrique.test")

    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(revelateur29.pk)


def test_the_same_address_from_another_ip_is_not_locked(client, revelateur35):
    fail(client, 5, ip="192.0.2.1")

    response = sign_in(client, ip="198.51.100.7")

    assert response.status_code == 302


def test_changing_the_case_of_the_address_gives_no_more_attempts(client, revelateur35):
    fail(client, 3, email="REVELATEUR35@fabrique.test")

    assert fail(client, 2, email="Revelateur35@Fabrique.test").status_code == 429


def test_after_the_cool_off_the_person_signs_in_again(client, revelateur35):
    fail(client, 5)
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=15, seconds=1))

    response = sign_in(client)

    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(revelateur35.pk)


def test_a_successful_sign_in_resets_the_count_of_failures(client, revelateur35):
    fail(client, 4)
    sign_in(client)
    client.post("/compte/deconnexion/")

    assert fail(client, 4).status_code == 200
    assert sign_in(client).status_code == 302


def test_choosing_a_new_password_lifts_the_lock(client, revelateur35):
    fail(client, 5)
    client.post("/compte/mot-de-passe/oublie/", {"email": EMAIL})
    link = re.search(r"https?://testserver(/compte/mot-de-passe/nouveau/\S+/)", mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    new_password = "un-nouveau-mot-de-passe-solide"
    client.post(form_page.redirect_chain[-1][0], {"new_password1": new_password, "new_password2": new_password})

    response = sign_in(client, password=new_password)

    assert response.status_code == 302


def test_other_people_are_not_unlocked_by_someone_choosing_a_password(client, revelateur35):
    other = UserFactory(email="autre@fabrique.test", collectivite=True)
    fail(client, 5, email=other.email)
    client.post("/compte/mot-de-passe/oublie/", {"email": EMAIL})
    link = re.search(r"https?://testserver(/compte/mot-de-passe/nouveau/\S+/)", mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    new_password = "un-nouveau-mot-de-passe-solide"
    client.post(form_page.redirect_chain[-1][0], {"new_password1": new_password, "new_password2": new_password})

    assert sign_in(client, other.email).status_code == 429
