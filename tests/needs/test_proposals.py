"""The « appel à révélation »: a collectivité proposes a need in its territory, the structure covering it is told,
and the collectivité follows what became of it — without the structure's notes, reasons or comments."""

import datetime
import smtplib
import uuid
from unittest import mock

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from fabrique.concurrency import EditConflict
from needs.forms import NeedProposalEditForm
from needs.models import Need, NeedEvent
from partners.models import Organization
from reports.freshness import figures_changed
from territories.models import EPCI, Commune
from tests.fabrique.factories import UserFactory
from tests.needs.factories import NeedFactory, ThemeFactory
from tests.pages import form_values
from tests.partners.factories import OrganizationFactory
from tests.projects.factories import ProjectFactory
from tests.territories.factories import CommuneFactory, DepartmentFactory, StructureFactory

PROPOSE = "/besoins/proposer/"
PROPOSALS = "/besoins/propositions/"


@pytest.fixture
def territory(ille_et_vilaine, rennes_metropole):
    """Rennes Métropole governs Rennes and Cesson-Sévigné; Redon (35) and Brest (29) lie outside it."""
    return rennes_metropole


@pytest.fixture
def brest_collectivite(territory):
    """A collectivité outside Rennes Métropole: Brest Métropole, in Finistère."""
    organization = OrganizationFactory(
        name="Brest Métropole",
        kind=Organization.Kind.EPCI,
        governed_epci=EPCI.objects.get(code="242900314"),
        siren="242900314",
    )
    return UserFactory(email="collectivite29@fabrique.test", collectivite=True, organization=organization)


@pytest.fixture
def redon_collectivite(territory):
    """Redon Agglomération spans Ille-et-Vilaine (Redon) and Morbihan (Allaire)."""
    epci = EPCI.objects.get(code="243500741")
    CommuneFactory(code="56001", name="Allaire", department=DepartmentFactory(code="56"), epci=epci)
    organization = OrganizationFactory(
        name="Redon Agglomération", kind=Organization.Kind.EPCI, governed_epci=epci, siren="243500741"
    )
    return UserFactory(email="redon@fabrique.test", collectivite=True, organization=organization)


@pytest.fixture
def tag56(db):
    return StructureFactory(name="TAg56", departments=[DepartmentFactory(code="56")])


def proposal_data(known_themes, **changes):
    return {
        "title": "Pas de garde d'enfants en horaires décalés",
        "description": "Les soignantes du CHU cherchent une solution avant 7 h et après 20 h.",
        "themes": [known_themes["Bien-vieillir"].pk, known_themes["Mobilité"].pk],
        "communes": "rennes,\nCESSON-SEVIGNE",
        "proposal_contact": "Anne Le Goff, chargée de mission cohésion sociale, anne.legoff@exemple.fr",
        "creation_token": str(uuid.uuid4()),
        **changes,
    }


def make_proposal(collectivite, structure, **fields):
    """A need this collectivité proposed to `structure`, as the form leaves it (with its first history line)."""
    fields.setdefault("proposal_contact", "Anne Le Goff, 02 99 00 00 00")
    return NeedFactory(
        created_by=collectivite,
        structure=structure,
        source=Need.Source.COLLECTIVITE,
        proposed_by=collectivite.organization,
        **fields,
    )


def assert_refused(response, field, message):
    assert response.status_code == 200
    assert not Need.objects.exists()
    assert message in response.context["form"].errors[field]
    assert message.replace("'", "&#x27;") in response.content.decode()
    assert mail.outbox == []


# The form


def test_the_form_asks_no_department_when_the_territory_lies_in_one(client, collectivite, territory, themes):
    client.force_login(collectivite)

    response = client.get(PROPOSE)

    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.fields) == ["title", "description", "themes", "communes", "proposal_contact", "creation_token"]
    assert "Mobilité" in [theme.name for theme in form.fields["themes"].queryset]
    assert "Rennes Métropole" in response.content.decode()


def test_the_form_asks_the_department_when_the_territory_spans_two(client, redon_collectivite, themes):
    client.force_login(redon_collectivite)

    response = client.get(PROPOSE)

    choices = [department.code for department in response.context["form"].fields["department"].queryset]
    assert choices == ["35", "56"]


def test_a_collectivite_proposes_a_need_that_arrives_detected_at_the_structure(
    client, collectivite, tag35, territory, themes, django_capture_on_commit_callbacks
):
    client.force_login(collectivite)
    data = proposal_data(themes)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(PROPOSE, data)

    need = Need.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/besoins/propositions/{need.pk}/"
    assert (need.title, need.status, need.source) == (
        "Pas de garde d'enfants en horaires décalés",
        Need.Status.DETECTED,
        Need.Source.COLLECTIVITE,
    )
    assert need.proposed_by == territory
    assert need.proposal_contact == "Anne Le Goff, chargée de mission cohésion sociale, anne.legoff@exemple.fr"
    assert need.created_by == collectivite
    assert need.structure == tag35
    assert (need.department_id, need.epci_id) == ("35", "243500139")
    assert sorted(commune.name for commune in need.communes.all()) == ["Cesson-Sévigné", "Rennes"]
    assert sorted(theme.name for theme in need.themes.all()) == ["Bien-vieillir", "Mobilité"]
    assert need.detected_on == timezone.localdate()
    assert str(need.creation_token) == data["creation_token"]
    event = need.events.get()
    assert (event.kind, event.to_status, event.by) == (NeedEvent.Kind.CREATED, Need.Status.DETECTED, collectivite)
    page = client.get(response["Location"]).content.decode()
    assert "Votre proposition « Pas de garde d&#x27;enfants en horaires décalés » est transmise à TAg35" in page


