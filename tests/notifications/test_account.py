"""« Mon compte »: each person changes their name and e-mail address, and chooses which messages they receive."""

import pytest
from django.core import mail
from django_tasks_db.models import DBTaskResult

from fabrique.models import User
from notifications.models import Frequency, Kind, Preference
from tests.fabrique.factories import PASSWORD, UserFactory

ACCOUNT = "/compte/"


def data(user, **changes):
    """The form as the page shows it to this user, with these changes."""
    values = {
        "account-first_name": user.first_name,
        "account-last_name": user.last_name,
        "account-email": user.email,
        "account-current_password": "",
    }
    values.update({f"notifications-{kind}": frequency for kind, frequency in Preference.objects.of(user).items()})
    values.update(changes)
    return values


def test_the_header_links_to_the_account_page(client, revelateur35):
    client.force_login(revelateur35)

    page = client.get("/").content.decode()

    assert f'<a href="{ACCOUNT}"' in page


def test_the_page_offers_each_role_its_own_messages_with_their_defaults(client, revelateur35, collectivite, avise):
    client.force_login(revelateur35)
    form = client.get(ACCOUNT).context["preferences_form"]
    assert list(form.fields) == [Kind.PROPOSAL_RECEIVED, Kind.COPIL_COMING, Kind.FOLLOW_UP_DUE, Kind.PROJECT_DORMANT]
    assert [form[name].initial for name in form.fields] == ["immediately", "weekly", "weekly", "weekly"]

    client.force_login(collectivite)
    assert list(client.get(ACCOUNT).context["preferences_form"].fields) == [Kind.PROPOSAL_FOLLOWED]

    client.force_login(avise)
    response = client.get(ACCOUNT)
    assert list(response.context["preferences_form"].fields) == []
    assert "Mes notifications" not in response.content.decode()


def test_the_page_says_once_that_every_field_is_required(client, revelateur35):
    client.force_login(revelateur35)

    page = client.get(ACCOUNT).content.decode()

    assert page.count("Sauf mention contraire, tous les champs sont obligatoires.") == 1


def test_a_person_changes_their_name(client, revelateur35):
    client.force_login(revelateur35)

    response = client.post(
        ACCOUNT, data(revelateur35, **{"account-first_name": "Maëlle", "account-last_name": "Le Gall"})
    )

    assert response["Location"] == ACCOUNT
    revelateur35.refresh_from_db()
    assert revelateur35.get_full_name() == "Maëlle Le Gall"
    assert "Vos modifications sont enregistrées." in client.get(ACCOUNT).content.decode()


def test_a_person_chooses_how_often_they_receive_each_message(client, revelateur35):
    client.force_login(revelateur35)

    client.post(
        ACCOUNT,
        data(
            revelateur35,
            **{"notifications-proposal_received": "weekly", "notifications-project_dormant": "never"},
        ),
    )

    assert Preference.objects.of(revelateur35) == {
        Kind.PROPOSAL_RECEIVED: Frequency.WEEKLY,
        Kind.COPIL_COMING: Frequency.WEEKLY,
        Kind.FOLLOW_UP_DUE: Frequency.WEEKLY,
        Kind.PROJECT_DORMANT: Frequency.NEVER,
    }
    # Only the choices that differ from the default are new rows; a page saved unchanged writes nothing.
    assert Preference.objects.count() == 2
    response = client.post(ACCOUNT, data(revelateur35), follow=True)
    assert "Vous n&#x27;avez rien modifié." in response.content.decode()


def test_a_message_of_another_role_cannot_be_chosen(client, collectivite):
    client.force_login(collectivite)

    client.post(ACCOUNT, data(collectivite, **{"notifications-copil_coming": "immediately"}))

    assert not Preference.objects.filter(kind=Kind.COPIL_COMING).exists()


def test_an_unknown_frequency_is_refused_and_the_input_kept(client, revelateur35):
    client.force_login(revelateur35)

    response = client.post(
        ACCOUNT, data(revelateur35, **{"notifications-copil_coming": "daily", "account-first_name": "Typed"})
    )

    assert response.status_code == 200
    assert response.context["preferences_form"].errors == {"copil_coming": ["Choisissez une fréquence."]}
    assert 'value="Typed"' in response.content.decode()
    revelateur35.refresh_from_db()
    assert revelateur35.first_name != "Typed"
    assert not Preference.objects.exists()


