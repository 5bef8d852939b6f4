"""Undoing a move within minutes, and correcting it afterwards: the project goes back where it was, or the move
changes its day; the history keeps the move and its correction, and the figures count the move no more."""

import datetime
import threading
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.utils import timezone

from projects.models import UNDO_DELAY, CopilDecision, Project, ProjectEvent
from tests.projects import posts
from tests.projects.factories import ProjectFactory

Stage, State = Project.Stage, Project.State


@pytest.fixture
def signed_in(client, revelateur35):
    client.force_login(revelateur35)
    return client


def advanced(revelateur35, **traits):
    """A project just moved from the porteur search to the feasibility study."""
    project = ProjectFactory(created_by=revelateur35, stage=Stage.PORTEUR_SEARCH, **traits)
    project.advance(by=revelateur35)
    return project


def made_minutes_ago(project, minutes):
    ProjectEvent.objects.filter(project=project).moves().update(
        at=timezone.now() - datetime.timedelta(minutes=minutes)
    )


def page(client, project):
    return " ".join(client.get(f"/projets/{project.pk}/").content.decode().replace("&#x27;", "'").split())


def test_the_project_page_offers_to_undo_the_move_just_made(signed_in, revelateur35):
    project = advanced(revelateur35)

    content = page(signed_in, project)

    assert "Dernier passage : « Recherche de porteur » → « Étude de faisabilité »" in content
    assert "Annuler ce passage" in content
    assert f'action="/projets/{project.pk}/annuler-le-passage/"' in content


def test_the_undo_deadline_is_written_in_french_and_never_splits(signed_in, revelateur35):
    project = advanced(revelateur35)
    # Recorded at 8 h 01 in Paris (a morning hour, that French writes without a leading zero).
    recorded = timezone.localtime().replace(hour=8, minute=1)
    ProjectEvent.objects.filter(project=project).moves().update(at=recorded)

    with mock.patch.object(ProjectEvent, "is_undoable", True):
        content = signed_in.get(f"/projets/{project.pk}/").content.decode()

    assert "Possible jusqu'à 8\u00a0h\u00a016 ;" in content


def test_the_structure_undoes_its_last_move_within_15_minutes(signed_in, revelateur35):
    project = advanced(revelateur35)
    made_minutes_ago(project, 14)

    response = signed_in.post(f"/projets/{project.pk}/annuler-le-passage/", posts.undo_data(project), follow=True)

    project.refresh_from_db()
    assert (project.stage, project.state) == (Stage.PORTEUR_SEARCH, State.RUNNING)
    move = project.events.get(kind=ProjectEvent.Kind.STAGE)
    assert move.cancelled_at is not None
    correction = project.events.get(kind=ProjectEvent.Kind.CORRECTION)
    assert (correction.corrects, correction.by, correction.from_stage, correction.to_stage) == (
        move,
        revelateur35,
        Stage.FEASIBILITY_STUDY,
        Stage.PORTEUR_SEARCH,
    )
    content = " ".join(response.content.decode().replace("&#x27;", "'").split())
    assert "Le passage est annulé : le projet est de nouveau « Recherche de porteur », « En cours »." in content
    # Nothing left to undo: the page offers the move again instead.
    assert "Annuler ce passage" not in content


def test_the_timeline_shows_the_undone_move_and_its_correction(signed_in, revelateur35):
    project = advanced(revelateur35)
    project.undo_last_move(by=revelateur35)

    content = page(signed_in, project)

    assert "Correction : passage « Recherche de porteur » → « Étude de faisabilité » annulé" in content
    assert f"Par {revelateur35}, le" in content
    assert '<span class="badge">Annulé</span> le' in content and "ne compte plus dans les statistiques" in content


