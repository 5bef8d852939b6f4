import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from projects.models import FollowUp
from tests.projects import posts
from tests.projects.factories import FollowUpFactory, ProjectFactory


@pytest.fixture
def signed_in(client, revelateur35):
    client.force_login(revelateur35)
    return client


@pytest.fixture
def activity(revelateur35):
    project = ProjectFactory(created_by=revelateur35, launched=True, activity__opened_on=datetime.date(2023, 4, 1))
    return project.activity


def follow(client, activity, **data):
    return client.post(f"/projets/{activity.project.pk}/suivi/", posts.follow_up_data(activity, **data))


def test_it_records_where_the_activity_stands_at_the_end_of_a_year(signed_in, revelateur35, activity):
    response = follow(signed_in, activity, year="2024", jobs="3,5", comment="Deux embauches en CDI.")

    assert response["Location"] == f"/projets/{activity.project.pk}/"
    follow_up = activity.follow_ups.get()
    assert (follow_up.year, follow_up.jobs, follow_up.still_active, follow_up.closed_on, follow_up.recorded_by) == (
        2024,
        Decimal("3.5"),
        True,
        None,
        revelateur35,
    )


def test_n_plus_one_and_n_plus_three_can_be_reported(signed_in, activity):
    follow(signed_in, activity, year="2024", jobs="3")
    follow(signed_in, activity, year="2026", jobs="4,5")

    content = signed_in.get(f"/projets/{activity.project.pk}/").content.decode()

    assert [(f.year, f.years_after_opening) for f in activity.follow_ups.order_by("year")] == [(2024, 1), (2026, 3)]
    assert "N+1" in content and "N+3" in content


def test_it_records_that_an_activity_closed(signed_in, activity):
    data = posts.follow_up_data(activity, year="2025", jobs="0", closed_on="2025-06-30")
    del data["still_active"]

    signed_in.post(f"/projets/{activity.project.pk}/suivi/", data)

    follow_up = activity.follow_ups.get()
    assert (follow_up.still_active, follow_up.closed_on) == (False, datetime.date(2025, 6, 30))
    assert "Fermée le 30 juin 2025" in signed_in.get(f"/projets/{activity.project.pk}/").content.decode()


def test_a_year_already_followed_is_refused_with_the_way_to_correct_it(signed_in, activity):
    FollowUpFactory(activity=activity, year=2024)

    response = follow(signed_in, activity, year="2024", jobs="12")

    correction = f"/projets/{activity.project.pk}/suivi/2024/modifier/"
    assert response.context["form"].errors["year"] == [
        f'Un suivi existe déjà pour 2024 : chaque année se suit une fois. <a href="{correction}">Corriger le suivi '
        "de 2024</a>."
    ]
    content = response.content.decode()
    assert f'<a href="{correction}">Corriger le suivi de 2024</a>' in content
    assert 'value="12"' in content
    assert activity.follow_ups.get().jobs == 3
    assert signed_in.get(correction).status_code == 200


def test_the_year_after_the_opening_is_accepted_once_it_has_begun(signed_in, revelateur35):
    last_year = timezone.localdate().year - 1
    project = ProjectFactory(
        created_by=revelateur35, launched=True, activity__opened_on=datetime.date(last_year, 11, 2)
    )

    follow(signed_in, project.activity, year=str(last_year + 1))

    assert [f.years_after_opening for f in project.activity.follow_ups.all()] == [1]


def test_the_help_of_an_activity_opened_this_year_says_when_n_plus_one_comes(signed_in, revelateur35):
    this_year = timezone.localdate().year
    project = ProjectFactory(created_by=revelateur35, launched=True, activity__opened_on=timezone.localdate())

    page = signed_in.get(f"/projets/{project.pk}/suivi/")
    response = follow(signed_in, project.activity, year=str(this_year + 1))

    assert page.context["form"].fields["year"].help_text == (
        f"De {this_year} (N, l'année de l'ouverture) à {this_year}. N+1 ({this_year + 1}) se saisit à partir de "
        f"janvier {this_year + 1}. N+3 ({this_year + 3}) se saisit à partir de janvier {this_year + 3}."
    )
    assert page.context["form"]["year"].initial == this_year
    assert response.context["form"].errors["year"] == [
        f"L'année {this_year + 1} n'a pas commencé : son suivi se saisit à partir de janvier {this_year + 1}. "
        f"Indiquez une année entre {this_year} et {this_year}."
    ]
    assert not FollowUp.objects.exists()


