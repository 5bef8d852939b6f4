"""A collectivité signed in starts at `/` on the projects of its territory it may see, by stage, and on its
proposals; on the project pages it reads what partners read, never a note, a document or a contact."""

import pytest

from needs.models import Need
from projects.models import Project, ProjectEvent
from territories.models import EPCI, Commune
from tests.fabrique.factories import UserFactory
from tests.needs.factories import NeedFactory
from tests.partners.factories import ContactFactory, InvolvementFactory, OrganizationFactory
from tests.projects.factories import ProjectFactory
from tests.projects.files import PDF
from tests.territories.factories import CommuneFactory, EPCIFactory


@pytest.fixture
def redon(rennes_metropole):
    """A commune of Ille-et-Vilaine outside Rennes Métropole."""
    epci = EPCIFactory(code="243500741", name="Redon Agglomération", kind=EPCI.Kind.AGGLOMERATION)
    return CommuneFactory(code="35236", name="Redon", department_id="35", epci=epci)


def project_in(revelateur, commune, **fields):
    """A project whose territory is this commune."""
    project = ProjectFactory(created_by=revelateur, epci=commune.epci, **fields)
    project.communes.set([commune])
    return project


@pytest.fixture
def projects(revelateur35, revelateur29, redon):
    rennes = Commune.objects.get(code="35238")
    return {
        "shared_inside": project_in(revelateur35, rennes, shared=True, title="Épicerie itinérante de Rennes"),
        "public_inside": project_in(
            revelateur35, rennes, public=True, title="Garage solidaire de Rennes", stage="porteur_search"
        ),
        "paused_inside": project_in(revelateur35, rennes, shared=True, paused=True, title="Laverie du Blosne"),
        "internal_inside": project_in(revelateur35, rennes, title="Étude interne de Rennes"),
        "shared_outside": project_in(revelateur35, redon, shared=True, title="Cantine solidaire de Redon"),
        "public_outside": project_in(revelateur35, redon, public=True, title="Recyclerie de Redon"),
        "other_department": ProjectFactory(
            created_by=revelateur29, department__code="29", public=True, title="Tiers-lieu du Poher"
        ),
    }


def test_a_collectivite_starts_on_the_projects_of_its_territory_by_stage(client, collectivite, projects):
    client.force_login(collectivite)

    response = client.get("/")

    assert response.status_code == 200
    assert response.templates[0].name == "fabrique/collectivite_home.html"
    by_stage = {
        stage.value: [project.title for project in listed]
        for stage, listed, _ in response.context["projects_by_stage"]
    }
    assert by_stage == {
        "opportunity_study": ["Laverie du Blosne", "Épicerie itinérante de Rennes"],
        "porteur_search": ["Garage solidaire de Rennes"],
        "feasibility_study": [],
        "launch_support": [],
        "launched": [],
    }
    content = response.content.decode()
    assert "Rennes Métropole" in content
    assert "Recherche de porteur (1)" in content
    assert ">En pause</span>" in content
    assert 'href="/projets/"' in content
    for hidden in ["Étude interne de Rennes", "Cantine solidaire de Redon", "Recyclerie de Redon", "Poher"]:
        assert hidden not in content


def test_the_home_lists_the_collectivites_proposals_with_their_status(
    client, collectivite, revelateur35, projects, brest_proposal
):
    internal = projects["internal_inside"]
    mine = NeedFactory(
        created_by=collectivite,
        structure=revelateur35.structure,
        source=Need.Source.COLLECTIVITE,
        proposed_by=collectivite.organization,
        title="Plus de laverie à Rennes",
        status=Need.Status.IN_STUDY,
        project=internal,
    )
    client.force_login(collectivite)

    response = client.get("/")

    assert list(response.context["proposals"]) == [mine]
    content = response.content.decode()
    assert f'<a href="/besoins/propositions/{mine.pk}/">Plus de laverie à Rennes</a>' in content
    assert ">En étude</span>" in content
    # The study is internal to the structure: neither its title nor its page reaches the collectivité.
    assert "Étude interne de Rennes" not in content
    assert "Une étude est ouverte" in content
    assert f'href="/projets/{internal.pk}/"' not in content
    assert "Proposition de Brest" not in content
    assert 'href="/besoins/proposer/"' in content
    assert 'href="/besoins/propositions/"' in content


@pytest.fixture
def brest_proposal(revelateur29):
    collectivite = OrganizationFactory(epci=True, name="Brest Métropole")
    return NeedFactory(
        created_by=revelateur29,
        source=Need.Source.COLLECTIVITE,
        proposed_by=collectivite,
        title="Proposition de Brest",
        department__code="29",
    )


def test_a_collectivite_without_projects_nor_proposals_is_told_what_it_may_do(client, collectivite):
    client.force_login(collectivite)

    content = client.get("/").content.decode()

    assert "Aucun projet n'est encore partagé sur votre territoire." in content
    assert "Proposez-le à la Fabrique à initiatives" in content


def test_the_header_offers_the_projects_and_the_proposals(client, collectivite):
    client.force_login(collectivite)

    content = client.get("/").content.decode()

    assert ">Projets</a>" in content
    assert ">Mes propositions</a>" in content
    assert ">Besoins</a>" not in content


