import datetime
import json
import uuid

import pytest
from django.contrib.admin.models import LogEntry
from django.test import Client
from django.utils import timezone

from needs.models import NeedEvent
from partners.models import Contact, Involvement
from projects.models import ProjectEvent
from tests.fabrique.factories import UserFactory
from tests.needs.factories import NeedFactory
from tests.pages import form_values
from tests.partners.factories import ContactFactory, InvolvementFactory, OrganizationFactory
from tests.projects.factories import ProjectFactory


@pytest.fixture
def organization(db):
    return OrganizationFactory(name="Bretagne Active", kind="solidarity_finance", siren="775672272")


@pytest.fixture
def contact(organization, revelateur35):
    return ContactFactory(
        organization=organization,
        created_by=revelateur35,
        first_name="Maëlle",
        last_name="Kerzerho-Quéméneur",
        job_title="Chargée d'accompagnement",
        email="maelle.legoff@exemple.fr",
        phone="02 99 12 34 56",
        legal_basis=Contact.LegalBasis.CONSENT,
        legal_basis_note="Accord par e-mail le 3 mars.",
    )


def contact_data(**overrides):
    return {
        "first_name": "Yann",
        "last_name": "Kervella",
        "job_title": "Directeur",
        "email": "yann.kervella@exemple.fr",
        "phone": "06 00 00 00 00",
        "legal_basis": "legitimate_interest",
        "legal_basis_note": "",
        "creation_token": str(uuid.uuid4()),
        **overrides,
    }


def edit_data(contact, **overrides):
    return {
        "first_name": contact.first_name,
        "last_name": contact.last_name,
        "job_title": contact.job_title,
        "email": contact.email,
        "phone": contact.phone,
        "legal_basis": contact.legal_basis,
        "legal_basis_note": contact.legal_basis_note,
        "version": contact.version,
        **overrides,
    }


def test_a_revelateur_records_a_person_for_their_structure(client, revelateur35, organization):
    client.force_login(revelateur35)

    response = client.post(f"/partenaires/{organization.pk}/contacts/nouveau/", contact_data())

    assert response.status_code == 302
    assert response["Location"] == f"/partenaires/{organization.pk}/#personnes"
    contact = Contact.objects.get()
    assert (contact.first_name, contact.last_name, contact.email) == ("Yann", "Kervella", "yann.kervella@exemple.fr")
    assert contact.structure == revelateur35.structure
    assert contact.created_by == revelateur35
    assert contact.organization == organization
    html = client.get(response["Location"]).content.decode()
    assert "Les coordonnées de Yann Kervella sont enregistrées, pour votre structure seulement." in html
    assert "yann.kervella@exemple.fr" in html


def test_submitting_the_form_twice_records_one_person(client, revelateur35, organization):
    client.force_login(revelateur35)
    data = contact_data()

    client.post(f"/partenaires/{organization.pk}/contacts/nouveau/", data)
    client.post(f"/partenaires/{organization.pk}/contacts/nouveau/", data)

    assert Contact.objects.count() == 1


def test_the_token_of_another_structures_form_tells_nothing_of_its_person(
    client, revelateur35, revelateur29, organization
):
    data = contact_data()
    client.force_login(revelateur29)
    client.post(f"/partenaires/{organization.pk}/contacts/nouveau/", data, follow=True)
    client.force_login(revelateur35)

    response = client.post(f"/partenaires/{organization.pk}/contacts/nouveau/", data, follow=True)

    assert "Kervella" not in response.content.decode()
    assert Contact.objects.get().structure == revelateur29.structure


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("last_name", "", "Indiquez le nom de la personne."),
        ("email", "maelle@", "Saisissez une adresse e-mail valide"),
        ("legal_basis", "", "Indiquez la base légale qui vous autorise à garder ces coordonnées."),
        ("legal_basis", "because", "Sélectionnez un choix valide"),
    ],
)
def test_bad_input_is_refused_next_to_its_field_and_kept(client, revelateur35, organization, field, value, message):
    client.force_login(revelateur35)

    response = client.post(
        f"/partenaires/{organization.pk}/contacts/nouveau/", contact_data(**{field: value, "job_title": "Gérante"})
    )

    assert response.status_code == 200
    assert message in response.content.decode()
    assert response.context["form"].errors[field]
    assert 'value="Gérante"' in response.content.decode()
    assert Contact.objects.count() == 0


