import datetime

from django.utils import timezone

from needs.models import NeedEvent
from projects.models import ProjectEvent
from tests.needs.factories import NeedFactory
from tests.projects.factories import ProjectFactory


def long_ago(days):
    return timezone.now() - datetime.timedelta(days=days)


def age(obj, days):
    """Date every line of the object's history `days` ago."""
    obj.events.update(at=long_ago(days))
    obj.__class__.objects.filter(pk=obj.pk).update(created_at=long_ago(days))


def test_a_revelateur_starts_the_day_with_the_counts_of_their_structure(client, revelateur35, revelateur29):
    NeedFactory.create_batch(2, created_by=revelateur35)
    NeedFactory(created_by=revelateur35, qualified=True)
    NeedFactory(created_by=revelateur29)
    ProjectFactory(created_by=revelateur35, paused=True)
    ProjectFactory(created_by=revelateur29, paused=True)
    client.force_login(revelateur35)

    response = client.get("/")

    assert response.status_code == 200
    assert dict((status.value, count) for status, count in response.context["needs_by_status"]) == {
        "detected": 2,
        "qualified": 1,
        "in_study": 0,
        "on_hold": 0,
        "dismissed": 0,
    }
    opportunity = dict(response.context["projects_by_stage"])[next(iter(response.context["projects_by_stage"]))[0]]
    assert [(state.value, count) for state, count in opportunity] == [("running", 0), ("paused", 1), ("stopped", 0)]
    content = response.content.decode()
    assert "/besoins/?status=detected" in content
    link = f"/projets/?structure={revelateur35.structure_id}&amp;stage=opportunity_study&amp;state=paused"
    assert link in content
    listed = client.get(link.replace("&amp;", "&")).context["page"].object_list
    assert [project.structure_id for project in listed] == [revelateur35.structure_id]


def test_it_lists_what_has_not_moved_for_ninety_days(client, revelateur35, revelateur29):
    dormant_need = NeedFactory(created_by=revelateur35, title="Besoin oublié")
    age(dormant_need, 100)
    noted_need = NeedFactory(created_by=revelateur35, title="Besoin annoté récemment")
    age(noted_need, 100)
    NeedEvent.objects.create(need=noted_need, kind=NeedEvent.Kind.NOTE, comment="Appel au maire.", by=revelateur35)
    dismissed_need = NeedFactory(created_by=revelateur35, dismissed=True, title="Besoin écarté")
    age(dismissed_need, 100)
    dormant_project = ProjectFactory(created_by=revelateur35, title="Projet endormi")
    age(dormant_project, 120)
    stopped_project = ProjectFactory(created_by=revelateur35, stopped=True, title="Projet arrêté")
    age(stopped_project, 120)
    other = NeedFactory(created_by=revelateur29, title="Besoin d'une autre structure")
    age(other, 200)
    client.force_login(revelateur35)

    response = client.get("/")

    assert list(response.context["dormant_needs"]) == [dormant_need]
    assert list(response.context["dormant_projects"]) == [dormant_project]


def test_a_recent_event_wakes_a_project_up(client, revelateur35):
    project = ProjectFactory(created_by=revelateur35)
    age(project, 120)
    ProjectEvent.objects.create(project=project, kind=ProjectEvent.Kind.NOTE, comment="Relance.", by=revelateur35)
    client.force_login(revelateur35)

    response = client.get("/")

    assert list(response.context["dormant_projects"]) == []


def test_the_dashboard_runs_a_fixed_number_of_queries(client, revelateur35, django_assert_num_queries):
    client.force_login(revelateur35)
    for count in (1, 5):
        for _ in range(count):
            age(NeedFactory(created_by=revelateur35), 100)
            age(ProjectFactory(created_by=revelateur35), 100)
        # session, user, structure, collectivités' proposals, needs by status, projects by stage and state,
        # dormant needs, dormant projects
        with django_assert_num_queries(8):
            client.get("/")


def test_other_people_signed_in_read_the_presentation(client, avise):
    client.force_login(avise)

    response = client.get("/")

    assert response.templates[0].name == "fabrique/home.html"