def test_without_communes_the_territory_gives_the_department(client, collectivite, tag35, territory, themes):
    client.force_login(collectivite)

    client.post(PROPOSE, proposal_data(themes, communes=""))

    need = Need.objects.get()
    assert (need.department_id, need.epci_id, need.structure) == ("35", "243500139", tag35)
    assert not need.communes.exists()


def test_it_refuses_a_commune_outside_the_territory(client, collectivite, tag35, territory, themes):
    client.force_login(collectivite)

    response = client.post(PROPOSE, proposal_data(themes, communes="Rennes, Redon"))

    assert_refused(response, "communes", "« Redon » n'est pas une commune du territoire de Rennes Métropole.")


def test_for_a_territory_on_two_departments_the_communes_decide(client, redon_collectivite, tag35, tag56, themes):
    client.force_login(redon_collectivite)

    client.post(PROPOSE, proposal_data(themes, communes="Allaire"))

    need = Need.objects.get()
    assert (need.department_id, need.epci_id, need.structure) == ("56", "243500741", tag56)


def test_for_a_territory_on_two_departments_without_communes_it_asks_which(
    client, redon_collectivite, tag35, tag56, themes
):
    client.force_login(redon_collectivite)

    response = client.post(PROPOSE, proposal_data(themes, communes=""))

    assert_refused(response, "department", "Indiquez les communes concernées, ou à défaut le département.")
    client.post(PROPOSE, proposal_data(themes, communes="", department="35"))
    assert Need.objects.get().structure == tag35


def test_it_refuses_communes_of_two_departments(client, redon_collectivite, tag35, tag56, themes):
    client.force_login(redon_collectivite)

    response = client.post(PROPOSE, proposal_data(themes, communes="Redon, Allaire"))

    assert_refused(
        response,
        "communes",
        "Ces communes sont dans plusieurs départements (Ille-et-Vilaine (35), Morbihan (56)) : proposez un besoin "
        "par département.",
    )


def test_it_refuses_a_department_other_than_the_communes(client, redon_collectivite, tag35, tag56, themes):
    client.force_login(redon_collectivite)

    response = client.post(PROPOSE, proposal_data(themes, communes="Allaire", department="35"))

    assert_refused(
        response,
        "department",
        "Les communes indiquées sont dans le département Morbihan (56) : choisissez-le, ou laissez ce champ vide.",
    )


def test_it_refuses_a_department_no_structure_covers(client, redon_collectivite, tag35, themes):
    client.force_login(redon_collectivite)

    response = client.post(PROPOSE, proposal_data(themes, communes="Allaire"))

    assert_refused(response, "communes", "Aucune Fabrique à initiatives ne couvre ce département pour l'instant.")
    response = client.post(PROPOSE, proposal_data(themes, communes="", department="56"))
    assert_refused(response, "department", "Aucune Fabrique à initiatives ne couvre ce département pour l'instant.")


@pytest.mark.parametrize(
    ("field", "message"),
    [
        ("title", "Indiquez l'intitulé du besoin."),
        ("description", "Décrivez le besoin."),
        ("themes", "Choisissez au moins un thème."),
        ("proposal_contact", "Indiquez qui contacter dans votre collectivité."),
    ],
)
def test_it_refuses_a_missing_field(client, collectivite, tag35, territory, themes, field, message):
    client.force_login(collectivite)

    response = client.post(PROPOSE, proposal_data(themes, **{field: [] if field == "themes" else ""}))

    assert_refused(response, field, message)


def test_a_refused_form_keeps_what_was_typed(client, collectivite, tag35, territory, themes):
    client.force_login(collectivite)
    data = proposal_data(themes, communes="Rennes, Brest")

    response = client.post(PROPOSE, data)

    html = response.content.decode()
    assert 'value="Pas de garde d&#x27;enfants en horaires décalés"' in html
    assert "Les soignantes du CHU cherchent une solution" in html
    assert "Rennes, Brest</textarea>" in html
    assert "anne.legoff@exemple.fr</textarea>" in html
    assert f'value="{data["creation_token"]}"' in html
    assert 'aria-invalid="true"' in html


def test_submitting_the_form_twice_creates_one_need(
    client, collectivite, revelateur35, tag35, territory, themes, django_capture_on_commit_callbacks, run_worker
):
    client.force_login(collectivite)
    data = proposal_data(themes)

    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(PROPOSE, data)
        second = client.post(PROPOSE, data)
    run_worker()

    need = Need.objects.get()
    assert first["Location"] == second["Location"] == f"/besoins/propositions/{need.pk}/"
    assert need.events.count() == 1
    assert len(mail.outbox) == 1


