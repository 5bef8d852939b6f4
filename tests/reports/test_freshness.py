"""The figures are computed once, kept in the cache, and computed anew as soon as a fact they count changes."""

import datetime

import pytest
from django.contrib.sessions.models import Session
from django.db import transaction

from needs.models import Need
from projects.models import Project
from reports.freshness import WRITE, counted_tables
from reports.models import FiguresVersion
from tests.needs.factories import NeedFactory
from tests.projects import posts
from tests.projects.factories import ProjectFactory

ADMIN_DASHBOARD = "/admin/statistiques/"


def version():
    return FiguresVersion.objects.get(pk=1).number


def stops(response):
    """The projects stopped at the opportunity study over the span, as the table of stops by stage counts them."""
    (table,) = [
        item["table"]
        for section in response.context["sections"]
        for item in section["tables"]
        if item["table"].name == "arrets-par-etape"
    ]
    return table.rows[0].values[-1]


@pytest.mark.django_db(transaction=True)
def test_a_cached_figure_changes_as_soon_as_a_project_is_stopped_on_the_site(client, avise, revelateur35):
    FiguresVersion.objects.get_or_create(pk=1)
    project = ProjectFactory(created_by=revelateur35, opened_on=datetime.date.today().replace(month=1, day=1))
    client.force_login(avise)
    assert stops(client.get(ADMIN_DASHBOARD)) == 0
    assert stops(client.get(ADMIN_DASHBOARD)) == 0  # now read from the cache

    client.force_login(revelateur35)
    response = client.post(f"/projets/{project.pk}/arreter/", posts.stop_data(project, "Pas de porteur."))
    assert response.status_code == 302
    client.force_login(avise)

    assert stops(client.get(ADMIN_DASHBOARD)) == 1


@pytest.mark.django_db(transaction=True)
def test_a_cached_figure_changes_as_soon_as_a_stop_is_undone_on_the_site(client, avise, revelateur35):
    FiguresVersion.objects.get_or_create(pk=1)
    project = ProjectFactory(created_by=revelateur35, opened_on=datetime.date.today().replace(month=1, day=1))
    project.stop(by=revelateur35, reason="Saisi sur le mauvais projet.")
    client.force_login(avise)
    assert stops(client.get(ADMIN_DASHBOARD)) == 1
    assert stops(client.get(ADMIN_DASHBOARD)) == 1  # now read from the cache

    client.force_login(revelateur35)
    response = client.post(f"/projets/{project.pk}/annuler-le-passage/", posts.undo_data(project))
    assert response.status_code == 302
    client.force_login(avise)

    assert stops(client.get(ADMIN_DASHBOARD)) == 0


@pytest.mark.django_db(transaction=True)
def test_the_figures_version_grows_once_a_write_commits_and_not_when_it_rolls_back(revelateur35):
    FiguresVersion.objects.get_or_create(pk=1)
    before = version()
    with transaction.atomic():
        need = NeedFactory(created_by=revelateur35)
        # Not yet: until the commit, another request could not see the new need, and must not drop its figures.
        assert version() == before
    assert version() > before

    before = version()
    with pytest.raises(RuntimeError), transaction.atomic():
        Need.objects.filter(pk=need.pk).update(title="Jamais enregistré")
        raise RuntimeError
    assert version() == before


def test_every_way_of_writing_a_counted_fact_makes_the_figures_stale(revelateur35, django_capture_on_commit_callbacks):
    project = ProjectFactory(created_by=revelateur35)
    before = version()
    with django_capture_on_commit_callbacks(execute=True) as bulk_insert:
        Need.objects.bulk_create([NeedFactory.build(created_by=revelateur35)])
    with django_capture_on_commit_callbacks(execute=True) as update:
        Project.objects.filter(pk=project.pk).update(title="Renommé")
    with django_capture_on_commit_callbacks(execute=True) as many_to_many:
        project.themes.clear()
    with django_capture_on_commit_callbacks(execute=True) as unrelated:
        Session.objects.all().delete()

    assert [len(bulk_insert), len(update), len(many_to_many), len(unrelated)] == [1, 1, 1, 0]
    assert version() == before + 3


def test_the_watcher_reads_the_table_of_each_kind_of_write():
    tables = counted_tables()
    assert {"needs_need", "projects_projectevent", "projects_project_themes", "partners_involvement"} <= tables
    assert "django_session" not in tables and "reports_figuresversion" not in tables
    for sql, table in [
        ('INSERT INTO "needs_need" ("title") VALUES (%s)', "needs_need"),
        ('UPDATE "projects_project" SET "title" = %s', "projects_project"),
        ('DELETE FROM "partners_involvement" WHERE "id" IN (%s)', "partners_involvement"),
    ]:
        assert WRITE.match(sql)[1] == table
    assert WRITE.match('SELECT "needs_need"."id" FROM "needs_need"') is None