def test_it_refuses_to_undo_a_move_older_than_15_minutes_and_offers_to_correct_it(signed_in, revelateur35):
    project = advanced(revelateur35)
    made_minutes_ago(project, UNDO_DELAY.total_seconds() / 60 + 1)

    response = signed_in.post(f"/projets/{project.pk}/annuler-le-passage/", posts.undo_data(project), follow=True)

    project.refresh_from_db()
    assert project.stage == Stage.FEASIBILITY_STUDY
    assert not project.events.filter(kind=ProjectEvent.Kind.CORRECTION).exists()
    content = " ".join(response.content.decode().replace("&#x27;", "'").split())
    assert "Ce passage date de plus de 15 minutes : corrigez-le en indiquant le motif de la correction." in content
    assert "Annuler ce passage</button>" not in content
    assert f'href="/projets/{project.pk}/corriger-le-passage/"' in content


def test_it_undoes_a_stop_and_the_project_runs_again(signed_in, revelateur35):
    project = ProjectFactory(created_by=revelateur35, paused=True)
    project.stop(by=revelateur35, reason="Erreur de projet.")

    signed_in.post(f"/projets/{project.pk}/annuler-le-passage/", posts.undo_data(project))

    project.refresh_from_db()
    assert (project.stage, project.state, project.stopped_reason) == (Stage.OPPORTUNITY_STUDY, State.PAUSED, "")


def test_it_undoes_only_the_last_move_and_only_once(revelateur35):
    project = advanced(revelateur35)
    project.pause(by=revelateur35)

    project.undo_last_move(by=revelateur35)
    with pytest.raises(ValidationError, match="n'a pas de passage à corriger"):
        project.undo_last_move(by=revelateur35)

    project.refresh_from_db()
    # The pause is undone; the advance before it stands.
    assert (project.stage, project.state) == (Stage.FEASIBILITY_STUDY, State.RUNNING)
    assert list(project.events.moves().standing().values_list("to_stage", "to_state")) == [
        (Stage.FEASIBILITY_STUDY, State.RUNNING)
    ]


def test_an_undo_from_a_page_read_before_another_move_is_refused(signed_in, revelateur35):
    project = advanced(revelateur35)
    stale = posts.undo_data(project)
    project.advance(by=revelateur35)  # another tab, or a colleague: now at « amorçage »

    response = signed_in.post(f"/projets/{project.pk}/annuler-le-passage/", stale, follow=True)

    project.refresh_from_db()
    assert project.stage == Stage.LAUNCH_SUPPORT
    assert not project.events.filter(kind=ProjectEvent.Kind.CORRECTION).exists()
    assert "Ce projet a changé depuis que vous avez ouvert cette page" in response.content.decode()


def test_it_refuses_to_undo_a_move_made_by_another_structure(revelateur35, revelateur29):
    project = ProjectFactory(created_by=revelateur35, stage=Stage.PORTEUR_SEARCH)
    # A move recorded by someone who is not of the project's structure (an import, the admin).
    project.advance(by=revelateur29)

    with pytest.raises(ValidationError, match="Seule la structure qui a enregistré ce passage"):
        project.undo_last_move(by=revelateur35)
    with pytest.raises(ValidationError, match="Seule la structure qui a enregistré ce passage"):
        project.undo_last_move(by=revelateur29)

    project.refresh_from_db()
    assert project.stage == Stage.FEASIBILITY_STUDY


def test_a_copil_decision_or_a_launch_is_not_undone_here(signed_in, revelateur35):
    project = ProjectFactory(created_by=revelateur35)
    project.record_copil_decision(
        by=revelateur35, decided_on=timezone.localdate(), body="COPIL", decision=CopilDecision.Decision.GO
    )

    with pytest.raises(ValidationError, match="découle d'une décision de COPIL ou du lancement"):
        project.undo_last_move(by=revelateur35)
    assert "Annuler ce passage" not in page(signed_in, project)
    response = signed_in.get(f"/projets/{project.pk}/corriger-le-passage/")
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.stage == Stage.PORTEUR_SEARCH


