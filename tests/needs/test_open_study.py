import datetime
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils import timezone

from needs.models import Need
from projects.models import Project, ProjectEvent
from projects.services import open_study
from tests.needs.factories import NeedFactory
from tests.projects import posts
from tests.territories.factories import DepartmentFactory


@pytest.fixture
def qualified(revelateur35, ille_et_vilaine, themes):
    return [
        NeedFactory(
            created_by=revelateur35,
            title="Une ressourcerie pour Rennes",
            themes=[themes["Économie circulaire et réemploi"]],
            epci_id="243500139",
            communes=list(ille_et_vilaine.communes.filter(code="35238")),
            qualified=True,
        ),
        NeedFactory(
            created_by=revelateur35,
            title="Un atelier de réparation de vélos",
            themes=[themes["Mobilité"]],
            epci_id="243500139",
            communes=list(ille_et_vilaine.communes.filter(code="35051")),
            qualified=True,
        ),
    ]


def confirm(client, needs, **data):
    return client.post(
        "/besoins/ouvrir-une-etude/",
        {
            "needs": [need.pk for need in needs],
            "title": "Ressourcerie et atelier vélo",
            "department": "35",
            "opened_on": timezone.localdate().isoformat(),
            "creation_token": str(uuid.uuid4()),
            **data,
        },
    )


def test_the_confirmation_lists_the_needs_and_prefills_the_project(client, revelateur35, qualified):
    client.force_login(revelateur35)

    response = client.get(f"/besoins/ouvrir-une-etude/?needs={qualified[1].pk}&needs={qualified[0].pk}")

    assert response.status_code == 200
    html = response.content.decode()
    assert "Un atelier de réparation de vélos" in html and "Une ressourcerie pour Rennes" in html
    assert f'<input type="hidden" name="needs" value="{qualified[1].pk}">' in html
    assert 'value="Un atelier de réparation de vélos"' in html
    assert 'name="creation_token"' in html
    assert [department.code for department in response.context["form"].fields["department"].queryset] == ["35"]


def test_it_opens_a_study_on_one_need(client, revelateur35, qualified):
    client.force_login(revelateur35)

    response = confirm(client, qualified[:1], title="La ressourcerie")

    project = Project.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/projets/{project.pk}/"
    assert project.title == "La ressourcerie"
    assert project.structure == revelateur35.structure
    assert project.stage == Project.Stage.OPPORTUNITY_STUDY
    need = Need.objects.get(pk=qualified[0].pk)
    assert (need.status, need.project) == (Need.Status.IN_STUDY, project)
    assert need.events.order_by("-pk").first().to_status == Need.Status.IN_STUDY
    assert [theme.name for theme in project.themes.all()] == ["Économie circulaire et réemploi"]
    assert Need.objects.get(pk=qualified[1].pk).status == Need.Status.QUALIFIED


def test_it_opens_a_study_on_several_needs(client, revelateur35, qualified):
    client.force_login(revelateur35)

    confirm(client, qualified)

    project = Project.objects.get()
    assert set(project.needs.values_list("pk", flat=True)) == {need.pk for need in qualified}
    assert project.epci_id == "243500139"
    assert sorted(commune.name for commune in project.communes.all()) == ["Cesson-Sévigné", "Rennes"]
    assert project.events.get().kind == ProjectEvent.Kind.OPENED


def test_the_main_department_is_one_of_the_needs(client, revelateur35, qualified, tag29):
    revelateur35.structure.departments.add(DepartmentFactory(code="56"))
    morbihan = NeedFactory(created_by=revelateur35, department=DepartmentFactory(code="56"), qualified=True)
    client.force_login(revelateur35)

    refused = confirm(client, [*qualified, morbihan], department="29")
    assert refused.status_code == 200
    assert not Project.objects.exists()

    confirm(client, [*qualified, morbihan], department="56")
    assert Project.objects.get().department_id == "56"


