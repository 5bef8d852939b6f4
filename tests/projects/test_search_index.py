"""On PostgreSQL, the catalogue's search reads its indexes instead of folding and stemming every public row."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection

from projects.filters import search_projects
from projects.models import Project
from tests.projects.factories import ProjectFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="index de recherche : PostgreSQL seulement"),
]


def plan(text):
    """Return PostgreSQL's plan of the catalogue's search for `text`."""
    projects = search_projects(Project.objects.all(), text)
    with connection.cursor() as cursor:
        # A few test rows would be read whole anyway: ask for the plan a large table gets.
        cursor.execute("SET LOCAL enable_seqscan = off")
        # Nor walk a whole index in the list's order: read the rows the search's indexes point to.
        cursor.execute("SET LOCAL enable_indexscan = off")
    return projects.order_by().explain()


def test_the_catalogue_search_reads_the_stemmed_and_the_trigram_indexes(revelateur35):
    ProjectFactory(created_by=revelateur35, public=True, title="Épiceries solidaires")

    explained = plan("épicerie solidaire")

    assert "projects_project_search" in explained
    assert "projects_project_title_trigrams" in explained
    assert "Seq Scan on projects_project" not in explained


def test_the_indexed_search_still_ignores_accents_and_finds_plurals(revelateur35):
    ProjectFactory(created_by=revelateur35, public=True, title="Épiceries solidaires")
    ProjectFactory(created_by=revelateur35, public=True, title="Garage associatif")

    def found(text):
        projects = search_projects(Project.objects.visible_to(AnonymousUser()), text)
        return [project.title for project in projects]

    assert found("EPICERIE") == ["Épiceries solidaires"]
    assert found("garage") == ["Garage associatif"]
    assert found("boulangerie") == []