def test_the_token_of_another_collectivites_form_is_refused(
    client, collectivite, brest_collectivite, tag35, tag29, territory, themes
):
    client.force_login(collectivite)
    data = proposal_data(themes)
    client.post(PROPOSE, data)
    client.force_login(brest_collectivite)

    response = client.post(PROPOSE, {**data, "communes": "Brest"})

    assert response.status_code == 404
    assert Need.objects.count() == 1


# The e-mail to the structure's révélateurs (the worker sends it; see tests/notifications for the rest of the path)


def test_each_active_revelateur_of_the_structure_receives_an_email(
    client,
    collectivite,
    revelateur35,
    revelateur29,
    tag35,
    territory,
    themes,
    django_capture_on_commit_callbacks,
    run_worker,
):
    colleague = UserFactory(email="colleague35@fabrique.test", structure=tag35)
    UserFactory(email="left35@fabrique.test", structure=tag35, is_active=False)
    client.force_login(collectivite)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        client.post(PROPOSE, proposal_data(themes))
    run_worker()

    need = Need.objects.get()
    # The e-mails are enqueued at once (the other callbacks tell the statistics that facts were written).
    assert len([callback for callback in callbacks if callback is not figures_changed]) == 1
    assert sorted(message.to[0] for message in mail.outbox) == sorted([revelateur35.email, colleague.email])
    assert all(len(message.to) == 1 for message in mail.outbox)
    message = mail.outbox[0]
    assert message.subject == (
        "Nouveau besoin proposé par Rennes Métropole : Pas de garde d'enfants en horaires décalés"
    )
    assert "« Pas de garde d'enfants en horaires décalés »" in message.body
    assert "Rennes Métropole propose un besoin à TAg35" in message.body
    assert "anne.legoff@exemple.fr" in message.body
    assert f"https://fabrique.example.org/besoins/{need.pk}/" in message.body


def test_the_email_is_enqueued_once_the_need_is_saved(client, collectivite, revelateur35, territory, themes, tag35):
    client.force_login(collectivite)

    # Inside the test's transaction nothing is committed: nothing may have been enqueued yet.
    client.post(PROPOSE, proposal_data(themes))

    assert Need.objects.count() == 1
    assert not DBTaskResult.objects.exists()


def test_no_email_leaves_for_a_refused_form(
    client, collectivite, revelateur35, tag35, territory, themes, django_capture_on_commit_callbacks
):
    client.force_login(collectivite)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        client.post(PROPOSE, proposal_data(themes, title=""))

    assert callbacks == []
    assert not DBTaskResult.objects.exists()


def test_a_mail_server_failure_keeps_the_need(
    client, collectivite, revelateur35, tag35, territory, themes, django_capture_on_commit_callbacks, run_worker
):
    client.force_login(collectivite)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(PROPOSE, proposal_data(themes))
    with mock.patch("notifications.tasks.EmailMessage.send", side_effect=smtplib.SMTPServerDisconnected("parti")):
        run_worker()

    need = Need.objects.get()
    assert response["Location"] == f"/besoins/propositions/{need.pk}/"
    assert DBTaskResult.objects.failed().get().task_name == "send_message"


# The dashboard of the structure's révélateurs


def test_the_revelateurs_of_the_structure_see_the_proposal_first_on_their_dashboard(
    client, collectivite, revelateur35, revelateur29, tag35, territory
):
    proposal = make_proposal(collectivite, tag35, title="Laverie solidaire à Rennes")
    make_proposal(collectivite, tag35, title="Proposition déjà qualifiée", qualified=True)
    NeedFactory(created_by=revelateur35, title="Besoin saisi par le révélateur")
    client.force_login(revelateur35)

    response = client.get("/")

    assert list(response.context["proposals"]) == [proposal]
    content = response.content.decode()
    assert "Propositions des collectivités" in content
    assert content.index("Propositions des collectivités") < content.index('id="dashboard-needs"')
    assert f'<a href="/besoins/{proposal.pk}/">Laverie solidaire à Rennes</a>' in content
    assert "proposé par Rennes Métropole" in content
    client.force_login(revelateur29)
    assert "Laverie solidaire à Rennes" not in client.get("/").content.decode()


def test_the_dashboard_lists_the_newest_proposals_first(client, collectivite, revelateur35, tag35, territory):
    older = make_proposal(collectivite, tag35, created_at=timezone.now() - datetime.timedelta(days=3))
    newer = make_proposal(collectivite, tag35)
    client.force_login(revelateur35)

    assert list(client.get("/").context["proposals"]) == [newer, older]


def test_the_dashboard_runs_a_fixed_number_of_queries_whatever_the_proposals(
    client, collectivite, revelateur35, tag35, territory, django_assert_num_queries
):
    client.force_login(revelateur35)
    for count in (1, 5):
        for _ in range(count):
            make_proposal(collectivite, tag35)
        # session, user, structure, collectivités' proposals, needs by status, projects by stage and state,
        # dormant needs, dormant projects
        with django_assert_num_queries(8):
            client.get("/")


