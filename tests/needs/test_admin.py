import pytest

from needs.models import Need, NeedEvent, Theme
from tests.fabrique.factories import UserFactory
from tests.needs.factories import NeedFactory


@pytest.mark.parametrize("rows", [1, 12])
def test_the_need_list_runs_a_fixed_number_of_queries(
    client, administrator, revelateur35, revelateur29, ille_et_vilaine, django_assert_num_queries, rows
):
    for _ in range(rows):
        NeedFactory(created_by=revelateur35)
        NeedFactory(created_by=revelateur29, department=revelateur29.structure.departments.get())
    client.force_login(administrator)

    # 1. the session, 2. the user, 3.–5. the choices of the structure, département and theme filters,
    # 6. the count of the needs (nothing filters them: it is also the count of all), 7. the needs of the page with
    # their structure and département, 8. the first and last dates and 9. the days of the date hierarchy.
    with django_assert_num_queries(9):
        response = client.get("/admin/needs/need/")

    assert response.status_code == 200
    assert f"{rows * 2} besoins" in response.content.decode()


@pytest.mark.parametrize("events", [1, 12])
def test_a_need_and_its_history_open_in_a_fixed_number_of_queries(
    client, administrator, revelateur35, ille_et_vilaine, django_assert_num_queries, events
):
    need = NeedFactory(created_by=revelateur35)
    for number in range(events):
        NeedEvent.objects.create(need=need, kind=NeedEvent.Kind.NOTE, comment=f"Note {number}", by=UserFactory())
    client.force_login(administrator)
    # Once, so that the content types the admin looks up are cached, as they are on a running site.
    client.get(f"/admin/needs/need/{need.pk}/change/")

    # 1. the session, 2. the user, 3. the need, 4. its themes, 5. its communes, 6. its history with the author and
    # the need of each line, 7.–9. the structures, themes and départements to choose from, 10. its author.
    with django_assert_num_queries(10):
        response = client.get(f"/admin/needs/need/{need.pk}/change/")

    html = response.content.decode()
    assert response.status_code == 200
    assert f"Note {events - 1}" in html


def test_the_history_is_read_only_in_the_admin(client, administrator, revelateur35, ille_et_vilaine):
    need = NeedFactory(created_by=revelateur35)
    client.force_login(administrator)

    html = client.get(f"/admin/needs/need/{need.pk}/change/").content.decode()

    assert 'name="events-0-comment"' not in html
    assert 'name="status"' not in html


def test_an_edit_in_the_admin_is_a_new_version(client, administrator, revelateur35, ille_et_vilaine, themes):
    need = NeedFactory(created_by=revelateur35, themes=[themes["Mobilité"]])
    client.force_login(administrator)

    response = client.post(
        f"/admin/needs/need/{need.pk}/change/",
        {
            "structure": need.structure_id,
            "title": "Titre corrigé",
            "description": need.description,
            "themes": [themes["Mobilité"].pk],
            "source": need.source,
            "department": "35",
            "detected_on": need.detected_on.strftime("%d/%m/%Y"),
            "events-TOTAL_FORMS": "1",
            "events-INITIAL_FORMS": "1",
            "events-MIN_NUM_FORMS": "0",
            "events-MAX_NUM_FORMS": "1000",
            "events-0-id": need.events.get().pk,
            "events-0-need": need.pk,
        },
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    need.refresh_from_db()
    assert (need.title, need.version) == ("Titre corrigé", 2)


def test_themes_are_switched_off_from_their_list(client, administrator):
    client.force_login(administrator)
    themes = list(Theme.objects.order_by("name")[:2])
    data = {"form-TOTAL_FORMS": "2", "form-INITIAL_FORMS": "2", "_save": "Enregistrer"}
    for index, theme in enumerate(themes):
        data[f"form-{index}-id"] = theme.pk
        if index:
            data[f"form-{index}-is_active"] = "on"

    client.post("/admin/needs/theme/", data)

    assert [theme.is_active for theme in Theme.objects.filter(pk__in=[t.pk for t in themes]).order_by("name")] == [
        False,
        True,
    ]


def test_avise_staff_read_needs_in_the_admin_but_change_nothing(client, avise, revelateur35, ille_et_vilaine):
    need = NeedFactory(created_by=revelateur35)
    client.force_login(avise)

    assert client.get("/admin/needs/need/").status_code == 200
    assert client.get(f"/admin/needs/need/{need.pk}/change/").status_code == 200
    assert client.post(f"/admin/needs/need/{need.pk}/change/", {"title": "Non"}).status_code == 403
    assert client.post(f"/admin/needs/need/{need.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Need.objects.get(pk=need.pk).title == need.title