def test_a_revelateur_edits_a_person_of_their_structure(client, revelateur35, contact):
    client.force_login(revelateur35)

    response = client.post(
        f"/partenaires/contacts/{contact.pk}/modifier/", edit_data(contact, job_title="Directrice", phone="")
    )

    assert response.status_code == 302
    contact.refresh_from_db()
    assert (contact.job_title, contact.phone, contact.version) == ("Directrice", "", 2)
    assert contact.updated_at > contact.created_at


def test_of_two_edits_from_the_same_version_the_second_is_refused_and_kept(client, revelateur35, contact):
    client.force_login(revelateur35)
    read = edit_data(contact)

    client.post(f"/partenaires/contacts/{contact.pk}/modifier/", {**read, "job_title": "Directrice"})
    response = client.post(f"/partenaires/contacts/{contact.pk}/modifier/", {**read, "job_title": "Gérante"})

    assert response.status_code == 200
    html = response.content.decode()
    assert "Vous avez enregistré cette fiche dans un autre onglet à" in html
    assert 'value="Gérante"' in html
    assert '<td data-label="Valeur enregistrée">Directrice</td>' in html
    assert 'name="version" value="2"' in html
    contact.refresh_from_db()
    assert contact.job_title == "Directrice"


def test_a_colleagues_change_survives_the_form_sent_again_after_a_conflict(client, revelateur35, tag35, contact):
    colleague = UserFactory(first_name="Camille", last_name="Martin", structure=tag35)
    client.force_login(revelateur35)
    path = f"/partenaires/contacts/{contact.pk}/modifier/"
    read = form_values(client.get(path), path)
    other = Client()
    other.force_login(colleague)
    other.post(path, {**form_values(other.get(path), path), "phone": "02 99 00 00 00"})

    response = client.post(path, {**read, "job_title": "Directrice"})

    html = response.content.decode()
    assert "Camille Martin a enregistré cette fiche à" in html
    assert '<th scope="row">Téléphone</th>' in html
    assert '<td data-label="Valeur enregistrée">02 99 00 00 00</td>' in html
    assert 'value="02 99 00 00 00"' in html

    assert client.post(path, form_values(response, path)).status_code == 302

    contact.refresh_from_db()
    assert (contact.job_title, contact.phone, contact.version, contact.updated_by) == (
        "Directrice",
        "02 99 00 00 00",
        3,
        revelateur35,
    )


def test_an_edit_read_before_an_erasure_is_refused(client, revelateur35, contact):
    client.force_login(revelateur35)
    read = edit_data(contact)
    client.post(f"/partenaires/contacts/{contact.pk}/effacer/")

    response = client.post(f"/partenaires/contacts/{contact.pk}/modifier/", read)

    assert response.status_code == 404
    contact.refresh_from_db()
    assert (contact.last_name, contact.email) == ("", "")