def test_the_revelateur_reads_whom_to_contact_on_the_need_page(client, collectivite, revelateur35, tag35, territory):
    need = make_proposal(collectivite, tag35, proposal_contact="Anne Le Goff, 02 99 00 00 00")
    client.force_login(revelateur35)

    content = client.get(f"/besoins/{need.pk}/").content.decode()

    assert "Personne à contacter" in content
    assert "Anne Le Goff, 02 99 00 00 00" in content


def test_the_revelateur_edits_a_proposal_but_keeps_its_origin(
    client, collectivite, revelateur35, tag35, territory, themes
):
    need = make_proposal(collectivite, tag35, title="Laverie solidaire", themes=[themes["Mobilité"]])
    client.force_login(revelateur35)
    data = {
        "title": "Laverie solidaire à Rennes",
        "description": need.description,
        "themes": [themes["Mobilité"].pk],
        "source": Need.Source.INHABITANTS,
        "department": "35",
        "detected_on": need.detected_on.isoformat(),
        "version": need.version,
    }

    response = client.post(f"/besoins/{need.pk}/modifier/", data)

    assert response.status_code == 200
    assert response.context["form"].errors["source"] == [
        "Ce besoin a été proposé par une collectivité : son origine reste « Appel à révélation (collectivité) »."
    ]
    need.refresh_from_db()
    assert (need.title, need.source) == ("Laverie solidaire", Need.Source.COLLECTIVITE)
    client.post(f"/besoins/{need.pk}/modifier/", {**data, "source": Need.Source.COLLECTIVITE})
    need.refresh_from_db()
    assert (need.title, need.proposed_by) == ("Laverie solidaire à Rennes", territory)


# What the collectivité follows


@pytest.fixture
def followed(collectivite, revelateur35, tag35, territory):
    """Proposals at each status, with the structure's internal notes, comments and reasons on them."""
    detected = make_proposal(collectivite, tag35, title="Proposition reçue")
    NeedEvent.objects.create(
        need=detected, kind=NeedEvent.Kind.NOTE, comment="Note interne : le maire hésite.", by=revelateur35
    )
    qualified = make_proposal(collectivite, tag35, title="Proposition qualifiée")
    qualified.qualify(by=revelateur35, comment="Commentaire de qualification interne.")
    dismissed = make_proposal(collectivite, tag35, title="Proposition écartée")
    dismissed.dismiss(by=revelateur35, reason="Motif confidentiel : déjà couvert par le CCAS.")
    internal = ProjectFactory(created_by=revelateur35, title="Étude interne de la laverie")
    in_internal_study = make_proposal(
        collectivite, tag35, title="Proposition à l'étude interne", status=Need.Status.IN_STUDY, project=internal
    )
    shared = ProjectFactory(created_by=revelateur35, shared=True, title="Épicerie itinérante partagée")
    in_shared_study = make_proposal(
        collectivite, tag35, title="Proposition à l'étude partagée", status=Need.Status.IN_STUDY, project=shared
    )
    return {
        "detected": detected,
        "qualified": qualified,
        "dismissed": dismissed,
        "in_internal_study": in_internal_study,
        "in_shared_study": in_shared_study,
    }


# What the structure wrote for itself: none of it reaches the collectivité.
SECRETS = ["Note interne", "le maire hésite", "Commentaire de qualification interne", "Motif confidentiel"]


def test_the_list_shows_each_proposal_with_its_status_and_its_project(client, collectivite, followed):
    client.force_login(collectivite)

    response = client.get(PROPOSALS)

    assert response.status_code == 200
    assert [need.title for need in response.context["page"]] == [
        "Proposition à l'étude partagée",
        "Proposition à l'étude interne",
        "Proposition écartée",
        "Proposition qualifiée",
        "Proposition reçue",
    ]
    content = response.content.decode()
    for label in ["Détecté", "Qualifié", "Écarté", "En étude"]:
        assert f">{label}</span>" in content
    shared = followed["in_shared_study"].project
    assert f'<a href="/projets/{shared.pk}/">Épicerie itinérante partagée</a>' in content
    internal = followed["in_internal_study"].project
    # An internal project stays the structure's own: not even its title reaches the collectivité.
    assert "Étude interne de la laverie" not in content
    assert "Une étude est ouverte" in content
    assert f'href="/projets/{internal.pk}/"' not in content
    for secret in SECRETS:
        assert secret not in content


def test_the_proposal_page_shows_its_status_and_dates_without_the_structures_comments(client, collectivite, followed):
    need = followed["dismissed"]
    client.force_login(collectivite)

    response = client.get(f"{PROPOSALS}{need.pk}/")

    assert response.status_code == 200
    content = response.content.decode()
    assert "Proposition écartée" in content
    assert "TAg35 ne donnera pas suite à ce besoin." in content
    assert "Proposition envoyée" in content
    assert [event.to_status for event in response.context["need"].moves] == ["dismissed", "detected"]
    assert "Anne Le Goff, 02 99 00 00 00" in content
    for secret in [*SECRETS, need.status_reason]:
        assert secret not in content
    for page in [followed["detected"], followed["qualified"]]:
        content = client.get(f"{PROPOSALS}{page.pk}/").content.decode()
        for secret in SECRETS:
            assert secret not in content


