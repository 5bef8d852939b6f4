"""The Carnet de projets: the public catalogue, its filters, and the one rule of visibility that every surface
(list, project page, département page, map, Carnet, feed, sitemap) applies: `Project.objects.visible_to(user)`."""

import datetime

import pytest

from partners.models import Organization
from projects.models import Project
from territories.models import EPCI
from tests.fabrique.factories import UserFactory
from tests.needs.factories import ThemeFactory
from tests.partners.factories import InvolvementFactory, OrganizationFactory
from tests.projects.factories import ActivityFactory, ProjectFactory
from tests.territories.factories import CommuneFactory, DepartmentFactory, EPCIFactory, StructureFactory

AUDIENCES = ["anonymous", "revelateur35", "revelateur29", "collectivite_inside", "collectivite_outside", "avise"]
VISIBILITIES = ["internal", "partners", "public"]

# What each audience may see of a TAg35 project set in Rennes Métropole, by its visibility.
MAY_SEE = {
    "anonymous": {"public"},
    "revelateur35": {"internal", "partners", "public"},
    "revelateur29": {"partners", "public"},
    "collectivite_inside": {"partners", "public"},
    "collectivite_outside": {"public"},
    "avise": {"internal", "partners", "public"},
}


@pytest.fixture
def audiences(revelateur35, revelateur29, collectivite, avise):
    """Everyone the rules tell apart; the collectivité outside governs an EPCI of Finistère."""
    morlaix = EPCIFactory(code="242900314", name="Morlaix Communauté", kind=EPCI.Kind.AGGLOMERATION)
    CommuneFactory(code="29151", name="Morlaix", department=DepartmentFactory(code="29"), epci=morlaix)
    outside = OrganizationFactory(
        name="Morlaix Communauté", kind=Organization.Kind.EPCI, governed_epci=morlaix, siren="242900314"
    )
    return {
        "anonymous": None,
        "revelateur35": revelateur35,
        "revelateur29": revelateur29,
        "collectivite_inside": collectivite,
        "collectivite_outside": UserFactory(email="morlaix@fabrique.test", collectivite=True, organization=outside),
        "avise": avise,
    }


@pytest.fixture
def projects(revelateur35, rennes_metropole):
    """A launched project of TAg35 in Rennes Métropole at each visibility."""
    return {
        visibility: ProjectFactory(
            created_by=revelateur35,
            visibility=visibility,
            title=f"Projet {visibility}",
            epci=rennes_metropole.governed_epci,
            launched=True,
        )
        for visibility in VISIBILITIES
    }


def sign_in(client, audiences, audience):
    if audiences[audience]:
        client.force_login(audiences[audience])


def shown_titles(content, projects):
    return {visibility for visibility, project in projects.items() if project.title in content}


@pytest.mark.parametrize("audience", AUDIENCES)
def test_every_surface_shows_each_audience_what_it_may_see(client, audiences, projects, audience):
    sign_in(client, audiences, audience)
    allowed = MAY_SEE[audience]

    # The catalogue lists them.
    response = client.get("/projets/")
    assert response.status_code == 200
    listed = {project.title for project in response.context["page"].object_list}
    assert listed == {projects[visibility].title for visibility in allowed}

    # The project's page opens, or answers 404 (never a sign-in page).
    for visibility, project in projects.items():
        response = client.get(f"/projets/{project.pk}/")
        assert response.status_code == (200 if visibility in allowed else 404), visibility

    # The département page lists them and counts them.
    response = client.get("/territoires/35/")
    assert response.status_code == 200
    assert shown_titles(response.content.decode(), projects) == allowed
    assert response.context["project_count"] == len(allowed)
    assert response.context["activity_count"] == len(allowed)
    assert response.context["epcis"] == [(projects["public"].epci, len(allowed))]

    # The map counts them.
    response = client.get("/projets/")
    counts = {department["code"]: department["count"] for department in response.context["map"]["departments"]}
    assert counts == {"22": 0, "29": 0, "35": len(allowed), "56": 0}

    # The printed Carnet, the feed and the sitemap are public documents: the public project only, whoever asks.
    for address in [
        "/projets/carnet/",
        "/projets/carnet/?departement=35",
        "/projets/flux.atom",
        "/sitemap-projets.xml",
    ]:
        response = client.get(address)
        assert response.status_code == 200, address
        content = response.content.decode()
        if address == "/sitemap-projets.xml":
            shown = {v for v, project in projects.items() if f"/projets/{project.pk}/<" in content}
        else:
            shown = shown_titles(content, projects)
        assert shown == {"public"}, address


