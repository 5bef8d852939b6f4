"""The need list of the admin, as Avise staff review it: filters, search, year navigation and export."""

import datetime
from html import unescape

import pytest
from django.utils import timezone

from needs.models import Need
from partners.models import Organization
from territories.models import EPCI, Commune
from tests.fabrique.admin_exports import content_of, csv_table, run_action, xlsx_sheet
from tests.needs.factories import NeedFactory
from tests.partners.factories import OrganizationFactory
from tests.projects.factories import ProjectFactory

PATH = "/admin/needs/need/"


@pytest.fixture
def needs(revelateur35, revelateur29, ille_et_vilaine, themes):
    """A qualified need of TAg35 in Rennes, detected in 2024; a need of TAg29 proposed by Brest Métropole in 2025."""
    rennes = NeedFactory(
        created_by=revelateur35,
        title="Atelier de réemploi",
        description="Une ressourcerie pour le quartier.",
        status=Need.Status.QUALIFIED,
        source=Need.Source.PARTNER,
        source_detail="Le centre social",
        target_public="Habitants du quartier",
        epci=EPCI.objects.get(name="Rennes Métropole"),
        communes=[Commune.objects.get(name="Rennes"), Commune.objects.get(name="Cesson-Sévigné")],
        territory_kind=Need.TerritoryKind.PRIORITY_AREA,
        detected_on=datetime.date(2024, 3, 10),
        themes=[themes["Économie circulaire et réemploi"], themes["Bien-vieillir"]],
    )
    brest = NeedFactory(
        created_by=revelateur29,
        title="Épicerie itinérante",
        description="Des bourgs sans commerce.",
        source=Need.Source.COLLECTIVITE,
        proposed_by=OrganizationFactory(name="Brest Métropole", kind=Organization.Kind.ASSOCIATION),
        department=revelateur29.structure.departments.get(),
        detected_on=datetime.date(2025, 6, 1),
        themes=[themes["Mobilité"]],
    )
    return {"rennes": rennes, "brest": brest}


def listed(response):
    assert response.status_code == 200
    return sorted(need.title for need in response.context["cl"].result_list)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("status__exact=qualified", ["Atelier de réemploi"]),
        ("structure__id__exact={tag29}", ["Épicerie itinérante"]),
        ("department__code__exact=35", ["Atelier de réemploi"]),
        ("themes__id__exact={mobilite}", ["Épicerie itinérante"]),
        ("detected_on__year=2024", ["Atelier de réemploi"]),
        ("detected_on__year=2025&detected_on__month=6", ["Épicerie itinérante"]),
        ("source__exact=partner", ["Atelier de réemploi"]),
        ("territory_kind__exact=priority_area", ["Atelier de réemploi"]),
        ("appel=oui", ["Épicerie itinérante"]),
        ("appel=non", ["Atelier de réemploi"]),
        ("q=reemploi", ["Atelier de réemploi"]),
        ("q=EPICERIE bourgs", ["Épicerie itinérante"]),
        ("q=épicerie réemploi", []),
    ],
)
def test_avise_staff_filter_and_search_the_needs(client, avise, needs, tag29, themes, query, expected):
    client.force_login(avise)

    response = client.get(f"{PATH}?{query.format(tag29=tag29.pk, mobilite=themes['Mobilité'].pk)}")

    assert listed(response) == expected


def test_the_filters_offer_the_departements_that_have_needs_only(client, avise, needs):
    client.force_login(avise)

    response = client.get(PATH)

    department_filter = next(spec for spec in response.context["cl"].filter_specs if spec.title == "département")
    assert [label for _, label in department_filter.lookup_choices] == ["Finistère (29)", "Ille-et-Vilaine (35)"]


def test_the_theme_filter_lists_the_themes_in_french_alphabetical_order(client, avise, needs):
    client.force_login(avise)

    response = client.get(PATH)

    theme_filter = next(spec for spec in response.context["cl"].filter_specs if spec.title == "thèmes")
    labels = [label for _, label in theme_filter.lookup_choices]
    assert labels.index("Bien-vieillir") < labels.index("Économie circulaire et réemploi") < labels.index("Mobilité")


def test_the_list_speaks_to_a_reviewer(client, avise, needs):
    client.force_login(avise)

    response = client.get(PATH)

    html = unescape(response.content.decode())
    for header in ["Intitulé", "Structure", "Statut", "Origine", "Département", "Détecté le", "Projet d'étude"]:
        assert f">{header}</a>" in html, header
    assert [spec.title for spec in response.context["cl"].filter_specs] == [
        "statut",
        "structure",
        "département",
        "thèmes",
        "origine",
        "type de territoire",
        "appel à révélation",
    ]
    assert '<td class="field-status">Qualifié</td>' in html
    assert 'alt="Rechercher"' in html
    assert "dans l'intitulé et la description, sans tenir compte des accents" in html
    assert "Naviguer par date (détecté le)" in html
    assert '<a href="?detected_on__year=2024">2024</a>' in html


