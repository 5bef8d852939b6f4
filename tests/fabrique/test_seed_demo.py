import pytest
from django.core.management import CommandError, call_command

from fabrique.models import User
from needs.models import Need, NeedEvent
from partners.models import Contact, Involvement, Organization
from projects.models import Activity, FollowUp, Project

DEMO_EMAILS = {
    ("revelateur35@fabrique.test", "revelateur", "TAg35"),
    ("revelateur29@fabrique.test", "revelateur", "TAg29"),
    ("revelateur22@fabrique.test", "revelateur", "TAg22"),
    ("revelateur56@fabrique.test", "revelateur", "TAg56"),
    ("collectivite35@fabrique.test", "collectivite", None),
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


def demo_counts():
    return [model.objects.count() for model in [User, Need, NeedEvent, Project, Organization, Involvement, Contact]]


def test_running_it_again_keeps_what_is_there(settings, reference_data):
    settings.DEBUG = True
    call_command("seed_demo")
    person = User.objects.get(email="revelateur35@fabrique.test")
    person.set_password("un-mot-de-passe-choisi")
    person.save()
    counts = demo_counts()

    call_command("seed_demo")

    assert demo_counts() == counts
    person.refresh_from_db()
    assert person.check_password("un-mot-de-passe-choisi")


def test_it_runs_in_production_only_when_forced(settings, reference_data):
    settings.DEBUG = False

    call_command("seed_demo", force=True)

    assert User.objects.count() == 7


def test_it_asks_for_the_structures_first(settings, db):
    settings.DEBUG = True

    with pytest.raises(CommandError, match="load_structures"):
        call_command("seed_demo")


def test_the_collectivite_account_speaks_for_rennes_metropole(settings, reference_data):
    settings.DEBUG = True

    call_command("seed_demo")

    user = User.objects.select_related("organization").get(email="collectivite35@fabrique.test")
    assert user.check_password("fabrique-demo")
    organization = user.organization
    assert (organization.name, organization.kind, organization.siren, organization.governed_epci_id) == (
        "Rennes Métropole",
        Organization.Kind.EPCI,
        "243500139",
        "243500139",
    )
    assert organization.territory_communes().filter(name="Rennes").exists()


def test_the_collectivite_has_proposals_at_several_statuses(settings, reference_data):
    settings.DEBUG = True

    call_command("seed_demo")

    user = User.objects.get(email="collectivite35@fabrique.test")
    proposals = Need.objects.proposed_by(user.organization)
    assert {"detected", "qualified", "in_study", "dismissed"} <= set(proposals.values_list("status", flat=True))
    for need in proposals.select_related("structure"):
        assert (need.source, need.created_by, need.structure.name) == (Need.Source.COLLECTIVITE, user, "TAg35")
        assert need.proposal_contact
        assert need.events.filter(kind=NeedEvent.Kind.CREATED, by=user).exists()
    # The study opened on one of them is shared with the partners of its territory: the collectivité opens it.
    study = proposals.get(status=Need.Status.IN_STUDY).project
    assert study.visibility == Project.Visibility.PARTNERS
    assert study in Project.objects.visible_to(user)


def test_the_collectivite_sees_some_projects_of_its_territory_and_not_others(settings, reference_data):
    settings.DEBUG = True

    call_command("seed_demo")

    user = User.objects.select_related("organization").get(email="collectivite35@fabrique.test")
    inside = Project.objects.overlapping(user.organization.territory_communes())
    partners = Project.objects.filter(visibility=Project.Visibility.PARTNERS)
    assert partners.filter(structure__name="TAg35", pk__in=inside).exists()
    assert partners.filter(structure__name="TAg35").exclude(pk__in=inside).exists()
    assert inside.filter(visibility=Project.Visibility.PUBLIC).exists()
    visible = Project.objects.visible_to(user)
    assert not visible.filter(visibility=Project.Visibility.INTERNAL).exists()
    assert not visible.filter(visibility=Project.Visibility.PARTNERS).exclude(pk__in=inside).exists()


def test_the_partners_are_involved_in_the_projects_and_known_by_the_structures(settings, reference_data):
    settings.DEBUG = True

    call_command("seed_demo")

    collectivites = Organization.objects.collectivites()
    assert {"Région Bretagne", "Département d'Ille-et-Vilaine", "Brest métropole", "Lorient Agglomération"} <= set(
        collectivites.values_list("name", flat=True)
    )
    assert collectivites.get(name="Commune de Scrignac").governed_commune_id == "29275"
    assert {"Banque des Territoires", "Bretagne Active", "France Active"} <= set(
        Organization.objects.values_list("name", flat=True)
    )
    assert set(Involvement.objects.values_list("role", flat=True)) >= {
        Involvement.Role.SPONSOR,
        Involvement.Role.FUNDER,
        Involvement.Role.COPIL_MEMBER,
        Involvement.Role.PORTEUR,
        Involvement.Role.EXPERT,
    }
    assert Involvement.objects.exclude(amount=None).exists()
    assert Involvement.objects.exclude(ended_on=None).exists()
    assert Involvement.objects.values("project").distinct().count() >= 8
    for structure in ["TAg22", "TAg29", "TAg35", "TAg56"]:
        emails = Contact.objects.filter(structure__name=structure).values_list("email", flat=True)
        assert len(emails) >= 2
        assert all(email.endswith("@exemple.fr") for email in emails)


def test_running_it_again_completes_a_demo_seeded_before_the_partners(settings, reference_data):
    settings.DEBUG = True
    call_command("seed_demo")
    Involvement.objects.all().delete()
    Contact.objects.all().delete()
    counts = demo_counts()

    call_command("seed_demo")

    assert demo_counts()[:-2] == counts[:-2]
    assert Involvement.objects.exists()
    assert Contact.objects.exists()
