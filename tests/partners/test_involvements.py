import datetime
import uuid
from decimal import Decimal

import pytest

from partners.models import Involvement
from tests.partners.factories import InvolvementFactory, OrganizationFactory
from tests.projects.factories import ProjectFactory


@pytest.fixture
def project(revelateur35):
    return ProjectFactory(created_by=revelateur35, title="Épicerie solidaire du pays de Redon")


@pytest.fixture
def region(geography):
    return OrganizationFactory(name="Région Bretagne", kind="region", governed_region=geography["bretagne"])


@pytest.fixture
def signed_in(client, revelateur35):
    client.force_login(revelateur35)
    return client


def involvement_data(partner, **overrides):
    return {
        "organization": partner.name,
        "role": "funder",
        "started_on": "2026-01-01",
        "ended_on": "",
        "contribution_kind": "grant",
        "amount": "15 000",
        "comment": "Appel à projets ESS 2026",
        "creation_token": str(uuid.uuid4()),
        **overrides,
    }


def test_the_form_offers_the_roles_and_names_the_organisation_with_suggestions(signed_in, project):
    response = signed_in.get(f"/projets/{project.pk}/partenaires/nouveau/")

    assert response.status_code == 200
    assert 'data-suggest="/partenaires/suggestions/"' in response.content.decode()
    assert '<script src="/static/js/suggest.js" defer></script>' in response.content.decode()
    roles = [label for _, label in response.context["form"].fields["role"].choices]
    assert roles == [
        "—",
        "Commanditaire",
        "Financeur",
        "Membre du COPIL",
        "Partenaire opérationnel",
        "Expert",
        "Porteur",
        "Capteur d'idées",
    ]


@pytest.mark.parametrize(
    "typed", ["region bretagne", "RÉGION-BRETAGNE", "  Région   Bretagne ", "Région Bretagne (n° {pk})"]
)
def test_the_organisation_is_named_as_typed(signed_in, project, region, typed):
    response = signed_in.post(
        f"/projets/{project.pk}/partenaires/nouveau/",
        involvement_data(region, organization=typed.format(pk=region.pk)),
    )

    assert response.status_code == 302
    assert Involvement.objects.get().organization == region


def test_the_organisation_is_named_by_its_siren(signed_in, project, rennes_metropole):
    response = signed_in.post(
        f"/projets/{project.pk}/partenaires/nouveau/", involvement_data(rennes_metropole, organization="243 500 139")
    )

    assert response.status_code == 302
    assert Involvement.objects.get().organization == rennes_metropole


def test_a_name_not_in_the_directory_proposes_the_closest(signed_in, project, region, rennes_metropole):
    response = signed_in.post(
        f"/projets/{project.pk}/partenaires/nouveau/", involvement_data(region, organization="Rennes Metropol")
    )

    assert response.status_code == 200
    assert response.context["form"].errors["organization"] == [
        "« Rennes Metropol » n'est pas dans l'annuaire. Vouliez-vous dire : « Rennes Métropole » ?"
    ]
    assert 'value="Rennes Metropol"' in response.content.decode()
    assert Involvement.objects.count() == 0


@pytest.mark.parametrize(
    ("typed", "amount"), [("15 000", "15000"), ("2 500,50", "2500.50"), ("1\u202f234.5", "1234.5")]
)
def test_it_adds_a_partner_with_its_role_and_contribution(signed_in, revelateur35, project, region, typed, amount):
    data = involvement_data(region, amount=typed)

    response = signed_in.post(f"/projets/{project.pk}/partenaires/nouveau/", data)

    assert response.status_code == 302
    assert response["Location"] == f"/projets/{project.pk}/#partenaires"
    involvement = Involvement.objects.get()
    assert (involvement.project, involvement.organization, involvement.role) == (project, region, "funder")
    assert involvement.amount == Decimal(amount)
    assert involvement.contribution_kind == "grant"
    assert involvement.started_on == datetime.date(2026, 1, 1)
    assert involvement.ended_on is None
    assert involvement.comment == "Appel à projets ESS 2026"
    assert involvement.created_by == revelateur35
    assert (
        "« Région Bretagne » est ajoutée aux partenaires du projet (Financeur)."
        in signed_in.get(response["Location"]).content.decode()
    )


