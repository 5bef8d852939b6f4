"""Each figure of the dashboard, on the hand-built network of conftest.py (2019–2021), with its answer written here."""

import datetime
from decimal import Decimal

import pytest

from needs.models import Need
from projects.models import Project
from reports.figures import TABLES, Figures
from reports.filters import Filters
from tests.reports.conftest import noon

pytestmark = pytest.mark.django_db

SPAN = Filters(2019, 2021)


def table(name, filters=SPAN, **scope):
    figures = Figures(filters, needs=scope.pop("needs", Need.objects.all()), **scope)
    return TABLES[name](figures)


def values(name, filters=SPAN, **scope):
    """Return {row label: [2019, 2020, 2021, total]} (or the table's own columns)."""
    return {row.label: row.values for row in table(name, filters, **scope).rows}


def test_it_counts_the_needs_detected_each_year_and_the_proposals_of_collectivites(network):
    assert values("besoins") == {
        "Besoins détectés": [1, 2, 1, 4],
        "dont propositions de collectivités": [0, 1, 0, 1],
    }


def test_it_counts_the_needs_by_source(network):
    assert values("besoins-par-origine") == {
        "Collectivité": [0, 1, 0, 1],
        "Habitants": [1, 0, 0, 1],
        "Capteur d'idées": [0, 0, 0, 0],
        "Partenaire": [0, 1, 0, 1],
        "Appel à révélation": [0, 0, 0, 0],
        "Veille / auto-saisine": [0, 0, 1, 1],
    }


def test_it_counts_studies_opened_studies_concluded_and_copil_decisions_in_the_year_the_copil_sat(network):
    assert values("etudes") == {
        "Études d'opportunité ouvertes": [2, 2, 1, 5],
        "Études d'opportunité conclues (COPIL)": [2, 1, 2, 5],
        "Décisions de COPIL : poursuivre": [2, 0, 2, 4],
        "Décisions de COPIL : arrêter": [0, 1, 0, 1],
    }


def test_it_counts_the_stopped_projects_at_the_stage_they_stopped(network):
    assert values("arrets-par-etape") == {
        "Étude d'opportunité": [0, 1, 0, 1],
        "Recherche de porteur": [0, 0, 1, 1],
        "Étude de faisabilité": [0, 0, 0, 0],
        "Amorçage": [0, 0, 0, 0],
    }


def test_it_counts_activities_and_jobs_by_year_of_opening_with_their_follow_up_at_n_plus_1_and_n_plus_3(network):
    assert values("activites") == {
        "Activités lancées": [0, 1, 1, 2],
        "Emplois au lancement (ETP)": [0, Decimal("1"), Decimal("2.5"), Decimal("3.5")],
        "Emplois à N+1 (ETP)": [0, Decimal("2"), Decimal("4"), Decimal("6")],
        # The 2020 activity closed in 2022, before its N+3 (2023): no job, not active.
        "Emplois à N+3 (ETP)": [0, 0, Decimal("6"), Decimal("6")],
        "Activités toujours actives à N+3": [0, 0, 1, 1],
    }


def test_a_follow_up_year_not_yet_passed_is_unknown_not_zero(network):
    this_year = datetime.date.today().year
    recent = values("activites", Filters(this_year - 1, this_year))

    assert recent["Emplois à N+1 (ETP)"] == [0, None, 0]
    assert recent["Activités toujours actives à N+3"] == [None, None, None]


def test_it_counts_activities_by_legal_form_and_by_theme(network):
    by_form = values("activites-par-forme-juridique")
    assert by_form["Association"] == [0, 1, 0, 1]
    assert by_form["SCIC"] == [0, 0, 1, 1]
    assert by_form["SCOP"] == [0, 0, 0, 0]
    assert values("activites-par-theme") == {"Mobilité": [0, 1, 1, 2]}


def test_it_counts_each_partner_organisation_once_a_year_over_the_period_of_its_involvement(network):
    assert values("partenaires") == {
        # Mobil'Aide works on two projects, and one of its contacts was erased: it counts once, every year.
        "Région": [0, 1, 0, 1],  # on the stopped project, from its opening to its stop (2020)
        "Financeur public": [0, 0, 1, 1],
        "Association": [1, 1, 1, 1],
        "Entreprise": [0, 0, 0, 0],  # involved in 2018 only
        "Toutes les organisations": [1, 2, 2, 3],
    }


def test_it_sums_the_funding_by_kind_and_by_type_of_funder_in_the_year_the_activity_opened(network):
    by_kind = values("financements-par-nature")
    assert by_kind["Subvention"] == [0, Decimal("5000"), Decimal("20000"), Decimal("25000")]
    assert by_kind["Prêt"] == [0, 0, Decimal("10000"), Decimal("10000")]
    assert by_kind["Mécénat"] == [0, 0, 0, 0]
    assert values("financements-par-financeur") == {
        "Région": [0, 0, Decimal("20000"), Decimal("20000")],
        "Financeur public": [0, Decimal("5000"), 0, Decimal("5000")],
        "Financeur non renseigné": [0, 0, Decimal("10000"), Decimal("10000")],
    }


