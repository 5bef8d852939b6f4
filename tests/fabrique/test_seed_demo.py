import pytest
from django.core.management import CommandError, call_command

from fabrique.models import User


def test_it_refuses_to_run_against_a_production_configuration(settings, tag35, tag29):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="DEBUG est désactivé"):
        call_command("seed_demo")

    assert not User.objects.exists()


def test_it_creates_the_demo_accounts_with_the_shared_password(settings, tag35, tag29):
    settings.DEBUG = True

    call_command("seed_demo")

    assert set(User.objects.values_list("email", "role")) == {
        ("revelateur35@fabrique.test", "revelateur"),
        ("revelateur29@fabrique.test", "revelateur"),
        ("avise@fabrique.test", "avise"),
        ("admin@fabrique.test", "admin"),
    }
    assert User.objects.get(email="revelateur35@fabrique.test").structure == tag35
    assert User.objects.get(email="revelateur29@fabrique.test").structure == tag29
    assert User.objects.get(email="avise@fabrique.test").check_password("fabrique-demo")


def test_running_it_again_keeps_what_is_there(settings, tag35, tag29):
    settings.DEBUG = True
    call_command("seed_demo")
    person = User.objects.get(email="revelateur35@fabrique.test")
    person.set_password("un-mot-de-passe-choisi")
    person.save()

    call_command("seed_demo")

    assert User.objects.count() == 4
    person.refresh_from_db()
    assert person.check_password("un-mot-de-passe-choisi")


def test_it_runs_in_production_only_when_forced(settings, tag35, tag29):
    settings.DEBUG = False

    call_command("seed_demo", force=True)

    assert User.objects.count() == 4


def test_it_asks_for_the_structures_first(settings, db):
    settings.DEBUG = True

    with pytest.raises(CommandError, match="load_structures"):
        call_command("seed_demo")
