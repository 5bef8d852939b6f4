"""The lists of projects, activities and COPIL decisions of the admin, as Avise staff review them: filters,
search, year navigation, a fixed number of queries, and the export of the selection."""

import datetime
import re
from decimal import Decimal
from html import unescape

import pytest
from django.utils import timezone

from needs.models import Need
from projects.models import Activity, CopilDecision, Project
from territories.models import EPCI, Commune
from tests.fabrique.admin_exports import csv_table, run_action, xlsx_sheet
from tests.needs.factories import NeedFactory
from tests.partners.factories import FundingFactory, InvolvementFactory, OrganizationFactory
from tests.projects.factories import ActivityFactory, FollowUpFactory, ProjectFactory

PROJECTS = "/admin/projects/project/"
ACTIVITIES = "/admin/projects/activity/"
COPILS = "/admin/projects/copildecision/"


@pytest.fixture
def network(revelateur35, revelateur29, ille_et_vilaine, themes):
    """A paused porteur search of TAg35 in Redon (2024), with its need, a funder and a COPIL; a public project of
    TAg29 that launched the « Épicerie du Poher » (2023); a stopped essaimage of it by TAg35 (2025); the recyclerie
    that TAg35 launched as an incubator (2022)."""
    fondation = OrganizationFactory(name="Fondation Crédit Coopératif", kind="private_funder", siren="775672272")
    garage = ProjectFactory(
        created_by=revelateur35,
        title="Garage solidaire de Redon",
        public_summary="Réparer les voitures des personnes en insertion.",
        internal_summary="Le garage Renault cède son atelier.",
        solution_type="Garage solidaire",
        stage=Project.Stage.PORTEUR_SEARCH,
        state=Project.State.PAUSED,
        visibility=Project.Visibility.PARTNERS,
        opened_on=datetime.date(2024, 2, 1),
        epci=EPCI.objects.get(name="Redon Agglomération"),
        themes=[themes["Mobilité"], themes["Bien-vieillir"]],
    )
    garage.communes.set([Commune.objects.get(name="Redon")])
    need = NeedFactory(created_by=revelateur35, title="Se déplacer sans voiture à Redon")
    Need.objects.filter(pk=need.pk).update(status=Need.Status.IN_STUDY, project=garage)
    InvolvementFactory(project=garage, organization=fondation, role="funder")
    InvolvementFactory(project=garage, organization=OrganizationFactory(name="Redon Agglomération"), role="sponsor")
    copil = CopilDecision.objects.create(
        project=garage,
        decided_on=datetime.date(2024, 9, 10),
        body="COPIL de l'étude",
        decision=CopilDecision.Decision.GO,
        comment="Unanimité pour poursuivre.",
        recorded_by=revelateur35,
    )
    copil.organizations.set([fondation])

    epicerie = ProjectFactory(
        created_by=revelateur29,
        title="Épicerie itinérante du Poher",
        public_summary="Une épicerie qui passe dans les bourgs.",
        internal_summary="",
        department=revelateur29.structure.departments.get(),
        stage=Project.Stage.LAUNCHED,
        visibility=Project.Visibility.PUBLIC,
        opened_on=datetime.date(2023, 5, 1),
        themes=[themes["Alimentation durable"]],
        activity=False,
    )
    activity = ActivityFactory(
        project=epicerie,
        name="Épicerie du Poher",
        legal_form=Activity.LegalForm.SCIC,
        esus=True,
        siren="552100554",
        porteur=OrganizationFactory(name="Association Le Panier", siren="130005481"),
        opened_on=datetime.date(2025, 1, 15),
        jobs_at_launch=Decimal("2.5"),
    )
    CopilDecision.objects.create(
        project=epicerie,
        decided_on=datetime.date(2023, 11, 20),
        body="COPIL de l'étude",
        decision=CopilDecision.Decision.GO,
        recorded_by=revelateur29,
    )
    FundingFactory(project=activity.project, amount=Decimal("1000"), organization=fondation)
    FundingFactory(project=activity.project, contribution_kind="loan", amount=Decimal("500.50"), organization=None)
    FollowUpFactory(activity=activity, year=2026, jobs=Decimal("4"))
    FollowUpFactory(activity=activity, year=2025, jobs=Decimal("3"))

    essaimage = ProjectFactory(
        created_by=revelateur35,
        title="Épicerie itinérante de Fougères",
        public_summary="",
        internal_summary="",
        source_activity=activity,
        state=Project.State.STOPPED,
        stopped_reason="Aucun porteur.",
        opened_on=datetime.date(2025, 3, 3),
        themes=[themes["Alimentation durable"]],
    )
    ProjectFactory(
        created_by=revelateur35,
        title="Recyclerie de Redon",
        public_summary="",
        internal_summary="",
        stage=Project.Stage.LAUNCHED,
        programme=Project.Programme.INCUBATEUR,
        opened_on=datetime.date(2022, 9, 1),
        themes=[themes["Bien-vieillir"]],
        activity__name="Recyclerie du pays de Redon",
        activity__iae=True,
        activity__porteur=OrganizationFactory(name="Les Amis de la Recyclerie"),
        activity__opened_on=datetime.date(2024, 6, 1),
    )
    CopilDecision.objects.create(
        project=essaimage,
        decided_on=datetime.date(2025, 10, 1),
        body="Bureau communautaire",
        decision=CopilDecision.Decision.STOP,
        recorded_by=revelateur35,
    )
    return {"garage": garage, "epicerie": epicerie, "essaimage": essaimage, "activity": activity, "copil": copil}


