import datetime
import uuid

import pytest

from needs.models import Need, NeedEvent
from tests.territories.factories import CommuneFactory


@pytest.fixture
def form_data(ille_et_vilaine, themes):
    return {
        "title": "Pas de garde d'enfants en horaires décalés",
        "description": "Les soignantes de l'hôpital cherchent une solution avant 7 h et après 20 h.",
        "themes": [themes["Bien-vieillir"].pk, themes["Mobilité"].pk],
        "source": Need.Source.COLLECTIVITE,
        "source_detail": "Réunion avec le CCAS",
        "target_public": "Parents en horaires décalés",
        "department": "35",
        "epci": "243500139",
        "communes": "rennes,\nCESSON-SEVIGNE",
        "territory_kind": Need.TerritoryKind.URBAN,
        "detected_on": "2026-01-15",
        "creation_token": str(uuid.uuid4()),
    }


def test_the_form_offers_the_active_themes_and_the_structures_departments(client, revelateur35, ille_et_vilaine):
    client.force_login(revelateur35)

    response = client.get("/besoins/nouveau/")

    assert response.status_code == 200
    form = response.context["form"]
    assert "Mobilité" in [theme.name for theme in form.fields["themes"].queryset]
    assert [department.code for department in form.fields["department"].queryset] == ["35"]
    assert 'name="creation_token"' in response.content.decode()


def test_a_withdrawn_theme_is_not_offered(client, revelateur35, ille_et_vilaine, themes):
    themes["Mobilité"].is_active = False
    themes["Mobilité"].save()
    client.force_login(revelateur35)

    response = client.get("/besoins/nouveau/")

    assert "Mobilité" not in [theme.name for theme in response.context["form"].fields["themes"].queryset]


def test_it_logs_a_need_with_its_epci_and_communes_named_without_accents_or_capitals(client, revelateur35, form_data):
    client.force_login(revelateur35)

    response = client.post("/besoins/nouveau/", form_data)

    need = Need.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/besoins/{need.pk}/"
    assert need.title == "Pas de garde d'enfants en horaires décalés"
    assert need.structure == revelateur35.structure
    assert need.created_by == revelateur35
    assert need.status == Need.Status.DETECTED
    assert need.epci_id == "243500139"
    assert sorted(commune.name for commune in need.communes.all()) == ["Cesson-Sévigné", "Rennes"]
    assert sorted(theme.name for theme in need.themes.all()) == ["Bien-vieillir", "Mobilité"]
    assert need.detected_on == datetime.date(2026, 1, 15)
    assert str(need.creation_token) == form_data["creation_token"]
    event = need.events.get()
    assert (event.kind, event.to_status, event.by) == (NeedEvent.Kind.CREATED, Need.Status.DETECTED, revelateur35)
    assert "Le besoin « Pas de garde d&#x27;enfants en horaires décalés » est enregistré." in client.get(
        response["Location"]
    ).content.decode("utf-8")


def test_it_logs_a_need_without_epci_nor_communes(client, revelateur35, form_data):
    client.force_login(revelateur35)

    client.post("/besoins/nouveau/", {**form_data, "epci": "", "communes": "", "territory_kind": ""})

    need = Need.objects.get()
    assert need.epci is None
    assert not need.communes.exists()
    assert need.territory_kind == ""


def test_submitting_the_form_twice_logs_one_need(client, revelateur35, form_data):
    client.force_login(revelateur35)

    first = client.post("/besoins/nouveau/", form_data)
    second = client.post("/besoins/nouveau/", form_data)

    need = Need.objects.get()
    assert first["Location"] == second["Location"] == f"/besoins/{need.pk}/"
    assert need.events.count() == 1


def test_two_forms_log_two_needs(client, revelateur35, form_data):
    client.force_login(revelateur35)

    client.post("/besoins/nouveau/", form_data)
    client.post("/besoins/nouveau/", {**form_data, "creation_token": str(uuid.uuid4())})

    assert Need.objects.count() == 2


def test_the_token_of_another_structures_form_is_refused(client, revelateur35, revelateur29, form_data):
    client.force_login(revelateur35)
    client.post("/besoins/nouveau/", form_data)
    client.force_login(revelateur29)

    response = client.post("/besoins/nouveau/", {**form_data, "department": "29", "epci": "", "communes": ""})

    assert response.status_code == 404
    assert not Need.objects.filter(structure=revelateur29.structure).exists()


def assert_refused(response, field, message):
    assert response.status_code == 200
    assert not Need.objects.exists()
    assert message in response.context["form"].errors[field]
    assert message.replace("'", "&#x27;") in response.content.decode()


