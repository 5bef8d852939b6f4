"""Launching: the activity, its porteur and its funding, written with the move to "launched", all or nothing."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError

from partners.models import Involvement, Organization
from projects import services
from projects.models import Activity, Project, ProjectEvent
from tests.partners.factories import InvolvementFactory, OrganizationFactory
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
        and not Involvement.objects.exists()
        and not project.events.filter(to_stage=Stage.LAUNCHED).exists()
    )


def test_it_launches_the_project_with_a_new_porteur_and_its_fundings(signed_in, revelateur35, ready):
    region = OrganizationFactory(
        name="Région Bretagne", kind=Organization.Kind.REGION, governed_region=RegionFactory()
    )

    response = launch(
        signed_in,
        ready,
        fundings=[("grant", "15 000", region.reference), ("loan", "2 500,50", "")],
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
    # The fundings are the funders' contributions among the project's partners, from the opening; the porteur too.
    assert sorted(
        ready.involvements.values_list("role", "contribution_kind", "amount", "organization__name", "started_on"),
        key=str,
    ) == [
        ("funder", "grant", Decimal("15000"), "Région Bretagne", datetime.date(2026, 2, 2)),
        ("funder", "loan", Decimal("2500.5"), None, datetime.date(2026, 2, 2)),
        ("porteur", "", None, "Association La Cagette", datetime.date(2026, 2, 2)),
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

    launch(signed_in, ready, **{"porteur-porteur": porteur.reference, "porteur-name": "", "porteur-kind": ""})

    assert Activity.objects.get().porteur == porteur
    assert Organization.objects.count() == 1
    assert list(ready.involvements.values_list("organization", "role")) == [(porteur.pk, "porteur")]


def test_a_porteur_already_among_the_partners_is_not_added_twice(signed_in, revelateur35, ready):
    porteur = OrganizationFactory(name="SCIC Les Champs Communs", kind=Organization.Kind.ESS)
    already = InvolvementFactory(project=ready, organization=porteur, role=Involvement.Role.PORTEUR)

    launch(signed_in, ready, **{"porteur-porteur": porteur.reference, "porteur-name": "", "porteur-kind": ""})

    assert Activity.objects.get().porteur == porteur
    assert list(ready.involvements.all()) == [already]


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
        (
            {"porteur-name": ""},
            "porteur",
            "Nommez le porteur tel qu'il figure dans l'annuaire, ou décrivez un nouveau porteur",
        ),
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

    response = launch(signed_in, ready, **{"porteur-porteur": porteur.reference})

    assert response.context["porteur_form"].errors["name"] == [
        "Vous avez aussi nommé un porteur existant : videz l'un des deux champs."
    ]
    assert nothing_launched(ready)


def test_a_new_porteur_with_the_siren_of_a_known_organisation_is_refused(signed_in, ready):
    OrganizationFactory(name="Association La Cagette", siren="732829320")

    response = launch(signed_in, ready, **{"porteur-siren": "732829320"})

    assert response.context["porteur_form"].errors["siren"] == [
        "Une organisation avec ce SIREN existe déjà : nommez-la dans le champ « Porteur existant »."
    ]
    assert nothing_launched(ready)


def test_an_incomplete_funding_row_is_refused(signed_in, ready):
    funder = OrganizationFactory()

    response = launch(signed_in, ready, fundings=[("", "5000", ""), ("grant", "", funder.reference)])

    assert response.context["funding_formset"].errors == [
        {"kind": ["Indiquez la nature de ce financement."]},
        {"amount": ["Indiquez le montant de ce financement."]},
    ]
    assert 'value="5000"' in response.content.decode()
    assert nothing_launched(ready)


def test_the_same_funder_twice_for_the_same_kind_is_refused(signed_in, ready):
    funder = OrganizationFactory()

    response = launch(
        signed_in, ready, fundings=[("grant", "5000", funder.reference), ("grant", "100", funder.reference)]
    )

    assert response.context["funding_formset"].non_form_errors() == [
        "Un même financeur apparaît deux fois avec la même nature de financement : réunissez les montants sur une "
        "ligne."
    ]
    assert nothing_launched(ready)


def test_more_fundings_than_the_stated_limit_are_refused(signed_in, ready):
    data = posts.launch_data(ready, fundings=[("grant", "100", "")] * 11)

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
            fundings=[
                Involvement(role="funder", contribution_kind="grant", amount=1000, created_by=revelateur35),
                Involvement(role="funder", contribution_kind="grant", amount=-1, created_by=revelateur35),
            ],
        )

    assert nothing_launched(ready)
    assert not Organization.objects.exists()


def test_a_database_failure_midway_leaves_nothing_either(revelateur35, ready, monkeypatch):
    def fail(*args, **kwargs):
        raise DatabaseError("disque plein")

    monkeypatch.setattr(Involvement, "save", fail)

    with pytest.raises(DatabaseError):
        services.launch(
            ready,
            by=revelateur35,
            activity=Activity(
                name="La Cagette", legal_form="association", opened_on=datetime.date(2026, 1, 1), jobs_at_launch=2
            ),
            porteur=OrganizationFactory(),
            fundings=[Involvement(role="funder", contribution_kind="grant", amount=1000, created_by=revelateur35)],
        )

    assert nothing_launched(ready)


def test_a_stale_launch_form_is_refused_with_the_input_kept(signed_in, revelateur35, ready):
    data = posts.launch_data(ready)
    Project.objects.filter(pk=ready.pk).update(version=ready.version + 1)

    response = signed_in.post(f"/projets/{ready.pk}/lancer/", data)

    assert response.status_code == 200
    assert "Ce projet a changé depuis que vous avez ouvert cette page" in response.content.decode()
    assert 'value="La Cagette de Redon"' in response.content.decode()
    assert nothing_launched(ready)


def test_the_launch_form_submitted_twice_records_one_activity(signed_in, ready):
    data = posts.launch_data(ready)

    signed_in.post(f"/projets/{ready.pk}/lancer/", data)
    response = signed_in.post(f"/projets/{ready.pk}/lancer/", data)

    assert response["Location"] == f"/projets/{ready.pk}/"
    assert Activity.objects.count() == 1
    assert Organization.objects.count() == 1


def test_the_launch_page_suggests_the_organisations_of_the_directory_and_one_funding_row(signed_in, ready):
    OrganizationFactory(name="SCIC Les Champs Communs")

    content = signed_in.get(f"/projets/{ready.pk}/lancer/").content.decode()

    assert content.count('data-suggest="/partenaires/suggestions/"') == 2  # the porteur, the funder of the one row
    assert '<script src="/static/js/suggest.js" defer></script>' in content
    assert "Jusqu'à 10 financements." in content
    assert content.count("<legend>Financement ") == 1
    assert 'name="ajouter-financement"' in content


def test_the_launch_form_offers_the_fundings_recorded_among_the_partners(signed_in, revelateur35, ready):
    region = OrganizationFactory(name="Région Bretagne", kind=Organization.Kind.PUBLIC_FUNDER)
    InvolvementFactory(
        project=ready, organization=region, role=Involvement.Role.FUNDER, contribution_kind="grant", amount=15000
    )
    InvolvementFactory(project=ready, organization=OrganizationFactory(), role=Involvement.Role.EXPERT)

    response = signed_in.get(f"/projets/{ready.pk}/lancer/")

    rows = [form.initial for form in response.context["funding_formset"]]
    assert [(row.get("funder"), row.get("kind"), row.get("amount")) for row in rows] == [
        (region, "grant", "15 000"),
        (None, None, None),
    ]
    assert 'value="15 000"' in response.content.decode()


def test_a_recorded_funding_corrected_at_launch_is_updated_not_doubled(signed_in, revelateur35, ready):
    region = OrganizationFactory(name="Région Bretagne", kind=Organization.Kind.PUBLIC_FUNDER)
    recorded = InvolvementFactory(
        project=ready, organization=region, role=Involvement.Role.FUNDER, contribution_kind="grant", amount=15000
    )
    bank = OrganizationFactory(name="France Active Bretagne")

    response = launch(
        signed_in,
        ready,
        recorded=[(recorded.pk, "grant", "18 000", region.reference)],
        fundings=[("loan", "30 000", bank.reference)],
    )

    assert response.status_code == 302
    fundings = Involvement.objects.financial().order_by("amount")
    assert list(fundings.values_list("organization", "contribution_kind", "amount")) == [
        (region.pk, "grant", Decimal("18000")),
        (bank.pk, "loan", Decimal("30000")),
    ]
    assert fundings.first().pk == recorded.pk


def test_a_recorded_funding_left_as_shown_is_kept_as_it_was(signed_in, ready):
    region = OrganizationFactory()
    recorded = InvolvementFactory(
        project=ready,
        organization=region,
        role=Involvement.Role.FUNDER,
        contribution_kind="grant",
        amount=15000,
        started_on=datetime.date(2024, 1, 1),
    )

    launch(signed_in, ready, recorded=[(recorded.pk, "grant", "15 000", region.reference)])

    assert Involvement.objects.filter(role="funder").values_list("pk", "amount", "started_on").get() == (
        recorded.pk,
        Decimal("15000"),
        datetime.date(2024, 1, 1),
    )
    assert Activity.objects.exists()


def test_an_emptied_recorded_funding_loses_its_amount_and_its_funder_stays_a_partner(signed_in, ready):
    region = OrganizationFactory()
    named = InvolvementFactory(
        project=ready, organization=region, role=Involvement.Role.FUNDER, contribution_kind="grant", amount=15000
    )
    unnamed = InvolvementFactory(
        project=ready, organization=None, role=Involvement.Role.FUNDER, contribution_kind="in_kind", amount=800
    )

    launch(signed_in, ready, recorded=[(named.pk, "", "", ""), (unnamed.pk, "", "", "")])

    # An unnamed funder without an amount says nothing: it goes.
    assert Involvement.objects.filter(role="funder").values_list("pk", "organization", "amount").get() == (
        named.pk,
        region.pk,
        None,
    )


def test_adding_a_funding_row_shows_the_form_again_with_one_more_row_and_records_nothing(signed_in, ready):
    funder = OrganizationFactory()
    data = posts.launch_data(ready, fundings=[("grant", "5 000", funder.reference)], **{"activite-name": ""})

    response = signed_in.post(f"/projets/{ready.pk}/lancer/", data | {"ajouter-financement": "1"})

    assert response.status_code == 200
    content = response.content.decode()
    assert content.count("<legend>Financement ") == 2
    assert "Une ligne de financement est ajoutée : rien n&#x27;est encore enregistré." in content
    assert 'value="5 000"' in content
    assert 'value="Association La Cagette"' in content
    # Nothing typed is judged yet: the missing name is said when the form is sent to record.
    assert "Ce champ est obligatoire" not in content
    assert "<title>Erreur" not in content
    assert nothing_launched(ready)


def test_rows_can_be_added_up_to_the_stated_limit_and_no_further(signed_in, ready):
    data = posts.launch_data(ready, fundings=[("grant", "100", "")] * 9)

    response = signed_in.post(f"/projets/{ready.pk}/lancer/", data | {"ajouter-financement": "1"})
    content = response.content.decode()
    assert content.count("<legend>Financement ") == 10
    assert 'name="ajouter-financement"' not in content

    response = signed_in.post(
        f"/projets/{ready.pk}/lancer/",
        data | {"financements-TOTAL_FORMS": "10", "ajouter-financement": "1"},
    )
    assert response.content.decode().count("<legend>Financement ") == 10
    assert "Une ligne de financement est ajoutée" not in response.content.decode()
    assert nothing_launched(ready)


def test_the_creation_token_of_another_projects_launch_form_does_not_stand_for_this_launch(
    signed_in, revelateur35, ready
):
    first = ProjectFactory(created_by=revelateur35, stage=Stage.LAUNCH_SUPPORT)
    data = posts.launch_data(first)
    signed_in.post(f"/projets/{first.pk}/lancer/", data)

    response = signed_in.post(
        f"/projets/{ready.pk}/lancer/",
        posts.launch_data(ready, **{"activite-creation_token": data["activite-creation_token"]}),
        follow=True,
    )

    assert "L&#x27;activité est enregistrée : le projet est lancé." in response.content.decode()
    ready.refresh_from_db()
    assert ready.stage == Stage.LAUNCHED
    assert ready.activity.name == "La Cagette de Redon"
    assert Activity.objects.count() == 2


@pytest.mark.parametrize("funders", [1, 8])
def test_the_launch_form_runs_a_fixed_number_of_queries_whatever_the_funders_recorded(
    signed_in, ready, django_assert_num_queries, funders
):
    for number in range(funders):
        InvolvementFactory(
            project=ready,
            organization=OrganizationFactory(name=f"Fondation {number}"),
            role=Involvement.Role.FUNDER,
            contribution_kind=Involvement.ContributionKind.GRANT,
            amount=Decimal(1000 * (number + 1)),
        )

    # 1 session, 2 user, 3 the project, 4 the funders' contributions recorded among its partners, with their funders
    with django_assert_num_queries(4):
        response = signed_in.get(f"/projets/{ready.pk}/lancer/")
    assert response.status_code == 200
    assert response.content.decode().count('name="financements-') > funders * 4