def test_the_proposal_page_links_the_project_only_if_the_collectivite_may_see_it(client, collectivite, followed):
    client.force_login(collectivite)

    shared = client.get(f"{PROPOSALS}{followed['in_shared_study'].pk}/").content.decode()
    internal = client.get(f"{PROPOSALS}{followed['in_internal_study'].pk}/").content.decode()

    project = followed["in_shared_study"].project
    assert f'<a href="/projets/{project.pk}/">Épicerie itinérante partagée</a>' in shared
    assert "Étude interne de la laverie" not in internal
    assert f'href="/projets/{followed["in_internal_study"].project_id}/"' not in internal
    assert "pas encore partagé" in internal


def test_another_collectivite_sees_neither_the_proposals_nor_their_pages(client, brest_collectivite, followed, tag29):
    client.force_login(brest_collectivite)

    assert list(client.get(PROPOSALS).context["page"]) == []
    for need in followed.values():
        assert client.get(f"{PROPOSALS}{need.pk}/").status_code == 404


def test_the_revelateurs_pages_stay_closed_to_the_collectivite_that_proposed(client, collectivite, followed):
    client.force_login(collectivite)

    for need in followed.values():
        assert client.get(f"/besoins/{need.pk}/").status_code == 404
    assert client.get("/besoins/").status_code == 404


def test_the_list_runs_a_fixed_number_of_queries(
    client, collectivite, revelateur35, tag35, territory, django_assert_num_queries
):
    client.force_login(collectivite)
    for count in (1, 5):
        for _ in range(count):
            project = ProjectFactory(created_by=revelateur35, shared=True)
            make_proposal(collectivite, tag35, status=Need.Status.IN_STUDY, project=project)
            make_proposal(collectivite, tag35)
        # session, user, organisation, count, the page of proposals with their project and its visibility
        with django_assert_num_queries(5):
            client.get(PROPOSALS)


def test_the_proposal_page_runs_a_fixed_number_of_queries(
    client, collectivite, revelateur35, tag35, territory, django_assert_num_queries
):
    project = ProjectFactory(created_by=revelateur35, shared=True)
    need = make_proposal(collectivite, tag35, status=Need.Status.IN_STUDY, project=project)
    client.force_login(collectivite)
    for count in (1, 5):
        for _ in range(count):
            NeedEvent.objects.create(need=need, kind=NeedEvent.Kind.STATUS, to_status="detected", by=revelateur35)
            need.themes.add(ThemeFactory())
            need.communes.add(CommuneFactory())
        # session, user, organisation, the need with its project, structure, territory and the project's
        # visibility, its themes, its communes, its history
        with django_assert_num_queries(7):
            client.get(f"{PROPOSALS}{need.pk}/")


# Who may do what: the whole cast against every page and the action

ROLES = ["anonymous", "revelateur35", "revelateur29", "collectivite", "collectivite_outside", "avise", "admin"]


@pytest.fixture
def everyone(cast, brest_collectivite):
    return {**cast, "collectivite_outside": brest_collectivite}


def sign_in(client, everyone, role):
    if everyone[role]:
        client.force_login(everyone[role])


# (page, path, who gets it: 200 for them, 404 for the other signed-in people)
PAGES = [
    ("propose", PROPOSE, {"collectivite", "collectivite_outside"}),
    ("proposals", PROPOSALS, {"collectivite", "collectivite_outside"}),
    ("proposal", PROPOSALS + "{pk}/", {"collectivite"}),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("page", "path", "allowed"), PAGES, ids=[page for page, _, _ in PAGES])
def test_each_page_answers_each_role_as_its_rights_say(client, everyone, tag35, followed, page, path, allowed, role):
    need = followed["detected"]
    sign_in(client, everyone, role)

    response = client.get(path.format(pk=need.pk))

    if role == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith("/compte/connexion/?next=/besoins/")
    else:
        assert response.status_code == (200 if role in allowed else 404)
    if role == "collectivite_outside" and page == "proposals":
        assert need.title not in response.content.decode()


def snapshot():
    return (
        list(Need.objects.order_by("pk").values_list("pk", "title", "status", "version")),
        NeedEvent.objects.count(),
    )


@pytest.mark.parametrize("role", ROLES)
def test_only_a_collectivite_proposes_and_only_in_its_territory(
    client, everyone, tag35, tag29, territory, themes, role, django_capture_on_commit_callbacks
):
    sign_in(client, everyone, role)
    before = snapshot()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(PROPOSE, proposal_data(themes))

    if role == "collectivite":
        assert response.status_code == 302
        assert Need.objects.get().proposed_by == everyone["collectivite"].organization
        return
    if role == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith("/compte/connexion/")
    elif role == "collectivite_outside":
        # Its own form, refused: Rennes lies outside Brest Métropole.
        assert response.status_code == 200
        assert "communes" in response.context["form"].errors
    else:
        assert response.status_code == 404
    assert snapshot() == before
    assert mail.outbox == []


