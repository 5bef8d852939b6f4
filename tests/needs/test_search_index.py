"""On PostgreSQL, the needs' search reads trigram indexes instead of folding every need."""

import pytest
from django.db import connection

from needs.models import Need
from tests.needs.factories import NeedFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="index de recherche : PostgreSQL seulement"),
]


def test_the_needs_search_reads_a_trigram_index_of_each_field_it_looks_in(revelateur35):
    NeedFactory(created_by=revelateur35, title="Pas de garde d'enfants le soir")
    with connection.cursor() as cursor:
        # A few test rows would be read whole anyway: ask for the plan a large table gets.
        cursor.execute("SET LOCAL enable_seqscan = off")
        # Nor walk a whole index in the list's order: read the rows the search's indexes point to.
        cursor.execute("SET LOCAL enable_indexscan = off")

    explained = Need.objects.search("Garde").order_by().explain()

    for index in ["needs_need_title_trigrams", "needs_need_description_trigrams", "needs_need_reference_trigrams"]:
        assert index in explained
    assert [need.title for need in Need.objects.search("ENFANTS")] == ["Pas de garde d'enfants le soir"]
