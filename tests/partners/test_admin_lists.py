"""The lists of organisations and involvements of the admin, as Avise staff review them: filters, search, a fixed
number of queries, and the export of the selection."""

import datetime
from decimal import Decimal
from html import unescape

import pytest
from django.utils import timezone

from partners.models import Organization
from projects.models import Project
from tests.fabrique.admin_exports import csv_table, run_action
from tests.needs.factories import ThemeFactory
from tests.partners.factories import InvolvementFactory, OrganizationFactory
from tests.projects.factories import ProjectFactory

ORGANIZATIONS = "/admin/partners/organization/"
INVOLVEMENTS = "/admin/partners/involvement/"


@pytest.fixture
def directory(geography, rennes_metropole, revelateur35, revelateur29):
    """Rennes Métropole sponsors a garage of TAg35 that a foundation funds; an association of Scrignac carries the
    épicerie TAg29 launched, for which the foundation lent money."""
    mobilite, alimentation = ThemeFactory(name="Mobilité"), ThemeFactory(name="Alimentation durable")
    fondation = OrganizationFactory(
        name="Fondation Crédit Coopératif", kind=Organization.Kind.PRIVATE_FUNDER, siren="775672272"
    )
    panier = OrganizationFactory(
        name="Association Le Panier", siren="130005481", siret="13000548100010", commune=geography["scrignac"]
    )
    garage = ProjectFactory(created_by=revelateur35, title="Garage solidaire de Redon", themes=[mobilite])
    epicerie = ProjectFactory(
        created_by=revelateur29,
        title="Épicerie du Poher",
        department=geography["29"],
        stage=Project.Stage.LAUNCHED,
        themes=[alimentation],
        activity__porteur=panier,
        activity__name="Épicerie du Poher",
    )
    involvements = {
        "sponsor": InvolvementFactory(
            project=garage, organization=rennes_metropole, role="sponsor", started_on=datetime.date(2024, 1, 10)
        ),
        "grant": InvolvementFactory(
            project=garage,
            organization=fondation,
            role="funder",
            contribution_kind="grant",
            amount=Decimal("15000"),
            started_on=datetime.date(2024, 3, 1),
            ended_on=datetime.date(2025, 3, 1),
            comment="Appel à projets mobilité",
        ),
        "porteur": InvolvementFactory(
            project=epicerie, organization=panier, role="porteur", started_on=datetime.date(2025, 1, 15)
        ),
        "loan": InvolvementFactory(
            project=epicerie, organization=fondation, role="funder", contribution_kind="loan", amount=Decimal("5000")
        ),
    }
    return {
        "rennes": rennes_metropole,
        "fondation": fondation,
        "panier": panier,
        "themes": {"mobilite": mobilite, "alimentation": alimentation},
        **involvements,
    }


def names(response):
    assert response.status_code == 200
    return sorted(organization.name for organization in response.context["cl"].result_list)


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ("kind__exact=private_funder", ["Fondation Crédit Coopératif"]),
        ("departement=29", ["Association Le Panier"]),
        ("departement=35", ["Rennes Métropole"]),
        ("role=funder", ["Fondation Crédit Coopératif"]),
        ("role=porteur", ["Association Le Panier"]),
        ("role=sponsor&departement=35", ["Rennes Métropole"]),
        ("role=expert", []),
        ("structure={tag35}", ["Fondation Crédit Coopératif", "Rennes Métropole"]),
        ("structure={tag29}", ["Association Le Panier", "Fondation Crédit Coopératif"]),
        ("structure={tag29}&role=funder", ["Fondation Crédit Coopératif"]),
        ("created_at__year={year}", ["Association Le Panier", "Fondation Crédit Coopératif", "Rennes Métropole"]),
        ("created_at__year=2001", []),
        ("q=credit COOPERATIF", ["Fondation Crédit Coopératif"]),
        ("q=métropole", ["Rennes Métropole"]),
        ("q=775672272", ["Fondation Crédit Coopératif"]),
        ("q=7756", []),
    ],
)
def test_avise_staff_filter_and_search_the_organisations(client, avise, directory, tag35, tag29, filters, expected):
    client.force_login(avise)
    filters = filters.format(tag35=tag35.pk, tag29=tag29.pk, year=timezone.localdate().year)

    assert names(client.get(f"{ORGANIZATIONS}?{filters}")) == expected