def test_whom_to_contact_stays_with_the_structure(client, collectivite, tag35, revelateur35, avise):
    need = make_proposal(collectivite, tag35, title="Proposition avec contact")
    Need.objects.filter(pk=need.pk).update(proposal_contact="Anne Riou, anne.riou@exemple.fr")

    client.force_login(revelateur35)
    assert "anne.riou@exemple.fr" in client.get(f"/besoins/{need.pk}/").content.decode()
    client.force_login(avise)
    assert "anne.riou@exemple.fr" not in client.get(f"/besoins/{need.pk}/").content.decode()
    assert "anne.riou@exemple.fr" not in client.get(f"/admin/needs/need/{need.pk}/change/").content.decode()


# The collectivité changes its proposal, until the structure takes it up


def edit_path(need):
    return f"{PROPOSALS}{need.pk}/modifier/"


@pytest.fixture
def untouched(collectivite, tag35, territory, themes):
    """A proposal TAg35 has not acted on yet: detected, with nothing but its creation in its history."""
    return make_proposal(
        collectivite,
        tag35,
        title="Laverie solidaire",
        description="Pas de laverie dans le quartier.",
        epci=EPCI.objects.get(code="243500139"),
        themes=[themes["Mobilité"]],
        communes=[Commune.objects.get(code="35238")],
    )


def edit_data(need, known_themes, **changes):
    return {
        "title": "Laverie solidaire à Rennes",
        "description": "Pas de laverie dans le quartier du Blosne.",
        "themes": [known_themes["Mobilité"].pk, known_themes["Bien-vieillir"].pk],
        "communes": "Rennes, Cesson-Sévigné",
        "proposal_contact": "Anne Le Goff, 02 99 00 00 00",
        "version": need.version,
        **changes,
    }


def test_the_edit_form_shows_the_proposal_as_it_stands(client, collectivite, untouched):
    client.force_login(collectivite)

    response = client.get(edit_path(untouched))

    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.fields) == ["title", "description", "themes", "communes", "proposal_contact", "version"]
    html = response.content.decode()
    assert 'value="Laverie solidaire"' in html
    assert ">\nRennes</textarea>" in html
    assert f'name="version" value="{untouched.version}"' in html
    assert "tant que TAg35 ne l'a pas prise en charge" in html


def test_the_collectivite_changes_its_proposal_and_the_structure_sees_it_in_the_history(
    client, collectivite, revelateur35, untouched, themes
):
    client.force_login(collectivite)

    response = client.post(edit_path(untouched), edit_data(untouched, themes))

    assert response.status_code == 302
    assert response["Location"] == f"{PROPOSALS}{untouched.pk}/"
    need = Need.objects.get()
    assert (need.title, need.description, need.version) == (
        "Laverie solidaire à Rennes",
        "Pas de laverie dans le quartier du Blosne.",
        untouched.version + 1,
    )
    assert sorted(commune.name for commune in need.communes.all()) == ["Cesson-Sévigné", "Rennes"]
    assert sorted(theme.name for theme in need.themes.all()) == ["Bien-vieillir", "Mobilité"]
    assert (need.status, need.structure.name, need.proposed_by) == (
        Need.Status.DETECTED,
        "TAg35",
        collectivite.organization,
    )
    event = need.events.get(kind=NeedEvent.Kind.PROPOSAL_CHANGED)
    assert (event.by, event.comment) == (collectivite, "Modifié : intitulé, description, thèmes, communes.")
    page = client.get(response["Location"]).content.decode()
    assert "Vos modifications sont enregistrées : TAg35 les verra dans son suivi." in page
    assert "Proposition modifiée" in page
    # It may change it again: a change of its own does not take it up.
    assert f'href="{edit_path(need)}"' in page
    client.force_login(revelateur35)
    page = client.get(f"/besoins/{need.pk}/").content.decode()
    assert "Proposition modifiée par la collectivité" in page
    assert "Modifié : intitulé, description, thèmes, communes." in page


def test_saving_without_a_change_writes_nothing(client, collectivite, untouched, themes):
    client.force_login(collectivite)
    data = edit_data(
        untouched,
        themes,
        title="Laverie solidaire",
        description="Pas de laverie dans le quartier.",
        themes=[themes["Mobilité"].pk],
        communes="rennes",
    )

    response = client.post(edit_path(untouched), data, follow=True)

    assert "Vous n&#x27;avez rien modifié." in response.content.decode()
    assert Need.objects.get().version == untouched.version
    assert not NeedEvent.objects.filter(kind=NeedEvent.Kind.PROPOSAL_CHANGED).exists()


def test_bad_input_is_refused_next_to_its_field_and_kept(client, collectivite, untouched, themes):
    client.force_login(collectivite)

    response = client.post(edit_path(untouched), edit_data(untouched, themes, title="", communes="Rennes, Brest"))

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["title"] == ["Indiquez l'intitulé du besoin."]
    assert errors["communes"] == ["« Brest » n'est pas une commune du territoire de Rennes Métropole."]
    html = response.content.decode()
    assert "Rennes, Brest</textarea>" in html
    assert "Pas de laverie dans le quartier du Blosne.</textarea>" in html
    assert 'aria-invalid="true"' in html
    need = Need.objects.get()
    assert (need.title, need.version) == ("Laverie solidaire", untouched.version)
    assert not NeedEvent.objects.filter(kind=NeedEvent.Kind.PROPOSAL_CHANGED).exists()


