"""Who may open each page of the needs, and who may do each action: the whole cast against every one of them.

A révélateur reads and changes their own structure's needs; Avise staff and administrators read every need and
change none from these pages; a collectivité sees no needs yet. Whatever is not allowed answers 404 and changes
nothing; an anonymous visitor is sent to the sign-in page.
"""

import uuid

import pytest

from needs.models import Need, NeedEvent
from projects.models import Project
from tests.needs.factories import NeedFactory

ROLES = ["anonymous", "revelateur35", "revelateur29", "collectivite", "avise", "admin"]
READERS = {"revelateur35", "avise", "admin"}

# (page, path, who gets it: 200 for them, 404 for the other signed-in people)
PAGES = [
    ("list", "/besoins/", {"revelateur35", "revelateur29", "avise", "admin"}),
    ("create", "/besoins/nouveau/", {"revelateur35", "revelateur29"}),
    ("detail", "/besoins/{pk}/", READERS),
    ("edit", "/besoins/{pk}/modifier/", {"revelateur35"}),
    ("open study", "/besoins/ouvrir-une-etude/?needs={pk}", {"revelateur35"}),
    # The structure corrects its notes; so do administrators, who may do everything.
    ("correct note", "/besoins/{pk}/notes/{note}/modifier/", {"revelateur35", "admin"}),
    ("remove note", "/besoins/{pk}/notes/{note}/supprimer/", {"revelateur35", "admin"}),
]


@pytest.fixture
def need(revelateur35, ille_et_vilaine, themes):
    return NeedFactory(created_by=revelateur35, title="Garde d'enfants", themes=[themes["Mobilité"]], qualified=True)


def sign_in(client, cast, role):
    if cast[role]:
        client.force_login(cast[role])


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("page", "path", "allowed"), PAGES, ids=[page for page, _, _ in PAGES])
def test_each_page_answers_each_role_as_its_rights_say(client, cast, need, page, path, allowed, role):
    sign_in(client, cast, role)

    response = client.get(path.format(pk=need.pk, note=note_of(need).pk))

    if role == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith("/compte/connexion/?next=/besoins/")
    else:
        assert response.status_code == (200 if role in allowed else 404)


def test_the_list_of_another_structure_does_not_show_the_need(client, revelateur29, need):
    client.force_login(revelateur29)

    assert "Garde d&#x27;enfants" not in client.get("/besoins/").content.decode()


def note_of(need):
    return NeedEvent.objects.create(need=need, kind=NeedEvent.Kind.NOTE, comment="Appel du CCAS.", by=need.created_by)


def snapshot():
    """Everything an action could change."""
    return (
        list(Need.objects.order_by("pk").values_list("pk", "title", "status", "status_reason", "version", "project")),
        list(NeedEvent.objects.order_by("pk").values_list("pk", "kind", "comment", "version")),
        Project.objects.count(),
    )


def form_data(need):
    return {
        "title": "Titre changé",
        "description": "Description changée.",
        "themes": [theme.pk for theme in need.themes.all()],
        "source": Need.Source.PARTNER,
        "department": "35",
        "detected_on": "2026-01-15",
        "version": need.version,
    }


# (action, path, the status the need is in before, what is posted)
ACTIONS = [
    ("create", "/besoins/nouveau/", "detected", lambda need: {**form_data(need), "creation_token": str(uuid.uuid4())}),
    ("edit", "/besoins/{pk}/modifier/", "detected", form_data),
    ("qualify", "/besoins/{pk}/qualifier/", "detected", lambda need: {"qualify-status": "detected"}),
    (
        "put on hold",
        "/besoins/{pk}/mettre-en-attente/",
        "detected",
        lambda need: {"put_on_hold-status": "detected", "put_on_hold-reason": "Attente."},
    ),
    (
        "dismiss",
        "/besoins/{pk}/ecarter/",
        "detected",
        lambda need: {"dismiss-status": "detected", "dismiss-reason": "Couvert."},
    ),
    ("reopen", "/besoins/{pk}/rouvrir/", "on_hold", lambda need: {"reopen-status": "on_hold"}),
    ("add note", "/besoins/{pk}/notes/", "detected", lambda need: {"note-text": "Une note."}),
    (
        "open study",
        "/besoins/ouvrir-une-etude/",
        "qualified",
        lambda need: {
            "needs": [need.pk],
            "title": "Étude",
            "department": "35",
            "opened_on": need.detected_on.isoformat(),
            "creation_token": str(uuid.uuid4()),
        },
    ),
    (
        "correct note",
        "/besoins/{pk}/notes/{note}/modifier/",
        "detected",
        lambda need: {"text": "Corrigée.", "version": 1},
    ),
    ("remove note", "/besoins/{pk}/notes/{note}/supprimer/", "detected", lambda need: {"version": 1}),
]
# Who may do each action beyond the structure's révélateur: administrators correct notes too.
ALSO_ALLOWED = {"correct note": {"admin"}, "remove note": {"admin"}}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("action", "path", "status", "data"), ACTIONS, ids=[action for action, *_ in ACTIONS])
def test_each_action_is_done_by_the_structures_revelateur_only(client, cast, need, action, path, status, data, role):
    reasons = {"on_hold": "En attente du diagnostic."}
    Need.objects.filter(pk=need.pk).update(status=status, status_reason=reasons.get(status, ""))
    need.refresh_from_db()
    note = note_of(need)
    sign_in(client, cast, role)
    before = snapshot()

    response = client.post(path.format(pk=need.pk, note=note.pk), data(need))

    if role == "revelateur35" or role in ALSO_ALLOWED.get(action, set()):
        assert response.status_code == 302
        assert snapshot() != before
        return
    if role == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith("/compte/connexion/")
    elif action == "create" and role == "revelateur29":
        # Their own form, refused: the département is not theirs.
        assert response.status_code == 200
        assert "department" in response.context["form"].errors
    else:
        assert response.status_code == 404
    assert snapshot() == before