@pytest.mark.parametrize("rows", [1, 12])
def test_avise_staff_open_the_need_list_in_a_fixed_number_of_queries(
    client, avise, revelateur35, ille_et_vilaine, themes, django_assert_num_queries, rows
):
    for _ in range(rows):
        project = ProjectFactory(created_by=revelateur35)
        NeedFactory(created_by=revelateur35, themes=[themes["Mobilité"]], project=project, status="in_study")
    client.force_login(avise)

    # 1. the session, 2. the user, 3.–5. the choices of the structure, département and theme filters,
    # 6. the count of the needs (nothing filters them: it is also the count of all), 7. the needs of the page with
    # their structure, département and project, 8. the first and last dates and 9. the days of the date hierarchy.
    with django_assert_num_queries(9):
        response = client.get(PATH)

    assert len(response.context["cl"].result_list) == rows


def test_the_export_has_a_column_for_each_fact_of_a_need(client, avise, needs):
    Need.objects.filter(pk=needs["rennes"].pk).update(reference="B-2024-07")
    client.force_login(avise)

    response = run_action(client, PATH, "export_csv", [needs["rennes"].pk])

    # The columns of the needs list's export (the same function writes them), then the admin's own.
    assert csv_table(response) == [
        {
            "N°": str(needs["rennes"].pk),
            "Référence": "B-2024-07",
            "Intitulé": "Atelier de réemploi",
            "Structure": "TAg35",
            "Statut": "Qualifié",
            "Motif": "",
            "Origine": "Partenaire",
            "Précision sur l'origine": "Le centre social",
            "Proposé par": "",
            "Public concerné": "Habitants du quartier",
            "Thèmes": "Bien-vieillir, Économie circulaire et réemploi",
            "Département": "Ille-et-Vilaine (35)",
            "Code du département": "35",
            "EPCI": "Rennes Métropole",
            "Communes": "Cesson-Sévigné, Rennes",
            "Type de territoire": "Quartier prioritaire",
            "Détecté le": "10/03/2024",
            "Projet d'étude": "",
            "Saisi le": f"{timezone.localtime(needs['rennes'].created_at):%d/%m/%Y %H:%M}",
            "Modifié le": f"{timezone.localtime(needs['rennes'].updated_at):%d/%m/%Y %H:%M}",
            "Description": "Une ressourcerie pour le quartier.",
        }
    ]


def test_the_export_of_a_proposal_names_its_collectivite(client, avise, needs):
    client.force_login(avise)

    (row,) = csv_table(run_action(client, PATH, "export_csv", [needs["brest"].pk]))

    assert (row["Origine"], row["Proposé par"], row["Statut"]) == (
        "Appel à révélation (collectivité)",
        "Brest Métropole",
        "Détecté",
    )


def test_the_xlsx_export_keeps_dates_as_dates(client, avise, needs):
    client.force_login(avise)

    sheet = xlsx_sheet(run_action(client, f"{PATH}?detected_on__year=2024", "export_xlsx", [needs["rennes"].pk]))

    header = [cell.value for cell in sheet[1]]
    detected_on = sheet.cell(row=2, column=header.index("Détecté le") + 1)
    assert detected_on.value == datetime.datetime(2024, 3, 10)
    assert detected_on.number_format == "DD/MM/YYYY"


@pytest.mark.parametrize("rows", [2, 12])
def test_the_export_runs_a_fixed_number_of_queries(
    client, avise, revelateur35, ille_et_vilaine, themes, django_assert_num_queries, rows
):
    for _ in range(rows):
        NeedFactory(created_by=revelateur35, themes=[themes["Mobilité"]], communes=[Commune.objects.first()])
    client.force_login(avise)
    page = [need.pk for need in client.get(PATH).context["cl"].result_list]

    # 1. the session, 2. the user, 3.–5. the choices of the filters, 6. the count of the list (nothing filters it),
    # 7.–9. the choices of the filters again (Django builds them once more for the action), 10. the needs with their
    # structure, département, EPCI, project and collectivité, 11. their themes, 12. their communes.
    with django_assert_num_queries(12):
        response = run_action(client, PATH, "export_csv", page, select_across=True)
        content = content_of(response).decode()

    assert content.count("Mobilité") == rows


@pytest.mark.parametrize("lookup", ["proposal_contact__icontains", "proposal_contact__startswith", "proposal_contact"])
def test_avise_staff_cannot_search_the_needs_by_the_person_to_contact(client, avise, needs, lookup):
    Need.objects.filter(pk=needs["brest"].pk).update(proposal_contact="Anne Le Goff, 02 98 00 00 00")
    client.force_login(avise)

    # Filtering by the person a collectivité named would tell Avise staff who it is, one guess at a time.
    response = client.get(f"{PATH}?{lookup}=Anne Le Goff, 02 98 00 00 00")

    assert response.status_code == 400


def test_administrators_may_filter_the_needs_by_the_person_to_contact(client, administrator, needs):
    Need.objects.filter(pk=needs["brest"].pk).update(proposal_contact="Anne Le Goff, 02 98 00 00 00")
    client.force_login(administrator)

    response = client.get(f"{PATH}?proposal_contact__icontains=le goff")

    assert listed(response) == ["Épicerie itinérante"]
