import datetime

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, F, Q
from django.utils import timezone

from fabrique.models import User
from needs.models import Need, NeedEvent
from partners.models import Involvement, Organization
from projects.models import Activity, CopilDecision, FollowUp, Project, ProjectEvent

SMALL = {
    "needs": 300,
    "projects": 120,
    "activities": 20,
    "organizations": 80,
    "involvements": 250,
    "history": 1500,
}
Stage, State = Project.Stage, Project.State


def seed(**sizes):
    call_command("seed_volume", **{**SMALL, **sizes}, verbosity=0)


@pytest.fixture
def reference_data(db):
    call_command("load_territories", verbosity=0)
    call_command("load_structures", verbosity=0)


@pytest.fixture
def volume(settings, reference_data):
    settings.DEBUG = True
    seed()


def test_it_refuses_to_run_against_a_production_configuration(settings, reference_data):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="DEBUG est désactivé"):
        seed()

    assert not Need.objects.exists()
    assert not User.objects.exists()


def test_it_runs_against_a_production_configuration_when_forced(settings, reference_data):
    settings.DEBUG = False

    call_command("seed_volume", **SMALL, force=True, verbosity=0)

    assert Need.objects.count() == 300


def test_it_refuses_a_database_that_holds_needs_already(volume):
    with pytest.raises(CommandError, match="contient déjà des besoins"):
        seed()

    assert Need.objects.count() == 300


@pytest.mark.parametrize(
    ("sizes", "message"),
    [
        ({"needs": 10, "projects": 20}, "au moins autant de besoins"),
        ({"activities": -1}, "négatifs"),
        ({"organizations": 1_000_001}, "Un million"),
    ],
    ids=["fewer needs than projects", "a negative number", "too many organisations"],
)
def test_it_refuses_numbers_it_cannot_build(settings, reference_data, sizes, message):
    settings.DEBUG = True

    with pytest.raises(CommandError, match=message):
        seed(**sizes)

    assert not Need.objects.exists()


def test_it_loads_the_reference_data_when_it_is_missing(settings, db):
    settings.DEBUG = True

    seed()

    assert Project.objects.values("department").distinct().count() == 4


def test_it_creates_the_numbers_asked_for(volume):
    assert Need.objects.count() == 300
    assert Project.objects.count() == 120
    assert Activity.objects.count() == 20
    assert Organization.objects.count() == 80
    assert Involvement.objects.count() == 250
    assert NeedEvent.objects.count() + ProjectEvent.objects.count() == 1500


def test_it_creates_the_accounts_the_benchmark_signs_in_with(volume):
    accounts = {user.email: user for user in User.objects.select_related("structure", "organization")}

    assert accounts["avise@volume.fabrique.test"].role == User.Role.AVISE
    assert accounts["admin@volume.fabrique.test"].role == User.Role.ADMIN
    assert accounts["revelateur35@volume.fabrique.test"].structure.name == "TAg35"
    collectivite = accounts["collectivite35@volume.fabrique.test"].organization
    assert collectivite.kind == Organization.Kind.EPCI
    assert collectivite.governed_epci.communes.filter(department="35").exists()
    assert accounts["avise@volume.fabrique.test"].check_password("fabrique-volume")


def test_every_stage_and_state_and_status_is_there(volume):
    assert set(Need.objects.values_list("status", flat=True)) == set(Need.Status.values)
    assert set(Project.objects.values_list("stage", flat=True)) == set(Stage.values)
    assert set(Project.objects.values_list("state", flat=True)) == set(State.values)
    shared = Project.objects.exclude(visibility=Project.Visibility.INTERNAL).count()
    assert 0.45 < shared / Project.objects.count() < 0.75


