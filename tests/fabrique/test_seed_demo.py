import pytest
from django.core.management import CommandError, call_command

from fabrique.models import User
from needs.models import Need
from projects.models import Activity, FollowUp, Project

DEMO_EMAILS = {
    ("revelateur35@fabrique.test", "revelateur", "TAg35"),
    ("revelateur29@fabrique.test", "revelateur", "TAg29"),
    ("revelateur22@fabrique.test", "revelateur", "TAg22"),
    ("revelateur56@fabrique.test", "revelateur", "TAg56"),
    ("avise@fabrique.test", "avise", None),
    ("admin@fabrique.test", "admin", None),
}


@pytest.fixture
def reference_data(db):
    call_command("load_territories", verbosity=0)
    call_command("load_structures", verbosity=0)


def test_it_refuses_to_run_against_a_production_configuration(settings, reference_data):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="DEBUG est désactivé"):
        call_command("seed_demo")

    assert not User.objects.exists()
    assert not Need.objects.exists()


def test_it_creates_the_demo_accounts_with_the_shared_password(settings, reference_data):
    settings.DEBUG = True

    call_command("seed_demo")

    assert set(User.objects.values_list("email", "role", "structure__name")) == DEMO_EMAILS
    assert User.objects.get(email="avise@fabrique.test").check_password("fabrique-demo")


def test_the_demo_shows_every_status_stage_and_state(settings, reference_data):
    settings.DEBUG = True

    call_command("seed_demo")

    assert set(Need.objects.values_list("status", flat=True)) == set(Need.Status.values)
    assert set(Project.objects.values_list("stage", flat=True)) == set(Project.Stage.values)
    assert set(Project.objects.values_list("state", flat=True)) == set(Project.State.values)
    assert Project.objects.exclude(source_activity=None).exists()
    assert Activity.objects.count() == Project.objects.filter(stage=Project.Stage.LAUNCHED).count() >= 4
    assert FollowUp.objects.filter(still_active=False).exists()
    assert FollowUp.objects.values("year").distinct().count() >= 3
    public_departments = Project.objects.filter(visibility=Project.Visibility.PUBLIC).values("department")
    assert set(public_departments.values_list("department", flat=True)) == {"22", "29", "35", "56"}
    # Each need in study is linked to its project, and each structure's demo lives in its own département.
    assert not Need.objects.filter(status=Need.Status.IN_STUDY, project=None).exists()
    for project in Project.objects.select_related("structure"):
        assert project.structure.name == f"TAg{project.department_id}"


def test_running_it_again_keeps_what_is_there(settings, reference_data):
    settings.DEBUG = True
    call_command("seed_demo")
    person = User.objects.get(email="revelateur35@fabrique.test")
    person.set_password("un-mot-de-passe-choisi")
    person.save()
    counts = (User.objects.count(), Need.objects.count(), Project.objects.count())

    call_command("seed_demo")

    assert (User.objects.count(), Need.objects.count(), Project.objects.count()) == counts
    person.refresh_from_db()
    assert person.check_password("un-mot-de-passe-choisi")


def test_it_runs_in_production_only_when_forced(settings, reference_data):
    settings.DEBUG = False

    call_command("seed_demo", force=True)

    assert User.objects.count() == 6


def test_it_asks_for_the_structures_first(settings, db):
    settings.DEBUG = True

    with pytest.raises(CommandError, match="load_structures"):
        call_command("seed_demo")
