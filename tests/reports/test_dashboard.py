"""The pages of the statistics: what each audience reads, the filters, the charts with their tables, the map."""

import datetime
import html as html_module
import re

import pytest
from django.utils.html import escape

from needs.models import Need
from partners.models import Organization
from projects.models import Activity, Project
from tests.needs.factories import NeedFactory
from tests.partners.factories import FundingFactory, InvolvementFactory, OrganizationFactory
from tests.projects.factories import FollowUpFactory, ProjectFactory
from tests.reports.conftest import YEARS
from tests.territories.factories import DepartmentFactory

pytestmark = pytest.mark.django_db

ADMIN_DASHBOARD = "/admin/statistiques/"
SITE_DASHBOARD = "/statistiques/"


def text(response):
    """The page's text, tags removed and spaces collapsed."""
    return html_module.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())))


def row(response, caption, label):
    """The cells of the row `label` of the table captioned `caption`, as the page writes them."""
    html = response.content.decode()
    start = html.index(f">{escape(caption)}</caption>")
    body = html[start : html.index("</table>", start)]
    match = re.search(rf"<th scope=\"row\">\s*{re.escape(escape(label))}\s*</th>(.*?)</tr>", body, re.S)
    assert match, f"{label!r} absent du tableau {caption!r}"
    return [cell.strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", match.group(1), re.S)]


def test_avise_staff_read_the_network_in_the_admin_with_a_chart_and_a_table_per_figure(client, avise, network):
    client.force_login(avise)

    response = client.get(ADMIN_DASHBOARD, YEARS)

    assert response.status_code == 200
    assert "Tout le réseau, de 2019 à 2021" in text(response)
    assert row(response, "Études et décisions de COPIL, par année", "Décisions de COPIL : poursuivre") == [
        "2", "0", "2", "4",
    ]  # fmt: skip
    assert row(response, "Financements levés par nature (€)", "Subvention") == [
        "0", "5\u202f000", "20\u202f000", "25\u202f000",
    ]  # fmt: skip
    assert row(response, "Les chiffres par structure", "TAg35")[:2] == ["3", "3"]
    html = response.content.decode()
    # Each chart is an SVG image with a title, followed by its table.
    assert html.count('<svg class="chart"') >= 10
    assert '<title id="graphique-etudes-titre">Graphique : Études et décisions de COPIL, par année</title>' in html
    assert 'href="/admin/statistiques/export/etudes.csv?year_from=2019&amp;year_to=2021"' in html
    # The admin's look: its header and breadcrumbs, in the admin's own markup (which its stylesheet styles).
    assert 'id="site-name"' in html
    assert re.search(
        r'<ol class="breadcrumbs">\s*<li>\s*<a href="/admin/">Accueil</a>\s*</li>\s*'
        r'<li aria-current="page">Statistiques du réseau</li>\s*</ol>',
        html,
    )


def test_the_filter_form_defaults_to_the_last_five_years(client, avise, network):
    client.force_login(avise)
    this_year = datetime.date.today().year

    response = client.get(ADMIN_DASHBOARD)

    assert f"Tout le réseau, de {this_year - 4} à {this_year}" in text(response)
    assert response.context["form"]["year_from"].value() == this_year - 4
    assert [field.label for field in response.context["form"]] == [
        "De l'année", "À l'année", "Région", "Département", "Structure", "Thème", "Chiffre de la carte",
        "Étendue de la carte",
    ]  # fmt: skip


def test_a_span_ending_before_it_starts_is_refused_and_the_default_shown(client, avise, network):
    client.force_login(avise)

    response = client.get(ADMIN_DASHBOARD, {"year_from": "2021", "year_to": "2019"})

    this_year = datetime.date.today().year
    # The message says which span the figures shown are of: not the one asked for.
    assert (
        "L'année de fin précède l'année de début. Les chiffres affichés portent sur la période par défaut, "
        f"de {this_year - 4} à {this_year}."
    ) in text(response)
    assert response.context["filters"].year_to == this_year


def test_the_map_is_shaded_by_the_chosen_figure_with_a_legend_and_the_same_figures_as_a_table(client, avise, network):
    client.force_login(avise)

    response = client.get(ADMIN_DASHBOARD, {**YEARS, "map_figure": "studies"})

    html = response.content.decode()
    assert "Carte : Études d'opportunité ouvertes, par département" in text(response)
    assert row(response, "Les mêmes chiffres : Études d'opportunité ouvertes, par département", "Finistère (29)") == [
        "2"
    ]
    assert row(response, "Les mêmes chiffres : Études d'opportunité ouvertes, par département", "Morbihan (56)") == [
        "0"
    ]
    # Ille-et-Vilaine (3 studies) in the darkest shade, Morbihan (none) in the lightest.
    assert re.search(r'fill="#0b5c6b"[^>]*>\s*<title>Ille-et-Vilaine : 3</title>', html)
    assert re.search(r'fill="#f4f6f8"[^>]*>\s*<title>Morbihan : 0</title>', html)


def test_the_map_of_the_whole_of_france_lists_the_departements_with_a_figure(client, avise, network):
    client.force_login(avise)

    response = client.get(ADMIN_DASHBOARD, {**YEARS, "map_figure": "activities", "map_area": "france"})

    html = response.content.decode()
    assert len(re.findall(r'<path d="[^"]*" fill="#', html)) == 96
    assert "<title>Bouches-du-Rhône : 0</title>" in html
    assert row(response, "Les mêmes chiffres : Activités lancées, par département", "Ille-et-Vilaine (35)") == ["1"]


def test_a_revelateur_reads_their_structure_next_to_the_network_counts_and_no_other_amount(
    client, revelateur35, network
):
    client.force_login(revelateur35)

    response = client.get(SITE_DASHBOARD, YEARS)

    assert response.status_code == 200
    caption = "TAg35 et le réseau, sur la période"
    assert row(response, caption, "Études d'opportunité ouvertes") == ["3", "5", "60"]
    assert row(response, caption, "Activités lancées") == ["1", "2", "50"]
    assert row(response, "Études et décisions de COPIL, par année", "Études d'opportunité ouvertes") == [
        "1", "1", "1", "3",
    ]  # fmt: skip
    # Their own funding; TAg29's 5 000 € grant appears nowhere.
    assert row(response, "Financements levés par nature (€)", "Subvention") == ["0", "0", "20\u202f000", "20\u202f000"]
    assert "Financeur public" not in text(response).split("Financements levés par type de financeur")[1][:400]
    assert "Les chiffres par structure" not in text(response)
    # The structure filter is not theirs to choose.
    assert [field.name for field in response.context["form"]] == [
        "year_from", "year_to", "department", "theme", "map_figure", "map_area",
    ]  # fmt: skip


def test_a_revelateur_cannot_read_another_structure_by_changing_the_address(client, revelateur35, network, tag29):
    client.force_login(revelateur35)

    response = client.get(SITE_DASHBOARD, {**YEARS, "structure": tag29.pk})

    assert row(response, "Études et décisions de COPIL, par année", "Études d'opportunité ouvertes")[-1] == "3"


def test_a_collectivite_reads_what_it_may_see_of_its_territory_and_no_internal_project(client, collectivite, network):
    client.force_login(collectivite)

    response = client.get(SITE_DASHBOARD, YEARS)

    assert response.status_code == 200
    page = text(response)
    # Only the shared « Cantine partagée » is in its territory and visible to it (the public Poher is in Finistère).
    assert row(response, "Études et décisions de COPIL, par année", "Études d'opportunité ouvertes") == [
        "0", "1", "0", "1",
    ]  # fmt: skip
    assert row(response, "Activités lancées et emplois, par année d'ouverture (N)", "Activités lancées") == [
        "0", "0", "0", "0",
    ]  # fmt: skip
    assert row(response, "Besoins proposés par votre collectivité, par année", "Besoins proposés") == [
        "0", "1", "0", "1",
    ]  # fmt: skip
    for hidden in ["Garage solidaire", "Vélos-école", "Taxi social", "Financements levés", "Besoins détectés par"]:
        assert hidden not in page
    assert "Les chiffres par structure" not in page


def test_the_dashboard_runs_a_fixed_number_of_queries_whatever_the_data_size(
    client, avise, network, revelateur35, django_assert_num_queries, django_capture_on_commit_callbacks
):
    client.force_login(avise)
    # 1-2 the session and the user; 3 the version of the figures (nothing cached under it yet)
    # 4 needs per year (detected, proposals); 5 needs by source
    # 6 studies per year; 7 COPIL decisions per year; 8 stops by stage
    # 9 activities per year (count, jobs); 10 follow-ups at N+1 and N+3; 11 by legal form; 12 by theme
    # 13 partners by type (one distinct count per year); 14 funding by kind; 15 by type of funder
    # 16 needs put to study; 17 feasibility studies opened
    # 18-19 the time spent in each stage: the projects' openings and launches, the first day of each other stage
    # 20-26 per structure: needs, studies, COPIL go, stops, activities and jobs, partners, funding
    # 27-33 the same per département (the map's figures are those)
    # 34-37 the choices of the filters: régions, départements, structures, themes
    with django_assert_num_queries(37):
        client.get(ADMIN_DASHBOARD, YEARS)
    # Asked again: 1-2 the session and the user; 3 the version of the figures; 4-7 the choices of the filters.
    with django_assert_num_queries(7):
        client.get(ADMIN_DASHBOARD, YEARS)

    with django_capture_on_commit_callbacks(execute=True):
        add_launched_projects(revelateur35)
    assert Project.objects.count() == 8

    with django_assert_num_queries(37):
        response = client.get(ADMIN_DASHBOARD, YEARS)
    assert row(response, "Activités lancées et emplois, par année d'ouverture (N)", "Activités lancées") == [
        "1", "2", "2", "5",
    ]  # fmt: skip


def add_launched_projects(revelateur):
    """Add a launched project a year from 2019 to 2021, with its follow-up, funding, partner and a need."""
    for year in (2019, 2020, 2021):
        project = ProjectFactory(created_by=revelateur, opened_on=datetime.date(year, 5, 1), launched=True)
        activity = Activity.objects.get(project=project)
        Activity.objects.filter(pk=activity.pk).update(opened_on=datetime.date(year, 9, 1))
        FollowUpFactory(activity=activity, year=year + 1)
        FundingFactory(project=activity.project, organization=None)
        InvolvementFactory(project=project, organization=OrganizationFactory(kind=Organization.Kind.NETWORK))
        NeedFactory(created_by=revelateur, detected_on=datetime.date(year, 2, 1))


def test_a_revelateurs_dashboard_runs_a_fixed_number_of_queries(
    client, revelateur35, network, django_assert_num_queries, django_capture_on_commit_callbacks
):
    client.force_login(revelateur35)
    # 1-2 the session and the user; 3 the version of the figures; 4 their structure
    # 5-20 the structure's yearly figures, funnel and medians, as the admin's (queries 4 to 19 there)
    # 21-27 the structure's figures per département (no table per structure)
    # 28-31 the network's counts: needs, studies, COPIL decisions, activities
    # 32-33 the choices of the filters: départements, themes
    with django_assert_num_queries(33):
        client.get(SITE_DASHBOARD, YEARS)
    # Asked again: the session, the user, the version of the figures, their structure, the choices of the filters.
    with django_assert_num_queries(6):
        client.get(SITE_DASHBOARD, YEARS)

    with django_capture_on_commit_callbacks(execute=True):
        for year in (2019, 2020, 2021):
            project = ProjectFactory(created_by=revelateur35, opened_on=datetime.date(year, 5, 1), launched=True)
            InvolvementFactory(project=project)
            NeedFactory(created_by=revelateur35, detected_on=datetime.date(year, 2, 1))

    with django_assert_num_queries(33):
        response = client.get(SITE_DASHBOARD, YEARS)
    assert row(response, "Études et décisions de COPIL, par année", "Études d'opportunité ouvertes") == [
        "2", "2", "2", "6",
    ]  # fmt: skip
    # Narrowed to a theme: 1 more query for the theme asked for, and 4 more as the comparison still counts the
    # structure on the span of years only (its needs, studies, COPIL decisions and activities).
    with django_assert_num_queries(38):
        response = client.get(SITE_DASHBOARD, {**YEARS, "theme": network["mobility"].pk})
    assert row(response, "TAg35 et le réseau, sur la période", "Études d'opportunité ouvertes") == ["6", "8", "75"]


def test_a_collectivites_dashboard_runs_a_fixed_number_of_queries(
    client, collectivite, network, revelateur35, rennes, django_assert_num_queries, django_capture_on_commit_callbacks
):
    client.force_login(collectivite)
    # 1-2 the session and the user; 3 its organisation
    # 4 the départements of its territory (the figures per département and the map show those only)
    # 5 the version of the figures; 6 the projects of its territory it may see
    # 7 its proposals per year; 8 studies per year; 9 COPIL decisions per year; 10 stops by stage
    # 11 activities per year; 12 follow-ups; 13 by legal form; 14 by theme; 15 partners by type (no amount)
    # 16 its proposals put to study; 17 feasibility studies opened; 18-19 the time spent in each stage
    # 20-25 per département: its proposals, studies, COPIL go, stops, activities and jobs, partners
    # 26 the choices of the theme filter
    with django_assert_num_queries(26):
        client.get(SITE_DASHBOARD, YEARS)
    # Asked again: the session, the user, its organisation and départements, the version, the theme filter.
    with django_assert_num_queries(6):
        client.get(SITE_DASHBOARD, YEARS)

    with django_capture_on_commit_callbacks(execute=True):
        for year in (2019, 2020, 2021):
            project = ProjectFactory(
                created_by=revelateur35, opened_on=datetime.date(year, 5, 1), launched=True,
                department=rennes.department, visibility=Project.Visibility.PUBLIC,
            )  # fmt: skip
            project.communes.add(rennes)
            InvolvementFactory(project=project)

    with django_assert_num_queries(26):
        response = client.get(SITE_DASHBOARD, YEARS)
    assert row(response, "Études et décisions de COPIL, par année", "Études d'opportunité ouvertes") == [
        "1", "2", "1", "4",
    ]  # fmt: skip


def test_an_address_naming_some_filters_shows_the_defaults_of_the_others(client, avise, network):
    client.force_login(avise)
    this_year = datetime.date.today().year

    response = client.get(ADMIN_DASHBOARD, {"theme": network["food"].pk})

    form = response.context["form"]
    assert (form["year_from"].value(), form["year_to"].value(), form["map_figure"].value()) == (
        str(this_year - 4),
        str(this_year),
        "activities",
    )
    assert response.context["filters"].theme == network["food"]


def test_the_map_shows_the_whole_of_france_once_a_figure_falls_outside_brittany(
    client, avise, network, revelateur35, django_capture_on_commit_callbacks
):
    client.force_login(avise)
    assert len(re.findall(r'<path d="[^"]*" fill="#', client.get(ADMIN_DASHBOARD, YEARS).content.decode())) == 4

    with django_capture_on_commit_callbacks(execute=True):
        ProjectFactory(
            created_by=revelateur35, opened_on=datetime.date(2020, 3, 1), department=DepartmentFactory(code="44")
        )
    response = client.get(ADMIN_DASHBOARD, {**YEARS, "map_figure": "studies"})

    assert len(re.findall(r'<path d="[^"]*" fill="#', response.content.decode())) == 96
    assert row(
        response, "Les mêmes chiffres : Études d'opportunité ouvertes, par département", "Loire-Atlantique (44)"
    ) == ["1"]
    response = client.get(ADMIN_DASHBOARD, {**YEARS, "map_area": "bretagne"})
    assert len(re.findall(r'<path d="[^"]*" fill="#', response.content.decode())) == 4


def test_a_revelateur_narrowing_the_filters_learns_nothing_of_another_structures_internal_project(
    client, revelateur35, network
):
    client.force_login(revelateur35)
    finistere, mobility = network["p4"].department, network["mobility"]

    # TAg29's internal « Taxi social » is the only study opened in 2019 in Finistère on mobility.
    response = client.get(
        SITE_DASHBOARD, {"year_from": "2019", "year_to": "2019", "department": finistere.pk, "theme": mobility.pk}
    )

    caption = "TAg35 et le réseau, sur la période"
    # The comparison stays on the whole of 2019: TAg35's « Garage solidaire » and the Taxi social, all places and
    # themes together.
    assert row(response, caption, "Études d'opportunité ouvertes") == ["1", "2", "50"]
    assert row(response, caption, "Décisions de COPIL : poursuivre") == ["1", "2", "50"]
    assert row(response, caption, "Besoins détectés") == ["1", "1", "100"]
    assert "tous départements et tous thèmes confondus" in text(response)
    # The structure's own tables follow the filters: TAg35 has no project in Finistère.
    assert row(response, "Études et décisions de COPIL, par année", "Études d'opportunité ouvertes") == ["0", "0"]


def test_a_collectivites_funnel_does_not_count_its_proposal_studied_in_an_internal_project(
    client, collectivite, network
):
    # Rennes Métropole's proposal (2020) is taken up in TAg35's internal « Vélos-école » (opened 2021).
    Need.objects.filter(proposed_by__isnull=False).update(status=Need.Status.IN_STUDY, project=network["p5"])
    client.force_login(collectivite)

    response = client.get(SITE_DASHBOARD, YEARS)

    caption = "Des besoins proposés par votre collectivité à l'activité lancée, sur la période"
    assert row(response, caption, "Besoins proposés") == ["1", "—"]
    assert row(response, caption, "Besoins mis à l'étude") == ["0", "0"]
    assert row(response, caption, "Études d'opportunité ouvertes") == ["1", "—"]


def test_the_network_funnel_counts_the_needs_put_to_study_in_any_project(client, avise, network):
    Need.objects.filter(proposed_by__isnull=False).update(status=Need.Status.IN_STUDY, project=network["p5"])
    client.force_login(avise)

    response = client.get(ADMIN_DASHBOARD, YEARS)

    assert row(response, "Du besoin détecté à l'activité lancée, sur la période", "Besoins mis à l'étude") == [
        "2", "50",
    ]  # fmt: skip


def test_a_span_longer_than_fifteen_years_is_refused_and_said_so(client, avise, network):
    client.force_login(avise)
    this_year = datetime.date.today().year

    response = client.get(ADMIN_DASHBOARD, {"year_from": str(this_year - 15), "year_to": str(this_year)})

    assert (
        "La période couvre au plus 15 ans : choisissez une période plus courte. Les chiffres affichés portent sur la "
        f"période par défaut, de {this_year - 4} à {this_year}."
    ) in text(response)
    assert response.context["filters"].year_from == this_year - 4
    response = client.get(ADMIN_DASHBOARD, {"year_from": str(this_year - 14), "year_to": str(this_year)})
    assert response.context["filters"].year_from == this_year - 14
    assert response.context["form"]["year_from"].value() == str(this_year - 14)


def test_with_no_data_every_rate_is_a_dash_and_no_division_fails(client, avise, revelateur35):
    client.force_login(avise)

    response = client.get(ADMIN_DASHBOARD, YEARS)

    assert response.status_code == 200
    caption = "Du besoin détecté à l'activité lancée, sur la période"
    assert row(response, caption, "Besoins mis à l'étude") == ["0", "—"]
    assert row(response, caption, "Activités lancées") == ["0", "—"]
    assert row(response, caption, "Études ouvertes par création (référence nationale : environ 3,5)") == ["—", "—"]
    assert row(response, "Temps médian passé dans chaque étape", "Amorçage") == ["—", "—", "0"]
    assert "0 %" not in text(response)
    client.force_login(revelateur35)
    response = client.get(SITE_DASHBOARD, YEARS)
    assert row(response, "TAg35 et le réseau, sur la période", "Activités lancées") == ["0", "0", "—"]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({}, "Tout le réseau, de 2019 à 2021"),
        ({"structure": "TAg29"}, "TAg29, de 2019 à 2021"),
        ({"year_from": "2020", "year_to": "2020", "department": "35", "structure": "TAg29"},
         "Ille-et-Vilaine (35) — TAg29, en 2020"),
        ({"year_from": "2020", "year_to": "2020"}, "Tout le réseau, en 2020"),
        ({"theme": "food"}, "Tout le réseau — thème « Alimentation durable », de 2019 à 2021"),
    ],
)  # fmt: skip
def test_the_line_under_the_filters_says_what_the_figures_are_of(client, avise, network, tag29, filters, expected):
    client.force_login(avise)
    data = {**YEARS, **filters}
    if "structure" in data:
        data["structure"] = tag29.pk
    if "theme" in data:
        data["theme"] = network["food"].pk

    response = client.get(ADMIN_DASHBOARD, data)

    assert re.search(r'<p class="statistics__scope">(.*?)</p>', response.content.decode()).group(1) == escape(expected)


