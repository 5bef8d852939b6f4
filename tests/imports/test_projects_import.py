import datetime

import pytest

from imports.columns import PROJECTS
from imports.importers import preview, run_import
from imports.reading import read_table
from imports.rows import ERROR, NEW, UNCHANGED
from projects.models import CopilDecision, Project, ProjectEvent
from tests.imports.conftest import HEADERS, csv_bytes, project_row

pytestmark = pytest.mark.django_db


def table_of(*rows):
    return read_table("projets.csv", csv_bytes(HEADERS["projets"], rows))


def test_it_imports_a_project_at_the_opportunity_study_with_its_opening_date(revelateur35, brittany):
    run_import(PROJECTS, table_of(project_row()), user=revelateur35, filename="projets.csv")

    project = Project.objects.get()
    assert project.opened_on == datetime.date(2020, 9, 1)
    assert (project.stage, project.state, project.visibility) == ("opportunity_study", "running", "internal")
    assert (project.department_id, project.epci_id) == ("35", "243500741")
    assert list(project.communes.values_list("code", flat=True)) == ["35236"]
    assert not project.copil_decisions.exists()
    event = project.events.get()
    assert (event.kind, event.by, event.to_stage, event.to_state) == (
        ProjectEvent.Kind.IMPORTED,
        revelateur35,
        "opportunity_study",
        "running",
    )
    assert event.comment.endswith("Fichier « projets.csv », ligne 2.")


def test_a_project_past_the_opportunity_study_keeps_the_copil_that_let_it_go_on(revelateur35, brittany):
    row = project_row(
        Étape="Étude de faisabilité", **{"Date du COPIL": "12/06/2021", "Instance du COPIL": "COPIL de l'étude"}
    )
    run_import(PROJECTS, table_of(row), user=revelateur35, filename="projets.csv")

    project = Project.objects.get()
    assert project.stage == "feasibility_study"
    copil = project.copil_decisions.get()
    assert (copil.decided_on, copil.body, copil.decision) == (
        datetime.date(2021, 6, 12),
        "COPIL de l'étude",
        CopilDecision.Decision.GO,
    )
    assert copil.comment == "Décision reprise par l'import. Fichier « projets.csv », ligne 2."


def test_a_project_past_the_opportunity_study_needs_its_copil(revelateur35, brittany):
    [result] = preview(PROJECTS, table_of(project_row(Étape="Recherche de porteur")), revelateur35)

    assert result.outcome == ERROR
    assert result.errors == [
        "COPIL : un projet à l'étape « Recherche de porteur » a passé le COPIL de l'étude d'opportunité ; "
        "indiquez sa date (Date du COPIL) et son instance (Instance du COPIL)."
    ]


def test_a_project_stopped_by_its_copil_at_the_opportunity_study_records_the_stop(revelateur35, brittany):
    row = project_row(
        État="Arrêté",
        **{"Motif de l'arrêt": "Pas de porteur.", "Date du COPIL": "2021-02-01", "Instance du COPIL": "COPIL"},
    )
    run_import(PROJECTS, table_of(row), user=revelateur35, filename="projets.csv")

    project = Project.objects.get()
    assert (project.state, project.stopped_reason) == ("stopped", "Pas de porteur.")
    assert project.copil_decisions.get().decision == CopilDecision.Decision.STOP


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"Étape": "Activité lancée"}, "Étape : « Activité lancée » n'est pas une valeur possible"),
        ({"Visibilité": "Public"}, "Visibilité : « Public » n'est pas une valeur possible"),
        ({"État": "Arrêté"}, "Motif de l'arrêt : obligatoire pour un projet « Arrêté »."),
        (
            {"Date du COPIL": "01/02/2021", "Instance du COPIL": "COPIL"},
            "COPIL : à l'étude d'opportunité, un COPIL ne figure que s'il a arrêté le projet",
        ),
        (
            {"Étape": "Amorçage", "Date du COPIL": "01/02/2019", "Instance du COPIL": "COPIL"},
            "Date du COPIL : le 01/02/2019 précède l'ouverture de l'étude (01/09/2020).",
        ),
        ({"Ouvert le": "01/01/2999"}, "Ouvert le : le 01/01/2999 est à venir"),
    ],
)
def test_it_refuses_a_stage_state_or_copil_the_product_rules_forbid(revelateur35, brittany, values, message):
    [result] = preview(PROJECTS, table_of(project_row(**values)), revelateur35)

    assert result.outcome == ERROR
    assert any(error.startswith(message) for error in result.errors), result.errors


def test_a_project_moved_on_in_the_fabrique_is_not_moved_back_by_an_import(revelateur35, brittany):
    run_import(PROJECTS, table_of(project_row()), user=revelateur35, filename="projets.csv")
    project = Project.objects.get()
    project.pause(by=revelateur35)

    [same_file] = preview(PROJECTS, table_of(project_row()), revelateur35)
    [says_running] = preview(PROJECTS, table_of(project_row(État="En cours")), revelateur35)

    assert same_file.outcome == UNCHANGED
    assert says_running.errors[0].startswith(
        "Étape et état : ce projet est « Étude d'opportunité », « En pause » dans la Fabrique"
    )


def test_importing_the_same_projects_twice_changes_nothing(revelateur35, brittany):
    row = project_row(Étape="Amorçage", **{"Date du COPIL": "12/06/2021", "Instance du COPIL": "COPIL"})
    run_import(PROJECTS, table_of(row), user=revelateur35, filename="projets.csv")
    before = list(Project.objects.values())

    [result] = run_import(PROJECTS, table_of(row), user=revelateur35, filename="projets.csv")

    assert result.outcome == UNCHANGED
    assert list(Project.objects.values()) == before
    # The COPIL, its move to the porteur search, and the « Import » line: the second run adds none.
    assert (CopilDecision.objects.count(), ProjectEvent.objects.count()) == (1, 2)


def test_a_new_project_row_is_new(revelateur35, brittany):
    [result] = preview(PROJECTS, table_of(project_row()), revelateur35)

    assert (result.outcome, result.errors) == (NEW, [])


def test_an_updated_project_says_what_changed_in_its_history(revelateur35, brittany):
    run_import(PROJECTS, table_of(project_row()), user=revelateur35, filename="v1.csv")

    run_import(
        PROJECTS,
        table_of(project_row(Visibilité="Partagé avec les partenaires")),
        user=revelateur35,
        filename="v2.csv",
    )

    project = Project.objects.get()
    assert (project.visibility, project.version) == ("partners", 2)
    assert project.events.first().comment == (
        f"Mis à jour par {revelateur35} depuis le tableur (visibilité). Fichier « v2.csv », ligne 2."
    )