def test_an_anonymous_visitor_browses_the_catalogue_without_signing_in(client, revelateur35):
    ProjectFactory(created_by=revelateur35, title="Garage solidaire", public=True)

    response = client.get("/projets/")

    assert response.status_code == 200
    content = response.content.decode()
    assert "Garage solidaire" in content
    assert "1 projet" in content
    assert "<title>" in content and "Carnet de projets" in content


def test_an_anonymous_visitor_reads_a_public_project_without_its_internal_material(client, revelateur35, tag35):
    project = ProjectFactory(
        created_by=revelateur35,
        public=True,
        launched=True,
        internal_summary="Le maire hésite encore.",
        public_summary="Une épicerie solidaire itinérante.",
    )
    InvolvementFactory(project=project, role="funder", organization=OrganizationFactory(name="Région Bretagne"))
    replication = ProjectFactory(
        created_by=revelateur35, public=True, title="Épicerie de Fougères", source_activity=project.activity
    )

    response = client.get(f"/projets/{project.pk}/")

    content = response.content.decode()
    assert "Une épicerie solidaire itinérante." in content
    assert "Le maire hésite encore." not in content
    assert "Région Bretagne" in content and "Financeur" in content
    assert tag35.email in content
    assert project.activity.get_legal_form_display() in content
    assert replication.get_absolute_url() in content
    assert '<meta name="description"' in content and "Une épicerie solidaire itinérante." in content


def test_an_anonymous_visitor_finds_no_other_project(client, revelateur35):
    project = ProjectFactory(created_by=revelateur35, shared=True)

    response = client.get(f"/projets/{project.pk}/")

    assert response.status_code == 404


def titles(response):
    return [project.title for project in response.context["page"].object_list]


@pytest.fixture
def catalogue(revelateur35, rennes_metropole):
    """Four public projects across Brittany, with what each filter picks."""
    rennes = rennes_metropole.governed_epci
    mobility = ThemeFactory(name="Mobilité")
    carhaix_epci = EPCIFactory(code="242900645", name="Poher Communauté")
    carhaix = CommuneFactory(
        code="29024", name="Carhaix-Plouguer", department=DepartmentFactory(code="29"), epci=carhaix_epci
    )
    garage = ProjectFactory(
        created_by=revelateur35,
        public=True,
        title="Garage solidaire",
        themes=[mobility],
        epci=rennes,
        stage=Project.Stage.FEASIBILITY_STUDY,
        opened_on="2025-01-01",
    )
    ProjectFactory(
        created_by=revelateur35,
        public=True,
        title="Épiceries itinérantes",
        public_summary="Des épiceries qui vont de bourg en bourg.",
        launched=True,
        activity__opened_on=datetime.date(2024, 5, 1),
        opened_on="2022-01-01",
    )
    tiers_lieu = ProjectFactory(
        created_by=revelateur35,
        public=True,
        title="Tiers-lieu du Poher",
        department=DepartmentFactory(code="29"),
        opened_on="2024-01-01",
        paused=True,
    )
    tiers_lieu.communes.add(carhaix)
    ProjectFactory(
        created_by=revelateur35,
        public=True,
        title="Ressourcerie essaimée",
        source_activity=ActivityFactory(),
        opened_on="2023-01-01",
    )
    return {"mobility": mobility, "garage": garage, "carhaix_epci": carhaix_epci}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"department": "29"}, ["Tiers-lieu du Poher"]),
        ({"epci": "243500139"}, ["Garage solidaire"]),
        ({"epci": "242900645"}, ["Tiers-lieu du Poher"]),
        ({"commune": "carhaix-plouguer"}, ["Tiers-lieu du Poher"]),
        ({"commune": "29024"}, ["Tiers-lieu du Poher"]),
        ({"theme": "mobility"}, ["Garage solidaire"]),
        ({"stage": "feasibility_study"}, ["Garage solidaire"]),
        ({"state": "paused"}, ["Tiers-lieu du Poher"]),
        ({"launched": "yes"}, ["Épiceries itinérantes"]),
        ({"launched": "no"}, ["Garage solidaire", "Tiers-lieu du Poher", "Ressourcerie essaimée"]),
        ({"launch_year": "2024"}, ["Épiceries itinérantes"]),
        ({"essaimage": "yes"}, ["Ressourcerie essaimée"]),
        ({"q": "EPICERIES"}, ["Épiceries itinérantes"]),
        ({"q": "bourg"}, ["Épiceries itinérantes"]),
        (
            {"ordering": "title"},
            ["Épiceries itinérantes", "Garage solidaire", "Ressourcerie essaimée", "Tiers-lieu du Poher"],
        ),
    ],
    ids=[
        "departement",
        "epci",
        "epci-through-a-commune",
        "commune-by-name",
        "commune-by-code",
        "theme",
        "stage",
        "state",
        "launched",
        "not-launched",
        "year-of-launch",
        "essaimage",
        "search-ignoring-case-and-accents",
        "search-in-the-public-summary",
        "ordering",
    ],
)
def test_an_anonymous_visitor_filters_the_catalogue(client, catalogue, query, expected):
    if "theme" in query:
        query = {"theme": catalogue["mobility"].pk}

    response = client.get("/projets/", query)

    assert response.status_code == 200
    assert titles(response) == expected
    assert f"{len(expected)} projet" in response.content.decode()