def test_a_proposal_stays_with_the_structure_it_was_sent_to(client, redon_collectivite, tag35, tag56, themes):
    need = make_proposal(
        redon_collectivite, tag35, title="Épicerie solidaire", communes=[Commune.objects.get(code="35236")]
    )
    client.force_login(redon_collectivite)

    response = client.post(edit_path(need), edit_data(need, themes, communes="Allaire"))

    assert response.context["form"].errors["communes"] == [
        "Votre proposition est transmise à TAg35, qui ne couvre pas ce département : pour un besoin ailleurs, "
        "faites une nouvelle proposition."
    ]
    need.refresh_from_db()
    assert (need.title, need.department_id, need.structure) == ("Épicerie solidaire", "35", tag35)


def test_a_qualification_made_meanwhile_wins_and_the_input_is_kept(
    client, collectivite, revelateur35, untouched, themes
):
    client.force_login(collectivite)
    data = edit_data(untouched, themes)
    # The révélateur qualifies the proposal while the collectivité is typing.
    Need.objects.get().qualify(by=revelateur35)

    response = client.post(edit_path(untouched), data)

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "TAg35 a commencé à examiner votre proposition pendant que vous la modifiiez : vos modifications n'ont pas "
        "été enregistrées, et la proposition ne peut plus être modifiée ici. Votre saisie est conservée ci-dessous : "
        f"pour la transmettre, écrivez à {untouched.structure.email}."
    ]
    html = response.content.decode()
    assert 'value="Laverie solidaire à Rennes"' in html
    assert "Enregistrer les modifications" not in html
    need = Need.objects.get()
    assert (need.title, need.status) == ("Laverie solidaire", Need.Status.QUALIFIED)
    assert not NeedEvent.objects.filter(kind=NeedEvent.Kind.PROPOSAL_CHANGED).exists()


def test_a_qualification_landing_while_the_change_is_saved_wins(client, collectivite, revelateur35, untouched, themes):
    clean = NeedProposalEditForm.clean

    def qualified_meanwhile(form):
        # The révélateur's move lands after the page read the proposal, before its update.
        Need.objects.get().qualify(by=revelateur35)
        return clean(form)

    client.force_login(collectivite)
    with mock.patch.object(NeedProposalEditForm, "clean", qualified_meanwhile):
        response = client.post(edit_path(untouched), edit_data(untouched, themes))

    assert response.status_code == 200
    assert "TAg35 a commencé à examiner votre proposition" in response.content.decode()
    assert 'value="Laverie solidaire à Rennes"' in response.content.decode()
    need = Need.objects.get()
    assert (need.title, need.status) == ("Laverie solidaire", Need.Status.QUALIFIED)
    assert not NeedEvent.objects.filter(kind=NeedEvent.Kind.PROPOSAL_CHANGED).exists()


def test_the_conditional_update_refuses_a_proposal_taken_up_after_the_form_was_read(
    collectivite, revelateur35, untouched, themes
):
    form = NeedProposalEditForm(
        data=edit_data(untouched, themes), instance=untouched, organization=collectivite.organization
    )
    assert form.is_valid()
    # A note is enough: the structure has started to work on it.
    NeedEvent.objects.create(need=untouched, kind=NeedEvent.Kind.NOTE, comment="Appel à la mairie.", by=revelateur35)

    with pytest.raises(EditConflict):
        form.save(by=collectivite)

    assert Need.objects.get().title == "Laverie solidaire"


def test_two_edits_of_the_same_version_cannot_both_win(client, collectivite, untouched, themes):
    colleague = UserFactory(
        first_name="Camille",
        last_name="Martin",
        email="colleague@rennesmetropole.test",
        collectivite=True,
        organization=collectivite.organization,
    )
    first = edit_data(untouched, themes, title="Laverie du Blosne")
    second = edit_data(untouched, themes, title="Laverie de Maurepas")
    client.force_login(colleague)
    client.post(edit_path(untouched), first)
    client.force_login(collectivite)

    response = client.post(edit_path(untouched), second)

    assert response.status_code == 200
    assert "Camille Martin a enregistré cette fiche à" in response.content.decode()
    assert '<td data-label="Valeur enregistrée">Laverie du Blosne</td>' in response.content.decode()
    assert 'value="Laverie de Maurepas"' in response.content.decode()
    assert Need.objects.get().title == "Laverie du Blosne"
    # Sent again from the page that showed the conflict, knowingly: it is saved.
    client.post(edit_path(untouched), form_values(response, edit_path(untouched)))
    assert Need.objects.get().title == "Laverie de Maurepas"