def test_it_refuses_a_detection_date_in_the_future(client, revelateur35, form_data):
    client.force_login(revelateur35)
    tomorrow = datetime.date.today() + datetime.timedelta(days=1)

    response = client.post("/besoins/nouveau/", {**form_data, "detected_on": tomorrow.isoformat()})

    assert_refused(response, "detected_on", "La date de détection ne peut pas être dans le futur.")


def test_it_refuses_a_department_of_another_structure(client, revelateur35, form_data):
    client.force_login(revelateur35)

    response = client.post("/besoins/nouveau/", {**form_data, "department": "29", "epci": "", "communes": ""})

    assert_refused(response, "department", "Choisissez l'un des départements de votre structure.")


def test_it_refuses_an_epci_outside_the_structures_departments(client, revelateur35, form_data):
    client.force_login(revelateur35)

    response = client.post("/besoins/nouveau/", {**form_data, "epci": "242900314", "communes": ""})

    assert_refused(response, "epci", "Choisissez un EPCI des départements de votre structure.")


def test_it_refuses_an_epci_of_the_structures_other_department(client, revelateur35, form_data, tag29):
    revelateur35.structure.departments.add(tag29.departments.get())
    client.force_login(revelateur35)

    response = client.post("/besoins/nouveau/", {**form_data, "department": "35", "epci": "242900314", "communes": ""})

    assert_refused(response, "epci", "Brest Métropole n'a aucune commune dans le département Ille-et-Vilaine (35).")


def test_it_refuses_an_unknown_commune(client, revelateur35, form_data):
    client.force_login(revelateur35)

    response = client.post("/besoins/nouveau/", {**form_data, "communes": "Rennes, Brest"})

    assert_refused(response, "communes", "« Brest » n'est pas une commune du département Ille-et-Vilaine (35).")


def test_it_refuses_a_commune_outside_the_chosen_epci(client, revelateur35, form_data):
    client.force_login(revelateur35)

    response = client.post("/besoins/nouveau/", {**form_data, "communes": "Redon"})

    assert_refused(response, "communes", "Redon ne fait pas partie de Rennes Métropole.")


def test_it_asks_for_the_insee_code_of_an_ambiguous_commune(client, revelateur35, form_data, ille_et_vilaine):
    CommuneFactory(code="35999", name="Rennes", department=ille_et_vilaine, epci_id="243500139")
    client.force_login(revelateur35)

    response = client.post("/besoins/nouveau/", {**form_data, "communes": "Rennes"})

    assert_refused(
        response,
        "communes",
        "Plusieurs communes du département Ille-et-Vilaine (35) s'appellent « Rennes » : indiquez laquelle par son "
        "code INSEE, par exemple « Rennes (35238) ». Ce sont Rennes (35238), Rennes (35999).",
    )


def test_an_ambiguous_commune_is_resolved_by_its_insee_code(client, revelateur35, form_data, ille_et_vilaine):
    CommuneFactory(code="35999", name="Rennes", department=ille_et_vilaine, epci_id="243500139")
    client.force_login(revelateur35)

    client.post("/besoins/nouveau/", {**form_data, "communes": "35238"})

    assert [commune.code for commune in Need.objects.get().communes.all()] == ["35238"]


def test_it_refuses_a_need_without_themes(client, revelateur35, form_data):
    client.force_login(revelateur35)

    response = client.post("/besoins/nouveau/", {**form_data, "themes": []})

    assert_refused(response, "themes", "Choisissez au moins un thème.")


@pytest.mark.parametrize(
    ("field", "message"),
    [
        ("title", "Ce champ est obligatoire."),
        ("description", "Ce champ est obligatoire."),
        ("source", "Indiquez d'où vient ce besoin."),
        ("department", "Choisissez le département concerné."),
        ("detected_on", "Indiquez la date de détection."),
    ],
)
def test_it_refuses_a_missing_required_field(client, revelateur35, form_data, field, message):
    client.force_login(revelateur35)

    response = client.post("/besoins/nouveau/", {**form_data, field: ""})

    assert_refused(response, field, message)


def test_a_refused_form_keeps_what_was_typed(client, revelateur35, form_data):
    client.force_login(revelateur35)

    response = client.post("/besoins/nouveau/", {**form_data, "themes": []})

    html = response.content.decode()
    assert 'value="Pas de garde d&#x27;enfants en horaires décalés"' in html
    assert "Les soignantes de l&#x27;hôpital cherchent une solution" in html
    assert "rennes,\nCESSON-SEVIGNE</textarea>" in html
    assert 'value="243500139" selected' in html
    assert 'value="2026-01-15"' in html
    assert f'value="{form_data["creation_token"]}"' in html
