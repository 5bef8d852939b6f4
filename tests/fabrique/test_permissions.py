"""Who may open which page: every page of the platform, crossed with every role of the cast."""

import pytest

PUBLIC, SIGNED_IN, STAFF = "public", "signed_in", "staff"

PAGES = [
    ("/", PUBLIC),
    ("/sante/", PUBLIC),
    ("/accessibilite/", PUBLIC),
    ("/mentions-legales/", PUBLIC),
    ("/compte/connexion/", PUBLIC),
    ("/compte/mot-de-passe/oublie/", PUBLIC),
    ("/compte/mot-de-passe/", SIGNED_IN),
    ("/admin/", STAFF),
    ("/admin/fabrique/user/", STAFF),
    ("/admin/territories/structure/", STAFF),
]
ROLES = ["anonymous", "revelateur35", "revelateur29", "collectivite", "avise", "admin"]


def expected_outcome(access, role):
    if access == PUBLIC:
        return "ok"
    if role == "anonymous":
        return "login"
    if access == SIGNED_IN or role in {"avise", "admin"}:
        return "ok"
    return "admin_login"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("path", "access"), PAGES, ids=[path for path, _ in PAGES])
def test_each_page_answers_each_role_as_its_rights_say(client, cast, path, access, role):
    if cast[role]:
        client.force_login(cast[role])

    response = client.get(path)

    outcome = expected_outcome(access, role)
    if outcome == "ok":
        # The sign-in page sends a person already signed in to their home page.
        assert response.status_code == 200 or (path == "/compte/connexion/" and response.status_code == 302)
    elif outcome == "login":
        assert response.status_code == 302
        assert response["Location"].startswith("/compte/connexion/") or response["Location"].startswith(
            "/admin/login/"
        )
    else:
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")


def test_avise_staff_read_the_admin_but_change_nothing(client, avise, tag35):
    client.force_login(avise)

    assert client.get(f"/admin/territories/structure/{tag35.pk}/change/").status_code == 200
    assert client.get("/admin/territories/structure/add/").status_code == 403
    response = client.post(
        f"/admin/territories/structure/{tag35.pk}/change/",
        {"name": "Renommée", "email": "x@example.org", "label": "experimenting", "departments": []},
    )
    assert response.status_code == 403
    tag35.refresh_from_db()
    assert tag35.name == "TAg35"
    assert client.post(f"/admin/territories/structure/{tag35.pk}/delete/", {"post": "yes"}).status_code == 403
    assert tag35.__class__.objects.filter(pk=tag35.pk).exists()


def test_avise_staff_read_an_account_in_the_admin(client, avise, revelateur35, collectivite):
    client.force_login(avise)

    for account in (revelateur35, collectivite, avise):
        response = client.get(f"/admin/fabrique/user/{account.pk}/change/")
        assert response.status_code == 200
        assert account.email in response.content.decode()


def test_the_sign_in_logs_are_for_administrators_only(client, avise, administrator):
    client.force_login(avise)
    assert client.get("/admin/axes/accessattempt/").status_code == 403
    assert "/admin/axes/" not in client.get("/admin/").content.decode()

    client.force_login(administrator)
    assert client.get("/admin/axes/accessattempt/").status_code == 200


def test_an_administrator_edits_a_structure_in_the_admin(client, administrator, tag35):
    client.force_login(administrator)

    response = client.post(
        f"/admin/territories/structure/{tag35.pk}/change/",
        {
            "name": "TAg35",
            "full_name": "TAg35 — Propulseur d'entrepreneuriat collectif",
            "email": "contact@tag35.bzh",
            "label": "labelled",
            "labelled_on": "01/10/2017",
            "departments": [d.pk for d in tag35.departments.all()],
            "website": "",
        },
    )

    assert response.status_code == 302
    tag35.refresh_from_db()
    assert tag35.label == "labelled"
    assert str(tag35.labelled_on) == "2017-10-01"


def test_the_admin_speaks_french(client, administrator):
    client.force_login(administrator)

    response = client.get("/admin/")

    assert "Tableau de bord" in response.content.decode()
    assert "Déconnexion" in response.content.decode()


def test_an_inactive_account_has_no_rights_left(client, avise):
    avise.is_active = False
    avise.save()

    assert not avise.is_staff
    assert not avise.has_perm("territories.view_structure")
