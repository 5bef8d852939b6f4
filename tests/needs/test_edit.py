import datetime

import pytest
from django.test import Client
from django.utils import timezone

from needs.models import Need
from tests.fabrique.factories import UserFactory
from tests.needs.factories import NeedFactory
from tests.pages import form_values


@pytest.fixture
def need(revelateur35, ille_et_vilaine, themes):
    return NeedFactory(
        created_by=revelateur35,
        title="Garde d'enfants",
        themes=[themes["Mobilité"]],
        epci_id="243500139",
        communes=list(ille_et_vilaine.communes.filter(code="35238")),
        detected_on=datetime.date(2026, 1, 15),
    )


def edit_data(need, **changes):
    return {
        "title": need.title,
        "description": need.description,
        "themes": [theme.pk for theme in need.themes.all()],
        "source": need.source,
        "source_detail": need.source_detail,
        "target_public": need.target_public,
        "department": need.department_id,
        "epci": need.epci_id or "",
        "communes": ", ".join(commune.name for commune in need.communes.all()),
        "territory_kind": need.territory_kind,
        "detected_on": need.detected_on.isoformat(),
        "version": need.version,
        **changes,
    }


def test_the_form_reads_as_the_need_was_typed(client, revelateur35, need):
    client.force_login(revelateur35)

    response = client.get(f"/besoins/{need.pk}/modifier/")

    html = response.content.decode()
    assert response.status_code == 200
    assert 'value="Garde d&#x27;enfants"' in html
    assert ">\nRennes</textarea>" in html
    assert 'name="version" value="1"' in html


def test_it_saves_an_edit(client, revelateur35, need, themes):
    client.force_login(revelateur35)

    response = client.post(
        f"/besoins/{need.pk}/modifier/",
        edit_data(need, title="Garde d'enfants le soir", themes=[themes["Bien-vieillir"].pk], communes="Cesson"),
    )

    assert response.status_code == 200
    assert "« Cesson » n&#x27;est pas une commune" in response.content.decode()

    response = client.post(
        f"/besoins/{need.pk}/modifier/",
        edit_data(
            need, title="Garde d'enfants le soir", themes=[themes["Bien-vieillir"].pk], communes="cesson-sévigné"
        ),
    )

    assert response.status_code == 302
    need.refresh_from_db()
    assert need.title == "Garde d'enfants le soir"
    assert [theme.name for theme in need.themes.all()] == ["Bien-vieillir"]
    assert [commune.name for commune in need.communes.all()] == ["Cesson-Sévigné"]
    assert need.version == 2
    assert "Vos modifications sont enregistrées." in client.get(response["Location"]).content.decode()