def test_the_funnel_goes_from_the_need_detected_to_the_activity_launched_with_conversion_rates(network):
    assert values("entonnoir") == {
        "Besoins détectés": [4, None],
        "Besoins mis à l'étude": [1, Decimal("25.0")],
        "Études d'opportunité ouvertes": [5, Decimal("500.0")],
        "COPIL : poursuivre": [4, Decimal("80.0")],
        # The Poher's feasibility study opened in 2022, after the span.
        "Études de faisabilité ouvertes": [2, Decimal("50.0")],
        "Activités lancées": [2, Decimal("100.0")],
        "Études ouvertes par création (référence nationale : environ 3,5)": [Decimal("2.5"), None],
    }


def test_the_database_computes_the_median_time_spent_in_each_stage(network):
    figures = Figures(SPAN, needs=Need.objects.all())

    assert figures.stage_durations == {
        # 61, 244, 245 and 287 days: the stopped project's study is not a passage.
        "opportunity_study": (datetime.timedelta(days=244.5), 4),
        # The Poher's porteur search ended in 2022: not counted in 2019–2021.
        "porteur_search": (datetime.timedelta(days=84.5), 2),
        "feasibility_study": (datetime.timedelta(days=152.5), 2),
        # Up to the activity's opening (2021-03-01), not to the day the launch was recorded.
        "launch_support": (datetime.timedelta(days=136.5), 2),
    }
    assert values("durees-par-etape") == {
        "Étude d'opportunité": [Decimal("245"), Decimal("8.0"), 4],
        "Recherche de porteur": [Decimal("85"), Decimal("2.8"), 2],
        "Étude de faisabilité": [Decimal("153"), Decimal("5.0"), 2],
        "Amorçage": [Decimal("137"), Decimal("4.5"), 2],
    }


def test_the_median_of_an_odd_number_of_passages_is_the_middle_one(network):
    figures = Figures(Filters(2019, 2020), needs=Need.objects.all())

    # 244 and 287 days in 2019; nothing else ended before 2021.
    assert figures.stage_durations["opportunity_study"] == (datetime.timedelta(days=265.5), 2)
    figures = Figures(Filters(2019, 2021, theme=network["mobility"]), needs=Need.objects.all())
    # 61, 244 and 287 days.
    assert figures.stage_durations["opportunity_study"] == (datetime.timedelta(days=244), 3)


def test_it_sets_the_figures_of_each_structure_and_each_department_side_by_side(network):
    expected = {
        "TAg29": [1, 2, 2, 0, 1, Decimal("1"), 2, Decimal("5000")],
        "TAg35": [3, 3, 2, 2, 1, Decimal("2.5"), 2, Decimal("30000")],
    }
    assert table("par-structure").columns == [
        "Besoins détectés",
        "Études ouvertes",
        "COPIL : poursuivre",
        "Projets arrêtés",
        "Activités lancées",
        "Emplois au lancement (ETP)",
        "Organisations partenaires",
        "Financements levés (€)",
    ]
    assert values("par-structure") == expected
    assert values("par-departement") == {
        "Finistère (29)": expected["TAg29"],
        "Ille-et-Vilaine (35)": expected["TAg35"],
    }


def test_the_filters_narrow_every_figure_to_a_structure_a_department_or_a_theme(network, tag29):
    assert values("etudes", Filters(2019, 2021, structure=tag29))["Études d'opportunité ouvertes"] == [1, 1, 0, 2]
    department_35 = network["p1"].department
    assert values("activites", Filters(2019, 2021, department=department_35))["Activités lancées"] == [0, 0, 1, 1]
    food = Filters(2019, 2021, theme=network["food"])
    assert values("besoins", food)["Besoins détectés"] == [0, 1, 1, 2]
    assert values("etudes", food)["Études d'opportunité ouvertes"] == [0, 2, 0, 2]
    assert values("partenaires", food)["Toutes les organisations"] == [0, 1, 1, 2]
    region = Filters(2019, 2021, region=department_35.region)
    assert values("besoins", region)["Besoins détectés"] == [1, 2, 1, 4]


def test_moving_a_project_today_does_not_change_past_years(network, revelateur29, revelateur35):
    before = {name: values(name) for name in TABLES}

    poher = network["p3"]
    poher.advance(by=revelateur29)  # to « amorçage », today
    poher.refresh_from_db()
    poher.stop(by=revelateur29, reason="Le porteur s'est retiré.")
    network["p1"].activity.follow_ups.filter(year=2024).update(jobs=6)  # a write that changes nothing

    assert {name: values(name) for name in TABLES} == before
    assert Project.objects.get(pk=poher.pk).state == Project.State.STOPPED


def test_a_stop_recorded_late_counts_on_the_day_the_copil_decided(network):
    # The stop of « Cantine partagée » was recorded on 4 October 2020; the COPIL sat on 1 October. Had it been
    # recorded in 2021, it would still count in 2020.
    network["p2"].events.filter(to_state=Project.State.STOPPED).update(at=noon(datetime.date(2021, 1, 10)))

    assert values("arrets-par-etape")["Étude d'opportunité"] == [0, 1, 0, 1]
