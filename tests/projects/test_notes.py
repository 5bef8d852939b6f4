import pytest

from projects.models import ProjectEvent
from tests.projects import posts


@pytest.fixture
def signed_in(client, revelateur35):
    client.force_login(revelateur35)
    return client


def notes(project):
    return list(project.events.filter(kind=ProjectEvent.Kind.NOTE).values_list("comment", "by__email"))


def test_it_writes_a_note_in_the_history_from_the_project_page(signed_in, project):
    page = signed_in.get(f"/projets/{project.pk}/").content.decode()
    assert f'action="/projets/{project.pk}/notes/"' in page

    response = signed_in.post(f"/projets/{project.pk}/notes/", posts.note_data("  Appel de la mairie.  "), follow=True)

    assert notes(project) == [("Appel de la mairie.", "revelateur35@fabrique.test")]
    content = response.content.decode()
    assert "La note est enregistrée dans l&#x27;historique du projet." in content
    assert "Appel de la mairie." in content


def test_an_empty_note_is_refused_with_a_message(signed_in, project):
    response = signed_in.post(f"/projets/{project.pk}/notes/", posts.note_data("   "))

    assert response.status_code == 200
    assert response.context["form"].errors["text"] == ["Écrivez la note avant de l'enregistrer."]
    assert notes(project) == []


def test_a_note_submitted_twice_is_written_once(signed_in, project):
    data = posts.note_data()

    signed_in.post(f"/projets/{project.pk}/notes/", data)
    signed_in.post(f"/projets/{project.pk}/notes/", data)

    assert len(notes(project)) == 1


def test_the_note_page_shows_the_form_alone(signed_in, project):
    response = signed_in.get(f"/projets/{project.pk}/notes/")

    assert response.status_code == 200
    assert 'name="note-text"' in response.content.decode()