def test_changing_the_email_asks_for_the_current_password(client, revelateur35):
    client.force_login(revelateur35)

    response = client.post(ACCOUNT, data(revelateur35, **{"account-email": "nouvelle@fabrique.test"}))

    assert response.status_code == 200
    message = "Indiquez votre mot de passe actuel pour changer d'adresse e-mail."
    assert response.context["account_form"].errors == {"current_password": [message]}
    assert 'aria-invalid="true"' in response.content.decode()
    assert User.objects.get(pk=revelateur35.pk).email == "revelateur35@fabrique.test"


def test_a_wrong_password_changes_nothing(client, revelateur35):
    client.force_login(revelateur35)

    response = client.post(
        ACCOUNT,
        data(revelateur35, **{"account-email": "nouvelle@fabrique.test", "account-current_password": "pas-le-bon"}),
    )

    assert response.context["account_form"].errors == {
        "current_password": ["Ce mot de passe n'est pas le vôtre : l'adresse n'a pas changé."]
    }
    assert 'value="nouvelle@fabrique.test"' in response.content.decode()
    assert User.objects.get(pk=revelateur35.pk).email == "revelateur35@fabrique.test"


def test_the_new_email_is_saved_lowercase_and_the_former_address_is_told(
    client, revelateur35, django_capture_on_commit_callbacks, run_worker
):
    client.force_login(revelateur35)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            ACCOUNT,
            data(revelateur35, **{"account-email": "Nouvelle@Fabrique.test", "account-current_password": PASSWORD}),
        )
    assert not mail.outbox
    run_worker()

    assert response.status_code == 302
    assert User.objects.get(pk=revelateur35.pk).email == "nouvelle@fabrique.test"
    [message] = mail.outbox
    assert message.to == ["revelateur35@fabrique.test"]
    assert "désormais nouvelle@fabrique.test" in message.body
    # Still signed in: the session does not depend on the address.
    assert client.get(ACCOUNT).status_code == 200


@pytest.mark.parametrize("typed", ["revelateur29@fabrique.test", "REVELATEUR29@fabrique.test"])
def test_an_address_another_account_uses_is_refused(client, revelateur35, revelateur29, typed):
    client.force_login(revelateur35)

    response = client.post(
        ACCOUNT, data(revelateur35, **{"account-email": typed, "account-current_password": PASSWORD})
    )

    assert response.context["account_form"].errors == {"email": ["Un compte existe déjà avec cette adresse e-mail."]}
    assert User.objects.get(pk=revelateur35.pk).email == "revelateur35@fabrique.test"
    assert not DBTaskResult.objects.exists()


def test_an_empty_or_invalid_email_is_refused(client, revelateur35):
    client.force_login(revelateur35)

    empty = client.post(ACCOUNT, data(revelateur35, **{"account-email": ""}))
    invalid = client.post(ACCOUNT, data(revelateur35, **{"account-email": "pas-une-adresse"}))

    assert empty.context["account_form"].errors["email"] == ["Indiquez votre adresse e-mail."]
    assert invalid.context["account_form"].errors["email"] == [
        "Saisissez une adresse e-mail valide, par exemple prenom.nom@exemple.fr."
    ]


def test_the_page_asks_to_sign_in(client):
    response = client.get(ACCOUNT)

    assert response.status_code == 302
    assert response["Location"].startswith("/compte/connexion/")


def test_the_page_runs_a_fixed_number_of_queries(client, revelateur35, django_assert_num_queries):
    client.force_login(revelateur35)
    for kind in (Kind.COPIL_COMING, Kind.PROJECT_DORMANT):
        Preference.objects.create(user=revelateur35, kind=kind, frequency=Frequency.NEVER)
        UserFactory(structure=revelateur35.structure)
        # session, user, the user's preferences, the user's structure (shown on the page)
        with django_assert_num_queries(4):
            client.get(ACCOUNT)