def listed(response):
    assert response.status_code == 200
    return sorted(str(row) for row in response.context["cl"].result_list)


def query(text, tag29, themes):
    return text.format(tag29=tag29.pk, mobilite=themes["Mobilité"].pk, alimentation=themes["Alimentation durable"].pk)


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ("stage__exact=porteur_search", ["Garage solidaire de Redon"]),
        ("state__exact=stopped", ["Épicerie itinérante de Fougères"]),
        ("structure__id__exact={tag29}", ["Épicerie itinérante du Poher"]),
        (
            "department__code__exact=35",
            ["Garage solidaire de Redon", "Épicerie itinérante de Fougères", "Recyclerie de Redon"],
        ),
        ("themes__id__exact={alimentation}", ["Épicerie itinérante de Fougères", "Épicerie itinérante du Poher"]),
        ("visibility__exact=public", ["Épicerie itinérante du Poher"]),
        ("programme__exact=incubateur", ["Recyclerie de Redon"]),
        ("essaimage=oui", ["Épicerie itinérante de Fougères"]),
        ("essaimage=non", ["Garage solidaire de Redon", "Épicerie itinérante du Poher", "Recyclerie de Redon"]),
        ("opened_on__year=2024", ["Garage solidaire de Redon"]),
        ("q=epicerie", ["Épicerie itinérante de Fougères", "Épicerie itinérante du Poher"]),
        ("q=RENAULT", ["Garage solidaire de Redon"]),
        ("q=épicerie poher", ["Épicerie itinérante du Poher"]),
    ],
)
def test_avise_staff_filter_and_search_the_projects(client, avise, network, tag29, themes, filters, expected):
    client.force_login(avise)

    assert listed(client.get(f"{PROJECTS}?{query(filters, tag29, themes)}")) == sorted(expected)


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ("legal_form__exact=scic", ["Épicerie du Poher"]),
        ("legal_form__exact=association", ["Recyclerie du pays de Redon"]),
        ("esus__exact=1", ["Épicerie du Poher"]),
        ("iae__exact=1", ["Recyclerie du pays de Redon"]),
        ("project__structure__id__exact={tag29}", ["Épicerie du Poher"]),
        ("project__department__code__exact=35", ["Recyclerie du pays de Redon"]),
        ("project__themes__id__exact={alimentation}", ["Épicerie du Poher"]),
        ("opened_on__year=2025", ["Épicerie du Poher"]),
        ("opened_on__year=2024", ["Recyclerie du pays de Redon"]),
        ("q=panier", ["Épicerie du Poher"]),
        ("q=EPICERIE", ["Épicerie du Poher"]),
        ("q=552100554", ["Épicerie du Poher"]),
        ("q=amis recyclerie", ["Recyclerie du pays de Redon"]),
        ("suivi=active", ["Épicerie du Poher"]),
        ("suivi=aucun", ["Recyclerie du pays de Redon"]),
        ("suivi=fermee", []),
    ],
)
def test_avise_staff_filter_and_search_the_activities(client, avise, network, tag29, themes, filters, expected):
    client.force_login(avise)

    assert listed(client.get(f"{ACTIVITIES}?{query(filters, tag29, themes)}")) == expected


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ("decision__exact=stop", ["Bureau communautaire du 01/10/2025 : Arrêter"]),
        ("project__structure__id__exact={tag29}", ["COPIL de l'étude du 20/11/2023 : Poursuivre"]),
        (
            "project__department__code__exact=35",
            ["Bureau communautaire du 01/10/2025 : Arrêter", "COPIL de l'étude du 10/09/2024 : Poursuivre"],
        ),
        ("decided_on__year=2024", ["COPIL de l'étude du 10/09/2024 : Poursuivre"]),
        ("decided_on__year=2023&decided_on__month=11", ["COPIL de l'étude du 20/11/2023 : Poursuivre"]),
        ("q=unanimite", ["COPIL de l'étude du 10/09/2024 : Poursuivre"]),
        ("q=fougeres", ["Bureau communautaire du 01/10/2025 : Arrêter"]),
    ],
)
def test_avise_staff_filter_and_search_the_copil_decisions(client, avise, network, tag29, themes, filters, expected):
    client.force_login(avise)

    assert listed(client.get(f"{COPILS}?{query(filters, tag29, themes)}")) == expected


