"""Moving a project along the chain: only the moves it allows are offered, and the server refuses the others."""

import datetime
import threading
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.utils import timezone

from projects.models import CopilDecision, Project, ProjectEvent
from tests.projects import posts
from tests.projects.factories import ProjectFactory

Stage, State = Project.Stage, Project.State


def history(project):
    return list(
        ProjectEvent.objects.filter(project=project)
        .exclude(kind=ProjectEvent.Kind.OPENED)
        .values_list("kind", "from_stage", "to_stage", "from_state", "to_state", "comment")
    )


@pytest.fixture
def signed_in(client, revelateur35):
    client.force_login(revelateur35)
    return client


OFFERS = [
    (Stage.OPPORTUNITY_STUDY, State.RUNNING, ["copil", "pause", "stop"]),
    (Stage.PORTEUR_SEARCH, State.RUNNING, ["advance", "pause", "stop"]),
    (Stage.FEASIBILITY_STUDY, State.RUNNING, ["advance", "pause", "stop"]),
    (Stage.LAUNCH_SUPPORT, State.RUNNING, ["launch", "pause", "stop"]),
    (Stage.FEASIBILITY_STUDY, State.PAUSED, ["resume", "stop"]),
    (Stage.FEASIBILITY_STUDY, State.STOPPED, []),
]
ACTION_PATHS = {
    "copil": "copil/",
    "advance": "avancer/",
    "pause": "pause/",
    "resume": "reprendre/",
    "stop": "arreter/",
    "launch": "lancer/",
}


@pytest.mark.parametrize(("stage", "state", "offered"), OFFERS, ids=[f"{s}-{t}" for s, t, _ in OFFERS])
def test_the_page_offers_only_the_moves_the_project_allows(signed_in, revelateur35, stage, state, offered):
    reason = "Plus de financement." if state == State.STOPPED else ""
    project = ProjectFactory(created_by=revelateur35, stage=stage, state=state, stopped_reason=reason)

    content = signed_in.get(f"/projets/{project.pk}/").content.decode()

    for action, path in ACTION_PATHS.items():
        assert (f'"/projets/{project.pk}/{path}"' in content) == (action in offered), action


def test_a_launched_project_offers_no_move(signed_in, revelateur35):
    project = ProjectFactory(created_by=revelateur35, launched=True)

    content = signed_in.get(f"/projets/{project.pk}/").content.decode()

    assert "Le projet est lancé" in content
    assert "avancer/" not in content and "arreter/" not in content


def test_it_advances_a_project_to_the_next_stage(signed_in, revelateur35):
    project = ProjectFactory(created_by=revelateur35, stage=Stage.PORTEUR_SEARCH)

    response = signed_in.post(
        f"/projets/{project.pk}/avancer/", posts.move_data("advance", project, "Porteur trouvé."), follow=True
    )

    project.refresh_from_db()
    assert project.stage == Stage.FEASIBILITY_STUDY
    assert history(project) == [
        ("stage", "porteur_search", "feasibility_study", "running", "running", "Porteur trouvé.")
    ]
    assert "Le projet passe à l&#x27;étape « Étude de faisabilité »." in response.content.decode()


def test_leaving_the_opportunity_study_needs_a_copil_decision(signed_in, revelateur35):
    project = ProjectFactory(created_by=revelateur35)

    response = signed_in.post(f"/projets/{project.pk}/avancer/", posts.move_data("advance", project), follow=True)

    project.refresh_from_db()
    assert project.stage == Stage.OPPORTUNITY_STUDY
    assert history(project) == []
    assert "Cette action n&#x27;est pas possible" in response.content.decode()


REFUSED = [
    ("advance", {"stage": Stage.LAUNCH_SUPPORT}),
    ("advance", {"launched": True}),
    ("advance", {"stage": Stage.PORTEUR_SEARCH, "paused": True}),
    ("pause", {"paused": True}),
    ("pause", {"stopped": True}),
    ("resume", {}),
    ("resume", {"stopped": True}),
]