def test_the_export_holds_everything_stored_about_the_person(client, revelateur35, contact, organization):
    need = NeedFactory(
        created_by=revelateur35,
        title="Garde d'enfants",
        proposal_contact="Maëlle Kerzerho-Quéméneur, 02 99 12 34 56",
        source="collectivite",
        proposed_by=organization,
    )
    NeedEvent.objects.create(
        need=need, kind=NeedEvent.Kind.NOTE, comment="Appel de maelle.legoff@exemple.fr.", by=revelateur35
    )
    project = ProjectFactory(created_by=revelateur35, title="Épicerie solidaire")
    ProjectEvent.objects.create(
        project=project,
        kind=ProjectEvent.Kind.NOTE,
        comment="Rendez-vous avec maelle kerzerho-quéméneur.",
        by=revelateur35,
    )
    ProjectFactory(created_by=revelateur35, title="Sans mention")
    client.force_login(revelateur35)

    response = client.get(f"/partenaires/contacts/{contact.pk}/export/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="personne-{contact.pk}.json"'
    assert "no-cache" in response["Cache-Control"]
    assert "Maëlle".encode() in response.content  # UTF-8 as it is, not escaped
    data = json.loads(response.content.decode("utf-8"))
    assert data["personne"] == {
        "prenom": "Maëlle",
        "nom": "Kerzerho-Quéméneur",
        "fonction": "Chargée d'accompagnement",
        "e_mail": "maelle.legoff@exemple.fr",
        "telephone": "02 99 12 34 56",
        "base_legale": "Consentement de la personne",
        "precision_sur_la_base_legale": "Accord par e-mail le 3 mars.",
        "effacee_le": None,
    }
    assert data["organisation"] == {
        "nom": "Bretagne Active",
        "type": "Finance solidaire",
        "siren": "775672272",
        "adresse": f"http://testserver/partenaires/{organization.pk}/",
    }
    assert data["enregistrement"]["structure"] == "TAg35"
    assert data["enregistrement"]["enregistree_par"] == revelateur35.get_full_name()
    assert datetime.datetime.fromisoformat(data["enregistrement"]["enregistree_le"]) == contact.created_at
    assert data["mentions"] == [
        {"fiche": "Besoin", "intitule": "Garde d'enfants", "adresse": f"http://testserver/besoins/{need.pk}/"},
        {
            "fiche": "Historique d'un besoin",
            "intitule": "Garde d'enfants",
            "adresse": f"http://testserver/besoins/{need.pk}/",
        },
        {
            "fiche": "Historique d'un projet",
            "intitule": "Épicerie solidaire",
            "adresse": f"http://testserver/projets/{project.pk}/",
        },
    ]


def test_the_mentions_stay_within_the_structure(client, revelateur35, revelateur29, contact):
    NeedFactory(
        created_by=revelateur29,
        department=revelateur29.structure.departments.get(),
        description="Vu avec maelle.legoff@exemple.fr",
    )
    client.force_login(revelateur35)

    data = json.loads(client.get(f"/partenaires/contacts/{contact.pk}/export/").content)

    assert data["mentions"] == []


def test_erasing_a_person_asks_for_confirmation_first(client, revelateur35, contact):
    NeedFactory(created_by=revelateur35, title="Garde d'enfants", description="Contact : maelle.legoff@exemple.fr")
    client.force_login(revelateur35)

    response = client.get(f"/partenaires/contacts/{contact.pk}/effacer/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Effacer Maëlle Kerzerho-Quéméneur</h1>" in html
    assert "Ces fiches de votre structure la mentionnent encore" in html
    assert "Garde d&#x27;enfants" in html
    assert Contact.objects.get().last_name == "Kerzerho-Quéméneur"


def test_erasing_a_person_empties_it_and_keeps_the_partners_counts(client, revelateur35, contact, organization):
    project = ProjectFactory(created_by=revelateur35)
    InvolvementFactory(project=project, organization=organization, role="funder")
    InvolvementFactory(project=project, organization=OrganizationFactory(), role="expert")
    before = (Involvement.objects.count(), Involvement.objects.values("organization").distinct().count())
    client.force_login(revelateur35)

    response = client.post(f"/partenaires/contacts/{contact.pk}/effacer/")

    assert response.status_code == 302
    assert response["Location"] == f"/partenaires/{organization.pk}/#personnes"
    contact = Contact.objects.get()
    assert contact.erased_at is not None
    assert (contact.first_name, contact.last_name, contact.job_title, contact.email, contact.phone) == ("",) * 5
    assert contact.legal_basis_note == ""
    assert (contact.organization_id, contact.structure_id) == (organization.pk, revelateur35.structure_id)
    assert (Involvement.objects.count(), Involvement.objects.values("organization").distinct().count()) == before
    html = client.get(response["Location"]).content.decode()
    assert "Les données de cette personne sont effacées." in html
    assert "Personne effacée" in html
    assert "Kerzerho-Quéméneur" not in html and "maelle.legoff" not in html
    assert f'href="/partenaires/contacts/{contact.pk}/modifier/"' not in html
    # Erased stays erased: it is not erased twice, nor edited.
    assert client.post(f"/partenaires/contacts/{contact.pk}/effacer/").status_code == 404
    assert client.get(f"/partenaires/contacts/{contact.pk}/modifier/").status_code == 404


def test_the_export_of_an_erased_person_holds_nothing_of_it(client, revelateur35, contact):
    contact.erase()
    client.force_login(revelateur35)

    data = json.loads(client.get(f"/partenaires/contacts/{contact.pk}/export/").content)

    assert data["personne"]["nom"] == "" and data["personne"]["e_mail"] == ""
    assert data["personne"]["effacee_le"] is not None
    assert data["mentions"] == []


@pytest.mark.parametrize("role", ["revelateur29", "collectivite", "avise", "admin"])
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "modifier/"),
        ("post", "modifier/"),
        ("get", "export/"),
        ("get", "effacer/"),
        ("post", "effacer/"),
    ],
)
def test_no_one_but_the_structure_reaches_its_people(client, cast, contact, role, method, path):
    client.force_login(cast[role])

    response = getattr(client, method)(f"/partenaires/contacts/{contact.pk}/{path}", edit_data(contact, last_name="X"))

    assert response.status_code == 404
    contact.refresh_from_db()
    assert (contact.last_name, contact.erased_at, contact.version) == ("Kerzerho-Quéméneur", None, 1)