def test_the_organisation_list_speaks_to_a_reviewer(client, avise, directory):
    client.force_login(avise)

    response = client.get(ORGANIZATIONS)

    html = unescape(response.content.decode())
    assert [spec.title for spec in response.context["cl"].filter_specs] == [
        "type",
        "département",
        "structure des projets",
        "rôle dans un projet",
    ]
    structure_filter = response.context["cl"].filter_specs[2]
    assert [label for _, label in structure_filter.lookup_choices] == ["TAg29", "TAg35"]
    assert "Naviguer par date (enregistrée le)" in html
    assert f"created_at__year={timezone.localdate().year}" in html


def test_the_role_filter_is_offered_in_french(client, avise, directory):
    client.force_login(avise)

    response = client.get(ORGANIZATIONS)

    role_filter = next(spec for spec in response.context["cl"].filter_specs if spec.title == "rôle dans un projet")
    assert [label for _, label in role_filter.lookup_choices][:3] == ["Commanditaire", "Financeur", "Membre du COPIL"]


@pytest.mark.parametrize("rows", [1, 10])
def test_avise_staff_open_the_organisation_list_in_a_fixed_number_of_queries(
    client, avise, geography, django_assert_num_queries, rows
):
    for _ in range(rows):
        OrganizationFactory(commune=geography["rennes"])
    client.force_login(avise)

    # 1. the session, 2. the user, 3. the départements and 4. the structures of the filters, 5. the count of the
    # organisations (nothing filters them: it is also the count of all), 6. the page of organisations with their
    # seat, 7. the first and last dates and 8. the years of the date navigation.
    with django_assert_num_queries(8):
        response = client.get(ORGANIZATIONS)

    assert len(response.context["cl"].result_list) == rows


def test_the_organisation_export_counts_projects_roles_and_activities(client, avise, directory):
    client.force_login(avise)

    rows = csv_table(
        run_action(client, ORGANIZATIONS, "export_csv", [directory[name].pk for name in ("fondation", "panier")])
    )

    assert rows == [
        {
            "N°": str(directory["panier"].pk),
            "Nom": "Association Le Panier",
            "Type": "Association",
            "SIREN": "130005481",
            "SIRET": "13000548100010",
            "Site web": "",
            "Commune du siège": "Scrignac",
            "Département du siège": "Finistère (29)",
            "Territoire administré": "",
            "Projets": "1",
            "Rôles dans les projets": "Porteur",
            "Activités portées": "1",
            "Enregistrée le": f"{timezone.localtime(directory['panier'].created_at):%d/%m/%Y %H:%M}",
        },
        {
            "N°": str(directory["fondation"].pk),
            "Nom": "Fondation Crédit Coopératif",
            "Type": "Fondation ou financeur privé",
            "SIREN": "775672272",
            "SIRET": "",
            "Site web": "",
            "Commune du siège": "",
            "Département du siège": "",
            "Territoire administré": "",
            "Projets": "2",
            "Rôles dans les projets": "Financeur",
            "Activités portées": "0",
            "Enregistrée le": f"{timezone.localtime(directory['fondation'].created_at):%d/%m/%Y %H:%M}",
        },
    ]


def test_the_organisation_export_names_the_territory_a_collectivite_governs(client, avise, directory):
    client.force_login(avise)

    (row,) = csv_table(run_action(client, ORGANIZATIONS, "export_csv", [directory["rennes"].pk]))

    assert (row["Type"], row["Territoire administré"], row["Rôles dans les projets"]) == (
        "EPCI",
        "Rennes Métropole",
        "Commanditaire",
    )


def involvements(response):
    assert response.status_code == 200
    return sorted((row.organization.name, row.project.title) for row in response.context["cl"].result_list)