@pytest.mark.parametrize(
    ("action", "traits"), REFUSED, ids=[f"{a}-{'-'.join(f'{k}={v}' for k, v in t.items())}" for a, t in REFUSED]
)
def test_it_refuses_a_move_the_project_does_not_allow(signed_in, revelateur35, action, traits):
    project = ProjectFactory(created_by=revelateur35, **traits)
    before = Project.objects.values("stage", "state", "version").get(pk=project.pk)

    response = signed_in.post(f"/projets/{project.pk}/{ACTION_PATHS[action]}", posts.move_data(action, project))

    assert response.status_code == 302
    assert Project.objects.values("stage", "state", "version").get(pk=project.pk) == before
    assert history(project) == []


@pytest.mark.parametrize(
    ("path", "traits"),
    [("copil/", {"stage": Stage.PORTEUR_SEARCH}), ("arreter/", {"stopped": True}), ("lancer/", {})],
    ids=["copil-after-the-opportunity-study", "stop-a-stopped-project", "launch-an-opportunity-study"],
)
def test_the_pages_of_a_refused_move_send_back_to_the_project(signed_in, revelateur35, path, traits):
    project = ProjectFactory(created_by=revelateur35, **traits)

    response = signed_in.get(f"/projets/{project.pk}/{path}", follow=True)

    assert response.redirect_chain == [(f"/projets/{project.pk}/", 302)]
    assert 'class="message message--error"' in response.content.decode()


def test_it_pauses_and_resumes_a_project(signed_in, revelateur35):
    project = ProjectFactory(created_by=revelateur35, stage=Stage.FEASIBILITY_STUDY)

    signed_in.post(f"/projets/{project.pk}/pause/", posts.move_data("pause", project, "Le porteur déménage."))
    project.refresh_from_db()
    assert project.state == State.PAUSED
    signed_in.post(f"/projets/{project.pk}/reprendre/", posts.move_data("resume", project))

    project.refresh_from_db()
    assert (project.stage, project.state) == (Stage.FEASIBILITY_STUDY, State.RUNNING)
    assert history(project) == [
        ("state", "feasibility_study", "feasibility_study", "paused", "running", ""),
        ("state", "feasibility_study", "feasibility_study", "running", "paused", "Le porteur déménage."),
    ]


def test_it_stops_a_project_with_its_reason_and_keeps_its_stage(signed_in, revelateur35):
    project = ProjectFactory(created_by=revelateur35, stage=Stage.PORTEUR_SEARCH)

    response = signed_in.post(f"/projets/{project.pk}/arreter/", posts.stop_data(project, "Aucun porteur."))

    assert response.status_code == 302
    project.refresh_from_db()
    assert (project.stage, project.state, project.stopped_reason) == (
        Stage.PORTEUR_SEARCH,
        State.STOPPED,
        "Aucun porteur.",
    )
    assert history(project) == [("state", "porteur_search", "porteur_search", "running", "stopped", "Aucun porteur.")]


def test_it_refuses_to_stop_without_a_reason(signed_in, revelateur35):
    project = ProjectFactory(created_by=revelateur35)

    response = signed_in.post(f"/projets/{project.pk}/arreter/", posts.stop_data(project, "   "))

    assert response.status_code == 200
    assert response.context["form"].errors["reason"] == ["Indiquez le motif de l'arrêt."]
    assert 'id="id_stop-reason_error"' in response.content.decode()
    project.refresh_from_db()
    assert project.state == State.RUNNING
    assert history(project) == []