def test_an_activity_closed_at_its_latest_follow_up_is_filtered_as_closed(client, avise, network):
    activity = network["activity"]
    FollowUpFactory(activity=activity, year=2027, jobs=0, still_active=False, closed_on=datetime.date(2027, 6, 30))
    client.force_login(avise)

    assert listed(client.get(f"{ACTIVITIES}?suivi=fermee")) == ["Épicerie du Poher"]
    assert listed(client.get(f"{ACTIVITIES}?suivi=active")) == []


@pytest.mark.parametrize(
    ("path", "headers", "date_label"),
    [
        (
            PROJECTS,
            ["Intitulé", "Structure", "Département", "Étape", "État", "Visibilité", "Étude ouverte le", "Thèmes"],
            "Naviguer par date (étude ouverte le)",
        ),
        (
            ACTIVITIES,
            [
                "Nom de l'activité",
                "Projet",
                "Structure",
                "Département",
                "Forme juridique",
                "Agrément ESUS",
                "Structure d'insertion (IAE)",
                "Porteur",
                "Date d'ouverture",
                "Emplois au lancement (ETP)",
            ],
            "Naviguer par date (date d'ouverture)",
        ),
        (
            COPILS,
            ["Projet", "Structure", "Date du COPIL", "Instance", "Décision", "Enregistrée par"],
            "Naviguer par date (date du COPIL)",
        ),
    ],
    ids=["projects", "activities", "copils"],
)
def test_each_list_speaks_to_a_reviewer(client, avise, network, path, headers, date_label):
    client.force_login(avise)

    html = unescape(client.get(path).content.decode())

    for header in headers:
        assert f">{header}</" in html, header
    assert date_label in html


def test_the_project_list_shows_the_themes_of_each_project(client, avise, network):
    client.force_login(avise)

    html = client.get(f"{PROJECTS}?opened_on__year=2024").content.decode()

    assert '<td class="field-theme_names">Bien-vieillir, Mobilité</td>' in html
    assert '<td class="field-state">En pause</td>' in html


def add_projects(revelateur, themes, count):
    for _ in range(count):
        project = ProjectFactory(created_by=revelateur, launched=True, themes=list(themes.values()))
        CopilDecision.objects.create(
            project=project, decided_on="2026-01-15", body="COPIL", decision="go", recorded_by=revelateur
        )


