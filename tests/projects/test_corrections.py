"""Correcting what was recorded on a project: its yearly follow-ups, its launched activity, its meetings, notes and
documents. Each correction applies to the version read, and writes its line in the project's history."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.storage import default_storage

from partners.models import Involvement
from projects.models import Activity, Document, FollowUp, Meeting, ProjectEvent
from reports.figures import Figures
from reports.filters import Filters
from reports.freshness import cached_figures
from tests.partners.factories import OrganizationFactory
from tests.projects import posts
from tests.projects.factories import (
    DocumentFactory,
    FollowUpFactory,
    MeetingFactory,
    NoteFactory,
    ProjectFactory,
)


@pytest.fixture
def signed_in(client, revelateur35):
    client.force_login(revelateur35)
    return client


@pytest.fixture
def activity(revelateur35):
    project = ProjectFactory(
        created_by=revelateur35,
        launched=True,
        activity__name="La Cagette de Redon",
        activity__opened_on=datetime.date(2023, 4, 1),
        activity__jobs_at_launch=Decimal("2"),
    )
    return project.activity


@pytest.fixture
def follow_up(activity):
    return FollowUpFactory(activity=activity, year=2024, jobs=Decimal("3"))


@pytest.fixture
def project(revelateur35):
    return ProjectFactory(created_by=revelateur35, title="Épicerie solidaire du pays de Redon")


def corrections(project):
    return list(
        ProjectEvent.objects.filter(
            project=project, kind__in=[ProjectEvent.Kind.CORRECTED, ProjectEvent.Kind.REMOVED]
        ).values_list("kind", "comment", "by__email")
    )


# Yearly follow-ups


def test_each_follow_up_offers_its_correction_on_the_project_page(signed_in, follow_up):
    content = signed_in.get(f"/projets/{follow_up.activity.project_id}/").content.decode()

    assert f'href="/projets/{follow_up.activity.project_id}/suivi/2024/modifier/"' in content


def test_it_corrects_a_follow_up_and_says_what_changed_in_the_history(signed_in, revelateur35, follow_up):
    project = follow_up.activity.project
    data = posts.follow_up_correction_data(follow_up, jobs="4,5", comment="Une embauche oubliée.")

    response = signed_in.post(f"/projets/{project.pk}/suivi/2024/modifier/", data)

    assert response["Location"] == f"/projets/{project.pk}/"
    follow_up.refresh_from_db()
    assert (follow_up.jobs, follow_up.comment, follow_up.version) == (Decimal("4.5"), "Une embauche oubliée.", 2)
    assert corrections(project) == [
        (
            ProjectEvent.Kind.CORRECTED,
            "Suivi annuel de 2024 corrigé : emplois (ETP) : 3 → 4,5 ; commentaire modifié.",
            revelateur35.email,
        )
    ]
    page = signed_in.get(f"/projets/{project.pk}/").content.decode()
    assert "Le suivi de 2024 est corrigé." in page
    assert "Suivi annuel de 2024 corrigé : emplois (ETP) : 3 → 4,5" in page


def test_a_correction_keeps_the_rules_of_a_follow_up(signed_in, activity, follow_up):
    FollowUpFactory(activity=activity, year=2025)
    data = posts.follow_up_correction_data(follow_up, year="2025", jobs="12")

    response = signed_in.post(f"/projets/{activity.project_id}/suivi/2024/modifier/", data)

    assert response.status_code == 200
    assert response.context["form"].errors["year"] == [
        "Un suivi existe déjà pour 2025 : chaque année se suit une fois. "
        f'<a href="/projets/{activity.project_id}/suivi/2025/modifier/">Corriger le suivi de 2025</a>.'
    ]
    assert 'value="12"' in response.content.decode()
    follow_up.refresh_from_db()
    assert (follow_up.year, follow_up.jobs, follow_up.version) == (2024, 3, 1)
    assert corrections(activity.project) == []


def test_a_follow_up_cannot_close_the_activity_before_a_later_active_year(signed_in, activity, follow_up):
    FollowUpFactory(activity=activity, year=2025)
    data = posts.follow_up_correction_data(follow_up, still_active="", closed_on="2024-10-31")

    response = signed_in.post(f"/projets/{activity.project_id}/suivi/2024/modifier/", data)

    assert response.context["form"].errors["still_active"] == [
        "Le suivi de 2025 indique que l'activité était encore active."
    ]
    assert FollowUp.objects.get(year=2024).still_active


def test_a_correction_that_changes_nothing_writes_no_history(signed_in, follow_up):
    project = follow_up.activity.project

    response = signed_in.post(
        f"/projets/{project.pk}/suivi/2024/modifier/", posts.follow_up_correction_data(follow_up), follow=True
    )

    assert "Rien n&#x27;a changé : aucune correction n&#x27;est enregistrée." in response.content.decode()
    assert corrections(project) == []
    follow_up.refresh_from_db()
    assert follow_up.version == 1


def test_of_two_corrections_read_at_the_same_version_the_second_is_refused(signed_in, follow_up):
    project = follow_up.activity.project
    first = posts.follow_up_correction_data(follow_up, jobs="4")
    second = posts.follow_up_correction_data(follow_up, jobs="5")

    signed_in.post(f"/projets/{project.pk}/suivi/2024/modifier/", first)
    response = signed_in.post(f"/projets/{project.pk}/suivi/2024/modifier/", second)

    assert response.status_code == 200
    assert "Cet élément a été corrigé ou supprimé depuis que vous avez ouvert cette page" in response.content.decode()
    assert 'value="5"' in response.content.decode()
    follow_up.refresh_from_db()
    assert (follow_up.jobs, follow_up.version) == (4, 2)
    assert len(corrections(project)) == 1
    # The form now carries the current version: sending it again is a deliberate overwrite.
    assert response.context["form"].data["version"] == 2


def test_the_cached_statistics_follow_a_corrected_follow_up(
    signed_in, activity, follow_up, django_capture_on_commit_callbacks
):
    def jobs_and_active_at_n_plus_one():
        return cached_figures(("N+1",), lambda: Figures(Filters(2023, 2024)).follow_ups[(2023, 1)])

    assert jobs_and_active_at_n_plus_one() == {"jobs": Decimal("3"), "active": 1}
    data = posts.follow_up_correction_data(follow_up, jobs="0", still_active="", closed_on="2024-09-30")

    with django_capture_on_commit_callbacks(execute=True):
        signed_in.post(f"/projets/{activity.project_id}/suivi/2024/modifier/", data)

    assert jobs_and_active_at_n_plus_one() == {"jobs": Decimal("0"), "active": 0}


# The launched activity


def test_it_corrects_the_activity_and_keeps_its_porteur_unless_changed(signed_in, revelateur35, activity):
    porteur = activity.porteur
    data = posts.activity_correction_data(
        activity, name="La Cagette", legal_form=Activity.LegalForm.SCIC, esus="on", siren="130 005 481"
    )

    response = signed_in.post(f"/projets/{activity.project_id}/activite/modifier/", data)

    assert response["Location"] == f"/projets/{activity.project_id}/"
    activity.refresh_from_db()
    assert (activity.name, activity.legal_form, activity.esus, activity.siren, activity.porteur, activity.version) == (
        "La Cagette",
        "scic",
        True,
        "130005481",
        porteur,
        2,
    )
    assert corrections(activity.project) == [
        (
            ProjectEvent.Kind.CORRECTED,
            "Activité « La Cagette » corrigée : nom de l'activité : La Cagette de Redon → La Cagette ; "
            "forme juridique : Association → SCIC ; agrément ESUS : non → oui ; SIREN : vide → 130005481.",
            revelateur35.email,
        )
    ]


def test_a_corrected_porteur_is_the_activitys_and_a_partner_porteur_of_the_project(signed_in, revelateur35, activity):
    first_porteur = activity.porteur
    porteur = OrganizationFactory(name="La Cagette du pays de Redon", siren="419219468")
    data = posts.activity_correction_data(activity, porteur="419 219 468")

    response = signed_in.post(f"/projets/{activity.project_id}/activite/modifier/", data)

    assert response["Location"] == f"/projets/{activity.project_id}/"
    activity.refresh_from_db()
    assert activity.porteur == porteur
    assert set(
        Involvement.objects.filter(project=activity.project, role=Involvement.Role.PORTEUR).values_list(
            "organization", "started_on"
        )
    ) >= {(porteur.pk, datetime.date(2023, 4, 1))}
    assert corrections(activity.project) == [
        (
            ProjectEvent.Kind.CORRECTED,
            f"Activité « La Cagette de Redon » corrigée : porteur : {first_porteur.name} → La Cagette du pays de "
            "Redon.",
            revelateur35.email,
        )
    ]


def test_a_porteur_missing_from_the_directory_is_refused_with_the_closest_names(signed_in, activity):
    OrganizationFactory(name="La Cagette du pays de Redon")
    data = posts.activity_correction_data(activity, porteur="La Cagete du pays de Redon")

    response = signed_in.post(f"/projets/{activity.project_id}/activite/modifier/", data)

    assert response.context["form"].errors["porteur"] == [
        "« La Cagete du pays de Redon » n'est pas dans l'annuaire. Vouliez-vous dire : « La Cagette du pays de "
        "Redon » ?"
    ]
    previous = activity.porteur
    activity.refresh_from_db()
    assert (activity.porteur, activity.version) == (previous, 1)


def test_the_activity_cannot_open_after_a_year_already_followed(signed_in, activity, follow_up):
    data = posts.activity_correction_data(activity, opened_on="2025-01-15")

    response = signed_in.post(f"/projets/{activity.project_id}/activite/modifier/", data)

    assert response.context["form"].errors["opened_on"] == [
        "Un suivi annuel existe pour 2024 : l'activité ne peut pas avoir ouvert après cette année."
    ]
    activity.refresh_from_db()
    assert activity.opened_on == datetime.date(2023, 4, 1)


def test_a_project_without_activity_has_no_activity_to_correct(signed_in, project):
    assert signed_in.get(f"/projets/{project.pk}/activite/modifier/").status_code == 404


# Meetings


def test_it_corrects_a_meeting(signed_in, revelateur35, project):
    meeting = MeetingFactory(project=project, participants=12)

    signed_in.post(
        f"/projets/{project.pk}/temps-forts/{meeting.pk}/modifier/",
        posts.meeting_correction_data(meeting, participants="15", title="Atelier au centre social"),
    )

    meeting.refresh_from_db()
    assert (meeting.participants, meeting.title) == (15, "Atelier au centre social")
    assert corrections(project) == [
        (
            ProjectEvent.Kind.CORRECTED,
            "Temps fort « Atelier au centre social » corrigé : intitulé : Atelier avec les habitants → "
            "Atelier au centre social ; nombre de participants : 12 → 15.",
            revelateur35.email,
        )
    ]


def test_a_meeting_to_come_is_refused_on_correction_too(signed_in, project):
    meeting = MeetingFactory(project=project)

    response = signed_in.post(
        f"/projets/{project.pk}/temps-forts/{meeting.pk}/modifier/",
        posts.meeting_correction_data(meeting, held_on="2999-01-01"),
    )

    assert response.context["form"].errors["held_on"] == [
        "Un temps fort s'enregistre une fois tenu : cette date est à venir."
    ]
    assert Meeting.objects.get().held_on == datetime.date(2025, 3, 12)


def test_it_removes_a_meeting_after_asking_and_keeps_a_trace(signed_in, revelateur35, project):
    meeting = MeetingFactory(project=project)

    page = signed_in.get(f"/projets/{project.pk}/temps-forts/{meeting.pk}/supprimer/")
    assert "Supprimer le temps fort « Atelier avec les habitants » du 12/03/2025&nbsp;?" in page.content.decode()
    assert Meeting.objects.exists()
    response = signed_in.post(
        f"/projets/{project.pk}/temps-forts/{meeting.pk}/supprimer/", posts.removal_data(meeting), follow=True
    )

    assert not Meeting.objects.exists()
    assert corrections(project) == [
        (
            ProjectEvent.Kind.REMOVED,
            "Temps fort « Atelier avec les habitants » du 12/03/2025 supprimé.",
            revelateur35.email,
        )
    ]
    assert "Le temps fort « Atelier avec les habitants » est supprimé." in response.content.decode()


def test_a_meeting_changed_since_the_removal_page_was_read_is_kept(signed_in, project):
    meeting = MeetingFactory(project=project)
    Meeting.objects.filter(pk=meeting.pk).update(version=2)

    response = signed_in.post(
        f"/projets/{project.pk}/temps-forts/{meeting.pk}/supprimer/", posts.removal_data(meeting), follow=True
    )

    assert Meeting.objects.exists()
    assert corrections(project) == []
    assert "Cet élément a été corrigé ou supprimé depuis que vous avez ouvert cette page" in response.content.decode()


# Notes


def test_it_corrects_a_note_and_the_history_says_so(signed_in, revelateur35, project):
    note = NoteFactory(project=project, comment="Rendez-vous avec le maire.")

    signed_in.post(
        f"/projets/{project.pk}/notes/{note.pk}/modifier/",
        posts.note_correction_data(note, text="Rendez-vous avec l'adjointe au maire."),
    )

    note.refresh_from_db()
    assert note.comment == "Rendez-vous avec l'adjointe au maire."
    assert corrections(project) == [
        (ProjectEvent.Kind.CORRECTED, f"Note du {note.at.astimezone():%d/%m/%Y} modifiée.", revelateur35.email)
    ]


def test_an_empty_note_is_refused_and_the_note_kept(signed_in, project):
    note = NoteFactory(project=project)

    response = signed_in.post(
        f"/projets/{project.pk}/notes/{note.pk}/modifier/", posts.note_correction_data(note, text="  ")
    )

    assert response.context["form"].errors["text"] == ["Écrivez la note avant de l'enregistrer, ou supprimez-la."]
    note.refresh_from_db()
    assert note.comment == "Rendez-vous pris avec la mairie."


def test_a_removed_note_leaves_who_removed_it_and_when_but_not_its_text(signed_in, revelateur35, project):
    note = NoteFactory(project=project, comment="Le nom et le téléphone d'un habitant.")

    signed_in.post(f"/projets/{project.pk}/notes/{note.pk}/supprimer/", posts.removal_data(note))

    assert not ProjectEvent.objects.filter(kind=ProjectEvent.Kind.NOTE).exists()
    page = signed_in.get(f"/projets/{project.pk}/").content.decode()
    assert "Le nom et le téléphone" not in page
    assert "Suppression" in page and f"Note du {note.at.astimezone():%d/%m/%Y} supprimée." in page
    assert f"Par {revelateur35}" in page


def test_only_notes_are_edited_as_notes(signed_in, project):
    opening = ProjectEvent.objects.create(project=project, kind=ProjectEvent.Kind.OPENED, by=project.created_by)

    assert signed_in.get(f"/projets/{project.pk}/notes/{opening.pk}/modifier/").status_code == 404
    assert signed_in.post(f"/projets/{project.pk}/notes/{opening.pk}/supprimer/", {"version": 1}).status_code == 404
    assert ProjectEvent.objects.filter(pk=opening.pk).exists()


def test_the_corrections_are_internal_material(client, revelateur29, revelateur35, project):
    project.visibility = project.Visibility.PARTNERS
    project.save()
    note = NoteFactory(project=project)
    client.force_login(revelateur35)
    client.post(f"/projets/{project.pk}/notes/{note.pk}/supprimer/", posts.removal_data(note), follow=True)
    client.force_login(revelateur29)

    page = client.get(f"/projets/{project.pk}/").content.decode()

    assert "supprimée" not in page and "Suppression" not in page


# Documents


def test_it_corrects_a_documents_title_and_kind(signed_in, revelateur35, project):
    document = DocumentFactory(project=project)

    signed_in.post(
        f"/projets/{project.pk}/documents/{document.pk}/modifier/",
        posts.document_correction_data(document, title="Étude de faisabilité", kind="feasibility_study"),
    )

    document.refresh_from_db()
    assert (document.title, document.kind) == ("Étude de faisabilité", "feasibility_study")
    assert corrections(project) == [
        (
            ProjectEvent.Kind.CORRECTED,
            "Document « Étude de faisabilité » corrigé : nature : Étude d'opportunité → Étude de faisabilité ; "
            "titre : Étude d'opportunité → Étude de faisabilité.",
            revelateur35.email,
        )
    ]


def test_a_removed_document_leaves_the_storage_once_committed(
    signed_in, revelateur35, project, django_capture_on_commit_callbacks
):
    document = DocumentFactory(project=project)
    storage, name = document.file.storage, document.file.name
    assert storage.exists(name)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        signed_in.post(f"/projets/{project.pk}/documents/{document.pk}/supprimer/", posts.removal_data(document))

    assert len(callbacks) >= 1
    assert not Document.objects.exists()
    assert not storage.exists(name)
    assert corrections(project) == [
        (
            ProjectEvent.Kind.REMOVED,
            "Document « Étude d'opportunité » (Étude d'opportunité, etude.pdf) supprimé.",
            revelateur35.email,
        )
    ]


def test_a_document_kept_after_a_conflict_keeps_its_file(signed_in, project, django_capture_on_commit_callbacks):
    document = DocumentFactory(project=project)
    data = posts.removal_data(document)
    Document.objects.filter(pk=document.pk).update(version=2)

    with django_capture_on_commit_callbacks(execute=True):
        signed_in.post(f"/projets/{project.pk}/documents/{document.pk}/supprimer/", data)

    assert Document.objects.exists()
    assert document.file.storage.exists(document.file.name)


def test_the_private_storage_is_not_the_default_one(project):
    # The removal deletes the file from the documents' own storage, wherever that is.
    assert DocumentFactory(project=project).file.storage is not default_storage


# An administrator corrects too


def test_an_administrator_corrects_a_follow_up_and_the_history_names_them(client, administrator, follow_up):
    client.force_login(administrator)
    project = follow_up.activity.project

    page = client.get(f"/projets/{project.pk}/").content.decode()
    client.post(f"/projets/{project.pk}/suivi/2024/modifier/", posts.follow_up_correction_data(follow_up, jobs="6"))

    assert f'href="/projets/{project.pk}/suivi/2024/modifier/"' in page
    follow_up.refresh_from_db()
    assert follow_up.jobs == 6
    assert corrections(project)[0][2] == administrator.email


# Queries


@pytest.mark.parametrize("rows", [1, 5])
def test_the_correction_and_removal_pages_run_a_fixed_number_of_queries(
    signed_in, activity, django_assert_num_queries, rows
):
    project = activity.project
    for number in range(rows):
        FollowUpFactory(activity=activity, year=2023 + number)
        MeetingFactory(project=project)
        DocumentFactory(project=project)
        NoteFactory(project=project)
    meeting, document = project.meetings.first(), project.documents.first()
    note = project.events.filter(kind=ProjectEvent.Kind.NOTE).first()
    pages = {
        # 1 session, 2 user, 3 the project, 4 the follow-up with its activity
        f"/projets/{project.pk}/suivi/2023/modifier/": 4,
        # 1 session, 2 user, 3 the project with its activity, 4 the porteur the field names
        f"/projets/{project.pk}/activite/modifier/": 4,
        # 1 session, 2 user, 3 the project, 4 the meeting, the note or the document
        f"/projets/{project.pk}/temps-forts/{meeting.pk}/modifier/": 4,
        f"/projets/{project.pk}/temps-forts/{meeting.pk}/supprimer/": 4,
        f"/projets/{project.pk}/documents/{document.pk}/modifier/": 4,
        f"/projets/{project.pk}/documents/{document.pk}/supprimer/": 4,
        f"/projets/{project.pk}/notes/{note.pk}/modifier/": 4,
        f"/projets/{project.pk}/notes/{note.pk}/supprimer/": 4,
    }
    for url, queries in pages.items():
        with django_assert_num_queries(queries):
            assert signed_in.get(url).status_code == 200