def test_the_help_names_the_years_n_plus_one_and_n_plus_three(signed_in, activity):
    this_year = timezone.localdate().year

    page = signed_in.get(f"/projets/{activity.project.pk}/suivi/")

    assert page.context["form"].fields["year"].help_text == (
        f"De 2023 (N, l'année de l'ouverture) à {this_year}. N+1 : 2024. N+3 : 2026."
    )
    assert page.context["form"]["year"].initial == 2024


def test_a_closed_activity_needs_its_closing_date(signed_in, activity):
    data = posts.follow_up_data(activity, year="2025")
    del data["still_active"]

    response = signed_in.post(f"/projets/{activity.project.pk}/suivi/", data)

    assert response.context["form"].errors["closed_on"] == ["Indiquez la date de fermeture de l'activité."]
    assert not FollowUp.objects.exists()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (
            {"closed_on": "2025-06-30"},
            "closed_on",
            "L'activité est toujours active : laissez la date de fermeture vide.",
        ),
        ({"year": "2022"}, "year", "L'activité a ouvert en 2023 : indiquez une année à partir de 2023."),
        (
            {"year": "2999"},
            "year",
            "L'année 2999 n'a pas commencé : son suivi se saisit à partir de janvier 2999. "
            "Indiquez une année entre 2023 et {this_year}.",
        ),
        ({"jobs": ""}, "jobs", "Ce champ est obligatoire."),
        ({"jobs": "-2"}, "jobs", "Assurez-vous que cette valeur est supérieure ou égale à 0."),
    ],
    ids=["closing-date-of-an-active-activity", "year-before-the-opening", "year-to-come", "no-jobs", "negative-jobs"],
)
def test_bad_input_is_refused_next_to_its_field(signed_in, activity, data, field, message):
    response = follow(signed_in, activity, **data)

    message = message.format(this_year=timezone.localdate().year)
    assert response.context["form"].errors[field] == [message]
    assert not FollowUp.objects.exists()


@pytest.mark.parametrize(
    ("closed_on", "message"),
    [
        ("2023-01-01", "L'activité ne peut pas fermer avant d'avoir ouvert."),
        ("2999-01-01", "Cette date est à venir : indiquez la date où l'activité a fermé."),
        ("2025-03-01", "Le suivi de 2024 ne peut pas dater une fermeture ultérieure."),
    ],
    ids=["before-the-opening", "to-come", "after-the-year-followed"],
)
def test_a_closing_date_must_be_possible(signed_in, activity, closed_on, message):
    data = posts.follow_up_data(activity, year="2024", closed_on=closed_on)
    del data["still_active"]

    response = signed_in.post(f"/projets/{activity.project.pk}/suivi/", data)

    assert response.context["form"].errors["closed_on"] == [message]


def test_a_follow_up_submitted_twice_is_recorded_once(signed_in, activity):
    data = posts.follow_up_data(activity)

    signed_in.post(f"/projets/{activity.project.pk}/suivi/", data)
    response = signed_in.post(f"/projets/{activity.project.pk}/suivi/", data)

    assert response["Location"] == f"/projets/{activity.project.pk}/"
    assert FollowUp.objects.count() == 1


def test_a_project_not_launched_has_no_follow_up(signed_in, project):
    response = signed_in.get(f"/projets/{project.pk}/suivi/", follow=True)

    assert response.redirect_chain == [(f"/projets/{project.pk}/", 302)]
    assert "Le suivi annuel concerne l&#x27;activité d&#x27;un projet lancé." in response.content.decode()


def test_an_activity_closed_in_an_earlier_follow_up_cannot_be_active_later(signed_in, activity):
    data = posts.follow_up_data(activity, year="2024", closed_on="2024-10-31")
    del data["still_active"]
    signed_in.post(f"/projets/{activity.project.pk}/suivi/", data)

    response = follow(signed_in, activity, year="2025")

    assert response.context["form"].errors["still_active"] == [
        "Le suivi de 2024 indique que l'activité a fermé le 31/10/2024."
    ]
    assert list(FollowUp.objects.values_list("year", flat=True)) == [2024]