def test_submitting_the_confirmation_twice_opens_one_study(client, revelateur35, qualified):
    client.force_login(revelateur35)
    token = str(uuid.uuid4())

    first = confirm(client, qualified, creation_token=token)
    second = confirm(client, qualified, creation_token=token)

    project = Project.objects.get()
    assert first["Location"] == second["Location"] == f"/projets/{project.pk}/"
    assert Need.objects.get(pk=qualified[0].pk).events.count() == 2


def test_the_token_of_another_structures_study_is_refused(client, revelateur35, revelateur29, qualified):
    client.force_login(revelateur35)
    token = str(uuid.uuid4())
    confirm(client, qualified, creation_token=token)
    theirs = NeedFactory(created_by=revelateur29, department=revelateur29.structure.departments.get(), qualified=True)
    client.force_login(revelateur29)

    response = confirm(client, [theirs], department="29", creation_token=token)

    assert response.status_code == 404
    assert Need.objects.get(pk=theirs.pk).status == Need.Status.QUALIFIED


@pytest.mark.parametrize("trait", ["detected", "on_hold", "dismissed"])
def test_a_need_that_is_not_qualified_is_refused(client, revelateur35, qualified, trait):
    other = NeedFactory(
        created_by=revelateur35, title="Pas encore mûr", **({trait: True} if trait != "detected" else {})
    )
    client.force_login(revelateur35)

    shown = client.get(f"/besoins/ouvrir-une-etude/?needs={qualified[0].pk}&needs={other.pk}")
    assert shown.status_code == 302
    assert "Ne le sont pas : « Pas encore mûr »." in client.get(shown["Location"]).content.decode()

    posted = confirm(client, [qualified[0], other])

    assert posted.status_code == 200
    assert "Ces besoins ne sont pas qualifiés : Pas encore mûr." in posted.content.decode()
    assert not Project.objects.exists()
    assert Need.objects.get(pk=qualified[0].pk).status == Need.Status.QUALIFIED


def test_a_need_already_in_study_is_refused(client, revelateur35, qualified):
    client.force_login(revelateur35)
    confirm(client, qualified[:1])

    response = confirm(client, qualified)

    assert response.status_code == 200
    assert "Ces besoins ne sont pas qualifiés : Une ressourcerie pour Rennes." in response.content.decode()
    assert Project.objects.count() == 1
    assert Need.objects.get(pk=qualified[1].pk).status == Need.Status.QUALIFIED


def test_a_need_of_another_structure_is_not_found(client, revelateur35, revelateur29, qualified):
    theirs = NeedFactory(created_by=revelateur29, department=revelateur29.structure.departments.get(), qualified=True)
    client.force_login(revelateur35)

    assert client.get(f"/besoins/ouvrir-une-etude/?needs={qualified[0].pk}&needs={theirs.pk}").status_code == 404
    assert confirm(client, [qualified[0], theirs]).status_code == 404
    assert not Project.objects.exists()
    assert Need.objects.get(pk=theirs.pk).status == Need.Status.QUALIFIED


@pytest.mark.parametrize("needs", ["", "abc", "99999999999999999999999"], ids=["none", "not a number", "too large"])
def test_no_or_invalid_choice_is_refused(client, revelateur35, qualified, needs):
    client.force_login(revelateur35)

    response = client.get(f"/besoins/ouvrir-une-etude/?needs={needs}" if needs else "/besoins/ouvrir-une-etude/")

    if needs:
        assert response.status_code == 404
    else:
        assert response.status_code == 302
        assert response["Location"] == "/besoins/?status=qualified"
        assert "Choisissez au moins un besoin qualifié" in client.get(response["Location"]).content.decode()
    assert not Project.objects.exists()


def test_an_empty_title_is_refused_next_to_the_field(client, revelateur35, qualified):
    client.force_login(revelateur35)

    response = confirm(client, qualified, title="  ")

    assert response.status_code == 200
    assert 'id="id_title_error"' in response.content.decode()
    assert not Project.objects.exists()
    assert Need.objects.filter(status=Need.Status.QUALIFIED).count() == 2


