"""The cast every test can call on: one person per role, and the structures they work in."""

import signal
from unittest import mock

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from partners.models import Organization
from territories.models import EPCI
from tests.fabrique.factories import UserFactory
from tests.partners.factories import OrganizationFactory
from tests.territories.factories import CommuneFactory, DepartmentFactory, EPCIFactory, StructureFactory


@pytest.fixture(autouse=True)
def _test_settings(settings):
    # Production serves hashed static files from a manifest built by collectstatic; tests need no build step.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # A deliberately slow password hash protects real accounts; in tests it would only slow every sign-in.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _empty_cache():
    # Each test starts from an empty cache: the figures one test computed are not another's.
    cache.clear()


@pytest.fixture
def tag35(db):
    return StructureFactory(name="TAg35", departments=[DepartmentFactory(code="35")])


@pytest.fixture
def tag29(db):
    return StructureFactory(name="TAg29", departments=[DepartmentFactory(code="29")])


@pytest.fixture
def revelateur35(tag35):
    return UserFactory(email="revelateur35@fabrique.test", structure=tag35)


@pytest.fixture
def revelateur29(tag29):
    return UserFactory(email="revelateur29@fabrique.test", structure=tag29)


@pytest.fixture
def rennes_metropole(db):
    """The collectivité of the cast: an EPCI of Ille-et-Vilaine, with Rennes among its communes."""
    epci = EPCIFactory(code="243500139", name="Rennes Métropole", kind=EPCI.Kind.METROPOLE)
    CommuneFactory(code="35238", name="Rennes", department=DepartmentFactory(code="35"), epci=epci)
    return OrganizationFactory(
        name="Rennes Métropole", kind=Organization.Kind.EPCI, governed_epci=epci, siren="243500139"
    )


@pytest.fixture
def collectivite(rennes_metropole):
    return UserFactory(email="collectivite35@fabrique.test", collectivite=True, organization=rennes_metropole)


@pytest.fixture
def avise(db):
    return UserFactory(email="avise@fabrique.test", avise=True)


@pytest.fixture
def administrator(db):
    return UserFactory(email="admin@fabrique.test", admin=True)


@pytest.fixture
def cast(revelateur35, revelateur29, collectivite, avise, administrator):
    """Everyone, by the name the permission matrices use; `anonymous` is None."""
    return {
        "anonymous": None,
        "revelateur35": revelateur35,
        "revelateur29": revelateur29,
        "collectivite": collectivite,
        "avise": avise,
        "admin": administrator,
    }


@pytest.fixture
def run_worker(db, django_capture_on_commit_callbacks):
    """Run `manage.py db_worker` as production does until no task is ready, then give back the test's signals.

    Tasks that enqueue others do it on commit, which the test's transaction would hold back: each round runs them.
    """

    def run():
        handlers = {number: signal.getsignal(number) for number in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
        try:
            # The worker closes the connection between tasks, as Django does between requests; a test runs in one
            # transaction on one connection, which Django's test client keeps open the same way.
            with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
                while DBTaskResult.objects.ready().exists():
                    with django_capture_on_commit_callbacks(execute=True):
                        call_command(
                            "db_worker", "--batch", "--no-startup-delay", "--no-reload", "--interval=0", verbosity=0
                        )
        finally:
            for number, handler in handlers.items():
                signal.signal(number, handler)

    return run
