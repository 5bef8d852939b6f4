"""The Atom feed of the Carnet de projets: newly public and newly launched projects, public ones only."""

import datetime

from django.utils import timezone

from projects.models import Project, ProjectEvent
from tests.projects.factories import ProjectFactory


def test_it_lists_the_public_projects_newest_first(client, revelateur35):
    older = ProjectFactory(created_by=revelateur35, public=True, title="Garage solidaire")
    Project.objects.filter(pk=older.pk).update(created_at=timezone.now() - datetime.timedelta(days=30))
    ProjectFactory(created_by=revelateur35, public=True, title="Tiers-lieu du Poher")
    ProjectFactory(created_by=revelateur35, shared=True, title="Projet partagé")
    ProjectFactory(created_by=revelateur35, title="Projet interne")

    response = client.get("/projets/flux.atom")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    content = response.content.decode()
    assert content.index("Nouveau projet : Tiers-lieu du Poher") < content.index("Nouveau projet : Garage solidaire")
    assert "Projet partagé" not in content and "Projet interne" not in content


def test_a_launched_project_comes_up_at_its_launch(client, revelateur35):
    launched = ProjectFactory(created_by=revelateur35, public=True, launched=True, title="Épicerie itinérante")
    Project.objects.filter(pk=launched.pk).update(created_at=timezone.now() - datetime.timedelta(days=900))
    ProjectEvent.objects.create(
        project=launched,
        kind=ProjectEvent.Kind.STAGE,
        from_stage=Project.Stage.LAUNCH_SUPPORT,
        to_stage=Project.Stage.LAUNCHED,
        by=revelateur35,
    )
    recent = ProjectFactory(created_by=revelateur35, public=True, title="Garage solidaire")
    Project.objects.filter(pk=recent.pk).update(created_at=timezone.now() - datetime.timedelta(days=10))

    content = client.get("/projets/flux.atom").content.decode()

    assert content.index("Activité lancée : Épicerie itinérante") < content.index("Nouveau projet : Garage solidaire")


def test_a_signed_in_reader_gets_the_same_public_feed(client, revelateur35):
    ProjectFactory(created_by=revelateur35, title="Projet interne")
    client.force_login(revelateur35)

    content = client.get("/projets/flux.atom").content.decode()

    assert "Projet interne" not in content


def test_the_feed_runs_a_fixed_number_of_queries(client, revelateur35, django_assert_num_queries):
    for count in (1, 5):
        for _ in range(count):
            ProjectFactory(created_by=revelateur35, public=True, launched=True)
        # 1 the public projects with their structure, département, activity and date of launch
        with django_assert_num_queries(1):
            client.get("/projets/flux.atom")
