"""An imported project carries the history the network statistics read (reports.figures), at the dates of the file:
the move a COPIL "go" made, and the stop, written as the Fabrique writes them."""

import datetime
from decimal import Decimal

import pytest

from imports.columns import PROJECTS
from imports.importers import preview, run_import
from imports.reading import read_table
from imports.rows import ERROR
from needs.models import Need
from projects.models import CopilDecision, Project, ProjectEvent
from reports.figures import Figures
from reports.filters import Filters
from reports.tables import TABLES
from tests.imports.conftest import HEADERS, csv_bytes, project_row

pytestmark = pytest.mark.django_db

Stage, State = Project.Stage, Project.State


def table_of(*rows):
    return read_table("projets.csv", csv_bytes(HEADERS["projets"], rows))


def import_rows(user, *rows):
    return run_import(PROJECTS, table_of(*rows), user=user, filename="projets.csv")


def figures(name, year_from=2020, year_to=2021):
    """Return {row label: [one value per year, total]} of a table of the statistics, for the whole network."""
    table = TABLES[name](Figures(Filters(year_from, year_to), needs=Need.objects.none()))
    return {row.label: row.values for row in table.rows}


def stopped_row(**values):
    return project_row(
        **{"État": "Arrêté", "Motif de l'arrêt": "Pas de porteur trouvé.", "Arrêté le": "15/03/2021", **values}
    )


def test_a_stopped_project_counts_as_stopped_in_the_year_of_its_stop_at_its_stage(revelateur35, brittany):
    import_rows(
        revelateur35,
        stopped_row(),
        stopped_row(
            Référence="P-2",
            Étape="Étude de faisabilité",
            **{
                "Ouvert le": "15/01/2020",
                "Date du COPIL": "01/06/2020",
                "Instance du COPIL": "COPIL",
                "Arrêté le": "2020-11-30",
            },
        ),
    )

    assert figures("arrets-par-etape") == {
        "Étude d'opportunité": [0, 1, 1],
        "Recherche de porteur": [0, 0, 0],
        "Étude de faisabilité": [1, 0, 1],
        "Amorçage": [0, 0, 0],
    }


def test_the_stop_is_a_state_change_from_running_to_stopped_dated_on_its_day(revelateur35, brittany):
    import_rows(revelateur35, stopped_row())

    project = Project.objects.get()
    stop = project.events.get(kind=ProjectEvent.Kind.STATE)
    assert (stop.from_stage, stop.to_stage, stop.from_state, stop.to_state, stop.copil) == (
        Stage.OPPORTUNITY_STUDY,
        Stage.OPPORTUNITY_STUDY,
        State.RUNNING,
        State.STOPPED,
        None,
    )
    assert stop.at.astimezone(datetime.UTC).date() == datetime.date(2021, 3, 15)
    assert (stop.by, stop.comment) == (revelateur35, "Pas de porteur trouvé.")


def test_a_copil_stop_is_dated_on_the_copil_and_linked_to_its_decision(revelateur35, brittany):
    row = stopped_row(**{"Arrêté le": "", "Date du COPIL": "02/02/2021", "Instance du COPIL": "COPIL de l'étude"})
    import_rows(revelateur35, row)

    project = Project.objects.get()
    copil = project.copil_decisions.get()
    stop = project.events.get(kind=ProjectEvent.Kind.STATE)
    assert (copil.decision, stop.copil, stop.to_state) == (CopilDecision.Decision.STOP, copil, State.STOPPED)
    assert figures("arrets-par-etape")["Étude d'opportunité"] == [0, 1, 1]
    assert figures("etudes")["Décisions de COPIL : arrêter"] == [0, 1, 1]