def test_a_partner_without_contribution_is_added(signed_in, project, region):
    signed_in.post(
        f"/projets/{project.pk}/partenaires/nouveau/",
        involvement_data(region, role="idea_scout", contribution_kind="", amount="", started_on="", comment=""),
    )

    involvement = Involvement.objects.get()
    assert (involvement.role, involvement.contribution_kind, involvement.amount) == ("idea_scout", "", None)


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"contribution_kind": ""}, "contribution_kind", "Indiquez la nature de la contribution chiffrée."),
        ({"amount": "-10"}, "amount", "Un montant ne peut pas être négatif."),
        ({"amount": "quinze mille"}, "amount", "Saisissez un montant en euros"),
        (
            {"started_on": "2026-03-01", "ended_on": "2026-02-01"},
            "ended_on",
            "La fin de la période précède son début.",
        ),
        ({"role": ""}, "role", "Indiquez le rôle de l&#x27;organisation dans le projet."),
        ({"role": "mascot"}, "role", "Sélectionnez un choix valide"),
        ({"organization": ""}, "organization", "Indiquez l&#x27;organisation : son nom ou son SIREN"),
        (
            {"organization": "Atlantide"},
            "organization",
            "« Atlantide » n&#x27;est pas dans l&#x27;annuaire : vérifiez",
        ),
    ],
    ids=[
        "an amount needs its kind",
        "no negative amount",
        "an amount in figures",
        "the period in order",
        "a role",
        "a known role",
        "an organisation",
        "an organisation of the directory",
    ],
)
def test_bad_input_is_refused_next_to_its_field_and_kept(signed_in, project, region, overrides, field, message):
    response = signed_in.post(f"/projets/{project.pk}/partenaires/nouveau/", involvement_data(region, **overrides))

    assert response.status_code == 200
    assert message in response.content.decode()
    assert response.context["form"].errors[field]
    assert 'value="Appel à projets ESS 2026"' in response.content.decode()
    assert Involvement.objects.count() == 0


def test_the_same_role_twice_is_refused_but_another_role_is_added(signed_in, project, region):
    InvolvementFactory(project=project, organization=region, role="copil_member")

    response = signed_in.post(
        f"/projets/{project.pk}/partenaires/nouveau/", involvement_data(region, role="copil_member")
    )

    assert "« Région Bretagne » est déjà « Membre du COPIL » de ce projet" in response.content.decode()
    assert Involvement.objects.count() == 1

    signed_in.post(f"/projets/{project.pk}/partenaires/nouveau/", involvement_data(region))
    assert Involvement.objects.count() == 2


def test_a_funder_brings_each_kind_of_contribution_once(signed_in, project, region):
    InvolvementFactory(project=project, organization=region, role="funder", contribution_kind="grant", amount=1000)

    response = signed_in.post(f"/projets/{project.pk}/partenaires/nouveau/", involvement_data(region))

    assert "« Région Bretagne » est déjà « Financeur » de ce projet" in response.content.decode()
    assert Involvement.objects.count() == 1

    signed_in.post(f"/projets/{project.pk}/partenaires/nouveau/", involvement_data(region, contribution_kind="loan"))
    assert list(Involvement.objects.order_by("pk").values_list("contribution_kind", flat=True)) == ["grant", "loan"]


def test_submitting_the_form_twice_adds_the_partner_once(signed_in, project, region):
    data = involvement_data(region)

    first = signed_in.post(f"/projets/{project.pk}/partenaires/nouveau/", data)
    second = signed_in.post(f"/projets/{project.pk}/partenaires/nouveau/", data)

    assert Involvement.objects.count() == 1
    assert first["Location"] == second["Location"] == f"/projets/{project.pk}/#partenaires"


def test_a_partner_is_removed(signed_in, project, region):
    involvement = InvolvementFactory(project=project, organization=region, role="funder")
    other = InvolvementFactory(project=project, organization=region, role="copil_member")

    response = signed_in.post(f"/partenaires/implications/{involvement.pk}/retirer/")

    assert response["Location"] == f"/projets/{project.pk}/#partenaires"
    assert list(Involvement.objects.all()) == [other]
    assert (
        "« Région Bretagne » n&#x27;est plus « Financeur » du projet."
        in signed_in.get(response["Location"]).content.decode()
    )
    assert signed_in.post(f"/partenaires/implications/{involvement.pk}/retirer/").status_code == 404


def test_removing_takes_a_post(signed_in, project, region):
    involvement = InvolvementFactory(project=project, organization=region)

    assert signed_in.get(f"/partenaires/implications/{involvement.pk}/retirer/").status_code == 405
    assert Involvement.objects.count() == 1


@pytest.mark.parametrize("organizations", [1, 20])
def test_the_form_runs_a_fixed_number_of_queries_whatever_the_directorys_size(
    signed_in, project, region, django_assert_num_queries, organizations
):
    for number in range(organizations):
        OrganizationFactory(name=f"Association {number}")

    # 1 session, 2 user, 3 the project with its structure
    with django_assert_num_queries(3):
        response = signed_in.get(f"/projets/{project.pk}/partenaires/nouveau/")
    assert response.status_code == 200

    # 1 session, 2 user, 3 the project, 4 the creation token not used yet, 5 the organisations of the name typed,
    # 6 the names of the directory, 7 the close ones among them, 8–19 Django's check of the partner's four constraints
    # (each one a savepoint, its query, its release)
    with django_assert_num_queries(19):
        response = signed_in.post(
            f"/projets/{project.pk}/partenaires/nouveau/", involvement_data(region, organization="Region Bretagn")
        )
    assert response.context["form"].errors["organization"] == [
        "« Region Bretagn » n'est pas dans l'annuaire. Vouliez-vous dire : « Région Bretagne » ?"
    ]
