"""Which projects lie in a collectivité's territory: one queryset method, on the tricky cases of the geography."""

import pytest

from partners.models import Organization
from projects.models import Project
from territories.models import EPCI
from tests.partners.factories import OrganizationFactory
from tests.projects.factories import ProjectFactory
from tests.territories.factories import CommuneFactory, DepartmentFactory, EPCIFactory


@pytest.fixture
def geography(db):
    """Redon Agglomération spans Ille-et-Vilaine and Morbihan; Île-de-Sein belongs to no EPCI."""
    ille_et_vilaine, morbihan, finistere = (DepartmentFactory(code=code) for code in ("35", "56", "29"))
    redon_agglo = EPCIFactory(code="243500741", name="Redon Agglomération", kind=EPCI.Kind.AGGLOMERATION)
    rennes_metropole = EPCIFactory(code="243500139", name="Rennes Métropole", kind=EPCI.Kind.METROPOLE)
    return {
        "35": ille_et_vilaine,
        "56": morbihan,
        "29": finistere,
        "redon_agglo": redon_agglo,
        "rennes_metropole": rennes_metropole,
        "redon": CommuneFactory(code="35236", name="Redon", department=ille_et_vilaine, epci=redon_agglo),
        "allaire": CommuneFactory(code="56001", name="Allaire", department=morbihan, epci=redon_agglo),
        "rennes": CommuneFactory(code="35238", name="Rennes", department=ille_et_vilaine, epci=rennes_metropole),
        "sein": CommuneFactory(code="29083", name="Île-de-Sein", department=finistere, epci=None),
        "brest": CommuneFactory(code="29019", name="Brest", department=finistere, epci=EPCIFactory()),
    }


def project(revelateur, department, epci=None, communes=()):
    created = ProjectFactory(created_by=revelateur, department=department, epci=epci)
    created.communes.set(communes)
    return created


def collectivite(kind, territory):
    field = {"commune": "governed_commune", "epci": "governed_epci", "department": "governed_department"}[kind]
    return OrganizationFactory(kind=kind, **{field: territory})


def in_territory(organization):
    return set(Project.objects.overlapping(organization.territory_communes()))


def test_an_epci_spanning_two_departments_sees_its_projects_on_both_sides(geography, revelateur35):
    in_redon = project(revelateur35, geography["35"], communes=[geography["redon"]])
    in_allaire = project(revelateur35, geography["56"], epci=geography["redon_agglo"])
    in_rennes = project(revelateur35, geography["35"], communes=[geography["rennes"]])

    redon_agglo = collectivite("epci", geography["redon_agglo"])
    assert in_territory(redon_agglo) == {in_redon, in_allaire}
    assert in_rennes not in in_territory(redon_agglo)


def test_a_department_sees_the_side_of_a_spanning_epci_that_lies_in_it(geography, revelateur35):
    whole_agglo = project(revelateur35, geography["35"], epci=geography["redon_agglo"])
    only_allaire = project(revelateur35, geography["56"], communes=[geography["allaire"]])

    assert in_territory(collectivite("department", geography["56"])) == {whole_agglo, only_allaire}
    assert in_territory(collectivite("department", geography["35"])) == {whole_agglo}


def test_a_project_known_only_by_its_department_lies_in_every_collectivite_of_it(geography, revelateur35):
    whole_department = project(revelateur35, geography["29"])

    assert in_territory(collectivite("commune", geography["sein"])) == {whole_department}
    assert in_territory(collectivite("department", geography["29"])) == {whole_department}
    assert in_territory(collectivite("epci", geography["redon_agglo"])) == set()


def test_a_commune_without_epci_sees_only_what_names_it_or_its_department(geography, revelateur35):
    naming_sein = project(revelateur35, geography["29"], communes=[geography["sein"]])
    in_brest_epci = project(revelateur35, geography["29"], epci=geography["brest"].epci)

    sein = collectivite("commune", geography["sein"])
    assert in_territory(sein) == {naming_sein}
    assert in_brest_epci not in in_territory(sein)


def test_a_commune_sees_the_projects_of_its_whole_epci_but_not_those_naming_other_communes(geography, revelateur35):
    whole_epci = project(revelateur35, geography["35"], epci=geography["redon_agglo"])
    naming_allaire = project(
        revelateur35, geography["56"], epci=geography["redon_agglo"], communes=[geography["allaire"]]
    )

    assert in_territory(collectivite("commune", geography["redon"])) == {whole_epci}
    assert naming_allaire in in_territory(collectivite("commune", geography["allaire"]))


def test_a_region_sees_all_its_departments(geography, revelateur35):
    region = geography["35"].region
    projects = {project(revelateur35, geography[code]) for code in ("35", "56", "29")}
    organization = OrganizationFactory(kind=Organization.Kind.REGION, governed_region=region)

    assert in_territory(organization) == projects


def test_an_organization_that_is_not_a_collectivite_has_no_territory(geography, revelateur35):
    project(revelateur35, geography["35"])

    assert in_territory(OrganizationFactory()) == set()


def test_a_project_naming_several_communes_of_the_territory_is_listed_once(geography, revelateur35):
    both = project(revelateur35, geography["35"], communes=[geography["redon"], geography["rennes"]])

    assert list(Project.objects.overlapping(geography["35"].communes.all())) == [both]


@pytest.mark.parametrize(
    ("visibility", "inside", "visible"),
    [
        ("public", True, True),
        ("public", False, True),
        ("partners", True, True),
        ("partners", False, False),
        ("internal", True, False),
        ("internal", False, False),
    ],
    ids=lambda value: str(value),
)
def test_a_collectivite_sees_public_projects_and_shared_ones_in_its_territory(
    collectivite, revelateur35, revelateur29, visibility, inside, visible
):
    where = (
        {"created_by": revelateur35, "department": DepartmentFactory(code="35")}
        if inside
        else {"created_by": revelateur29, "department": DepartmentFactory(code="29")}
    )
    shown = ProjectFactory(visibility=visibility, **where)

    assert (shown in Project.objects.visible_to(collectivite)) is visible