def test_the_home_runs_a_fixed_number_of_queries(
    client, collectivite, revelateur35, projects, django_assert_num_queries
):
    rennes = Commune.objects.get(code="35238")
    client.force_login(collectivite)
    for count in (1, 5):
        for _ in range(count):
            project = project_in(revelateur35, rennes, shared=True)
            project_in(revelateur35, rennes, public=True, stage="feasibility_study")
            NeedFactory(
                created_by=collectivite,
                structure=revelateur35.structure,
                source=Need.Source.COLLECTIVITE,
                proposed_by=collectivite.organization,
                status=Need.Status.IN_STUDY,
                project=project,
            )
        # session, user, organisation, the number of projects of its territory at each stage, the latest of each
        # stage, its latest proposals with their project
        with django_assert_num_queries(6):
            client.get("/")


def test_the_home_lists_the_latest_projects_of_each_stage_and_links_to_all_of_them(
    client, collectivite, revelateur35, projects
):
    rennes = Commune.objects.get(code="35238")
    for day in range(1, 13):
        project_in(revelateur35, rennes, public=True, stage="feasibility_study", title=f"Étude de mars {day}",
                   opened_on=f"2025-03-{day:02d}")  # fmt: skip
    client.force_login(collectivite)

    response = client.get("/")

    stages = {stage.value: (listed, count) for stage, listed, count in response.context["projects_by_stage"]}
    listed, count = stages["feasibility_study"]
    assert count == 12
    assert [project.title for project in listed] == [f"Étude de mars {day}" for day in range(12, 2, -1)]
    content = response.content.decode()
    assert "Étude de faisabilité (12)" in content
    assert 'href="/projets/?territory=mine&amp;stage=feasibility_study"' in content
    # A stage whose projects are all listed needs no link.
    assert "stage=opportunity_study" not in content

    catalogue = client.get("/projets/", {"territory": "mine", "stage": "feasibility_study"})
    assert catalogue.context["page"].paginator.count == 12


def test_the_territory_filter_keeps_the_projects_the_home_counts_and_is_offered_to_collectivites_only(
    client, collectivite, revelateur35, projects
):
    client.force_login(collectivite)

    listed = {project.title for project in client.get("/projets/", {"territory": "mine"}).context["page"]}

    assert listed == {"Épicerie itinérante de Rennes", "Garage solidaire de Rennes", "Laverie du Blosne"}
    client.force_login(revelateur35)
    response = client.get("/projets/", {"territory": "mine"})
    assert "territory" not in response.context["filter"].form.fields
    assert len(response.context["page"].object_list) > 3


def test_the_project_list_never_shows_a_collectivite_an_internal_project(client, collectivite, projects):
    client.force_login(collectivite)

    listed = {project.title for project in client.get("/projets/?page=1").context["page"]}

    assert "Étude interne de Rennes" not in listed
    assert {"Épicerie itinérante de Rennes", "Garage solidaire de Rennes", "Recyclerie de Redon"} <= listed
    assert "Cantine solidaire de Redon" not in listed


def test_a_collectivite_reads_a_shared_project_without_its_internal_material(
    client, collectivite, revelateur35, projects
):
    project = projects["shared_inside"]
    Project.objects.filter(pk=project.pk).update(internal_summary="Résumé réservé à la structure.")
    project.events.create(kind=ProjectEvent.Kind.NOTE, comment="Note confidentielle du révélateur.", by=revelateur35)
    project.documents.create(
        kind="other",
        title="Budget prévisionnel confidentiel",
        file="documents/x",
        original_name="budget.pdf",
        content_type="application/pdf",
        size=len(PDF),
        uploaded_by=revelateur35,
    )
    partner = OrganizationFactory(name="Bretagne Active")
    ContactFactory(
        organization=partner,
        structure=revelateur35.structure,
        first_name="Gaëlle",
        last_name="Kerjean",
        email="gaelle.kerjean@exemple.fr",
    )
    InvolvementFactory(project=project, organization=partner)
    client.force_login(collectivite)

    response = client.get(f"/projets/{project.pk}/")

    assert response.status_code == 200
    content = response.content.decode()
    assert "Épicerie itinérante de Rennes" in content
    for secret in [
        "Résumé réservé à la structure",
        "Note confidentielle du révélateur",
        "Budget prévisionnel confidentiel",
        "Kerjean",
        "gaelle.kerjean@exemple.fr",
    ]:
        assert secret not in content
    assert client.get(f"/projets/{projects['internal_inside'].pk}/").status_code == 404
    assert client.get(f"/projets/{projects['shared_outside'].pk}/").status_code == 404


@pytest.mark.parametrize(
    ("role", "template"),
    [
        ("anonymous", "fabrique/home.html"),
        ("revelateur35", "fabrique/dashboard.html"),
        ("revelateur29", "fabrique/dashboard.html"),
        ("collectivite", "fabrique/collectivite_home.html"),
        ("avise", "fabrique/home.html"),
        ("admin", "fabrique/home.html"),
    ],
)
def test_only_a_collectivite_gets_the_home_of_its_territory(client, cast, projects, role, template):
    if cast[role]:
        client.force_login(cast[role])

    response = client.get("/")

    assert response.status_code == 200
    assert response.templates[0].name == template
    assert ("Épicerie itinérante de Rennes" in response.content.decode()) is (role == "collectivite")


def test_a_collectivite_elsewhere_does_not_get_the_projects_of_rennes_metropole(client, projects, revelateur29):
    brest = OrganizationFactory(epci=True, name="Brest Métropole")
    CommuneFactory(code="29019", name="Brest", department__code="29", epci=brest.governed_epci)
    poher = projects["other_department"]
    client.force_login(UserFactory(email="collectivite29@fabrique.test", collectivite=True, organization=brest))

    response = client.get("/")

    listed = {project for _, stage_projects, _ in response.context["projects_by_stage"] for project in stage_projects}
    assert listed == {poher}
