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


def note_of(need, text="Appel du CCAS : 12 familles concernées."):
    return NeedEvent.objects.create(need=need, kind=NeedEvent.Kind.NOTE, comment=text, by=need.created_by)


def test_it_corrects_a_note_and_the_timeline_says_who_and_when(client, revelateur35, need):
    note = note_of(need)
    client.force_login(revelateur35)

    response = client.post(
        f"/besoins/{need.pk}/notes/{note.pk}/modifier/", {"text": "Appel du CCAS : 14 familles.", "version": 1}
    )

    note.refresh_from_db()
    assert (note.comment, note.version) == ("Appel du CCAS : 14 familles.", 2)
    correction = need.events.get(kind=NeedEvent.Kind.CORRECTED)
    assert (correction.comment, correction.by) == (f"Note du {note.at.astimezone():%d/%m/%Y} modifiée.", revelateur35)
    html = client.get(response["Location"]).content.decode()
    assert "La note est modifiée." in html
    assert "Correction" in html


def test_it_removes_a_note_and_keeps_a_trace_without_its_text(client, revelateur35, need):
    note = note_of(need, "Le téléphone personnel de la directrice.")
    client.force_login(revelateur35)

    confirmation = client.get(f"/besoins/{need.pk}/notes/{note.pk}/supprimer/").content.decode()
    response = client.post(f"/besoins/{need.pk}/notes/{note.pk}/supprimer/", {"version": 1})

    assert f"Supprimer la note du {note.at.astimezone():%d/%m/%Y}&nbsp;?" in confirmation
    assert not need.events.filter(kind=NeedEvent.Kind.NOTE).exists()
    html = client.get(response["Location"]).content.decode()
    assert "Le téléphone personnel" not in html
    assert f"Note du {note.at.astimezone():%d/%m/%Y} supprimée." in html


def test_a_note_corrected_meanwhile_is_not_overwritten_unknowingly(client, revelateur35, need):
    note = note_of(need)
    NeedEvent.objects.filter(pk=note.pk).update(comment="Corrigée par une collègue.", version=2)
    client.force_login(revelateur35)

    response = client.post(f"/besoins/{need.pk}/notes/{note.pk}/modifier/", {"text": "Ma version.", "version": 1})

    assert response.status_code == 200
    assert "Cet élément a été corrigé ou supprimé depuis que vous avez ouvert cette page" in response.content.decode()
    note.refresh_from_db()
    assert note.comment == "Corrigée par une collègue."
    assert not need.events.filter(kind=NeedEvent.Kind.CORRECTED).exists()


def test_the_need_page_offers_to_correct_only_the_notes(client, revelateur35, need):
    note = note_of(need)
    client.force_login(revelateur35)

    html = client.get(f"/besoins/{need.pk}/").content.decode()

    assert html.count('/modifier/">Modifier<span') == 1
    assert f'href="/besoins/{need.pk}/notes/{note.pk}/modifier/"' in html
    assert f'href="/besoins/{need.pk}/notes/{note.pk}/supprimer/"' in html


@pytest.mark.parametrize("notes", [1, 5])
def test_the_note_correction_and_removal_pages_run_a_fixed_number_of_queries(
    client, revelateur35, need, django_assert_num_queries, notes
):
    for number in range(notes):
        note = note_of(need, f"Note {number}.")
    client.force_login(revelateur35)

    # 1 session, 2 user, 3 the need, 4 the note
    for url in [f"/besoins/{need.pk}/notes/{note.pk}/modifier/", f"/besoins/{need.pk}/notes/{note.pk}/supprimer/"]:
        with django_assert_num_queries(4):
            assert client.get(url).status_code == 200
