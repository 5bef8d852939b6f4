"""Each figure of the dashboard, on the hand-built network of conftest.py (2019–2021), with its answer written here."""

import datetime
from decimal import Decimal

import pytest

from needs.models import Need
from partners.models import Organization
from projects.models import Activity, Project
from reports.figures import Figures
from reports.filters import Filters
from reports.tables import TABLES
from tests.needs.factories import NeedFactory, ThemeFactory
from tests.partners.factories import FundingFactory, InvolvementFactory, OrganizationFactory
from tests.projects.factories import ProjectFactory
from tests.reports.conftest import day, follow_up, launch, move, noon

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


def test_it_counts_the_needs_by_source_with_one_line_for_the_proposals_of_collectivites(network):
    assert values("besoins-par-origine") == {
        "Appel à révélation (collectivité)": [0, 1, 0, 1],
        "Habitants": [1, 0, 0, 1],
        "Capteur d'idées": [0, 0, 0, 0],
        "Partenaire": [0, 1, 0, 1],
        "Veille / auto-saisine": [0, 0, 1, 1],
    }


def test_a_need_a_revelateur_logged_from_a_collectivite_counts_on_the_line_of_its_proposals(network, revelateur35):
    NeedFactory(created_by=revelateur35, detected_on=day("2021-03-01"), source=Need.Source.COLLECTIVITE)

    rows = values("besoins-par-origine")

    assert rows["Appel à révélation (collectivité)"] == [0, 1, 1, 2]
    assert len(rows) == len(Need.Source.choices) == 5


def test_a_need_a_revelateur_logged_from_a_collectivite_counts_among_the_proposals_of_collectivites(
    network, revelateur35
):
    NeedFactory(created_by=revelateur35, detected_on=day("2021-03-01"), source=Need.Source.COLLECTIVITE)

    assert values("besoins")["dont propositions de collectivités"] == [0, 1, 1, 2]
    assert values("besoins-par-origine")["Appel à révélation (collectivité)"] == [0, 1, 1, 2]


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
    recent = values("activites", Filters(this_year - 2, this_year))

    # N+1 of the activities opened last year is this year, not over yet: unknown, not zero.
    assert recent["Emplois à N+1 (ETP)"] == [0, None, None, 0]
    assert recent["Activités toujours actives à N+3"] == [None, None, None, None]
    # Once its follow-up is recorded, this year's figure shows.
    activity = network["p1"].activity
    Activity.objects.filter(pk=activity.pk).update(opened_on=datetime.date(this_year - 1, 3, 1))
    follow_up(activity, this_year, Decimal("3.5"))
    recent = values("activites", Filters(this_year - 2, this_year))
    assert recent["Emplois à N+1 (ETP)"] == [0, Decimal("3.5"), None, Decimal("3.5")]


def test_it_counts_activities_by_legal_form_and_by_theme(network):
    by_form = values("activites-par-forme-juridique")
    assert by_form["Association"] == [0, 1, 0, 1]
    assert by_form["SCIC"] == [0, 0, 1, 1]
    assert by_form["SCOP"] == [0, 0, 0, 0]
    assert values("activites-par-theme") == {"Mobilité": [0, 1, 1, 2]}


