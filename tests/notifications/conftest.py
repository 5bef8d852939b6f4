import pytest

from needs.models import Need
from notifications.models import Preference
from tests.fabrique.factories import UserFactory
from tests.needs.factories import NeedFactory


@pytest.fixture
def proposal(collectivite, tag35, revelateur35):
    """A need Rennes Métropole proposed to TAg35, still detected."""
    return NeedFactory(
        created_by=collectivite,
        structure=tag35,
        source=Need.Source.COLLECTIVITE,
        proposed_by=collectivite.organization,
        title="Une épicerie solidaire à Rennes",
        proposal_contact="Anne Le Goff",
    )


@pytest.fixture
def other_collectivite(db):
    return UserFactory(email="autre-collectivite@fabrique.test", collectivite=True)


def choose(user, kind, frequency):
    Preference.objects.update_or_create(user=user, kind=kind, defaults={"frequency": frequency})