def test_projects_and_needs_follow_the_product_rules(volume):
    # A launched project has its activity, opened on the day it launched; nothing else has one.
    launched = Project.objects.filter(stage=Stage.LAUNCHED)
    assert launched.count() == Activity.objects.count()
    assert not launched.filter(activity=None).exists()
    assert Activity.objects.filter(project__stage=Stage.LAUNCHED).count() == 20
    # A stopped project keeps its stage; every project past the opportunity study had its COPIL "go".
    assert Project.objects.filter(state=State.STOPPED).exclude(stage=Stage.OPPORTUNITY_STUDY).exists()
    past = Project.objects.exclude(stage=Stage.OPPORTUNITY_STUDY)
    assert not past.exclude(copil_decisions__decision=CopilDecision.Decision.GO).exists()
    # Every project answers a need in study, detected before the study opened.
    assert not Project.objects.filter(needs=None).exists()
    assert not Need.objects.filter(status=Need.Status.IN_STUDY, detected_on__gt=F("project__opened_on")).exists()
    for project in Project.objects.select_related("structure").prefetch_related("structure__departments"):
        assert project.department in project.structure.departments.all()
    assert (
        Project.objects.exclude(source_activity=None).count()
        == Project.objects.filter(source_activity__opened_on__lte=F("opened_on")).count()
    )


def test_the_history_is_dated_in_order(volume):
    today = timezone.localdate()
    # Each project opens once, then moves stage by stage, each COPIL before today; stops are state changes.
    assert ProjectEvent.objects.filter(kind=ProjectEvent.Kind.OPENED).count() == 120
    stops = ProjectEvent.objects.filter(kind=ProjectEvent.Kind.STATE, to_state=State.STOPPED)
    assert stops.count() == Project.objects.filter(state=State.STOPPED).count()
    assert not stops.exclude(to_stage=F("project__stage")).exists()
    assert CopilDecision.objects.filter(decision=CopilDecision.Decision.STOP).exists()
    assert not CopilDecision.objects.filter(decided_on__gt=today).exists()
    moves = ProjectEvent.objects.filter(kind=ProjectEvent.Kind.STAGE)
    assert not moves.filter(at__date__lte=F("project__opened_on")).exists()
    assert not moves.filter(to_stage=Stage.LAUNCHED).exclude(at__date=F("project__activity__opened_on")).exists()
    assert not NeedEvent.objects.filter(at__date__lt=F("need__detected_on")).exists()
    assert not NeedEvent.objects.filter(at__date__gt=today).exists()
    assert not ProjectEvent.objects.filter(at__date__gt=today).exists()
    ten_years_ago = today - datetime.timedelta(days=3660)
    assert Need.objects.filter(detected_on__lt=today.replace(year=today.year - 8)).exists()
    assert not Need.objects.filter(detected_on__lt=ten_years_ago).exists()
    # Each need's last status move led to the status it holds.
    for need in Need.objects.annotate(moves=Count("events", filter=Q(events__kind=NeedEvent.Kind.STATUS))):
        last = need.events.filter(kind=NeedEvent.Kind.STATUS).order_by("at", "pk").last()
        assert (last.to_status if last else Need.Status.DETECTED) == need.status


def test_activities_are_followed_up_and_funded(volume):
    funded = Involvement.objects.financial().values("project")
    assert not Activity.objects.exclude(project__in=funded).exists()
    assert Involvement.objects.financial().filter(project__activity__isnull=False).count() >= 20
    assert FollowUp.objects.exists()
    assert not FollowUp.objects.filter(year__lte=F("activity__opened_on__year")).exists()
    assert not FollowUp.objects.filter(year__gt=F("activity__opened_on__year") + 3).exists()


def test_a_few_needs_are_proposed_by_collectivites(settings, reference_data):
    settings.DEBUG = True

    seed(needs=3000, history=8000)

    proposals = Need.objects.proposals()
    assert 0 < proposals.count() < 150
    assert not proposals.exclude(source=Need.Source.COLLECTIVITE).exists()
    assert not proposals.exclude(proposed_by__kind__in=["commune", "epci", "department", "region"]).exists()


def test_the_same_seed_gives_the_same_data(settings, reference_data):
    settings.DEBUG = True
    seed(seed=7)
    first = list(Project.objects.order_by("pk").values_list("title", "stage", "state", "opened_on"))
    Need.objects.all().delete()
    Project.objects.update(source_activity=None)
    for model in [Involvement, FollowUp, ProjectEvent, CopilDecision, Activity, Project, User, Organization]:
        model.objects.all().delete()

    seed(seed=7)

    assert list(Project.objects.order_by("pk").values_list("title", "stage", "state", "opened_on")) == first