def test_an_invalid_edit_changes_nothing(client, revelateur35, need):
    client.force_login(revelateur35)

    response = client.post(f"/besoins/{need.pk}/modifier/", edit_data(need, title="", detected_on="2999-01-01"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "La date de détection ne peut pas être dans le futur." in html
    need.refresh_from_db()
    assert (need.title, need.version) == ("Garde d'enfants", 1)


def test_a_withdrawn_theme_stays_on_the_need_it_is_on(client, revelateur35, need, themes):
    themes["Mobilité"].is_active = False
    themes["Mobilité"].save()
    client.force_login(revelateur35)

    response = client.post(f"/besoins/{need.pk}/modifier/", edit_data(need, title="Nouveau titre"))

    assert response.status_code == 302
    assert [theme.name for theme in need.themes.all()] == ["Mobilité"]


@pytest.fixture
def colleague(tag35):
    return UserFactory(first_name="Camille", last_name="Martin", structure=tag35)


def at_five_past_two(need):
    """Date the last save of the need today at 14:05, local time."""
    moment = timezone.localtime().replace(hour=14, minute=5)
    Need.objects.filter(pk=need.pk).update(updated_at=moment)


def test_a_colleagues_save_since_the_form_was_read_is_shown_field_by_field_and_kept(
    client, revelateur35, colleague, need
):
    client.force_login(revelateur35)
    path = f"/besoins/{need.pk}/modifier/"
    read = form_values(client.get(path), path)
    other = Client()
    other.force_login(colleague)
    theirs = form_values(other.get(path), path)
    other.post(path, {**theirs, "description": "Vu avec le CCAS de Rennes."})
    at_five_past_two(need)

    response = client.post(path, {**read, "title": "Garde d'enfants le soir"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "Camille Martin a enregistré cette fiche à\u00a014\u00a0h\u00a005" in html
    assert "<caption>Les champs modifiés par l'autre enregistrement" in html
    assert '<th scope="row">Description</th>' in html
    assert '<td data-label="Valeur enregistrée">Vu avec le CCAS de Rennes.</td>' in html
    assert "La valeur enregistrée, car vous n'aviez pas modifié ce champ." in html
    need.refresh_from_db()
    assert (need.title, need.description, need.version, need.updated_by) == (
        "Garde d'enfants",
        "Vu avec le CCAS de Rennes.",
        2,
        colleague,
    )

    # Sent again as shown, the form writes the new title and keeps the colleague's description.
    response = client.post(path, form_values(response, path))

    assert response.status_code == 302
    need.refresh_from_db()
    assert (need.title, need.description, need.version, need.updated_by) == (
        "Garde d'enfants le soir",
        "Vu avec le CCAS de Rennes.",
        3,
        revelateur35,
    )


def test_a_field_both_changed_keeps_the_input_and_is_overwritten_only_when_sent_again(
    client, revelateur35, colleague, need
):
    client.force_login(revelateur35)
    path = f"/besoins/{need.pk}/modifier/"
    read = form_values(client.get(path), path)
    other = Client()
    other.force_login(colleague)
    other.post(path, {**form_values(other.get(path), path), "title": "Garde d'enfants : leur titre"})

    response = client.post(path, {**read, "title": "Garde d'enfants : mon titre"})

    html = response.content.decode()
    assert '<td data-label="Valeur enregistrée">Garde d&#x27;enfants : leur titre</td>' in html
    assert '<td data-label="Votre saisie">Garde d&#x27;enfants : mon titre</td>' in html
    assert "Votre saisie, que vous aviez aussi modifiée" in html
    assert 'name="title" value="Garde d&#x27;enfants : mon titre"' in html
    assert Need.objects.get(pk=need.pk).title == "Garde d'enfants : leur titre"

    client.post(path, form_values(response, path))

    assert Need.objects.get(pk=need.pk).title == "Garde d'enfants : mon titre"


def test_a_save_in_another_tab_is_named_as_ones_own(client, revelateur35, need):
    client.force_login(revelateur35)
    path = f"/besoins/{need.pk}/modifier/"
    first_tab = form_values(client.get(path), path)
    second_tab = form_values(client.get(path), path)
    client.post(path, {**first_tab, "target_public": "Parents en horaires décalés"})
    at_five_past_two(need)

    response = client.post(path, {**second_tab, "title": "Autre titre"})

    html = response.content.decode()
    assert "Vous avez enregistré cette fiche dans un autre onglet à\u00a014\u00a0h\u00a005" in html
    assert "quelqu&#x27;un d&#x27;autre" not in html
    assert Need.objects.get(pk=need.pk).title == "Garde d'enfants"


def test_a_status_change_since_the_form_was_read_does_not_stop_the_edit(client, revelateur35, need):
    client.force_login(revelateur35)
    path = f"/besoins/{need.pk}/modifier/"
    read = form_values(client.get(path), path)
    need.qualify(by=revelateur35)

    response = client.post(path, {**read, "title": "Autre titre"})

    assert response.status_code == 302
    need.refresh_from_db()
    assert (need.title, need.status, need.version) == ("Autre titre", Need.Status.QUALIFIED, 3)


def test_an_edit_does_not_touch_the_status_nor_the_history(client, revelateur35, need):
    client.force_login(revelateur35)

    client.post(f"/besoins/{need.pk}/modifier/", edit_data(need, title="Autre titre", status="dismissed"))

    need.refresh_from_db()
    assert need.status == Need.Status.DETECTED
    assert need.events.count() == 1