def test_the_catalogue_keeps_its_filters_in_the_page_links(client, revelateur35):
    for number in range(25):
        ProjectFactory(created_by=revelateur35, public=True, title=f"Projet {number}")

    response = client.get("/projets/", {"department": "35"})

    assert "?department=35&amp;page=2" in response.content.decode()


def test_the_catalogue_says_so_when_a_filter_is_wrong(client, catalogue):
    response = client.get("/projets/", {"launch_year": "1990"})

    assert response.status_code == 200
    assert "Sélectionnez un choix valide" in response.content.decode()


def test_the_catalogue_runs_a_fixed_number_of_queries(
    client, revelateur35, rennes_metropole, django_assert_num_queries
):
    for count in (1, 6):
        for _ in range(count):
            project = ProjectFactory(
                created_by=revelateur35,
                public=True,
                launched=True,
                themes=[ThemeFactory(), ThemeFactory()],
                epci=rennes_metropole.governed_epci,
            )
            project.communes.add(CommuneFactory())
        # 1-2 the years of launch offered (the first and last, then which years between have one), 3 count for the
        # paginator, 4 the keys of the page's projects, 5 the projects of these keys with their structure, département
        # and activity, 6 their themes, 7 the projects per département for the map, 8 the départements, 9 the EPCI,
        # 10 the themes and 11 the structures offered by the filters (no session for a visitor)
        with django_assert_num_queries(11):
            response = client.get("/projets/")
        assert response.status_code == 200


def test_the_project_page_runs_a_fixed_number_of_queries_for_a_visitor(
    client, revelateur35, django_assert_num_queries
):
    project = ProjectFactory(created_by=revelateur35, public=True, launched=True)
    for count in (1, 4):
        for _ in range(count):
            project.themes.add(ThemeFactory())
            project.communes.add(CommuneFactory())
            InvolvementFactory(project=project)
            ProjectFactory(created_by=revelateur35, public=True, source_activity=project.activity)
        # 1 project with its joins, 2 history without the notes, 3 COPIL decisions, 4 meetings, 5 partners with
        # their organisations (the fundings among them), 6 projects replicating its activity, 7 themes, 8 communes,
        # 9 follow-ups
        with django_assert_num_queries(9):
            response = client.get(f"/projets/{project.pk}/")
        assert response.status_code == 200


def test_the_carnet_groups_the_public_projects_by_department(client, revelateur35, django_assert_num_queries):
    ProjectFactory(created_by=revelateur35, public=True, title="Garage solidaire")
    ProjectFactory(created_by=revelateur35, public=True, title="Tiers-lieu", department=DepartmentFactory(code="29"))
    ProjectFactory(created_by=revelateur35, title="Projet interne")
    for count in (1, 3):
        for _ in range(count):
            ProjectFactory(created_by=revelateur35, public=True, themes=[ThemeFactory()])
        # 1 the public projects per département, 2 count for the paginator, 3 the page of public projects with their
        # structure, territory and activity, 4 their themes
        with django_assert_num_queries(4):
            response = client.get("/projets/carnet/")

    content = response.content.decode()
    finistere, ille_et_vilaine = content.index('id="departement-29"'), content.index('id="departement-35"')
    assert finistere < content.index("Tiers-lieu") < ille_et_vilaine < content.index("Garage solidaire")
    assert "Finistère (29) — 1 projet" in content
    assert "Projet interne" not in content


