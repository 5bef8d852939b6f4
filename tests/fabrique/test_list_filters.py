"""The filters above a list fold behind « Filtrer » on a phone: the fold opens by itself, with the count of the
filters set, when some are set or in error; the sort and the defaults of the statistics are not filters."""

import re

import pytest
from django.utils import timezone

from tests.partners.factories import OrganizationFactory


def disclosure(response):
    """Return whether the filters' fold is open, and the words of its « Filtrer »."""
    content = response.content.decode()
    match = re.search(
        r'<details class="filters[^"]*"( open)?>\s*<summary class="filters__toggle">(.*?)</summary>', content, re.S
    )
    assert match, "Pas de filtres repliables dans la page."
    return bool(match.group(1)), " ".join(match.group(2).split())


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", (False, "Filtrer")),
        ("?page=1&order=title", (False, "Filtrer")),
        ("?q=&status=&order=-detected_on", (False, "Filtrer")),
        ("?status=qualified", (True, "Filtrer (1 filtre actif)")),
        ("?status=qualified&q=garde&order=title", (True, "Filtrer (2 filtres actifs)")),
        ("?year=1789", (True, "Filtrer (1 filtre actif)")),
    ],
    ids=["none", "a page and a sort", "a blank form", "one filter", "two filters and a sort", "a filter in error"],
)
def test_the_needs_filters_open_with_the_count_of_those_set(client, revelateur35, query, expected):
    client.force_login(revelateur35)

    assert disclosure(client.get(f"/besoins/{query}")) == expected


def test_the_catalogues_sort_is_not_a_filter(client, db):
    assert disclosure(client.get("/projets/?ordering=title&stage=launched")) == (True, "Filtrer (1 filtre actif)")


def test_the_partners_filters_count_those_set(client, revelateur35):
    OrganizationFactory(name="Bretagne Active")
    client.force_login(revelateur35)

    assert disclosure(client.get("/partenaires/")) == (False, "Filtrer")
    assert disclosure(client.get("/partenaires/?q=bretagne&kind=association")) == (True, "Filtrer (2 filtres actifs)")


def test_the_statistics_default_period_is_not_a_filter(client, revelateur35):
    client.force_login(revelateur35)
    this_year = timezone.localdate().year

    assert disclosure(client.get("/statistiques/")) == (False, "Filtrer")
    assert disclosure(client.get(f"/statistiques/?year_from={this_year - 4}&year_to={this_year}")) == (
        False,
        "Filtrer",
    )
    assert disclosure(client.get(f"/statistiques/?year_from={this_year}")) == (True, "Filtrer (1 filtre actif)")
    # A refused period opens the filters, to show its error.
    assert disclosure(client.get(f"/statistiques/?year_from={this_year}&year_to={this_year - 1}"))[0]
