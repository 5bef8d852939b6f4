"""The cast of the directory's tests: everyone of the common cast, plus a collectivité outside Ille-et-Vilaine,
and a piece of the reference geography to choose collectivités from."""

import pytest

from territories.models import EPCI
from tests.fabrique.factories import UserFactory
from tests.partners.factories import OrganizationFactory
from tests.territories.factories import CommuneFactory, DepartmentFactory, EPCIFactory, RegionFactory

ROLES = ["anonymous", "revelateur35", "revelateur29", "collectivite", "collectivite_outside", "avise", "admin"]


@pytest.fixture
def brest_metropole(db):
    """A collectivité of Finistère: outside the territory of the projects of TAg35."""
    epci = EPCIFactory(code="242900314", name="Brest Métropole", kind=EPCI.Kind.METROPOLE)
    CommuneFactory(code="29019", name="Brest", department=DepartmentFactory(code="29"), epci=epci, siren="212900195")
    return OrganizationFactory(name="Brest Métropole", kind="epci", governed_epci=epci, siren="242900314")


@pytest.fixture
def collectivite_outside(brest_metropole):
    return UserFactory(email="collectivite29@fabrique.test", collectivite=True, organization=brest_metropole)


@pytest.fixture
def everyone(cast, collectivite_outside):
    """The common cast, and the collectivité outside the territory, by the names of ROLES."""
    return {**cast, "collectivite_outside": collectivite_outside}


@pytest.fixture
def geography(db):
    """Bretagne, two of its départements, three EPCI and a few communes, as the reference data loads them."""
    region = RegionFactory(code="53", name="Bretagne")
    ille_et_vilaine = DepartmentFactory(code="35", region=region)
    finistere = DepartmentFactory(code="29", region=region)
    rennes = EPCIFactory(code="243500139", name="Rennes Métropole", kind=EPCI.Kind.METROPOLE)
    redon = EPCIFactory(code="243500741", name="Redon Agglomération", kind=EPCI.Kind.AGGLOMERATION)
    poher = EPCIFactory(code="242900645", name="Poher Communauté", kind=EPCI.Kind.COMMUNES)
    return {
        "bretagne": region,
        "35": ille_et_vilaine,
        "29": finistere,
        "rennes_metropole": rennes,
        "redon_agglomeration": redon,
        "rennes": CommuneFactory(
            code="35238", name="Rennes", department=ille_et_vilaine, epci=rennes, siren="213502388"
        ),
        "cesson": CommuneFactory(
            code="35051", name="Cesson-Sévigné", department=ille_et_vilaine, epci=rennes, siren="213500515"
        ),
        "redon": CommuneFactory(code="35236", name="Redon", department=ille_et_vilaine, epci=redon, siren="213502362"),
        "scrignac": CommuneFactory(code="29277", name="Scrignac", department=finistere, epci=poher, siren="212902779"),
        "saint_aubin_35": CommuneFactory(code="35247", name="Saint-Aubin-du-Cormier", department=ille_et_vilaine),
        "plouguerneau": CommuneFactory(code="29195", name="Plouguerneau", department=finistere),
    }