def test_a_colleagues_change_survives_the_form_sent_again_after_a_conflict(client, collectivite, untouched):
    colleague = UserFactory(collectivite=True, organization=collectivite.organization)
    path = edit_path(untouched)
    client.force_login(collectivite)
    read = form_values(client.get(path), path)
    other = Client()
    other.force_login(colleague)
    other.post(path, {**form_values(other.get(path), path), "proposal_contact": "Yann Kervella, 02 99 11 11 11"})

    response = client.post(path, {**read, "title": "Laverie solidaire du Blosne"})

    html = response.content.decode()
    assert f"{colleague.get_full_name()} a enregistré cette fiche à" in html
    assert '<td data-label="Valeur enregistrée">Yann Kervella, 02 99 11 11 11</td>' in html

    client.post(path, form_values(response, path))

    need = Need.objects.get()
    assert (need.title, need.proposal_contact, need.version) == (
        "Laverie solidaire du Blosne",
        "Yann Kervella, 02 99 11 11 11",
        untouched.version + 2,
    )
    assert list(
        need.events.filter(kind=NeedEvent.Kind.PROPOSAL_CHANGED).order_by("pk").values_list("comment", "by")
    ) == [
        ("Modifié : personne à contacter.", colleague.pk),
        ("Modifié : intitulé.", collectivite.pk),
    ]


@pytest.mark.parametrize(
    "taken_up",
    [
        pytest.param(lambda need, by: need.qualify(by=by), id="qualified"),
        pytest.param(lambda need, by: need.put_on_hold(by=by, reason="Attente"), id="on_hold"),
        pytest.param(
            lambda need, by: NeedEvent.objects.create(need=need, kind=NeedEvent.Kind.NOTE, comment="Vu.", by=by),
            id="noted",
        ),
        pytest.param(
            lambda need, by: (need.dismiss(by=by, reason="Non"), need.reopen(by=by)), id="dismissed_then_reopened"
        ),
    ],
)
def test_once_the_structure_took_it_up_the_proposal_no_longer_changes(
    client, collectivite, revelateur35, untouched, themes, taken_up
):
    taken_up(untouched, revelateur35)
    client.force_login(collectivite)
    before = snapshot()

    assert client.get(edit_path(untouched)).status_code == 404
    # A form read before gets its answer, and changes nothing.
    response = client.post(edit_path(untouched), edit_data(Need.objects.get(), themes))
    assert response.status_code == 200
    assert "TAg35 a commencé à examiner votre proposition" in response.content.decode()
    assert snapshot() == before
    page = client.get(f"{PROPOSALS}{untouched.pk}/").content.decode()
    assert "Modifier ma proposition" not in page
    assert "prise en charge" not in page


def test_the_proposal_page_offers_the_change_while_it_is_allowed(client, collectivite, untouched):
    client.force_login(collectivite)

    response = client.get(f"{PROPOSALS}{untouched.pk}/")

    assert response.context["need"].is_changeable
    assert (
        f'<a class="button button--secondary"\n           href="{edit_path(untouched)}">Modifier ma proposition</a>'
        in (response.content.decode())
    )


def test_the_edit_page_runs_a_fixed_number_of_queries(
    client, collectivite, untouched, themes, django_assert_num_queries
):
    client.force_login(collectivite)
    for count in (1, 5):
        for _ in range(count):
            untouched.themes.add(ThemeFactory())
            untouched.communes.add(CommuneFactory(epci=untouched.epci, department=untouched.department))
            NeedEvent.objects.create(need=untouched, kind=NeedEvent.Kind.PROPOSAL_CHANGED, by=collectivite)
        # 1 session, 2 user, 3 organisation, 4 the proposal with its structure, its territory and whether it was
        # taken up, 5 its themes, 6 its communes, 7 the homonyms of its communes in the territory, 8 the
        # départements of the territory, 9 the themes to choose from
        with django_assert_num_queries(9):
            response = client.get(edit_path(untouched))
        assert response.status_code == 200


@pytest.mark.parametrize("role", ROLES)
def test_only_the_collectivite_that_proposed_changes_its_proposal(client, everyone, untouched, themes, role):
    sign_in(client, everyone, role)
    before = snapshot()

    page = client.get(edit_path(untouched))
    action = client.post(edit_path(untouched), edit_data(untouched, themes))

    if role == "collectivite":
        assert page.status_code == 200
        assert action.status_code == 302
        assert Need.objects.get().title == "Laverie solidaire à Rennes"
        return
    if role == "anonymous":
        assert page.status_code == action.status_code == 302
        assert page["Location"].startswith("/compte/connexion/?next=/besoins/propositions/")
    else:
        assert page.status_code == action.status_code == 404
    assert snapshot() == before


def test_a_commune_whose_name_the_territory_bears_twice_reads_back_as_its_code(
    client, collectivite, untouched, themes
):
    epci = untouched.epci
    twin = CommuneFactory(code="35998", name="Saint-Jacques", department=untouched.department, epci=epci)
    CommuneFactory(code="35999", name="Saint-Jacques", department=untouched.department, epci=epci)
    untouched.communes.add(twin)
    client.force_login(collectivite)

    form = client.get(edit_path(untouched)).context["form"]

    assert form["communes"].value() == "Rennes, 35998"
    data = edit_data(
        untouched,
        themes,
        title=untouched.title,
        description=untouched.description,
        themes=[themes["Mobilité"].pk],
        communes=form["communes"].value(),
    )
    response = client.post(edit_path(untouched), data, follow=True)
    assert "Vous n&#x27;avez rien modifié." in response.content.decode()
