"""The fundings of launched activities move to the project's partners, as their funders' contributions: every
amount keeps counting in the statistics, where it counted before."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from partners.models import Involvement, Organization
from projects.models import Activity, Project
from reports.figures import Figures
from reports.filters import Filters
from tests.partners.factories import OrganizationFactory
from tests.projects.factories import ActivityFactory, ProjectFactory

BEFORE = [("partners", "0004_one_collectivite_per_territory"), ("projects", "0007_move_corrections")]
AFTER = [("partners", "0005_funders_carry_the_funding"), ("projects", "0009_delete_funding")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_the_statistics_count_the_same_funding_once_it_is_moved_to_the_funders(revelateur35):
    region = OrganizationFactory(name="Région Bretagne", kind=Organization.Kind.PUBLIC_FUNDER)
    bank = OrganizationFactory(name="France Active Bretagne", kind=Organization.Kind.SOLIDARITY_FINANCE)
    garage = ActivityFactory(project__created_by=revelateur35, opened_on=datetime.date(2020, 3, 1))
    cafe = ActivityFactory(project__created_by=revelateur35, opened_on=datetime.date(2021, 6, 1))
    old = migrate(BEFORE)
    # The Région was recorded among the garage's partners before its launch, with another amount, and as a funder
    # with no amount among the café's.
    OldInvolvement = old.get_model("partners", "Involvement")
    for project, kind, amount in [(garage.project, "grant", 1), (cafe.project, "", None)]:
        OldInvolvement.objects.create(
            project_id=project.pk,
            organization_id=region.pk,
            role="funder",
            contribution_kind=kind,
            amount=amount,
            created_by_id=revelateur35.pk,
        )
    Funding = old.get_model("projects", "Funding")
    Funding.objects.bulk_create(
        Funding(activity_id=activity.pk, kind=kind, amount=Decimal(amount), funder_id=funder and funder.pk)
        for activity, kind, amount, funder in [
            (garage, "grant", "15000", region),
            (garage, "grant", "5000.50", region),  # the same funder and kind twice: one row of 20 000,50
            (garage, "loan", "30000", bank),
            (garage, "in_kind", "2000", None),  # a funding nobody named
            (garage, "in_kind", "1000", None),
            (cafe, "grant", "8000", region),
            (cafe, "sponsorship", "500", None),
        ]
    )
    per_kind, per_funder_kind = {}, {}
    for funding in Funding.objects.select_related("activity", "funder"):
        year = funding.activity.opened_on.year
        per_kind[year, funding.kind] = per_kind.get((year, funding.kind), 0) + funding.amount
        funder_kind = funding.funder.kind if funding.funder else None
        per_funder_kind[year, funder_kind] = per_funder_kind.get((year, funder_kind), 0) + funding.amount

    migrate(AFTER)
    # The models of today read the rows: the migrations that came after this one apply too.
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    figures = Figures(Filters(2019, 2022))
    assert {key: row["amount"] for key, row in figures.funding_per_kind.items()} == per_kind
    assert {key: row["amount"] for key, row in figures.funding_per_funder_kind.items()} == per_funder_kind
    garage_funders = Involvement.objects.filter(project=garage.project, role="funder").order_by("amount")
    assert list(garage_funders.values_list("organization__name", "contribution_kind", "amount")) == [
        (None, "in_kind", Decimal("3000")),
        ("Région Bretagne", "grant", Decimal("20000.50")),
        ("France Active Bretagne", "loan", Decimal("30000")),
    ]
    assert garage_funders.get(organization=region).comment == "Montant indiqué avant le lancement : 1 €."
    assert list(
        Involvement.objects.filter(project=cafe.project, role="funder")
        .order_by("-amount")
        .values_list("organization", "amount")
    ) == [
        (region.pk, Decimal("8000")),
        (None, Decimal("500")),
    ]
    # Each activity's porteur is among its project's partners.
    for activity in Activity.objects.all():
        assert Involvement.objects.filter(
            project=activity.project, organization=activity.porteur, role="porteur"
        ).exists()
    assert Project.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_an_amount_said_among_a_launched_projects_partners_and_never_counted_does_not_start_counting(revelateur35):
    bank = OrganizationFactory(name="Banque des Territoires", kind=Organization.Kind.PUBLIC_FUNDER)
    garage = ActivityFactory(project__created_by=revelateur35, opened_on=datetime.date(2020, 3, 1))
    study = ProjectFactory(created_by=revelateur35)
    old = migrate(BEFORE)
    # The bank funded the garage's feasibility study, and lent to its activity; it funds another study too.
    OldInvolvement = old.get_model("partners", "Involvement")
    for project, kind, amount, comment in [
        (garage.project, "grant", 12000, "Étude de faisabilité."),
        (study, "grant", 9000, ""),
    ]:
        OldInvolvement.objects.create(
            project_id=project.pk,
            organization_id=bank.pk,
            role="funder",
            contribution_kind=kind,
            amount=amount,
            comment=comment,
            created_by_id=revelateur35.pk,
        )
    Funding = old.get_model("projects", "Funding")
    Funding.objects.create(activity_id=garage.pk, kind="loan", amount=Decimal("30000"), funder_id=bank.pk)

    migrate(AFTER)
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    figures = Figures(Filters(2019, 2022))
    assert {key: row["amount"] for key, row in figures.funding_per_kind.items()} == {(2020, "loan"): Decimal("30000")}
    assert list(
        Involvement.objects.filter(role="funder")
        .order_by("project", "contribution_kind")
        .values_list("project", "contribution_kind", "amount", "comment")
    ) == [
        (garage.project.pk, "grant", None, "Montant indiqué avant le lancement : 12000 €. Étude de faisabilité."),
        (garage.project.pk, "loan", Decimal("30000"), ""),
        (study.pk, "grant", Decimal("9000"), ""),
    ]
