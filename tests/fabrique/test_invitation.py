import re
import smtplib
from unittest import mock

from django.contrib.auth import SESSION_KEY
from django.core import mail

from fabrique.models import User
from tests.fabrique.factories import UserFactory
from tests.partners.factories import OrganizationFactory

ADD_URL = "/admin/fabrique/user/add/"
CHANGELIST_URL = "/admin/fabrique/user/"
PASSWORD = "un-mot-de-passe-bien-choisi"


def add_account(client, **fields):
    data = {
        "email": "nouvelle@fabrique.test",
        "first_name": "Anne",
        "last_name": "Le Goff",
        "role": "",
        "structure": "",
        "organization": "",
    }
    return client.post(ADD_URL, {**data, **fields})


def link_in(message):
    return re.search(r"https?://testserver(/compte/mot-de-passe/nouveau/\S+/)", message.body).group(1)


def test_an_administrator_creates_an_account_and_the_person_chooses_their_password(client, administrator, tag35):
    client.force_login(administrator)

    response = add_account(client, email="Anne.LeGoff@Fabrique.test", role="revelateur", structure=tag35.pk)

    assert response.status_code == 302
    user = User.objects.get(email="anne.legoff@fabrique.test")
    assert (user.role, user.structure) == (User.Role.REVELATEUR, tag35)
    assert not user.has_usable_password()
    [message] = mail.outbox
    assert message.to == ["anne.legoff@fabrique.test"]
    assert message.subject == "Votre compte sur la plateforme de la Fabrique à initiatives en Bretagne"
    assert "Bonjour Anne," in message.body
    assert "avec le rôle « Révélateur » (TAg35)" in message.body

    client.logout()
    form_page = client.get(link_in(message), follow=True)
    assert "Choisir un mot de passe" in form_page.content.decode()
    response = client.post(form_page.redirect_chain[-1][0], {"new_password1": PASSWORD, "new_password2": PASSWORD})
    assert response.url == "/compte/mot-de-passe/nouveau/termine/"
    client.post("/compte/connexion/", {"username": "anne.legoff@fabrique.test", "password": PASSWORD})
    assert client.session[SESSION_KEY] == str(user.pk)


def test_the_add_form_asks_for_no_password(client, administrator):
    client.force_login(administrator)

    response = client.get(ADD_URL)

    assert response.status_code == 200
    assert list(response.context["adminform"].form.fields) == [
        "email",
        "first_name",
        "last_name",
        "role",
        "structure",
        "organization",
    ]


def test_an_invited_person_cannot_sign_in_before_choosing_a_password(client, administrator, rennes_metropole):
    client.force_login(administrator)
    add_account(client, role="collectivite", organization=rennes_metropole.pk)
    assert User.objects.filter(email="nouvelle@fabrique.test").exists()
    client.logout()

    response = client.post("/compte/connexion/", {"username": "nouvelle@fabrique.test", "password": ""})

    assert SESSION_KEY not in client.session
    assert response.status_code == 200


def test_a_revelateur_needs_a_structure(client, administrator):
    client.force_login(administrator)

    response = add_account(client, role="revelateur")

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"structure": ["Choisissez la structure de ce révélateur."]}
    assert not User.objects.filter(email="nouvelle@fabrique.test").exists()
    assert mail.outbox == []


def test_only_a_revelateur_belongs_to_a_structure(client, administrator, tag35, rennes_metropole):
    client.force_login(administrator)

    response = add_account(client, role="collectivite", structure=tag35.pk, organization=rennes_metropole.pk)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "structure": ["Seul un révélateur appartient à une structure : laissez ce champ vide."]
    }
    assert "Seul un révélateur appartient à une structure" in response.content.decode()


def test_changing_an_account_checks_the_structure_too(client, administrator, revelateur35):
    client.force_login(administrator)

    response = client.post(
        f"/admin/fabrique/user/{revelateur35.pk}/change/",
        {"email": revelateur35.email, "role": "avise", "structure": revelateur35.structure.pk, "is_active": "on"},
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "structure": ["Seul un révélateur appartient à une structure : laissez ce champ vide."]
    }


def test_an_address_already_used_whatever_its_case_is_refused(client, administrator, revelateur35):
    client.force_login(administrator)

    response = add_account(client, email="REVELATEUR35@fabrique.test", role="collectivite")

    assert response.status_code == 200
    assert "Un compte existe déjà avec cette adresse e-mail." in response.content.decode()
    assert mail.outbox == []


def test_avise_staff_cannot_add_accounts(client, avise):
    client.force_login(avise)

    assert client.get(ADD_URL).status_code == 403
    assert add_account(client, role="collectivite").status_code == 403
    assert not User.objects.filter(email="nouvelle@fabrique.test").exists()


def test_an_administrator_resends_an_invitation(client, administrator):
    invited = UserFactory(email="invitee@fabrique.test", password=None, collectivite=True)
    client.force_login(administrator)

    response = client.post(
        CHANGELIST_URL, {"action": "resend_invitation", "_selected_action": [invited.pk]}, follow=True
    )

    [message] = mail.outbox
    assert message.to == ["invitee@fabrique.test"]
    assert "Invitation renvoyée à 1 personne." in response.content.decode()
    assert client.get(link_in(message), follow=True).context["validlink"]


def test_it_sends_no_invitation_to_a_person_who_already_chose_a_password(client, administrator, revelateur35):
    client.force_login(administrator)

    response = client.post(
        CHANGELIST_URL, {"action": "resend_invitation", "_selected_action": [revelateur35.pk]}, follow=True
    )

    assert mail.outbox == []
    assert "1 compte sans invitation en attente" in response.content.decode()


def test_avise_staff_cannot_resend_invitations(client, avise):
    invited = UserFactory(email="invitee@fabrique.test", password=None, collectivite=True)
    client.force_login(avise)

    response = client.post(CHANGELIST_URL, {"action": "resend_invitation", "_selected_action": [invited.pk]})

    assert mail.outbox == []
    assert response.status_code == 200
    assert "resend_invitation" not in response.content.decode()


def test_the_account_is_kept_when_the_invitation_cannot_be_sent(client, administrator, rennes_metropole):
    client.force_login(administrator)

    with mock.patch("fabrique.accounts.send_mail", side_effect=smtplib.SMTPServerDisconnected):
        response = add_account(client, role="collectivite", organization=rennes_metropole.pk)

    assert User.objects.filter(email="nouvelle@fabrique.test").exists()
    assert "L&#x27;invitation n&#x27;a pas pu être envoyée" in client.get(response.url).content.decode()


def test_a_collectivite_account_belongs_to_a_collectivite(client, administrator):
    client.force_login(administrator)

    response = add_account(client, role="collectivite")

    assert response.context["adminform"].form.errors == {"organization": ["Choisissez la collectivité de ce compte."]}
    assert not User.objects.filter(email="nouvelle@fabrique.test").exists()


def test_only_a_collectivite_account_belongs_to_a_collectivite(client, administrator, rennes_metropole):
    client.force_login(administrator)

    response = add_account(client, role="avise", organization=rennes_metropole.pk)

    assert "organization" in response.context["adminform"].form.errors
    assert not User.objects.filter(email="nouvelle@fabrique.test").exists()


def test_an_association_cannot_hold_a_collectivite_account(client, administrator):
    association = OrganizationFactory()
    client.force_login(administrator)

    response = add_account(client, role="collectivite", organization=association.pk)

    assert "organization" in response.context["adminform"].form.errors
    assert not User.objects.filter(email="nouvelle@fabrique.test").exists()
