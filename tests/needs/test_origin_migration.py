"""« Appel à révélation » and « Collectivité » were two origins for one meaning, a collectivité's proposal: the
migration gives the needs of both the one origin that remains."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from needs.models import Need
from tests.needs.factories import NeedFactory

BEFORE = [("needs", "0011_need_public_reason")]
AFTER = [("needs", "0013_one_origin_for_collectivite_proposals")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


@pytest.mark.django_db(transaction=True)
def test_the_migration_gives_the_needs_of_an_appel_a_revelation_the_origin_of_a_collectivites_proposal(revelateur35):
    call, collectivite, partner = (
        NeedFactory(created_by=revelateur35, source=source)
        for source in [Need.Source.INHABITANTS, Need.Source.COLLECTIVITE, Need.Source.PARTNER]
    )
    migrate(BEFORE)
    Need.objects.filter(pk=call.pk).update(source="call")

    migrate(AFTER)
    # The models of today read the rows: the migrations that came after this one apply too.
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    assert dict(Need.objects.values_list("pk", "source")) == {
        call.pk: Need.Source.COLLECTIVITE,
        collectivite.pk: Need.Source.COLLECTIVITE,
        partner.pk: Need.Source.PARTNER,
    }
