"""Projects of TAg35 at each visibility, a piece of Ille-et-Vilaine to place them in, and a private storage of
their own for the documents of each test."""

import pytest

from projects.models import Project
from territories.models import EPCI
from tests.needs.factories import ThemeFactory
from tests.projects.factories import ProjectFactory
from tests.territories.factories import CommuneFactory, EPCIFactory


@pytest.fixture(autouse=True)
def private_storage_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "private"
    return settings.MEDIA_ROOT


@pytest.fixture
def ille_et_vilaine(tag35):
    department = tag35.departments.get()
    rennes_metropole = EPCIFactory(code="243500139", name="Rennes Métropole", kind=EPCI.Kind.METROPOLE)
    redon = EPCIFactory(code="243500741", name="Redon Agglomération", kind=EPCI.Kind.AGGLOMERATION)
    CommuneFactory(code="35238", name="Rennes", department=department, epci=rennes_metropole)
    CommuneFactory(code="35051", name="Cesson-Sévigné", department=department, epci=rennes_metropole)
    CommuneFactory(code="35236", name="Redon", department=department, epci=redon)
    return department


@pytest.fixture
def themes(db):
    return {name: ThemeFactory(name=name) for name in ["Mobilité", "Bien-vieillir", "Alimentation durable"]}


@pytest.fixture
def project(revelateur35, themes):
    """A running opportunity study of TAg35, internal to its structure."""
    return ProjectFactory(
        created_by=revelateur35,
        title="Épicerie solidaire du pays de Redon",
        internal_summary="Le maire hésite encore : à revoir après les municipales.",
        public_summary="Une épicerie solidaire itinérante pour les bourgs sans commerce.",
        themes=[themes["Alimentation durable"]],
    )


def project_at(revelateur, visibility=Project.Visibility.INTERNAL, **kwargs):
    return ProjectFactory(created_by=revelateur, visibility=visibility, **kwargs)
