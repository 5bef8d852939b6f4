import datetime

import pytest

from partners.models import Involvement
from projects.models import CopilDecision, Project
from tests.partners.factories import ContactFactory, FundingFactory, InvolvementFactory, OrganizationFactory
from tests.projects.factories import ActivityFactory, ProjectFactory


@pytest.fixture
def funder(geography):
    return OrganizationFactory(
        name="Fondation Macif", kind="private_funder", siren="775672272", website="https://x.fr"
    )


@pytest.fixture
def projects(funder, revelateur35, revelateur29):
    """The funder's part in projects of each visibility, of TAg35 and TAg29."""
    made = {
        "internal35": ProjectFactory(created_by=revelateur35, title="Épicerie interne de TAg35"),
        "shared35": ProjectFactory(created_by=revelateur35, title="Garage partagé de TAg35", shared=True),
        "public35": ProjectFactory(created_by=revelateur35, title="Tiers-lieu public de TAg35", public=True),
        "internal29": ProjectFactory(
            created_by=revelateur29,
            title="Conciergerie interne de TAg29",
            department=revelateur29.structure.departments.get(),
        ),
    }
    for project in made.values():
        InvolvementFactory(
            project=project, organization=funder, role="funder", contribution_kind="grant", amount="15000"
        )
    InvolvementFactory(project=made["shared35"], organization=funder, role="copil_member")
    return made


def titles(response):
    return sorted({involvement.project.title for involvement in response.context["involvements"]})


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("revelateur35", ["Garage partagé de TAg35", "Tiers-lieu public de TAg35", "Épicerie interne de TAg35"]),
        ("revelateur29", ["Conciergerie interne de TAg29", "Garage partagé de TAg35", "Tiers-lieu public de TAg35"]),
        (
            "avise",
            [
                "Conciergerie interne de TAg29",
                "Garage partagé de TAg35",
                "Tiers-lieu public de TAg35",
                "Épicerie interne de TAg35",
            ],
        ),
    ],
)
def test_it_lists_the_projects_the_viewer_may_see_with_the_roles(client, cast, funder, projects, role, expected):
    client.force_login(cast[role])

    response = client.get(f"/partenaires/{funder.pk}/")

    assert response.status_code == 200
    assert titles(response) == expected
    html = response.content.decode()
    for project in projects.values():
        assert (project.title in html) == (project.title in expected)
    assert "Membre du COPIL" in html
    assert "Financeur" in html


def test_amounts_show_only_where_the_viewer_reads_the_internal_material(client, revelateur29, funder, projects):
    client.force_login(revelateur29)

    response = client.get(f"/partenaires/{funder.pk}/")

    shown = {
        involvement.project.title: involvement.shows_amount
        for involvement in response.context["involvements"]
        if involvement.amount
    }
    assert shown == {
        "Conciergerie interne de TAg29": True,
        "Garage partagé de TAg35": False,
        "Tiers-lieu public de TAg35": False,
    }
    assert response.content.decode().count("15\u202f000\u00a0€") == 1


def test_it_shows_what_the_directory_knows(client, revelateur35, funder):
    client.force_login(revelateur35)

    html = client.get(f"/partenaires/{funder.pk}/").content.decode()

    assert "<h1>Fondation Macif</h1>" in html
    assert "Fondation ou financeur privé" in html
    assert "775672272" in html
    assert 'href="https://x.fr"' in html
    assert "Modifier l'organisation" in html


def test_a_collectivite_shows_the_territory_it_governs(client, avise, rennes_metropole):
    client.force_login(avise)

    html = client.get(f"/partenaires/{rennes_metropole.pk}/").content.decode()

    assert "Territoire administré" in html
    assert "Rennes Métropole" in html
    assert "Modifier l'organisation" not in html
    assert "Ajouter une personne" not in html


def test_it_lists_the_activities_it_carries_or_funds_that_the_viewer_may_see(
    client, revelateur35, revelateur29, funder
):
    carried = ActivityFactory(name="La Cagette", porteur=funder, project__created_by=revelateur35)
    funded = ActivityFactory(name="Le Garage", project__created_by=revelateur35)
    FundingFactory(project=funded.project, contribution_kind="sponsorship", amount=5000, organization=funder)
    hidden = ActivityFactory(
        name="L'activité interne de TAg29",
        porteur=funder,
        project__created_by=revelateur29,
        project__department=revelateur29.structure.departments.get(),
    )
    client.force_login(revelateur35)

    html = client.get(f"/partenaires/{funder.pk}/").content.decode()

    assert f'<a href="/projets/{carried.project.pk}/">La Cagette</a>' in html
    assert "Mécénat de 5\u202f000\u00a0€" in html
    assert f'<a href="/projets/{funded.project.pk}/">Le Garage</a>' in html
    assert hidden.name not in html