def test_the_search_finds_the_plural_and_the_singular_of_a_word_on_each_database(client, revelateur35):
    ProjectFactory(created_by=revelateur35, public=True, title="Épicerie solidaire", public_summary="")
    ProjectFactory(created_by=revelateur35, public=True, title="Garage", public_summary="Des ateliers de réparation.")

    assert titles(client.get("/projets/", {"q": "épiceries"})) == ["Épicerie solidaire"]
    assert titles(client.get("/projets/", {"q": "atelier reparations"})) == ["Garage"]


@pytest.mark.parametrize(
    ("title", "searched"),
    [
        ("Des locaux partagés", "local"),
        ("Un local partagé", "locaux"),
        ("Réseaux de chaleur", "réseau"),
        ("Jeux de société", "jeu"),
        ("Épiceries solidaires", "épicerie solidaire"),
    ],
)
def test_the_search_folds_the_simple_french_plurals(client, revelateur35, title, searched):
    ProjectFactory(created_by=revelateur35, public=True, title=title, public_summary="")
    ProjectFactory(created_by=revelateur35, public=True, title="Garage solidaire", public_summary="")

    assert titles(client.get("/projets/", {"q": searched})) == [title]


def test_the_epci_offered_are_those_of_the_network_and_those_a_project_names(client, revelateur35, tag35):
    covered = EPCIFactory(name="Vitré Communauté")
    CommuneFactory(department=DepartmentFactory(code="35"), epci=covered)
    elsewhere = DepartmentFactory(code="44")
    named, of_a_commune, unused = (EPCIFactory(name=name) for name in ["Named", "Of a commune", "Unused"])
    for epci in (named, of_a_commune, unused):
        CommuneFactory(department=elsewhere, epci=epci)
    ProjectFactory(created_by=revelateur35, epci=named)
    ProjectFactory(created_by=revelateur35).communes.add(of_a_commune.communes.get())

    response = client.get("/projets/")

    offered = list(response.context["filter"].form.fields["epci"].queryset)
    assert offered == [named, of_a_commune, covered]


@pytest.fixture
def epcis_of_two_departements(db):
    """Two EPCI of Ille-et-Vilaine, one of Finistère, and one spanning both."""
    ille_et_vilaine, finistere = DepartmentFactory(code="35"), DepartmentFactory(code="29")
    StructureFactory(departments=[ille_et_vilaine, finistere])
    epcis = {name: EPCIFactory(name=name) for name in ["Redon Agglomération", "Rennes Métropole", "Morlaix", "Both"]}
    for name, department in [
        ("Redon Agglomération", ille_et_vilaine),
        ("Rennes Métropole", ille_et_vilaine),
        ("Morlaix", finistere),
        ("Both", ille_et_vilaine),
        ("Both", finistere),
    ]:
        CommuneFactory(department=department, epci=epcis[name])
    return epcis


def test_once_a_departement_is_chosen_the_epci_offered_are_those_of_that_departement(
    client, epcis_of_two_departements
):
    epcis = epcis_of_two_departements

    everywhere = client.get("/projets/").context["filter"].form.fields["epci"].queryset
    in_finistere = client.get("/projets/", {"department": "29"}).context["filter"].form.fields["epci"].queryset

    assert list(everywhere) == [epcis[name] for name in ["Both", "Morlaix", "Redon Agglomération", "Rennes Métropole"]]
    assert list(in_finistere) == [epcis["Both"], epcis["Morlaix"]]


def test_an_epci_outside_the_chosen_departement_is_refused_and_ignored(client, epcis_of_two_departements):
    response = client.get("/projets/", {"department": "29", "epci": epcis_of_two_departements["Rennes Métropole"].pk})

    assert "Sélectionnez un choix valide" in response.content.decode()
    assert "epci" in response.context["filter"].form.errors


def test_the_catalogue_narrowed_to_a_departement_runs_a_fixed_number_of_queries(
    client, revelateur35, epcis_of_two_departements, django_assert_num_queries
):
    for count in (1, 6):
        for _ in range(count):
            ProjectFactory(created_by=revelateur35, public=True, epci=epcis_of_two_departements["Both"])
        # The same 11 queries as the catalogue without filters (see above): the EPCI of the département are read in
        # the query of the EPCI offered, with the département's projects.
        with django_assert_num_queries(11):
            response = client.get("/projets/", {"department": "35"})
        assert response.status_code == 200