def test_it_counts_each_partner_organisation_once_a_year_over_the_period_of_its_involvement(network):
    assert values("partenaires") == {
        # Mobil'Aide works on two projects, and one of its contacts was erased: it counts once, every year.
        # On the stopped project, from its opening to its stop (2020); then P1's funder, the year its activity opened.
        "Région": [0, 1, 1, 1],
        # P4's funder the year its activity opened (2020), then on P3 in 2021.
        "Financeur public": [0, 1, 1, 1],
        "Association": [1, 1, 1, 1],
        "Entreprise": [0, 0, 0, 0],  # involved in 2018 only
        # The funder nobody named is no organisation: it counts in no column.
        "Toutes les organisations": [1, 3, 3, 3],
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
        # Not every study comes from a need counted above: no rate (it would read 500 %).
        "Études d'opportunité ouvertes": [5, None],
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


def test_a_project_with_two_themes_two_fundings_and_two_follow_ups_counts_each_sum_once(revelateur35):
    mobility, food = ThemeFactory(name="Mobilité"), ThemeFactory(name="Alimentation durable")
    porteur = OrganizationFactory(name="Mobil'Aide", kind=Organization.Kind.ASSOCIATION)
    project = ProjectFactory(created_by=revelateur35, opened_on=day("2019-02-01"), themes=[mobility, food])
    move(project, Project.Stage.PORTEUR_SEARCH, day("2019-10-01"))
    move(project, Project.Stage.FEASIBILITY_STUDY, day("2019-12-01"))
    move(project, Project.Stage.LAUNCH_SUPPORT, day("2020-01-15"))
    activity = launch(project, day("2020-03-01"), legal_form=Activity.LegalForm.SCOP, jobs=3, porteur=porteur)
    FundingFactory(project=project, amount=1000, organization=porteur, started_on=day("2020-03-01"))
    FundingFactory(project=project, amount=2000, organization=None, started_on=day("2020-03-01"))
    follow_up(activity, 2021, 4)
    follow_up(activity, 2023, 5)
    InvolvementFactory(project=project, organization=porteur, started_on=day("2019-03-01"))
    InvolvementFactory(project=project, organization=porteur, role="porteur", started_on=day("2020-01-01"))

    for filters in [Filters(2019, 2021), Filters(2019, 2021, theme=mobility), Filters(2019, 2021, theme=food)]:
        assert values("etudes", filters)["Études d'opportunité ouvertes"] == [1, 0, 0, 1]
        activities = values("activites", filters)
        assert activities["Activités lancées"] == [0, 1, 0, 1]
        assert activities["Emplois au lancement (ETP)"] == [0, Decimal("3"), 0, Decimal("3")]
        assert activities["Emplois à N+1 (ETP)"] == [0, Decimal("4"), 0, Decimal("4")]
        assert activities["Emplois à N+3 (ETP)"] == [0, Decimal("5"), 0, Decimal("5")]
        assert values("financements-par-nature", filters)["Subvention"] == [0, Decimal("3000"), 0, Decimal("3000")]
        assert values("financements-par-financeur", filters) == {
            "Association": [0, Decimal("1000"), 0, Decimal("1000")],
            "Financeur non renseigné": [0, Decimal("2000"), 0, Decimal("2000")],
        }
        # Counted once though involved twice; not after the activity opened (2020).
        assert values("partenaires", filters)["Toutes les organisations"] == [1, 1, 0, 1]
        assert values("entonnoir", filters)["Activités lancées"] == [1, Decimal("100.0")]
        assert values("par-structure", filters)["TAg35"] == [0, 1, 0, 0, 1, Decimal("3"), 1, Decimal("3000")]
    # Without a theme, the activity counts once under each of its themes; with one, under that theme only.
    assert values("activites-par-theme") == {"Alimentation durable": [0, 1, 0, 1], "Mobilité": [0, 1, 0, 1]}
    assert values("activites-par-theme", Filters(2019, 2021, theme=food)) == {"Alimentation durable": [0, 1, 0, 1]}


def test_a_move_recorded_late_on_new_years_eve_counts_on_the_day_it_was_in_france(network):
    # 31 December 2021 at 23:30 UTC is 1 January 2022 at 00:30 in Paris: the stop of « Vélos-école » leaves 2021.
    network["p5"].events.filter(to_state=Project.State.STOPPED).update(
        at=datetime.datetime(2021, 12, 31, 23, 30, tzinfo=datetime.UTC)
    )

    assert values("arrets-par-etape")["Recherche de porteur"] == [0, 0, 0, 0]
    assert values("arrets-par-etape", Filters(2022, 2022))["Recherche de porteur"] == [1, 1]
    network["p5"].events.filter(to_state=Project.State.STOPPED).update(
        at=datetime.datetime(2021, 12, 31, 22, 30, tzinfo=datetime.UTC)
    )
    assert values("arrets-par-etape")["Recherche de porteur"] == [0, 0, 1, 1]


def test_a_collectivites_figures_count_only_the_projects_it_may_see_even_narrowed_to_a_theme(network, collectivite):
    # On mobility, Rennes Métropole's territory has only TAg35's internal « Garage solidaire » and « Vélos-école ».
    projects = Project.objects.visible_to(collectivite).overlapping(collectivite.organization.territory_communes())
    scope = {"projects": projects, "needs": Need.objects.proposed_by(collectivite.organization)}
    scope.update(show_amounts=False, needs_are_proposals=True)
    mobility = Filters(2019, 2021, theme=network["mobility"])

    assert values("etudes", mobility, **scope)["Études d'opportunité ouvertes"] == [0, 0, 0, 0]
    assert values("arrets-par-etape", mobility, **scope)["Recherche de porteur"] == [0, 0, 0, 0]
    assert values("activites", mobility, **scope)["Activités lancées"] == [0, 0, 0, 0]
    assert values("partenaires", mobility, **scope) == {"Toutes les organisations": [0, 0, 0, 0]}
    assert values("durees-par-etape", mobility, **scope)["Étude d'opportunité"] == [None, None, 0]
    assert values("par-departement", mobility, **scope) == {}
    assert table("financements-par-nature", mobility, **scope) is None
    # Over every theme, only the shared « Cantine partagée »; its proposals are named as such.
    assert values("par-departement", SPAN, **scope) == {"Ille-et-Vilaine (35)": [1, 1, 0, 1, 0, 0, 1]}
    assert table("par-departement", SPAN, **scope).columns[0] == "Besoins proposés"


def test_a_partner_with_no_end_date_stops_counting_when_its_project_launches_or_stops(network):
    # Mobil'Aide's involvement in « Garage solidaire » says no end: it ends with the activity's opening (March 2021).
    # A company joins the still running « Épicerie du Poher » in 2022, with no end: it counts while the project runs.
    company = OrganizationFactory(name="Coop des Monts", kind=Organization.Kind.COMPANY)
    InvolvementFactory(project=network["p3"], organization=company, started_on=day("2022-01-01"))

    assert values("partenaires", Filters(2021, 2023)) == {
        "Région": [1, 0, 0, 1],  # P1's funder, from its activity's opening (March 2021)
        "Financeur public": [1, 0, 0, 1],
        "Association": [1, 0, 0, 1],
        "Entreprise": [0, 1, 1, 1],
        "Toutes les organisations": [3, 1, 1, 4],
    }


def a_project_moved_to_the_feasibility_study(revelateur35):
    """A study opened on 1 February 2019, at the porteur search on 1 October, at the feasibility study on 1 December
    (a move confirmed today, dated that day)."""
    project = ProjectFactory(created_by=revelateur35, opened_on=day("2019-02-01"))
    move(project, Project.Stage.PORTEUR_SEARCH, day("2019-10-01"))
    project.advance(by=revelateur35, on=day("2019-12-01"))
    return project


def test_a_move_dated_at_its_confirmation_counts_on_that_day(revelateur35):
    a_project_moved_to_the_feasibility_study(revelateur35)
    figures = Figures(SPAN, needs=Need.objects.all())

    assert figures.feasibility_studies == 1
    assert figures.stage_durations["porteur_search"] == (datetime.timedelta(days=61), 1)
    assert values("entonnoir")["Études de faisabilité ouvertes"] == [1, None]


@pytest.mark.parametrize("correction", ["undo", "revert"], ids=["undone-at-once", "taken-back-later"])
def test_an_undone_move_counts_no_more_in_the_funnel_nor_in_the_medians(revelateur35, correction):
    project = a_project_moved_to_the_feasibility_study(revelateur35)

    if correction == "undo":
        project.undo_last_move(by=revelateur35)
    else:
        project.revert_last_move(by=revelateur35, reason="Le porteur ne s'était pas encore engagé.")

    figures = Figures(SPAN, needs=Need.objects.all())
    assert figures.feasibility_studies == 0
    assert figures.stage_durations["porteur_search"] == (None, 0)
    assert values("entonnoir")["Études de faisabilité ouvertes"] == [0, None]
    # The move and its correction stay in the history.
    assert project.events.filter(kind="stage", cancelled_at__isnull=False).count() == 1
    assert project.events.filter(kind="correction").count() == 1


def test_a_move_whose_date_is_corrected_counts_on_the_corrected_day(revelateur35):
    project = a_project_moved_to_the_feasibility_study(revelateur35)

    project.redate_last_move(by=revelateur35, on=day("2020-01-31"), reason="Le porteur a signé fin janvier.")

    figures = Figures(SPAN, needs=Need.objects.all())
    assert figures.stage_durations["porteur_search"] == (datetime.timedelta(days=122), 1)
    assert values("entonnoir")["Études de faisabilité ouvertes"] == [1, None]
    assert Figures(Filters(2019, 2019), needs=Need.objects.all()).feasibility_studies == 0


def test_an_undone_stop_counts_no_more_among_the_stops(revelateur35):
    project = ProjectFactory(created_by=revelateur35, opened_on=day("2019-02-01"))
    project.stop(by=revelateur35, reason="Saisi sur le mauvais projet.", on=day("2019-06-01"))
    assert values("arrets-par-etape")["Étude d'opportunité"] == [1, 0, 0, 1]

    project.undo_last_move(by=revelateur35)

    assert values("arrets-par-etape")["Étude d'opportunité"] == [0, 0, 0, 0]
