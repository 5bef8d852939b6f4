"""The pages and the years of the long lists, read through indexes: the same rows and years as before."""

import datetime
from html import unescape

import pytest

from fabrique.long_lists import KeysFirstPaginator, years_of
from needs.models import Need
from tests.needs.factories import NeedFactory


@pytest.fixture
def needs_by_year(revelateur35):
    """Needs of TAg35 detected in 2019, 2019 again and 2022: none in 2020 and 2021.

    Their descriptions are empty, so that a search of a title finds that need alone."""
    return [
        NeedFactory(created_by=revelateur35, title=title, description="", detected_on=datetime.date(*day))
        for title, day in [("Premier", (2019, 3, 1)), ("Deuxième", (2019, 11, 30)), ("Troisième", (2022, 1, 1))]
    ]


def test_each_row_comes_once_in_the_lists_order_across_the_pages(revelateur35):
    for day in range(1, 8):
        NeedFactory(created_by=revelateur35, detected_on=datetime.date(2024, 1, day))
    needs = Need.objects.select_related("structure").prefetch_related("themes").order_by("-detected_on", "-pk")
    paginator = KeysFirstPaginator(needs, 3, orphans=1)

    pages = [list(paginator.page(number)) for number in paginator.page_range]

    # The last page takes the orphan: 3, then 4.
    assert [len(page) for page in pages] == [3, 4]
    assert [need.pk for page in pages for need in page] == [need.pk for need in needs]


def test_the_years_are_those_of_the_rows_without_the_empty_years_between(needs_by_year):
    assert years_of(Need.objects.all(), "detected_on") == [datetime.date(2019, 1, 1), datetime.date(2022, 1, 1)]
    assert years_of(Need.objects.all(), "detected_on", order="DESC") == [
        datetime.date(2022, 1, 1),
        datetime.date(2019, 1, 1),
    ]
    assert years_of(Need.objects.filter(title="Premier"), "detected_on") == [datetime.date(2019, 1, 1)]
    assert years_of(Need.objects.none(), "detected_on") == []


def test_the_year_filter_of_the_needs_offers_the_years_that_have_needs(client, revelateur35, needs_by_year):
    client.force_login(revelateur35)

    response = client.get("/besoins/")

    assert list(response.context["filter"].form.fields["year"].choices)[1:] == [("2022", "2022"), ("2019", "2019")]


def test_the_date_navigation_of_the_admin_offers_the_years_that_have_needs(client, avise, needs_by_year):
    client.force_login(avise)

    html = unescape(client.get("/admin/needs/need/").content.decode())

    assert '<a href="?detected_on__year=2019">2019</a>' in html
    assert '<a href="?detected_on__year=2022">2022</a>' in html
    assert "detected_on__year=2020" not in html


def test_a_deep_page_of_the_admin_shows_its_own_rows(client, avise, revelateur35):
    first = datetime.date(2020, 1, 1)
    for day in range(101):
        NeedFactory(created_by=revelateur35, title=f"Besoin {day}", detected_on=first + datetime.timedelta(days=day))
    client.force_login(avise)

    response = client.get("/admin/needs/need/?p=2")

    # A hundred a page, the most recent first: the second page holds the oldest.
    assert [need.title for need in response.context["cl"].result_list] == ["Besoin 0"]


def test_a_search_in_the_admin_still_tells_the_count_of_all_rows(client, avise, needs_by_year):
    client.force_login(avise)

    change_list = client.get("/admin/needs/need/?q=Premier").context["cl"]

    assert (change_list.result_count, change_list.full_result_count) == (1, 3)