GARAGE_SPONSOR = ("Rennes Métropole", "Garage solidaire de Redon")
GARAGE_GRANT = ("Fondation Crédit Coopératif", "Garage solidaire de Redon")
EPICERIE_PORTEUR = ("Association Le Panier", "Épicerie du Poher")
EPICERIE_LOAN = ("Fondation Crédit Coopératif", "Épicerie du Poher")


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ("role__exact=funder", [GARAGE_GRANT, EPICERIE_LOAN]),
        ("contribution_kind__exact=loan", [EPICERIE_LOAN]),
        ("organization__kind__exact=epci", [GARAGE_SPONSOR]),
        ("project__structure__id__exact={tag29}", [EPICERIE_PORTEUR, EPICERIE_LOAN]),
        ("project__department__code__exact=35", [GARAGE_GRANT, GARAGE_SPONSOR]),
        ("project__themes__id__exact={alimentation}", [EPICERIE_PORTEUR, EPICERIE_LOAN]),
        ("started_on__year=2024", [GARAGE_GRANT, GARAGE_SPONSOR]),
        ("q=panier", [EPICERIE_PORTEUR]),
        ("q=epicerie fondation", [EPICERIE_LOAN]),
        ("q=775672272", [GARAGE_GRANT, EPICERIE_LOAN]),
    ],
)
def test_avise_staff_filter_and_search_the_involvements(client, avise, directory, tag29, filters, expected):
    client.force_login(avise)
    filters = filters.format(tag29=tag29.pk, alimentation=directory["themes"]["alimentation"].pk)

    assert involvements(client.get(f"{INVOLVEMENTS}?{filters}")) == sorted(expected)


def test_the_involvement_list_speaks_to_a_reviewer(client, avise, directory):
    client.force_login(avise)

    response = client.get(INVOLVEMENTS)

    html = unescape(response.content.decode())
    for header in ["Organisation", "Type d'organisation", "Projet", "Structure", "Rôle", "Montant (€)"]:
        assert f">{header}</a>" in html, header
    assert [spec.title for spec in response.context["cl"].filter_specs] == [
        "rôle",
        "nature de la contribution",
        "type d'organisation",
        "structure",
        "département du projet",
        "thèmes du projet",
    ]
    assert "Naviguer par date (depuis le)" in html


@pytest.mark.parametrize("rows", [1, 10])
def test_avise_staff_open_the_involvement_list_in_a_fixed_number_of_queries(
    client, avise, revelateur35, django_assert_num_queries, rows
):
    theme = ThemeFactory()
    for _ in range(rows):
        InvolvementFactory(project=ProjectFactory(created_by=revelateur35, themes=[theme]), role="expert")
    client.force_login(avise)

    # 1. the session, 2. the user, 3.–5. the choices of the structure, département and theme filters, 6. the count
    # of the involvements (nothing filters them: it is also the count of all), 7. the page with each organisation,
    # project and structure, 8.–9. the dates of the date hierarchy.
    with django_assert_num_queries(9):
        response = client.get(INVOLVEMENTS)

    assert len(response.context["cl"].result_list) == rows


def test_the_involvement_export_has_a_column_for_each_fact(client, avise, directory):
    client.force_login(avise)

    (row,) = csv_table(run_action(client, INVOLVEMENTS, "export_csv", [directory["grant"].pk]))

    assert row == {
        "N°": str(directory["grant"].pk),
        "Organisation": "Fondation Crédit Coopératif",
        "Type d'organisation": "Fondation ou financeur privé",
        "SIREN": "775672272",
        "Projet": "Garage solidaire de Redon",
        "Structure": "TAg35",
        "Département du projet": "Ille-et-Vilaine",
        "Étape du projet": "Étude d'opportunité",
        "Rôle": "Financeur",
        "Nature de la contribution": "Subvention",
        "Montant (€)": "15000,00",
        "Depuis le": "01/03/2024",
        "Jusqu'au": "01/03/2025",
        "Précision": "Appel à projets mobilité",
        "Ajoutée le": f"{timezone.localtime(directory['grant'].created_at):%d/%m/%Y %H:%M}",
    }


def test_the_organisation_autocompletion_of_the_admin_forms_ignores_accents(client, administrator, directory):
    client.force_login(administrator)

    response = client.get(
        "/admin/autocomplete/",
        {"app_label": "partners", "model_name": "involvement", "field_name": "organization", "term": "cooperatif"},
    )

    assert [result["text"] for result in response.json()["results"]] == ["Fondation Crédit Coopératif"]