def test_it_lists_the_people_of_the_viewers_structure_only(client, revelateur35, revelateur29, avise, funder):
    ContactFactory(organization=funder, created_by=revelateur35, first_name="Maëlle", last_name="Kerzerho-Quéméneur")
    ContactFactory(organization=funder, created_by=revelateur29, first_name="Yann", last_name="Kervella")

    client.force_login(revelateur35)
    html = client.get(f"/partenaires/{funder.pk}/").content.decode()
    assert "Maëlle Kerzerho-Quéméneur" in html
    assert "Kervella" not in html

    client.force_login(revelateur29)
    html = client.get(f"/partenaires/{funder.pk}/").content.decode()
    assert "Yann Kervella" in html
    assert "Kerzerho-Quéméneur" not in html

    client.force_login(avise)
    html = client.get(f"/partenaires/{funder.pk}/").content.decode()
    assert "Kerzerho-Quéméneur" not in html and "Kervella" not in html
    assert 'id="personnes"' not in html


def test_the_page_lists_the_copil_decisions_naming_it_in_the_projects_the_viewer_may_see(
    client, revelateur35, revelateur29, avise, funder, projects
):
    def decide(project, body, decided_on, organizations):
        copil = CopilDecision.objects.create(
            project=project, decided_on=decided_on, body=body, decision="go", recorded_by=project.created_by
        )
        copil.organizations.set(organizations)

    decide(projects["shared35"], "COPIL du garage", datetime.date(2026, 3, 2), [funder])
    decide(projects["internal35"], "COPIL de l'épicerie", datetime.date(2025, 11, 20), [funder])
    decide(projects["internal29"], "COPIL de la conciergerie", datetime.date(2026, 1, 8), [funder])
    decide(projects["public35"], "COPIL sans elle", datetime.date(2026, 2, 1), [OrganizationFactory()])

    client.force_login(revelateur35)
    response = client.get(f"/partenaires/{funder.pk}/")
    assert [copil.body for copil in response.context["copil_decisions"]] == ["COPIL du garage", "COPIL de l'épicerie"]
    html = response.content.decode()
    assert "Les COPIL où elle était présente" in html
    assert f'<a href="/projets/{projects["shared35"].pk}/">Garage partagé de TAg35</a>' in html
    assert "COPIL de la conciergerie" not in html and "COPIL sans elle" not in html

    client.force_login(revelateur29)
    response = client.get(f"/partenaires/{funder.pk}/")
    assert [copil.body for copil in response.context["copil_decisions"]] == [
        "COPIL du garage",
        "COPIL de la conciergerie",
    ]

    client.force_login(avise)
    response = client.get(f"/partenaires/{funder.pk}/")
    assert len(response.context["copil_decisions"]) == 3


def test_the_page_says_when_no_copil_names_it(client, revelateur35, funder):
    client.force_login(revelateur35)

    html = client.get(f"/partenaires/{funder.pk}/").content.decode()

    assert "Aucune décision de COPIL que vous pouvez consulter ne la nomme." in html


@pytest.mark.parametrize(
    ("role", "queries"),
    [
        # 1 session, 2 user, 3 the organisation with its seat and territory, 4 its involvements in the visible
        # projects with the project, its structure and its activity (those it funds among them), 5 the COPIL
        # decisions naming it with their project, 6 the activities it carries, 7 its people
        ("revelateur35", 7),
        # the same, without the people: Avise staff read none
        ("avise", 6),
    ],
)
def test_the_page_runs_a_fixed_number_of_queries(client, cast, funder, django_assert_num_queries, role, queries):
    revelateur35 = cast["revelateur35"]
    client.force_login(cast[role])
    for count in (1, 4):
        for _ in range(count):
            project = ProjectFactory(created_by=revelateur35, visibility=Project.Visibility.PARTNERS)
            InvolvementFactory(project=project, organization=funder, role=Involvement.Role.FUNDER)
            InvolvementFactory(project=project, organization=funder, role=Involvement.Role.EXPERT)
            FundingFactory(
                project=ActivityFactory(porteur=funder, project__created_by=revelateur35).project, organization=funder
            )
            ContactFactory(organization=funder, created_by=revelateur35)
            copil = CopilDecision.objects.create(
                project=project,
                decided_on=datetime.date(2025, 6, 1),
                body="COPIL",
                decision="go",
                recorded_by=revelateur35,
            )
            copil.organizations.add(funder)
        with django_assert_num_queries(queries):
            response = client.get(f"/partenaires/{funder.pk}/")
        assert response.status_code == 200
