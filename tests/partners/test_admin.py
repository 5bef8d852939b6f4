import pytest

from partners.models import Involvement
from tests.partners.factories import ContactFactory, InvolvementFactory, OrganizationFactory
from tests.projects.factories import ProjectFactory


@pytest.fixture
def organizations(geography, rennes_metropole):
    return {
        "rennes": rennes_metropole,
        "active": OrganizationFactory(name="Bretagne Active", kind="solidarity_finance", siren="775672272"),
        "scrignac": OrganizationFactory(name="Association de Scrignac", commune=geography["scrignac"]),
    }


def listed(response):
    return sorted(organization.name for organization in response.context["cl"].result_list)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("kind__exact=epci", ["Rennes Métropole"]),
        ("departement=29", ["Association de Scrignac"]),
        ("departement=35", ["Rennes Métropole"]),
        ("q=775672272", ["Bretagne Active"]),
        ("q=active", ["Bretagne Active"]),
    ],
)
def test_the_organisations_are_filtered_in_the_admin(client, avise, organizations, query, expected):
    client.force_login(avise)

    response = client.get(f"/admin/partners/organization/?{query}")

    assert response.status_code == 200
    assert listed(response) == expected


@pytest.mark.parametrize("rows", [1, 10])
def test_the_organisation_list_of_the_admin_runs_a_fixed_number_of_queries(
    client, administrator, geography, django_assert_num_queries, rows
):
    for _ in range(rows):
        OrganizationFactory(commune=geography["rennes"])
    client.force_login(administrator)

    # 1 session, 2 user, 3 the départements and 4 the structures of the filters, 5 the count of the organisations
    # (nothing filters them: it is also the count of all), 6 the page of organisations with their seat, 7 the first
    # and last dates and 8 the years of the date navigation
    with django_assert_num_queries(8):
        response = client.get("/admin/partners/organization/")

    assert response.status_code == 200


def test_avise_staff_read_the_involvements_but_change_nothing(client, avise, revelateur35):
    involvement = InvolvementFactory(project=ProjectFactory(created_by=revelateur35), role="funder", amount=None)
    client.force_login(avise)

    assert client.get("/admin/partners/involvement/").status_code == 200
    assert client.get(f"/admin/partners/involvement/{involvement.pk}/change/").status_code == 200
    assert client.post(f"/admin/partners/involvement/{involvement.pk}/change/", {"role": "expert"}).status_code == 403
    assert client.post(f"/admin/partners/involvement/{involvement.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Involvement.objects.get().role == "funder"


def test_avise_staff_read_the_organisations_but_change_nothing(client, avise, organizations):
    client.force_login(avise)
    active = organizations["active"]

    assert client.get(f"/admin/partners/organization/{active.pk}/change/").status_code == 200
    assert client.get("/admin/partners/organization/add/").status_code == 403
    response = client.post(f"/admin/partners/organization/{active.pk}/change/", {"name": "Autre"})
    assert response.status_code == 403


def test_avise_staff_cannot_learn_who_has_contacts_through_the_admin_filters(client, avise, revelateur35):
    contact = ContactFactory(structure=revelateur35.structure)
    client.force_login(avise)

    assert client.get("/admin/partners/organization/?contacts__isnull=False").status_code == 400
    assert client.get(f"/admin/partners/organization/?contacts={contact.pk}").status_code == 400


def test_a_correction_in_the_admin_is_a_new_version(client, administrator, rennes_metropole):
    client.force_login(administrator)

    client.post(
        f"/admin/partners/organization/{rennes_metropole.pk}/change/",
        {
            "name": "Rennes Métropole",
            "kind": "epci",
            "siren": "243500139",
            "siret": "",
            "website": "https://metropole.rennes.fr",
            "governed_epci": rennes_metropole.governed_epci_id,
        },
    )

    rennes_metropole.refresh_from_db()
    assert (rennes_metropole.website, rennes_metropole.version) == ("https://metropole.rennes.fr", 2)