def test_a_project_past_the_opportunity_study_moved_to_the_porteur_search_on_its_copil_day(revelateur35, brittany):
    row = project_row(Étape="Amorçage", **{"Date du COPIL": "12/06/2021", "Instance du COPIL": "COPIL"})
    import_rows(revelateur35, row)

    project = Project.objects.get()
    copil = project.copil_decisions.get()
    move = project.events.get(kind=ProjectEvent.Kind.STAGE)
    assert (move.from_stage, move.to_stage, move.from_state, move.to_state, move.copil) == (
        Stage.OPPORTUNITY_STUDY,
        Stage.PORTEUR_SEARCH,
        State.RUNNING,
        State.RUNNING,
        copil,
    )
    # Opened 2020-09-01, COPIL 2021-06-12: 284 days in the opportunity study. The later moves have no date in the
    # file: no feasibility study is counted, and no time in the porteur search.
    durations = figures("durees-par-etape")
    assert durations["Étude d'opportunité"] == [284, Decimal("9.3"), 1]
    assert durations["Recherche de porteur"] == [None, None, 0]
    assert (
        dict((label, values[0]) for label, values in figures("entonnoir").items())["Études de faisabilité ouvertes"]
        == 0
    )
    assert figures("arrets-par-etape")["Amorçage"] == [0, 0, 0]


def test_a_project_stopped_after_its_copil_go_counts_its_move_and_its_stop(revelateur35, brittany):
    row = stopped_row(
        Étape="Recherche de porteur",
        **{
            "Ouvert le": "15/01/2020",
            "Date du COPIL": "12/06/2020",
            "Instance du COPIL": "COPIL",
            "Arrêté le": "01/02/2021",
        },
    )
    import_rows(revelateur35, row)

    events = Project.objects.get().events.order_by("at", "pk")
    assert [(event.kind, event.to_stage, event.to_state) for event in events] == [
        (ProjectEvent.Kind.STAGE, Stage.PORTEUR_SEARCH, State.RUNNING),
        (ProjectEvent.Kind.STATE, Stage.PORTEUR_SEARCH, State.STOPPED),
        (ProjectEvent.Kind.IMPORTED, Stage.PORTEUR_SEARCH, State.STOPPED),
    ]
    assert figures("arrets-par-etape")["Recherche de porteur"] == [0, 1, 1]


def test_importing_a_stopped_project_again_adds_no_stop_and_no_count(revelateur35, brittany):
    import_rows(revelateur35, stopped_row())
    import_rows(revelateur35, stopped_row(Intitulé="Tiers-lieu de Redon, renommé"))

    assert Project.objects.get().events.filter(to_state=State.STOPPED).count() == 3  # the stop and two import lines
    # This year's import lines count no stop: the stop stays in 2021, once.
    this_year = datetime.date.today().year
    assert figures("arrets-par-etape", 2021, this_year)["Étude d'opportunité"][-1] == 1


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"Arrêté le": ""}, "Arrêté le : obligatoire pour un projet « Arrêté » (la date de l'arrêt)."),
        ({"Arrêté le": "15-03-2021"}, "Arrêté le : « 15-03-2021 » n'est pas une date au format JJ/MM/AAAA"),
        ({"Arrêté le": "01/01/2999"}, "Arrêté le : le 01/01/2999 est à venir"),
        ({"Arrêté le": "31/08/2020"}, "Arrêté le : le 31/08/2020 précède l'ouverture de l'étude (01/09/2020)."),
        (
            {"Étape": "Amorçage", "Date du COPIL": "12/06/2021", "Instance du COPIL": "COPIL"},
            "Arrêté le : le 15/03/2021 précède le COPIL qui a décidé de poursuivre (12/06/2021).",
        ),
        (
            {"Date du COPIL": "01/02/2021", "Instance du COPIL": "COPIL"},
            "Arrêté le : le 15/03/2021, mais le COPIL qui a arrêté le projet s'est tenu le 01/02/2021",
        ),
        ({"État": "En cours", "Motif de l'arrêt": ""}, "Arrêté le : seulement pour un projet « Arrêté »."),
    ],
)
def test_it_refuses_a_stop_date_missing_malformed_or_out_of_order(revelateur35, brittany, values, message):
    [result] = preview(PROJECTS, table_of(stopped_row(**values)), revelateur35)

    assert result.outcome == ERROR
    assert any(error.startswith(message) for error in result.errors), result.errors
