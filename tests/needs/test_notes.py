import pytest

from needs.models import NeedEvent
from tests.needs.factories import NeedFactory


@pytest.fixture
def need(revelateur35, ille_et_vilaine):
    return NeedFactory(created_by=revelateur35)


def test_it_adds_a_note_to_the_timeline(client, revelateur35, need):
    client.force_login(revelateur35)

    response = client.post(f"/besoins/{need.pk}/notes/", {"note-text": "Appel du CCAS : 12 familles concernées."})

    assert response.status_code == 302
    note = need.events.get(kind=NeedEvent.Kind.NOTE)
    assert (note.comment, note.by) == ("Appel du CCAS : 12 familles concernées.", revelateur35)
    html = client.get(response["Location"]).content.decode()
    assert "La note est ajoutée à l&#x27;historique." in html
    assert "Appel du CCAS : 12 familles concernées." in html


def test_a_note_does_not_count_as_an_edit(client, revelateur35, need):
    client.force_login(revelateur35)

    client.post(f"/besoins/{need.pk}/notes/", {"note-text": "Une note."})

    need.refresh_from_db()
    assert need.version == 1


def test_an_empty_note_is_refused_next_to_the_field(client, revelateur35, need):
    client.force_login(revelateur35)

    response = client.post(f"/besoins/{need.pk}/notes/", {"note-text": "  "})

    assert response.status_code == 200
    assert "Écrivez la note avant de l&#x27;ajouter." in response.content.decode()
    assert 'id="id_note-text_error"' in response.content.decode()
    assert not need.events.filter(kind=NeedEvent.Kind.NOTE).exists()


def test_a_too_long_note_is_refused_and_kept(client, revelateur35, need):
    client.force_login(revelateur35)

    response = client.post(f"/besoins/{need.pk}/notes/", {"note-text": "a" * 5001})

    assert response.status_code == 200
    assert "a" * 5001 + "</textarea>" in response.content.decode()
    assert not need.events.filter(kind=NeedEvent.Kind.NOTE).exists()


def test_sending_the_same_note_twice_records_it_once(client, revelateur35, need):
    client.force_login(revelateur35)
    form = client.get(f"/besoins/{need.pk}/").context["note_form"]
    data = {"note-text": "Appel au maire", "note-creation_token": str(form.initial["creation_token"])}

    client.post(f"/besoins/{need.pk}/notes/", data)
    client.post(f"/besoins/{need.pk}/notes/", data)

    assert need.events.filter(kind=NeedEvent.Kind.NOTE).count() == 1