def test_a_copil_go_opens_the_porteur_search(signed_in, revelateur35):
    project = ProjectFactory(created_by=revelateur35)

    response = signed_in.post(
        f"/projets/{project.pk}/copil/",
        posts.copil_data(project, decided_on="2026-01-15", body="COPIL de Redon", comment="Unanimité."),
    )

    assert response.status_code == 302
    project.refresh_from_db()
    assert (project.stage, project.state) == (Stage.PORTEUR_SEARCH, State.RUNNING)
    copil = project.copil_decisions.get()
    assert (copil.decided_on, copil.body, copil.decision, copil.recorded_by) == (
        datetime.date(2026, 1, 15),
        "COPIL de Redon",
        "go",
        revelateur35,
    )
    event = project.events.get(kind=ProjectEvent.Kind.STAGE)
    assert (event.from_stage, event.to_stage, event.copil, event.comment) == (
        "opportunity_study",
        "porteur_search",
        copil,
        "Unanimité.",
    )


def test_a_copil_stop_stops_the_project_with_its_reason(signed_in, revelateur35):
    project = ProjectFactory(created_by=revelateur35)

    signed_in.post(
        f"/projets/{project.pk}/copil/",
        posts.copil_data(project, decision="stop", comment="Besoin déjà couvert par le CCAS."),
    )

    project.refresh_from_db()
    assert (project.stage, project.state, project.stopped_reason) == (
        Stage.OPPORTUNITY_STUDY,
        State.STOPPED,
        "Besoin déjà couvert par le CCAS.",
    )
    assert project.events.get(kind=ProjectEvent.Kind.STATE).copil == project.copil_decisions.get()


def test_a_copil_stop_needs_a_reason(signed_in, revelateur35):
    project = ProjectFactory(created_by=revelateur35)

    response = signed_in.post(f"/projets/{project.pk}/copil/", posts.copil_data(project, decision="stop"))

    assert response.context["form"].errors["comment"] == ["Indiquez le motif de l'arrêt décidé par le COPIL."]
    assert not CopilDecision.objects.exists()
    project.refresh_from_db()
    assert project.state == State.RUNNING


def test_a_copil_decision_cannot_be_dated_in_the_future_and_the_form_keeps_the_input(signed_in, revelateur35):
    project = ProjectFactory(created_by=revelateur35)
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()

    response = signed_in.post(
        f"/projets/{project.pk}/copil/", posts.copil_data(project, decided_on=tomorrow, body="Bureau communautaire")
    )

    assert response.context["form"].errors["decided_on"] == [
        "Un COPIL s'enregistre une fois tenu : cette date est à venir."
    ]
    content = response.content.decode()
    assert 'value="Bureau communautaire"' in content
    assert f'value="{tomorrow}"' in content
    assert not CopilDecision.objects.exists()


def test_a_copil_form_submitted_twice_records_one_decision(signed_in, revelateur35):
    project = ProjectFactory(created_by=revelateur35)
    data = posts.copil_data(project)

    first = signed_in.post(f"/projets/{project.pk}/copil/", data)
    second = signed_in.post(f"/projets/{project.pk}/copil/", data)

    assert first.status_code == second.status_code == 302
    assert second["Location"] == f"/projets/{project.pk}/"
    assert CopilDecision.objects.count() == 1
    assert len(history(project)) == 1


def test_a_form_read_before_another_move_is_refused(signed_in, revelateur35):
    project = ProjectFactory(created_by=revelateur35, stage=Stage.PORTEUR_SEARCH)
    stale = posts.move_data("advance", project)
    signed_in.post(f"/projets/{project.pk}/avancer/", posts.move_data("advance", project))

    # The same button, pressed on the page read before the first move (another tab, or a colleague).
    response = signed_in.post(f"/projets/{project.pk}/avancer/", stale, follow=True)

    project.refresh_from_db()
    assert project.stage == Stage.FEASIBILITY_STUDY
    assert len(history(project)) == 1
    assert "Ce projet a changé depuis que vous avez ouvert cette page" in response.content.decode()


def test_a_stop_form_read_before_an_edit_keeps_what_was_typed(signed_in, revelateur35):
    project = ProjectFactory(created_by=revelateur35)
    stale = posts.stop_data(project, "Le financeur se retire.")
    Project.objects.filter(pk=project.pk).update(version=project.version + 1)

    response = signed_in.post(f"/projets/{project.pk}/arreter/", stale)

    assert response.status_code == 200
    assert "Ce projet a changé depuis que vous avez ouvert cette page" in response.content.decode()
    assert "Le financeur se retire." in response.content.decode()
    project.refresh_from_db()
    assert project.state == State.RUNNING