def test_a_revelateurs_and_a_collectivites_line_under_the_filters_name_them(
    client, revelateur35, collectivite, network
):
    client.force_login(revelateur35)
    finistere = network["p4"].department

    response = client.get(SITE_DASHBOARD, {"year_from": "2019", "year_to": "2019", "department": finistere.pk})

    scope = escape("TAg35 — Finistère (29), en 2019")
    assert f'<p class="statistics__scope">{scope}</p>' in response.content.decode()
    client.force_login(collectivite)
    response = client.get(SITE_DASHBOARD, YEARS)
    assert '<p class="statistics__scope">Rennes Métropole, de 2019 à 2021</p>' in response.content.decode()


def test_a_collectivites_funnel_shows_no_rate_between_its_proposals_and_the_studies_of_its_territory(
    client, collectivite, network
):
    # Its proposal is studied in the shared « Cantine partagée »; « Vélos-école », made public, is a second study
    # of its territory that comes from no proposal of its own.
    Need.objects.filter(proposed_by__isnull=False).update(status=Need.Status.IN_STUDY, project=network["p2"])
    Project.objects.filter(pk=network["p5"].pk).update(visibility=Project.Visibility.PUBLIC)
    client.force_login(collectivite)

    response = client.get(SITE_DASHBOARD, YEARS)

    caption = "Des besoins proposés par votre collectivité à l'activité lancée, sur la période"
    assert row(response, caption, "Besoins proposés") == ["1", "—"]
    assert row(response, caption, "Besoins mis à l'étude") == ["1", "100"]
    # 2 studies after 1 proposal studied: no « 200 % ».
    assert row(response, caption, "Études d'opportunité ouvertes") == ["2", "—"]
    assert row(response, caption, "COPIL : poursuivre") == ["1", "50"]
    assert "pas de taux entre les deux" in text(response)