def test_the_service_never_hands_out_another_structures_study_for_its_token(revelateur35, revelateur29, qualified):
    token = uuid.uuid4()
    ours = open_study(qualified, by=revelateur35, title="Conciergerie", creation_token=token)
    theirs = NeedFactory(created_by=revelateur29, department=revelateur29.structure.departments.get(), qualified=True)

    with pytest.raises(IntegrityError):
        open_study([theirs], by=revelateur29, title="Autre étude", creation_token=token)

    assert list(Project.objects.all()) == [ours]
    assert Need.objects.get(pk=theirs.pk).status == Need.Status.QUALIFIED


def days_ago(days):
    return timezone.localdate() - datetime.timedelta(days=days)


def test_the_study_opens_today_unless_another_day_is_given(client, revelateur35, qualified):
    client.force_login(revelateur35)

    response = client.get(f"/besoins/ouvrir-une-etude/?needs={qualified[0].pk}")
    assert f'name="opened_on" value="{timezone.localdate().isoformat()}"' in response.content.decode()
    confirm(client, qualified, opened_on=days_ago(10).isoformat())

    project = Project.objects.get()
    assert project.opened_on == days_ago(10)
    assert project.events.get(kind=ProjectEvent.Kind.OPENED).happened_on == days_ago(10)
    assert "Étude ouverte le" in client.get(f"/projets/{project.pk}/").content.decode()


OPENING_DATES = [
    (-1, "Cette date est à venir : une étude s'enregistre une fois ouverte."),
    # The needs were detected 30 days ago (the later one, 20 days ago here).
    (21, "Le besoin « Un atelier de réparation de vélos » a été détecté le {detected:%d/%m/%Y} : "
     "l'étude ne peut pas s'ouvrir avant."),
    (None, "Indiquez la date d'ouverture de l'étude."),
]  # fmt: skip


@pytest.mark.parametrize(("days", "message"), OPENING_DATES, ids=["future", "before-a-need", "missing"])
def test_it_refuses_an_opening_date_that_cannot_be_and_keeps_the_input(client, revelateur35, qualified, days, message):
    Need.objects.filter(pk=qualified[1].pk).update(detected_on=days_ago(20))
    client.force_login(revelateur35)

    response = confirm(
        client, qualified, title="Titre gardé", opened_on=days_ago(days).isoformat() if days is not None else ""
    )

    assert response.status_code == 200
    assert response.context["form"].errors["opened_on"] == [message.format(detected=days_ago(20))]
    assert 'id="id_opened_on_error"' in response.content.decode()
    assert 'value="Titre gardé"' in response.content.decode()
    assert not Project.objects.exists()
    assert not Need.objects.filter(status=Need.Status.IN_STUDY).exists()


def test_the_service_refuses_an_opening_before_a_need_was_detected(revelateur35, qualified):
    with pytest.raises(ValidationError) as refused:
        open_study(qualified, by=revelateur35, title="Trop tôt", opened_on=days_ago(31))

    assert "l'étude ne peut pas s'ouvrir avant" in refused.value.message_dict["opened_on"][0]
    assert not Project.objects.exists()


def test_a_copil_held_before_today_is_accepted_once_the_study_opened_before_it(client, revelateur35, qualified):
    client.force_login(revelateur35)
    confirm(client, qualified, opened_on=days_ago(10).isoformat())
    project = Project.objects.get()

    response = client.post(
        f"/projets/{project.pk}/copil/", posts.copil_data(project, decided_on=days_ago(5).isoformat())
    )

    assert response.status_code == 302
    project.refresh_from_db()
    assert project.stage == Project.Stage.PORTEUR_SEARCH


@pytest.mark.parametrize(
    ("count", "wording"), [(1, "reprend ses thèmes et son territoire"), (2, "reprend leurs thèmes et leur territoire")]
)
def test_the_page_says_whose_themes_the_project_takes(client, revelateur35, qualified, count, wording):
    client.force_login(revelateur35)

    query = "&".join(f"needs={need.pk}" for need in qualified[:count])
    content = " ".join(client.get(f"/besoins/ouvrir-une-etude/?{query}").content.decode().split())

    assert f"Le projet {wording} dans le département principal." in content
