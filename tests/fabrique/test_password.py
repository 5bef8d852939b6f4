import re

from django.contrib.auth import SESSION_KEY
from django.core import mail

from tests.fabrique.factories import PASSWORD, UserFactory

NEW_PASSWORD = "un-nouveau-mot-de-passe-solide"


def link_in(message):
    return re.search(r"https?://testserver(/compte/mot-de-passe/nouveau/\S+/)", message.body).group(1)


def choose_password(client, link, password=NEW_PASSWORD):
    """Follow the link of an e-mail and choose a password on the page it leads to, as a browser would."""
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    return client.post(form_page.redirect_chain[-1][0], {"new_password1": password, "new_password2": password})


def test_my_account_page_asks_to_sign_in_first(client, db):
    response = client.get("/compte/mot-de-passe/")

    assert response.status_code == 302
    assert response.url == "/compte/connexion/?next=/compte/mot-de-passe/"


def test_my_account_page_shows_the_account_and_links_to_the_password_form(client, revelateur35):
    client.force_login(revelateur35)

    account = client.get("/compte/").content.decode()
    response = client.get("/compte/mot-de-passe/")

    assert 'value="revelateur35@fabrique.test"' in account
    assert "Révélateur" in account
    assert "TAg35" in account
    assert '<a href="/compte/mot-de-passe/">Changer de mot de passe</a>' in account
    content = response.content.decode()
    assert 'autocomplete="current-password"' in content
    assert content.count('autocomplete="new-password"') == 2


def test_a_person_changes_their_password_and_stays_signed_in(client, revelateur35):
    client.force_login(revelateur35)

    response = client.post(
        "/compte/mot-de-passe/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    assert response.url == "/compte/mot-de-passe/modifie/"
    assert client.get(response.url).status_code == 200
    revelateur35.refresh_from_db()
    assert revelateur35.check_password(NEW_PASSWORD)
    assert client.session[SESSION_KEY] == str(revelateur35.pk)


def test_it_refuses_a_wrong_current_password_next_to_the_field(client, revelateur35):
    client.force_login(revelateur35)

    response = client.post(
        "/compte/mot-de-passe/",
        {"old_password": "faux", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert response.status_code == 200
    assert 'aria-invalid="true" aria-describedby="id_old_password_error"' in response.content.decode()
    revelateur35.refresh_from_db()
    assert revelateur35.check_password(PASSWORD)


def test_it_refuses_a_short_new_password_and_explains_why(client, revelateur35):
    client.force_login(revelateur35)

    response = client.post(
        "/compte/mot-de-passe/", {"old_password": PASSWORD, "new_password1": "court", "new_password2": "court"}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["new_password2"] == [
        "Ce mot de passe est trop court. Il doit contenir au minimum 12 caractères."
    ]
    assert 'aria-describedby="id_new_password2_helptext id_new_password2_error"' in response.content.decode()


def test_a_forgotten_password_is_reset_through_a_link_by_email(client, revelateur35):
    response = client.post("/compte/mot-de-passe/oublie/", {"email": "Revelateur35@fabrique.test"})

    assert response.status_code == 302
    assert response.url == "/compte/mot-de-passe/oublie/envoye/"
    [message] = mail.outbox
    assert message.to == ["revelateur35@fabrique.test"]
    assert message.subject == "Choisir un nouveau mot de passe — Fabrique à initiatives en Bretagne"
    assert "Bonjour" in message.body

    response = choose_password(client, link_in(message))

    assert response.status_code == 302
    assert response.url == "/compte/mot-de-passe/nouveau/termine/"
    assert "Mot de passe enregistré" in client.get(response.url).content.decode()
    response = client.post("/compte/connexion/", {"username": "revelateur35@fabrique.test", "password": NEW_PASSWORD})
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(revelateur35.pk)


def test_an_unknown_address_gets_the_same_page_and_no_email(client, revelateur35):
    known = client.post("/compte/mot-de-passe/oublie/", {"email": "revelateur35@fabrique.test"}, follow=True)
    mail.outbox.clear()

    unknown = client.post("/compte/mot-de-passe/oublie/", {"email": "inconnu@fabrique.test"}, follow=True)

    assert unknown.redirect_chain == known.redirect_chain
    assert unknown.content == known.content
    assert mail.outbox == []


def test_a_reset_link_serves_only_once(client, revelateur35):
    client.post("/compte/mot-de-passe/oublie/", {"email": "revelateur35@fabrique.test"})
    link = link_in(mail.outbox[0])
    choose_password(client, link)

    response = client.get(link, follow=True)

    content = response.content.decode()
    assert "Lien expiré" in content
    assert 'href="/compte/mot-de-passe/oublie/"' in content
    assert "<form" not in content.split('id="contenu"')[1]


def test_the_new_password_page_works_as_a_plain_html_form(client, revelateur35):
    client.post("/compte/mot-de-passe/oublie/", {"email": "revelateur35@fabrique.test"})

    response = client.get(link_in(mail.outbox[0]), follow=True)

    content = response.content.decode()
    assert '<form method="post"' in content
    assert "<script" not in content
    assert '<label for="id_new_password1">' in content
    assert content.count('autocomplete="new-password"') == 2
    assert "revelateur35@fabrique.test" in content


def test_a_deactivated_account_receives_no_reset_link(client, revelateur35):
    revelateur35.is_active = False
    revelateur35.save()

    client.post("/compte/mot-de-passe/oublie/", {"email": "revelateur35@fabrique.test"})

    assert mail.outbox == []


def test_an_invited_person_who_has_no_password_yet_can_ask_for_a_new_link(client, db):
    invited = UserFactory(email="invitee@fabrique.test", password=None, collectivite=True)
    assert not invited.has_usable_password()

    client.post("/compte/mot-de-passe/oublie/", {"email": "invitee@fabrique.test"})

    [message] = mail.outbox
    assert message.to == ["invitee@fabrique.test"]
    choose_password(client, link_in(message))
    invited.refresh_from_db()
    assert invited.check_password(NEW_PASSWORD)