ROLES = ["revelateur29", "collectivite", "avise", "admin"]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("path", ["annuler-le-passage/", "corriger-le-passage/"], ids=["undo", "correct"])
def test_only_the_structure_undoes_or_corrects_its_moves(client, cast, role, path):
    project = advanced(cast["revelateur35"], visibility=Project.Visibility.PUBLIC)
    client.force_login(cast[role])

    responses = [client.post(f"/projets/{project.pk}/{path}", posts.undo_data(project) | posts.revert_data(project))]
    if path == "corriger-le-passage/":
        responses.append(client.get(f"/projets/{project.pk}/{path}"))

    assert {response.status_code for response in responses} == {404}
    project.refresh_from_db()
    assert project.stage == Stage.FEASIBILITY_STUDY
    assert not project.events.filter(kind=ProjectEvent.Kind.CORRECTION).exists()


def test_an_anonymous_visitor_is_sent_to_sign_in(client, revelateur35):
    project = advanced(revelateur35, visibility=Project.Visibility.PUBLIC)

    response = client.post(f"/projets/{project.pk}/annuler-le-passage/", posts.undo_data(project))

    assert response.status_code == 302
    assert response["Location"].startswith("/compte/connexion/?next=")
    assert Project.objects.get(pk=project.pk).stage == Stage.FEASIBILITY_STUDY


def test_the_correction_page_states_the_last_move(signed_in, revelateur35):
    project = advanced(revelateur35)
    made_minutes_ago(project, 60)

    response = signed_in.get(f"/projets/{project.pk}/corriger-le-passage/")

    content = " ".join(response.content.decode().replace("&#x27;", "'").split())
    assert "Dernier passage : « Recherche de porteur » → « Étude de faisabilité »" in content
    assert "le projet revient à l'étape « Recherche de porteur »" in content
    assert f'name="redate-on" value="{timezone.localdate().isoformat()}"' in content


def test_a_move_is_taken_back_later_with_its_reason(signed_in, revelateur35):
    project = advanced(revelateur35)
    made_minutes_ago(project, 60 * 24)

    response = signed_in.post(
        f"/projets/{project.pk}/corriger-le-passage/",
        posts.revert_data(project, "Le porteur ne s'était pas encore engagé."),
        follow=True,
    )

    project.refresh_from_db()
    assert project.stage == Stage.PORTEUR_SEARCH
    correction = project.events.get(kind=ProjectEvent.Kind.CORRECTION)
    assert correction.comment == "Le porteur ne s'était pas encore engagé."
    content = " ".join(response.content.decode().replace("&#x27;", "'").split())
    assert "Le passage est annulé : le projet est de nouveau « Recherche de porteur », « En cours »." in content
    assert "Correction : passage « Recherche de porteur » → « Étude de faisabilité » annulé" in content
    assert "Le porteur ne s'était pas encore engagé." in content


def test_a_correction_needs_its_reason_and_keeps_the_input(signed_in, revelateur35):
    project = advanced(revelateur35)
    made_minutes_ago(project, 60)

    response = signed_in.post(
        f"/projets/{project.pk}/corriger-le-passage/", posts.redate_data(project, in_days(-1), reason="  ")
    )

    assert response.status_code == 200
    assert response.context["redate_form"].errors["reason"] == ["Indiquez le motif de la correction."]
    assert f'value="{in_days(-1)}"' in response.content.decode()
    assert 'id="id_redate-reason_error"' in response.content.decode()
    assert not project.events.filter(kind=ProjectEvent.Kind.CORRECTION).exists()


def in_days(days):
    return (timezone.localdate() + datetime.timedelta(days=days)).isoformat()