@pytest.mark.parametrize("rows", [1, 10])
def test_avise_staff_open_the_project_list_in_a_fixed_number_of_queries(
    client, avise, revelateur35, themes, django_assert_num_queries, rows
):
    add_projects(revelateur35, themes, rows)
    client.force_login(avise)

    # 1. the session, 2. the user, 3.–5. the choices of the structure, département and theme filters, 6. the count
    # of the projects (nothing filters them: it is also the count of all), 7. the projects of the page with their
    # structure and département, 8. their themes, 9. the first and last dates and 10. the days of the date hierarchy.
    with django_assert_num_queries(10):
        response = client.get(PROJECTS)

    assert len(response.context["cl"].result_list) == rows


@pytest.mark.parametrize("rows", [1, 10])
def test_avise_staff_open_the_activity_list_in_a_fixed_number_of_queries(
    client, avise, revelateur35, themes, django_assert_num_queries, rows
):
    add_projects(revelateur35, themes, rows)
    client.force_login(avise)

    # 1. the session, 2. the user, 3.–5. the choices of the structure, département and theme filters, 6. the count
    # (nothing filters the list: it is also the count of all), 7. the activities of the page with their project, its
    # structure and département, and their porteur, 8.–9. the dates of the date hierarchy.
    with django_assert_num_queries(9):
        response = client.get(ACTIVITIES)

    assert len(response.context["cl"].result_list) == rows


@pytest.mark.parametrize("rows", [1, 10])
def test_avise_staff_open_the_copil_list_in_a_fixed_number_of_queries(
    client, avise, revelateur35, themes, django_assert_num_queries, rows
):
    add_projects(revelateur35, themes, rows)
    client.force_login(avise)

    # 1. the session, 2. the user, 3.–4. the choices of the structure and département filters, 5. the count (nothing
    # filters the list: it is also the count of all), 6. the decisions of the page with their project, its
    # structure, and who recorded them, 7.–8. the dates of the date hierarchy.
    with django_assert_num_queries(8):
        response = client.get(COPILS)

    assert len(response.context["cl"].result_list) == rows


@pytest.mark.parametrize("path", [PROJECTS, ACTIVITIES, COPILS], ids=["projects", "activities", "copils"])
def test_avise_staff_open_each_change_form_read_only(client, avise, network, path):
    row = {PROJECTS: network["garage"], ACTIVITIES: network["activity"], COPILS: network["copil"]}[path]
    client.force_login(avise)

    response = client.get(f"{path}{row.pk}/change/")

    assert response.status_code == 200
    assert 'name="_save"' not in response.content.decode()
    assert client.post(f"{path}{row.pk}/change/", {}).status_code == 403
    assert client.get(f"{path}add/").status_code == 403


def test_the_project_export_has_a_column_for_each_fact_of_a_project(client, avise, network):
    Project.objects.filter(pk=network["garage"].pk).update(reference="P-2024-02")
    client.force_login(avise)

    (row,) = csv_table(run_action(client, PROJECTS, "export_csv", [network["garage"].pk]))

    # The columns of the projects list's export (the same function writes them), then the admin's own.
    assert re.fullmatch(r"\d\d/\d\d/\d{4} \d\d:\d\d", row.pop("Modifié le"))
    assert row == {
        "N°": str(network["garage"].pk),
        "Référence": "P-2024-02",
        "Intitulé": "Garage solidaire de Redon",
        "Structure": "TAg35",
        "Département": "Ille-et-Vilaine (35)",
        "Code du département": "35",
        "EPCI": "Redon Agglomération",
        "Communes": "Redon",
        "Thèmes": "Bien-vieillir, Mobilité",
        "Programme": "Révélateur",
        "Type de solution": "Garage solidaire",
        "Étape": "Recherche de porteur",
        "État": "En pause",
        "Motif de l'arrêt": "",
        "Visibilité": "Partagé avec les partenaires",
        "Ouvert le": "01/02/2024",
        "Rendu public le": "",
        "Essaimage de": "",
        "Besoins étudiés": "Se déplacer sans voiture à Redon",
        "Partenaires": "Redon Agglomération (Commanditaire), Fondation Crédit Coopératif (Financeur)",
        "Activité créée": "",
        "Activité ouverte le": "",
        "Porteur": "",
        "Résumé public": "Réparer les voitures des personnes en insertion.",
        "Résumé interne": "Le garage Renault cède son atelier.",
    }