@pytest.mark.skipif(connection.vendor != "postgresql", reason="deux transactions concurrentes : PostgreSQL seulement")
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("moves", [("advance", "advance"), ("advance", "pause")], ids=["same-move", "two-moves"])
def test_of_two_moves_at_once_exactly_one_wins(revelateur35, moves):
    project = ProjectFactory(created_by=revelateur35, stage=Stage.PORTEUR_SEARCH)
    barrier = threading.Barrier(len(moves))
    outcomes = []

    def move(action):
        try:
            copy = Project.objects.get(pk=project.pk)
            barrier.wait()
            getattr(copy, action)(by=revelateur35)
            outcomes.append("moved")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=move, args=(action,)) for action in moves]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["moved", "refused"]
    assert len(history(project)) == 1
    assert Project.objects.get(pk=project.pk).version == project.version + 1


def test_a_copil_cannot_have_met_before_the_study_opened(signed_in, revelateur35):
    project = ProjectFactory(created_by=revelateur35, opened_on=datetime.date(2025, 3, 1))

    response = signed_in.post(f"/projets/{project.pk}/copil/", posts.copil_data(project, decided_on="2025-02-28"))

    assert response.context["form"].errors["decided_on"] == [
        "L'étude a été ouverte le 01/03/2025 : son COPIL ne peut pas s'être tenu avant."
    ]
    project.refresh_from_db()
    assert project.stage == Stage.OPPORTUNITY_STUDY
    assert not project.copil_decisions.exists()


def test_a_copil_form_token_of_another_project_reaches_nothing_of_it(signed_in, revelateur35, revelateur29):
    theirs = ProjectFactory(created_by=revelateur29)
    token = str(uuid.uuid4())
    decision = theirs.record_copil_decision(
        by=revelateur29, decided_on=datetime.date.today(), body="COPIL", decision="go", creation_token=token
    )
    ours = ProjectFactory(created_by=revelateur35)

    response = signed_in.post(f"/projets/{ours.pk}/copil/", posts.copil_data(ours, creation_token=token))

    assert response.status_code == 200
    assert "a déjà servi" in response.content.decode()
    ours.refresh_from_db()
    assert ours.stage == Stage.OPPORTUNITY_STUDY
    assert list(CopilDecision.objects.all()) == [decision]


CONFIRMATIONS = [
    ("avancer/", {"stage": Stage.PORTEUR_SEARCH}, "Le projet passe de l'étape « Recherche de porteur » à l'étape"),
    ("pause/", {}, "Le projet passe de l'état « En cours » à l'état « En pause »"),
    ("reprendre/", {"paused": True}, "Le projet passe de l'état « En pause » à l'état « En cours »"),
    ("arreter/", {}, "Le projet passe de l'état « En cours » à l'état « Arrêté »"),
]


@pytest.mark.parametrize(("path", "traits", "says"), CONFIRMATIONS, ids=["advance", "pause", "resume", "stop"])
def test_a_move_asks_for_confirmation_stating_from_to_and_its_date_and_changes_nothing(
    signed_in, revelateur35, path, traits, says
):
    project = ProjectFactory(created_by=revelateur35, **traits)
    before = Project.objects.values("stage", "state", "version").get(pk=project.pk)

    response = signed_in.get(f"/projets/{project.pk}/{path}")

    content = response.content.decode().replace("&#x27;", "'")
    assert response.status_code == 200
    assert " ".join(says.split()) in " ".join(content.split())
    assert f'value="{timezone.localdate().isoformat()}"' in content  # the date of the move, today unless changed
    assert "Pendant 15 minutes, vous pourrez" in " ".join(content.split())
    assert Project.objects.values("stage", "state", "version").get(pk=project.pk) == before
    assert history(project) == []


