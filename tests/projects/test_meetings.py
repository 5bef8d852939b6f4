import datetime

import pytest
from django.utils import timezone

from projects.models import Meeting
from tests.projects import posts


@pytest.fixture
def signed_in(client, revelateur35):
    client.force_login(revelateur35)
    return client


def test_it_records_a_dated_event(signed_in, revelateur35, project):
    response = signed_in.post(
        f"/projets/{project.pk}/temps-forts/nouveau/",
        posts.meeting_data(kind="workshop", held_on="2026-03-12", title="Atelier habitants", participants="32"),
        follow=True,
    )

    meeting = project.meetings.get()
    assert (meeting.kind, meeting.held_on, meeting.title, meeting.participants, meeting.recorded_by) == (
        "workshop",
        datetime.date(2026, 3, 12),
        "Atelier habitants",
        32,
        revelateur35,
    )
    content = response.content.decode()
    assert "Le temps fort « Atelier habitants » est enregistré." in content
    assert "Atelier : Atelier habitants" in content
    assert "12 mars 2026" in content


def test_the_form_offers_each_kind_of_event(signed_in, project):
    content = signed_in.get(f"/projets/{project.pk}/temps-forts/nouveau/").content.decode()

    for label in ["Séance de créativité", "Atelier", "COPIL", "Restitution", "Autre"]:
        assert f">{label}</option>" in content


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("title", "", "Ce champ est obligatoire."),
        ("held_on", "12 mars", "Saisissez une date valide."),
        ("held_on", "2999-01-01", "Un temps fort s'enregistre une fois tenu : cette date est à venir."),
        ("participants", "-3", "Assurez-vous que cette valeur est supérieure ou égale à 0."),
        ("kind", "party", "Sélectionnez un choix valide. party n’en fait pas partie."),
    ],
    ids=["no-title", "not-a-date", "a-date-to-come", "negative-participants", "unknown-kind"],
)
def test_bad_input_is_refused_next_to_its_field_and_kept(signed_in, project, field, value, message):
    response = signed_in.post(
        f"/projets/{project.pk}/temps-forts/nouveau/",
        posts.meeting_data(**{"summary": "Compte rendu saisi", field: value}),
    )

    assert response.status_code == 200
    assert [error.replace("’", "'") for error in response.context["form"].errors[field]] == [message.replace("’", "'")]
    assert "Compte rendu saisi</textarea>" in response.content.decode()
    assert not Meeting.objects.exists()


def test_the_form_submitted_twice_records_one_event(signed_in, project):
    data = posts.meeting_data()

    signed_in.post(f"/projets/{project.pk}/temps-forts/nouveau/", data)
    response = signed_in.post(f"/projets/{project.pk}/temps-forts/nouveau/", data)

    assert response["Location"] == f"/projets/{project.pk}/"
    assert Meeting.objects.count() == 1


def test_a_date_today_is_accepted(signed_in, project):
    signed_in.post(
        f"/projets/{project.pk}/temps-forts/nouveau/", posts.meeting_data(held_on=timezone.localdate().isoformat())
    )

    assert Meeting.objects.count() == 1
