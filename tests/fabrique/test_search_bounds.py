"""A search is bounded: its first 100 characters and, of them, its first 8 words. Each word adds a condition every row
is tested against: a page of text pasted into a search field must not hold a worker for seconds, on any list, in the
admin or in a download."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fabrique.search import MAX_SEARCH_LENGTH, MAX_SEARCH_WORDS, search_words
from tests.needs.factories import NeedFactory
from tests.partners.factories import OrganizationFactory
from tests.projects.factories import ProjectFactory

# 1,900 words, as pasted from a long document.
LONG_SEARCH = " ".join(f"mot{number}" for number in range(1900))


def word_conditions(queries):
    """Return the largest number of text conditions (`LIKE`) in one of the captured queries."""
    return max(query["sql"].upper().count(" LIKE ") for query in queries)


def test_it_searches_the_first_eight_words():
    assert search_words("Un deux trois quatre cinq six sept huit neuf dix") == [
        "un",
        "deux",
        "trois",
        "quatre",
        "cinq",
        "six",
        "sept",
        "huit",
    ]


def test_it_ignores_what_comes_after_the_first_hundred_characters():
    text = "Réemploi" + " " * MAX_SEARCH_LENGTH + "introuvable"

    assert search_words(text) == ["reemploi"]


def test_it_finds_what_the_first_eight_words_find_whatever_follows(client, revelateur35):
    NeedFactory(created_by=revelateur35, title="Garage solidaire")
    client.force_login(revelateur35)

    response = client.get("/besoins/", {"q": "garage " * MAX_SEARCH_WORDS + "introuvable"})

    assert [need.title for need in response.context["page"]] == ["Garage solidaire"]


@pytest.mark.parametrize(
    ("role", "address", "fields"),
    [
        ("anonymous", "/projets/", 2),
        ("revelateur35", "/besoins/", 3),
        ("revelateur35", "/besoins/export.csv", 3),
        ("revelateur35", "/partenaires/", 2),
        ("avise", "/admin/needs/need/", 2),
        ("avise", "/admin/projects/project/", 3),
    ],
    ids=["catalogue", "needs", "needs download", "partners", "admin needs", "admin projects"],
)
def test_a_search_of_1900_words_makes_at_most_eight_word_conditions(client, cast, role, address, fields):
    NeedFactory(created_by=cast["revelateur35"], title="Garage solidaire")
    ProjectFactory(created_by=cast["revelateur35"], public=True)
    OrganizationFactory()
    if cast[role]:
        client.force_login(cast[role])

    with CaptureQueriesContext(connection) as queries:
        response = client.get(address, {"q": LONG_SEARCH})
        if response.streaming:
            b"".join(response.streaming_content)

    assert response.status_code == 200
    assert 0 < word_conditions(queries) <= MAX_SEARCH_WORDS * fields