def test_a_collectivite_reads_only_the_departements_of_its_territory(client, collectivite, network, rennes_metropole):
    # A proposal of Rennes Métropole filed in Finistère: Finistère is no part of its territory all the same.
    NeedFactory(
        created_by=network["p3"].created_by, detected_on=datetime.date(2020, 3, 1), proposed_by=rennes_metropole,
        source=Need.Source.COLLECTIVITE,
        department=network["p3"].department,
    )  # fmt: skip
    client.force_login(collectivite)

    response = client.get(SITE_DASHBOARD, {**YEARS, "map_figure": "studies"})

    html = response.content.decode()
    page = text(response)
    # The section is titled after what it shows: no table per structure.
    assert '<h2 id="section-comparaisons">Par département de votre territoire</h2>' in html
    assert "Par structure" not in page
    assert row(response, "Les chiffres par département", "Ille-et-Vilaine (35)")[:2] == ["1", "1"]
    assert "Finistère (29)" not in html
    # On the map, the three other départements of Brittany are hatched, with no figure, and said so in the legend.
    assert re.search(
        r'fill="url\(#hors-territoire\)"[^>]*>\s*<title>Finistère : hors de votre territoire</title>', html
    )
    assert len(re.findall(r'<path d="[^"]*" fill="url\(#hors-territoire\)"', html)) == 3
    assert re.search(r'fill="#bfe0e5"[^>]*>\s*<title>Ille-et-Vilaine : 1</title>', html)
    assert "Hors de votre territoire" in page
    assert re.findall(r'<th scope="row">([^<]*)</th>', html.split("Les mêmes chiffres")[1]) == ["Ille-et-Vilaine (35)"]


def test_the_comparisons_are_titled_after_what_each_audience_reads(client, avise, revelateur35, network):
    client.force_login(avise)
    assert (
        '<h2 id="section-comparaisons">Par structure et par département</h2>'
        in client.get(ADMIN_DASHBOARD, YEARS).content.decode()
    )
    client.force_login(revelateur35)
    assert (
        '<h2 id="section-comparaisons">Votre structure, le réseau et les départements</h2>'
        in client.get(SITE_DASHBOARD, YEARS).content.decode()
    )


def test_with_a_theme_the_maps_table_lists_the_departements_of_the_table_per_departement(client, avise, network):
    client.force_login(avise)

    # On sustainable food, Finistère and Ille-et-Vilaine have studies but no activity.
    response = client.get(ADMIN_DASHBOARD, {**YEARS, "theme": network["food"].pk, "map_area": "france"})

    caption = "Les mêmes chiffres : Activités lancées, par département"
    assert row(response, "Les chiffres par département", "Ille-et-Vilaine (35)")[1] == "1"
    assert row(response, caption, "Finistère (29)") == ["0"]
    assert row(response, caption, "Ille-et-Vilaine (35)") == ["0"]
    assert "Aucun chiffre pour ces filtres" not in text(response).split(caption)[1]