def test_the_avise_admin_shows_no_people(client, avise, contact):
    client.force_login(avise)

    assert client.get("/admin/partners/contact/").status_code == 403
    assert client.get(f"/admin/partners/contact/{contact.pk}/change/").status_code == 403
    index = client.get("/admin/").content.decode()
    assert "/admin/partners/contact/" not in index
    assert "/admin/partners/organization/" in index
    partners_index = client.get("/admin/partners/").content.decode()
    assert "/admin/partners/contact/" not in partners_index


def test_an_administrator_reaches_the_people_in_the_admin(client, administrator, contact):
    client.force_login(administrator)

    assert "Kerzerho-Quéméneur" in client.get("/admin/partners/contact/").content.decode()
    assert "/admin/partners/contact/" in client.get("/admin/").content.decode()


def test_the_erasure_date_is_the_moment_of_the_erasure(client, revelateur35, contact):
    client.force_login(revelateur35)
    before = timezone.now()

    client.post(f"/partenaires/contacts/{contact.pk}/effacer/")

    contact.refresh_from_db()
    assert before <= contact.erased_at <= timezone.now()


def test_erasing_a_person_removes_their_name_from_the_admin_history(client, administrator, revelateur35, contact):
    client.force_login(administrator)
    client.post(
        f"/admin/partners/contact/{contact.pk}/change/",
        {
            "organization": contact.organization_id,
            "structure": contact.structure_id,
            "first_name": contact.first_name,
            "last_name": contact.last_name,
            "job_title": "Directrice",
            "email": contact.email,
            "phone": contact.phone,
            "legal_basis": contact.legal_basis,
            "legal_basis_note": "",
        },
        follow=True,
    )
    assert LogEntry.objects.filter(object_repr__contains="Kerzerho-Quéméneur").exists()
    client.force_login(revelateur35)

    client.post(f"/partenaires/contacts/{contact.pk}/effacer/")

    assert not LogEntry.objects.filter(object_repr__contains="Kerzerho-Quéméneur").exists()
    client.force_login(administrator)
    assert "Kerzerho-Quéméneur" not in client.get("/admin/").content.decode()
