import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from projects.models import CopilDecision, Meeting, Project, ProjectEvent
from tests.needs.factories import ThemeFactory
from tests.partners.factories import FundingFactory
from tests.projects import files, posts
from tests.projects.factories import FollowUpFactory, ProjectFactory
from tests.projects.files import upload

CHANGELISTS = [
    "/admin/projects/project/",
    "/admin/projects/activity/",
    "/admin/projects/copildecision/",
    "/admin/projects/meeting/",
    "/admin/projects/document/",
    "/admin/partners/organization/",
]


def add_rows(revelateur35, client):
    project = ProjectFactory(created_by=revelateur35, launched=True)
    FollowUpFactory(activity=project.activity)
    FundingFactory(project=project, contribution_kind="grant", amount=100)
    CopilDecision.objects.create(
        project=project, decided_on="2026-01-01", body="COPIL", decision="go", recorded_by=revelateur35
    )
    Meeting.objects.create(
        project=project, kind="workshop", held_on="2026-01-01", title="Atelier", recorded_by=revelateur35
    )
    other = ProjectFactory(created_by=revelateur35)
    client.force_login(revelateur35)
    client.post(f"/projets/{other.pk}/documents/nouveau/", posts.document_data(file=upload("e.pdf", files.PDF)))
    return project


def queries_for(client, path):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("path", CHANGELISTS)
def test_each_list_of_the_admin_runs_a_fixed_number_of_queries(client, administrator, revelateur35, path):
    add_rows(revelateur35, client)
    client.force_login(administrator)
    few = queries_for(client, path)
    for _ in range(3):
        add_rows(revelateur35, client)
    client.force_login(administrator)

    assert queries_for(client, path) == few


@pytest.mark.parametrize("role", ["admin", "avise"])
def test_the_change_pages_open_for_administrators_and_avise_staff(client, cast, revelateur35, role):
    project = add_rows(revelateur35, client)
    document = Project.objects.exclude(pk=project.pk).get().documents.get()
    client.force_login(cast[role])

    for path in [
        f"/admin/projects/project/{project.pk}/change/",
        f"/admin/projects/activity/{project.activity.pk}/change/",
        f"/admin/projects/copildecision/{project.copil_decisions.get().pk}/change/",
        f"/admin/projects/meeting/{project.meetings.get().pk}/change/",
        f"/admin/projects/document/{document.pk}/change/",
        f"/admin/partners/organization/{project.activity.porteur.pk}/change/",
    ]:
        assert client.get(path).status_code == 200, path


def test_a_document_is_read_from_the_admin_only_through_the_checked_download(client, administrator, revelateur35):
    add_rows(revelateur35, client)
    document = Project.objects.get(stage="opportunity_study").documents.get()
    client.force_login(administrator)

    content = client.get(f"/admin/projects/document/{document.pk}/change/").content.decode()

    assert f'href="/projets/documents/{document.pk}/"' in content
    assert document.file.name not in content
    assert client.get("/admin/projects/document/add/").status_code == 403


def test_a_project_edited_in_the_admin_is_a_new_version_and_keeps_its_stage(client, administrator, revelateur35):
    theme = ThemeFactory()
    project = ProjectFactory(created_by=revelateur35, stage=Project.Stage.PORTEUR_SEARCH, themes=[theme])
    client.force_login(administrator)
    page = client.get(f"/admin/projects/project/{project.pk}/change/")
    data = {
        key: value
        for key, value in page.context["adminform"].form.initial.items()
        if key in page.context["adminform"].form.fields and value is not None
    }
    data |= {
        "title": "Renommé par l'administration",
        "themes": [theme.pk],
        "communes": [],
        "events-TOTAL_FORMS": "1",
        "events-INITIAL_FORMS": "1",
        "events-MIN_NUM_FORMS": "0",
        "events-MAX_NUM_FORMS": "1000",
        "events-0-id": project.events.get().pk,
        "events-0-project": project.pk,
        "stage": "launched",
    }

    response = client.post(f"/admin/projects/project/{project.pk}/change/", data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    project.refresh_from_db()
    assert (project.title, project.version, project.stage) == (
        "Renommé par l'administration",
        2,
        Project.Stage.PORTEUR_SEARCH,
    )
    assert project.events.count() == 1


def test_avise_staff_change_nothing_in_the_admin(client, avise, revelateur35):
    project = ProjectFactory(created_by=revelateur35)
    client.force_login(avise)

    assert client.post(f"/admin/projects/project/{project.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.get("/admin/projects/project/add/").status_code == 403
    assert Project.objects.filter(pk=project.pk).exists()
    assert ProjectEvent.objects.filter(project=project).count() == 1