def test_the_project_export_names_the_activity_launched_and_the_one_replicated(client, avise, network):
    client.force_login(avise)

    rows = csv_table(run_action(client, PROJECTS, "export_csv", [network["epicerie"].pk, network["essaimage"].pk]))

    assert [(row["Intitulé"], row["Étape"], row["État"], row["Motif de l'arrêt"]) for row in rows] == [
        ("Épicerie itinérante de Fougères", "Étude d'opportunité", "Arrêté", "Aucun porteur."),
        ("Épicerie itinérante du Poher", "Activité lancée", "En cours", ""),
    ]
    assert [(row["Essaimage de"], row["Activité créée"]) for row in rows] == [
        ("Épicerie du Poher", ""),
        ("", "Épicerie du Poher"),
    ]


def test_the_activity_export_sums_the_funding_and_reads_the_latest_follow_up(client, avise, network):
    client.force_login(avise)

    (row,) = csv_table(run_action(client, ACTIVITIES, "export_csv", [network["activity"].pk]))

    # The columns of the activities list's export (the same function writes them), then the admin's own.
    assert row == {
        "N°": str(network["activity"].pk),
        "Activité": "Épicerie du Poher",
        "N° du projet": str(network["activity"].project_id),
        "Projet": "Épicerie itinérante du Poher",
        "Structure": "TAg29",
        "Département": "Finistère (29)",
        "Code du département": "29",
        "EPCI": "",
        "Thèmes": "Alimentation durable",
        "Forme juridique": "SCIC",
        "Agrément ESUS": "oui",
        "Structure d'insertion (IAE)": "non",
        "SIREN": "552100554",
        "Porteur": "Association Le Panier",
        "SIREN du porteur": "130005481",
        "Ouverte le": "15/01/2025",
        "Emplois au lancement (ETP)": "2,50",
        "Financements levés (€)": "1500,50",
        "Financeurs": "Fondation Crédit Coopératif",
        "Dernier suivi annuel": "2026",
        "Emplois au dernier suivi (ETP)": "4,00",
        "Toujours active": "oui",
        "Fermée le": "",
    }


def test_the_xlsx_activity_export_keeps_numbers_as_numbers(client, avise, network):
    client.force_login(avise)

    sheet = xlsx_sheet(run_action(client, ACTIVITIES, "export_xlsx", [network["activity"].pk]))

    header = [cell.value for cell in sheet[1]]
    values = dict(zip(header, [cell.value for cell in sheet[2]], strict=True))
    assert (values["Financements levés (€)"], values["Emplois au lancement (ETP)"]) == (1500.5, 2.5)
    assert values["Ouverte le"] == datetime.datetime(2025, 1, 15)


def test_the_copil_export_names_the_organisations_present(client, avise, network):
    client.force_login(avise)

    (row,) = csv_table(run_action(client, COPILS, "export_csv", [network["copil"].pk]))

    assert row == {
        "N°": str(network["copil"].pk),
        "Projet": "Garage solidaire de Redon",
        "Structure": "TAg35",
        "Département": "Ille-et-Vilaine",
        "Code du département": "35",
        "Date du COPIL": "10/09/2024",
        "Instance": "COPIL de l'étude",
        "Décision": "Poursuivre",
        "Organisations présentes": "Fondation Crédit Coopératif",
        "Commentaire": "Unanimité pour poursuivre.",
        "Enregistrée le": f"{timezone.localtime(network['copil'].recorded_at):%d/%m/%Y %H:%M}",
    }
