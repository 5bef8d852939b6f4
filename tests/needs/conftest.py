"""A piece of Ille-et-Vilaine and of Finistère to log needs in, and the themes to file them under."""

import pytest

from territories.models import EPCI
from tests.needs.factories import ThemeFactory
from tests.territories.factories import CommuneFactory, EPCIFactory


@pytest.fixture
def ille_et_vilaine(tag35, tag29):
    department = tag35.departments.get()
    rennes_metropole = EPCIFactory(code="243500139", name="Rennes Métropole", kind=EPCI.Kind.METROPOLE)
    redon = EPCIFactory(code="243500741", name="Redon Agglomération", kind=EPCI.Kind.AGGLOMERATION)
    CommuneFactory(code="35238", name="Rennes", department=department, epci=rennes_metropole)
    CommuneFactory(code="35051", name="Cesson-Sévigné", department=department, epci=rennes_metropole)
    CommuneFactory(code="35236", name="Redon", department=department, epci=redon)
    brest_metropole = EPCIFactory(code="242900314", name="Brest Métropole", kind=EPCI.Kind.METROPOLE)
    CommuneFactory(code="29019", name="Brest", department=tag29.departments.get(), epci=brest_metropole)
    return department


@pytest.fixture
def themes(db):
    return {name: ThemeFactory(name=name) for name in ["Mobilité", "Bien-vieillir", "Économie circulaire et réemploi"]}