def test_the_project_page_leads_to_the_confirmation_instead_of_moving(signed_in, revelateur35):
    project = ProjectFactory(created_by=revelateur35, stage=Stage.PORTEUR_SEARCH)

    content = signed_in.get(f"/projets/{project.pk}/").content.decode()

    assert f'href="/projets/{project.pk}/avancer/">Passer à « Étude de faisabilité »</a>' in content
    assert f'action="/projets/{project.pk}/avancer/"' not in content


def test_a_move_confirmed_with_an_earlier_date_keeps_that_date(signed_in, revelateur35):
    project = ProjectFactory(created_by=revelateur35, stage=Stage.PORTEUR_SEARCH)
    last_week = timezone.localdate() - datetime.timedelta(days=7)

    signed_in.post(f"/projets/{project.pk}/avancer/", posts.move_data("advance", project, on=last_week.isoformat()))

    event = project.events.get(kind=ProjectEvent.Kind.STAGE)
    assert (event.to_stage, event.happened_on) == (Stage.FEASIBILITY_STUDY, last_week)
    assert "Survenu le" in signed_in.get(f"/projets/{project.pk}/").content.decode()


def test_a_move_confirmed_today_keeps_no_separate_date(signed_in, revelateur35):
    project = ProjectFactory(created_by=revelateur35)

    signed_in.post(f"/projets/{project.pk}/pause/", posts.move_data("pause", project))

    assert project.events.get(kind=ProjectEvent.Kind.STATE).happened_on is None


def in_days(days):
    return (timezone.localdate() + datetime.timedelta(days=days)).isoformat()


WRONG_DATES = [
    (in_days(1), "Cette date est à venir : indiquez le jour où le passage a eu lieu."),
    # The factory's project opened a year ago.
    (in_days(-400), "Le projet était à cette date avant son passage précédent"),
    ("", "Indiquez la date du passage."),
]


@pytest.mark.parametrize(("on", "message"), WRONG_DATES, ids=["future", "before-the-opening", "missing"])
def test_it_refuses_a_move_date_that_cannot_be_and_keeps_the_input(signed_in, revelateur35, on, message):
    project = ProjectFactory(created_by=revelateur35)

    response = signed_in.post(
        f"/projets/{project.pk}/pause/", posts.move_data("pause", project, "Le porteur déménage.", on=on)
    )

    assert response.status_code == 200
    (error,) = response.context["form"].errors["on"]
    assert error.startswith(message)
    content = response.content.decode()
    assert 'id="id_pause-on_error"' in content
    assert "Le porteur déménage." in content
    project.refresh_from_db()
    assert project.state == State.RUNNING
    assert history(project) == []


def test_a_move_cannot_be_dated_before_the_previous_one(signed_in, revelateur35):
    project = ProjectFactory(created_by=revelateur35, stage=Stage.PORTEUR_SEARCH)
    project.pause(by=revelateur35, on=timezone.localdate() - datetime.timedelta(days=3))

    response = signed_in.post(f"/projets/{project.pk}/reprendre/", posts.move_data("resume", project, on=in_days(-4)))

    expected = timezone.localdate() - datetime.timedelta(days=3)
    assert response.context["form"].errors["on"] == [
        f"Le projet était à cette date avant son passage précédent ({expected:%d/%m/%Y}) : "
        "indiquez une date à partir de celle-ci."
    ]
    project.refresh_from_db()
    assert project.state == State.PAUSED


def test_a_stop_is_confirmed_with_its_date(signed_in, revelateur35):
    project = ProjectFactory(created_by=revelateur35)

    signed_in.post(f"/projets/{project.pk}/arreter/", posts.stop_data(project, "Aucun porteur.", on=in_days(-2)))

    event = project.events.get(kind=ProjectEvent.Kind.STATE)
    assert (event.to_state, event.happened_on) == (State.STOPPED, timezone.localdate() - datetime.timedelta(days=2))
