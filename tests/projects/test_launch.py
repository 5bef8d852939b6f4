"""Launching: the activity, its porteur and its funding, written with the move to "launched", all or nothing."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError

from partners.models import Organization
from projects import services
from projects.models import Activity, Funding, Project, ProjectEvent
from tests.partners.factories import OrganizationFactory
from tests.projects import posts
from tests.projects.factories import ProjectFactory
from tests.territories.factories import RegionFactory

Stage = Project.Stage


@pytest.fixture
def signed_in(client, revelateur35):
    client.force_login(revelateur35)
    return client


@pytest.fixture
def ready(revelateur35):
    """A project at « Amorçage », ready to launch."""
    return ProjectFactory(created_by=revelateur35, stage=Stage.LAUNCH_SUPPORT)


def launch(client, project, **data):
    return client.post(f"/projets/{project.pk}/lancer/", posts.launch_data(project, **data))


def nothing_launched(project):
    project = Project.objects.get(pk=project.pk)
    return (
        project.stage == Stage.LAUNCH_SUPPORT
        and not Activity.objects.exists()
        and not Funding.objects.exists()
        and not project.events.filter(to_stage=Stage.LAUNCHED).exists()
    )


def test_it_launches_the_project_with_a_new_porteur_and_its_fundings(signed_in, revelateur35, ready):
    region = OrganizationFactory(
        name="Région Bretagne", kind=Organization.Kind.REGION, governed_region=RegionFactory()
    )

    response = launch(
        signed_in,
        ready,
        fundings=[("grant", "15 000", region.pk), ("loan", "2 500,50", "")],
        **{
            "activite-esus": "on",
            "activite-siren": "130 005 481",
            "activite-opened_on": "2026-02-02",
            "porteur-siren": "732 829 320",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == f"/projets/{ready.pk}/"
    activity = Activity.objects.get()
    assert (activity.project, activity.name, activity.legal_form, activity.esus, activity.iae, activity.siren) == (
        ready,
        "La Cagette de Redon",
        "association",
        True,
        False,
        "130005481",
    )
    assert (activity.opened_on, activity.jobs_at_launch) == (datetime.date(2026, 2, 2), Decimal("2.5"))
    assert (activity.porteur.name, activity.porteur.kind, activity.porteur.siren) == (
        "Association La Cagette",
        "association",
        "732829320",
    )
    assert sorted(activity.fundings.values_list("kind", "amount", "funder__name")) == [
        ("grant", Decimal("15000"), "Région Bretagne"),
        ("loan", Decimal("2500.5"), None),
    ]
    ready.refresh_from_db()
    assert (ready.stage, ready.state) == (Stage.LAUNCHED, Project.State.RUNNING)
    event = ready.events.get(kind=ProjectEvent.Kind.STAGE)
    assert (event.from_stage, event.to_stage, event.by, event.comment) == (
        "launch_support",
        "launched",
        revelateur35,
        "Activité créée : La Cagette de Redon.",
    )
    page = signed_in.get(f"/projets/{ready.pk}/").content.decode()
    assert "L&#x27;activité est enregistrée : le projet est lancé." in page
    assert "17\u202f500,5\u00a0€ au total" in page


def test_it_launches_with_an_existing_porteur(signed_in, ready):
    porteur = OrganizationFactory(name="SCIC Les Champs Communs", kind=Organization.Kind.ESS)

    launch(signed_in, ready, **{"porteur-porteur": porteur.pk, "porteur-name": "", "porteur-kind": ""})

    assert Activity.objects.get().porteur == porteur
    assert Organization.objects.count() == 1


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"activite-siren": "123456789"}, "siren", "Ce numéro SIREN n'est pas valide"),
        ({"activite-name": ""}, "name", "Ce champ est obligatoire."),
        ({"activite-opened_on": ""}, "opened_on", "Ce champ est obligatoire."),
        ({"activite-jobs_at_launch": "beaucoup"}, "jobs_at_launch", "Saisissez un nombre."),
        ({"activite-jobs_at_launch": "-1"}, "jobs_at_launch", "supérieure ou égale à 0"),
        ({"activite-legal_form": "sarl"}, "legal_form", "Sélectionnez un choix valide."),
        ({"activite-opened_on": "2999-01-01"}, "opened_on", "cette date est à venir"),
    ],
    ids=[
        "invalid-siren",
        "no-name",
        "no-opening-date",
        "jobs-not-a-number",
        "negative-jobs",
        "unknown-legal-form",
        "opening-to-come",
    ],
)
def test_bad_activity_data_is_refused_next_to_its_field_and_kept(signed_in, ready, data, field, message):
    response = launch(signed_in, ready, **{"porteur-name": "Association saisie", **data})

    assert response.status_code == 200
    assert any(message in error for error in response.context["activity_form"].errors[field])
    assert f'id="id_activite-{field}_error"' in response.content.decode()
    assert 'value="Association saisie"' in response.content.decode()
    assert nothing_launched(ready)
    assert not Organization.objects.exists()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"porteur-name": ""}, "porteur", "Choisissez le porteur dans la liste, ou nommez un nouveau porteur"),
        ({"porteur-kind": ""}, "kind", "Indiquez le type du nouveau porteur."),
        ({"porteur-siren": "111"}, "siren", "Ce numéro SIREN n'est pas valide"),
    ],
    ids=["no-porteur", "new-porteur-without-kind", "new-porteur-with-an-invalid-siren"],
)
def test_a_missing_or_invalid_porteur_is_refused(signed_in, ready, data, field, message):
    response = launch(signed_in, ready, **data)

    assert any(message in error for error in response.context["porteur_form"].errors[field])
    assert nothing_launched(ready)


def test_a_porteur_chosen_and_named_at_once_is_refused(signed_in, ready):
    porteur = OrganizationFactory()

    response = launch(signed_in, ready, **{"porteur-porteur": porteur.pk})

    assert response.context["porteur_form"].errors["name"] == [
        "Vous avez aussi choisi un porteur existant : videz ce champ, ou la liste."
    ]
    assert nothing_launched(ready)


def test_a_new_porteur_with_the_siren_of_a_known_organisation_is_refused(signed_in, ready):
    OrganizationFactory(name="Association La Cagette", siren="732829320")

    response = launch(signed_in, ready, **{"porteur-siren": "732829320"})

    assert response.context["porteur_form"].errors["siren"] == [
        "Une organisation avec ce SIREN existe déjà : choisissez-la dans la liste."
    ]
    assert nothing_launched(ready)


def test_an_incomplete_funding_row_is_refused(signed_in, ready):
    response = launch(signed_in, ready, fundings=[("", "5000", "")])

    assert response.context["funding_formset"].errors[0] == {"kind": ["Ce champ est obligatoire."]}
    assert 'value="5000"' in response.content.decode()
    assert nothing_launched(ready)


def test_more_than_five_fundings_are_refused(signed_in, ready):
    data = posts.launch_data(ready, **{"financements-TOTAL_FORMS": "6"})
    for index in range(6):
        data |= {f"financements-{index}-kind": "grant", f"financements-{index}-amount": "100"}

    response = signed_in.post(f"/projets/{ready.pk}/lancer/", data)

    assert response.status_code == 200
    assert response.context["funding_formset"].non_form_errors()
    assert nothing_launched(ready)


@pytest.mark.parametrize(
    "traits",
    [
        {},
        {"stage": Stage.FEASIBILITY_STUDY},
        {"stage": Stage.LAUNCH_SUPPORT, "paused": True},
        {"stage": Stage.LAUNCH_SUPPORT, "stopped": True},
    ],
    ids=["opportunity-study", "feasibility-study", "paused-at-launch-support", "stopped-at-launch-support"],
)
def test_launching_is_refused_unless_running_at_launch_support(signed_in, revelateur35, traits):
    project = ProjectFactory(created_by=revelateur35, **traits)
    before = Project.objects.values("stage", "state", "version").get(pk=project.pk)

    response = launch(signed_in, project)

    assert response.status_code == 302
    assert Project.objects.values("stage", "state", "version").get(pk=project.pk) == before
    assert not Activity.objects.exists()
    assert not Organization.objects.exists()
    with pytest.raises(ValidationError):
        services.launch(
            project,
            by=revelateur35,
            activity=Activity(name="X", legal_form="other", opened_on=datetime.date(2026, 1, 1), jobs_at_launch=1),
            new_porteur=Organization(name="Y", kind="other"),
        )
    assert not Activity.objects.exists()


def test_a_failure_midway_leaves_no_activity_and_the_stage_unchanged(revelateur35, ready):
    # The last funding is invalid: its check comes after the move, the new porteur and the activity were written.
    with pytest.raises(ValidationError):
        services.launch(
            ready,
            by=revelateur35,
            activity=Activity(
                name="La Cagette", legal_form="association", opened_on=datetime.date(2026, 1, 1), jobs_at_launch=2
            ),
            new_porteur=Organization(name="Association La Cagette", kind="association"),
            fundings=[Funding(kind="grant", amount=1000), Funding(kind="grant", amount=-1)],
        )

    assert nothing_launched(ready)
    assert not Organization.objects.exists()


def test_a_database_failure_midway_leaves_nothing_either(revelateur35, ready, monkeypatch):
    def fail(*args, **kwargs):
        raise DatabaseError("disque plein")

    monkeypatch.setattr(Funding, "save", fail)

    with pytest.raises(DatabaseError):
        services.launch(
            ready,
            by=revelateur35,
            activity=Activity(
                name="La Cagette", legal_form="association", opened_on=datetime.date(2026, 1, 1), jobs_at_launch=2
            ),
            porteur=OrganizationFactory(),
            fundings=[Funding(kind="grant", amount=1000)],
        )

    assert nothing_launched(ready)


def test_a_stale_launch_form_is_refused_with_the_input_kept(signed_in, revelateur35, ready):
    data = posts.launch_data(ready)
    Project.objects.filter(pk=ready.pk).update(version=ready.version + 1)

    response = signed_in.post(f"/projets/{ready.pk}/lancer/", data)

    assert response.status_code == 200
    assert "vient d&#x27;être modifié par quelqu&#x27;un d&#x27;autre" in response.content.decode()
    assert 'value="La Cagette de Redon"' in response.content.decode()
    assert nothing_launched(ready)


def test_the_launch_form_submitted_twice_records_one_activity(signed_in, ready):
    data = posts.launch_data(ready)

    signed_in.post(f"/projets/{ready.pk}/lancer/", data)
    response = signed_in.post(f"/projets/{ready.pk}/lancer/", data)

    assert response["Location"] == f"/projets/{ready.pk}/"
    assert Activity.objects.count() == 1
    assert Organization.objects.count() == 1


def test_the_launch_page_offers_the_organisations_of_the_directory(signed_in, ready):
    OrganizationFactory(name="SCIC Les Champs Communs")

    content = signed_in.get(f"/projets/{ready.pk}/lancer/").content.decode()

    assert "SCIC Les Champs Communs" in content
    assert content.count("<legend>Financement ") == 3
