"""Any page number a visitor sends gets an answer, never an error: a page that is not a number shows the first page,
a page beyond the last shows the last one (the admin sends back to its list)."""

import pytest

from tests.needs.factories import NeedFactory
from tests.partners.factories import OrganizationFactory
from tests.projects.factories import ProjectFactory

LISTS = [
    ("anonymous", "/projets/", "page"),
    ("revelateur35", "/projets/activites/", "page"),
    ("revelateur35", "/besoins/", "page"),
    ("collectivite", "/besoins/propositions/", "page"),
    ("revelateur35", "/partenaires/", "page"),
    ("anonymous", "/territoires/35/", "page"),
    ("anonymous", "/projets/carnet/", "page"),
    ("avise", "/admin/needs/need/", "p"),
    ("avise", "/admin/projects/project/", "p"),
]
PAGES = ["abc", "-5", "0", "2.5", "1e3", str(10**30), "9" * 5000, "\u0663"]


@pytest.mark.parametrize(("role", "address", "key"), LISTS, ids=[address for _, address, _ in LISTS])
@pytest.mark.parametrize(
    "page", PAGES, ids=["letters", "negative", "zero", "decimal", "exponent", "huge", "5000 digits", "arabic digit"]
)
def test_any_page_number_gets_an_answer(client, cast, role, address, key, page):
    NeedFactory(created_by=cast["revelateur35"])
    ProjectFactory(created_by=cast["revelateur35"], public=True, launched=True)
    OrganizationFactory()
    if cast[role]:
        client.force_login(cast[role])

    response = client.get(address, {key: page})

    assert response.status_code in (200, 302)
