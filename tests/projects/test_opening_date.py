"""The day a study opened: given when it opens, corrected in the project's edit form, within what its needs and its
history allow; the timeline and the figures follow it."""

import datetime

import pytest
from django.utils import timezone

from needs.models import Need
from projects.models import Project, ProjectEvent
from reports.figures import Figures
from reports.filters import Filters
from tests.needs.factories import NeedFactory, ThemeFactory
from tests.projects import posts
from tests.projects.factories import ProjectFactory


@pytest.fixture
def signed_in(client, revelateur35):
    client.force_login(revelateur35)
    return client


def days_ago(days):
    return timezone.localdate() - datetime.timedelta(days=days)


def test_the_edit_form_corrects_the_opening_date(signed_in, project):
    response = signed_in.get(f"/projets/{project.pk}/modifier/")
    assert f'name="opened_on" value="{project.opened_on.isoformat()}"' in response.content.decode()

    signed_in.post(f"/projets/{project.pk}/modifier/", posts.edit_data(project, opened_on=days_ago(400).isoformat()))

    project.refresh_from_db()
    assert project.opened_on == days_ago(400)
    # The history's opening line says it.
    assert project.events.get(kind=ProjectEvent.Kind.OPENED).happened_on == days_ago(400)
    assert "Étude ouverte le" in signed_in.get(f"/projets/{project.pk}/").content.decode()


def test_the_figures_count_the_study_in_the_year_of_its_corrected_opening(signed_in, revelateur35):
    project = ProjectFactory(created_by=revelateur35, opened_on=datetime.date(2021, 1, 5), themes=[ThemeFactory()])
    assert Figures(Filters(2020, 2021)).studies_per_year == {(2021, None): {"count": 1}}

    response = signed_in.post(f"/projets/{project.pk}/modifier/", posts.edit_data(project, opened_on="2020-12-15"))

    assert response.status_code == 302
    assert Figures(Filters(2020, 2021)).studies_per_year == {(2020, None): {"count": 1}}


def test_it_refuses_an_opening_date_to_come(signed_in, project):
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()

    response = signed_in.post(
        f"/projets/{project.pk}/modifier/", posts.edit_data(project, title="Titre saisi", opened_on=tomorrow)
    )

    assert response.context["form"].errors["opened_on"] == [
        "Cette date est à venir : une étude s'enregistre une fois ouverte."
    ]
    assert 'id="id_opened_on_error"' in response.content.decode()
    assert 'value="Titre saisi"' in response.content.decode()
    assert Project.objects.get(pk=project.pk).opened_on == project.opened_on


def test_it_refuses_an_opening_date_before_a_need_was_detected(signed_in, revelateur35, project):
    NeedFactory(
        created_by=revelateur35,
        title="Pas de garde d'enfants",
        detected_on=days_ago(500),
        status=Need.Status.IN_STUDY,
        project=project,
    )

    response = signed_in.post(
        f"/projets/{project.pk}/modifier/", posts.edit_data(project, opened_on=days_ago(501).isoformat())
    )

    assert response.context["form"].errors["opened_on"] == [
        f"Le besoin « Pas de garde d'enfants » a été détecté le {days_ago(500):%d/%m/%Y} : "
        "l'étude ne peut pas s'ouvrir avant."
    ]
    assert Project.objects.get(pk=project.pk).opened_on == project.opened_on


def test_it_refuses_an_opening_date_after_the_first_copil(signed_in, revelateur35, project):
    project.record_copil_decision(by=revelateur35, decided_on=days_ago(100), body="COPIL", decision="go")
    project.refresh_from_db()

    response = signed_in.post(
        f"/projets/{project.pk}/modifier/", posts.edit_data(project, opened_on=days_ago(99).isoformat())
    )

    assert response.context["form"].errors["opened_on"] == [
        f"Le projet a une décision de COPIL ou un passage daté du {days_ago(100):%d/%m/%Y} : "
        "l'étude ne peut pas s'être ouverte après."
    ]
    signed_in.post(f"/projets/{project.pk}/modifier/", posts.edit_data(project, opened_on=days_ago(100).isoformat()))
    assert Project.objects.get(pk=project.pk).opened_on == days_ago(100)


def test_it_refuses_an_opening_date_after_a_move(signed_in, revelateur35, project):
    project.pause(by=revelateur35, on=days_ago(30))
    project.refresh_from_db()

    response = signed_in.post(
        f"/projets/{project.pk}/modifier/", posts.edit_data(project, opened_on=days_ago(29).isoformat())
    )

    assert "l'étude ne peut pas s'être ouverte après" in response.context["form"].errors["opened_on"][0]
