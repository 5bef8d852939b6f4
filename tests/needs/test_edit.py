import datetime

import pytest

from needs.models import Need
from tests.needs.factories import NeedFactory


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


def test_of_two_edits_from_the_same_version_the_second_is_refused_and_kept(client, revelateur35, need):
    client.force_login(revelateur35)
    read = edit_data(need)

    client.post(f"/besoins/{need.pk}/modifier/", {**read, "title": "Garde d'enfants : première version"})
    response = client.post(f"/besoins/{need.pk}/modifier/", {**read, "title": "Garde d'enfants : seconde version"})

    assert response.status_code == 200
    html = response.content.decode()
    assert "Quelqu&#x27;un d&#x27;autre a modifié ce besoin pendant que vous le modifiiez" in html
    assert 'value="Garde d&#x27;enfants : seconde version"' in html
    assert "La version enregistrée entre-temps" in html
    need.refresh_from_db()
    assert need.title == "Garde d'enfants : première version"
    assert need.version == 2
    # The form now carries the version read with the conflict: saving again is a deliberate choice.
    assert 'name="version" value="2"' in html


def test_a_status_change_since_the_form_was_read_is_a_conflict_too(client, revelateur35, need):
    client.force_login(revelateur35)
    read = edit_data(need)
    need.qualify(by=revelateur35)

    response = client.post(f"/besoins/{need.pk}/modifier/", {**read, "title": "Autre titre"})

    assert "Quelqu&#x27;un d&#x27;autre a modifié ce besoin" in response.content.decode()
    need.refresh_from_db()
    assert (need.title, need.status) == ("Garde d'enfants", Need.Status.QUALIFIED)


def test_an_edit_does_not_touch_the_status_nor_the_history(client, revelateur35, need):
    client.force_login(revelateur35)

    client.post(f"/besoins/{need.pk}/modifier/", edit_data(need, title="Autre titre", status="dismissed"))

    need.refresh_from_db()
    assert need.status == Need.Status.DETECTED
    assert need.events.count() == 1
