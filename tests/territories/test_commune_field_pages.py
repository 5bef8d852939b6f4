"""The pages with a commune field: they mark it for the suggestions, and read the communes typed in a fixed number of
queries whatever the size of the département (the reference data may hold all of France)."""

import re
import uuid

import pytest

from needs.models import Need
from tests.needs.factories import ThemeFactory
from tests.projects.factories import ProjectFactory
from tests.territories.factories import CommuneFactory


@pytest.fixture
def signed_in(client, revelateur35):
    client.force_login(revelateur35)
    return client


def add_communes(department, count):
    for number in range(count):
        CommuneFactory(code=f"35{number:03d}", name=f"Saint-Jean-{number:03d}", department=department)


def need_data(communes):
    return {
        "title": "Pas de garde d'enfants en horaires décalés",
        "description": "Les soignantes de l'hôpital cherchent une solution avant 7 h.",
        "themes": [ThemeFactory(name="Mobilité").pk],
        "source": Need.Source.INHABITANTS,
        "department": "35",
        "communes": communes,
        "territory_kind": Need.TerritoryKind.URBAN,
        "detected_on": "2026-01-15",
        "creation_token": str(uuid.uuid4()),
    }


@pytest.mark.parametrize("communes", [3, 60])
def test_the_need_form_reads_the_communes_typed_in_a_fixed_number_of_queries(
    signed_in, tag35, django_assert_num_queries, communes
):
    add_communes(tag35.departments.get(), communes)

    # 1 session, 2 user, 3 the structure, 4 its départements, 5 their EPCI, 6 the active themes, 7–8 the départements
    # again as the select shows them
    with django_assert_num_queries(8):
        response = signed_in.get("/besoins/nouveau/")
    html = response.content.decode()
    assert 'data-suggest="/territoires/communes/suggestions/"' in html
    assert 'data-suggest-with="departement=id_department"' in html
    assert 'data-suggest-multiple=""' in html

    data = need_data("Saint Jean 001\tSt Jeann 001")
    # 1 session, 2 user, 3 the structure, 4 the need of this creation token (none), 5 the structure's départements,
    # 6 their EPCI, 7 the themes chosen, 8 the département chosen, 9 the communes of the département (read once for
    # all the names typed), 10 the département exists, 11–16 Django's check of two constraints (each a savepoint, its
    # query, its release), then the page again: 17 the active themes, 18–19 the départements
    with django_assert_num_queries(19):
        response = signed_in.post("/besoins/nouveau/", data)

    (error,) = response.context["form"].errors["communes"]
    assert error.startswith(
        "« St Jeann 001 » n'est pas une commune du département Ille-et-Vilaine (35). Vouliez-vous dire : "
        "Saint-Jean-001, "
    )
    assert not Need.objects.exists()


@pytest.mark.parametrize("communes", [3, 60])
def test_the_project_form_shows_its_communes_in_a_fixed_number_of_queries(
    signed_in, revelateur35, tag35, django_assert_num_queries, communes
):
    add_communes(tag35.departments.get(), communes)
    project = ProjectFactory(created_by=revelateur35)

    # 1 session, 2 user, 3 the project, 4 its themes, 5 its communes, 6 the structure's départements, 7 their EPCI,
    # 8 the themes offered, 9–10 the départements again as the select shows them, 11 the activities to replicate
    with django_assert_num_queries(11):
        response = signed_in.get(f"/projets/{project.pk}/modifier/")
    assert 'data-suggest-with="departement=id_department"' in response.content.decode()


@pytest.mark.parametrize("communes", [3, 60])
def test_the_organisation_form_suggests_its_seat_among_all_communes(
    signed_in, tag35, django_assert_num_queries, communes
):
    add_communes(tag35.departments.get(), communes)

    # 1 session, 2 user: the communes are not read until one is typed
    with django_assert_num_queries(2):
        response = signed_in.get("/partenaires/nouvelle/")
    html = response.content.decode()
    assert re.search(r'<input [^>]*name="commune"[^>]*data-suggest="/territoires/communes/suggestions/"', html)
    assert '<script src="/static/js/suggest.js" defer></script>' in html


def test_a_collectivite_proposing_a_need_is_suggested_the_communes_of_its_territorys_departements(
    client, collectivite
):
    client.force_login(collectivite)

    response = client.get("/besoins/proposer/")

    assert 'data-suggest="/territoires/communes/suggestions/?departement=35"' in response.content.decode()
