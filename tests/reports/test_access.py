import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

ADMIN_DASHBOARD = "/admin/statistiques/"
SITE_DASHBOARD = "/statistiques/"


def client_for(client, user):
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("anonymous", 302),
        ("revelateur35", 404),
        ("revelateur29", 404),
        ("collectivite", 404),
        ("avise", 200),
        ("admin", 200),
    ],
)
def test_only_avise_staff_and_administrators_open_the_network_statistics(client, cast, who, expected):
    response = client_for(client, cast[who]).get(ADMIN_DASHBOARD)

    assert response.status_code == expected
    if who == "anonymous":
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    ("who", "expected"),
    [("anonymous", 302), ("revelateur35", 200), ("collectivite", 200), ("avise", 302), ("admin", 302)],
)
def test_structures_and_collectivites_open_their_statistics_and_avise_staff_go_to_the_admin(
    client, cast, who, expected
):
    response = client_for(client, cast[who]).get(SITE_DASHBOARD + "?year_from=2022")

    assert response.status_code == expected
    if who in ("avise", "admin"):
        assert response["Location"] == ADMIN_DASHBOARD + "?year_from=2022"


def test_the_admin_index_links_to_the_statistics(client, avise):
    client.force_login(avise)

    response = client.get("/admin/")

    assert response.status_code == 200
    assert b'href="/admin/statistiques/">Statistiques du r\xc3\xa9seau</a>' in response.content


@pytest.mark.parametrize("who", ["revelateur35", "collectivite", "anonymous"])
def test_nobody_but_avise_staff_downloads_the_network_tables(client, cast, who):
    response = client_for(client, cast[who]).get(ADMIN_DASHBOARD + "export/activites.csv")

    assert response.status_code == (302 if who == "anonymous" else 404)


def test_an_unknown_table_or_format_is_404(client, avise, revelateur35):
    client.force_login(avise)
    assert client.get(ADMIN_DASHBOARD + "export/inconnu.csv").status_code == 404
    assert client.get(ADMIN_DASHBOARD + "export/activites.pdf").status_code == 404
    client.force_login(revelateur35)
    assert client.get(SITE_DASHBOARD + "export/par-structure.csv").status_code == 404