def test_the_day_of_a_move_is_corrected_with_its_reason(signed_in, revelateur35):
    project = advanced(revelateur35)

    response = signed_in.post(
        f"/projets/{project.pk}/corriger-le-passage/",
        posts.redate_data(project, in_days(-10), "Le porteur a signé le 24."),
        follow=True,
    )

    project.refresh_from_db()
    assert project.stage == Stage.FEASIBILITY_STUDY
    move = project.events.get(kind=ProjectEvent.Kind.STAGE)
    assert (move.happened_on, move.cancelled_at) == (timezone.localdate() - datetime.timedelta(days=10), None)
    correction = project.events.get(kind=ProjectEvent.Kind.CORRECTION)
    assert (correction.corrects, correction.happened_on, correction.comment) == (
        move,
        move.happened_on,
        "Le porteur a signé le 24.",
    )
    content = " ".join(response.content.decode().replace("&#x27;", "'").split())
    assert "La date du passage est corrigée." in content
    assert "Correction : le passage « Recherche de porteur » → « Étude de faisabilité » a eu lieu le" in content


@pytest.mark.parametrize(
    ("on", "message"),
    [
        (1, "Cette date est à venir"),
        (-400, "Le projet était à cette date avant son passage précédent"),
    ],
    ids=["future", "before-the-opening"],
)
def test_it_refuses_a_corrected_day_that_cannot_be(signed_in, revelateur35, on, message):
    project = advanced(revelateur35)

    response = signed_in.post(f"/projets/{project.pk}/corriger-le-passage/", posts.redate_data(project, in_days(on)))

    (error,) = response.context["redate_form"].errors["on"]
    assert error.startswith(message)
    assert project.events.get(kind=ProjectEvent.Kind.STAGE).happened_on is None


def test_a_corrected_day_may_not_go_before_the_previous_move(revelateur35):
    project = ProjectFactory(created_by=revelateur35, stage=Stage.PORTEUR_SEARCH)
    project.pause(by=revelateur35, on=timezone.localdate() - datetime.timedelta(days=5))
    project.resume(by=revelateur35)

    with pytest.raises(ValidationError, match="avant son passage précédent"):
        project.redate_last_move(
            by=revelateur35, on=timezone.localdate() - datetime.timedelta(days=6), reason="Reprise le 6."
        )
    project.redate_last_move(
        by=revelateur35, on=timezone.localdate() - datetime.timedelta(days=5), reason="Même jour."
    )

    assert project.events.moves().first().happened_on == timezone.localdate() - datetime.timedelta(days=5)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="deux transactions concurrentes : PostgreSQL seulement")
@pytest.mark.django_db(transaction=True)
def test_of_an_undo_and_a_move_at_once_exactly_one_wins(revelateur35):
    project = advanced(revelateur35)
    barrier = threading.Barrier(2)
    outcomes = {}

    def act(action):
        try:
            copy = Project.objects.get(pk=project.pk)
            barrier.wait()
            getattr(copy, action)(by=revelateur35)
            outcomes[action] = "done"
        except ValidationError:
            outcomes[action] = "refused"
        finally:
            connections.close_all()

    threads = [threading.Thread(target=act, args=(action,)) for action in ["undo_last_move", "advance"]]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes.values()) == ["done", "refused"]
    project.refresh_from_db()
    assert project.version == 3  # the advance made by advanced(), then the one that won
    if outcomes["advance"] == "done":
        assert project.stage == Stage.LAUNCH_SUPPORT
        assert not project.events.filter(kind=ProjectEvent.Kind.CORRECTION).exists()
    else:
        assert project.stage == Stage.PORTEUR_SEARCH
        assert project.events.moves().standing().count() == 0


def test_a_move_is_not_undone_once_the_project_changed_by_other_means(revelateur35):
    project = advanced(revelateur35)
    # The administrators set the stage by hand.
    Project.objects.filter(pk=project.pk).update(stage=Stage.LAUNCH_SUPPORT)
    project.refresh_from_db()

    with pytest.raises(ValidationError, match="Le projet a changé depuis ce passage"):
        project.undo_last_move(by=revelateur35)
    project.refresh_from_db()
    assert project.stage == Stage.LAUNCH_SUPPORT
