"""Qualify, put on hold, dismiss and reopen a need from its page: only the moves its status allows."""

import pytest
from django.core.exceptions import ValidationError

from needs.models import Need, NeedEvent
from tests.needs.factories import NeedFactory
from tests.projects.factories import ProjectFactory

PATHS = {
    "qualify": "qualifier",
    "put_on_hold": "mettre-en-attente",
    "dismiss": "ecarter",
    "reopen": "rouvrir",
}


def post(client, need, name, reason="", status=None):
    return client.post(
        f"/besoins/{need.pk}/{PATHS[name]}/",
        {f"{name}-status": status or need.status, f"{name}-reason": reason},
    )


@pytest.fixture
def need(revelateur35, ille_et_vilaine):
    return NeedFactory(created_by=revelateur35, title="Garde d'enfants")


def last_event(need):
    return need.events.order_by("-pk").first()


def test_it_qualifies_a_detected_need(client, revelateur35, need):
    client.force_login(revelateur35)

    response = post(client, need, "qualify", reason="Confirmé par trois entretiens.")

    assert response.status_code == 302
    assert response["Location"] == f"/besoins/{need.pk}/"
    need.refresh_from_db()
    assert need.status == Need.Status.QUALIFIED
    event = last_event(need)
    assert (event.kind, event.from_status, event.to_status) == (
        NeedEvent.Kind.STATUS,
        Need.Status.DETECTED,
        Need.Status.QUALIFIED,
    )
    assert (event.by, event.comment) == (revelateur35, "Confirmé par trois entretiens.")
    assert "Le besoin est qualifié." in client.get(response["Location"]).content.decode()


def test_it_qualifies_without_a_comment(client, revelateur35, need):
    client.force_login(revelateur35)

    post(client, need, "qualify")

    need.refresh_from_db()
    assert need.status == Need.Status.QUALIFIED


@pytest.mark.parametrize("name", ["put_on_hold", "dismiss"])
def test_it_sets_a_need_aside_with_its_reason(client, revelateur35, need, name):
    client.force_login(revelateur35)

    post(client, need, name, reason="  Déjà couvert par le centre social.  ")

    need.refresh_from_db()
    assert need.status == {"put_on_hold": Need.Status.ON_HOLD, "dismiss": Need.Status.DISMISSED}[name]
    assert need.status_reason == "Déjà couvert par le centre social."
    assert last_event(need).comment == "Déjà couvert par le centre social."


@pytest.mark.parametrize("name", ["put_on_hold", "dismiss"])
def test_it_asks_for_the_reason_of_setting_a_need_aside(client, revelateur35, need, name):
    client.force_login(revelateur35)

    response = post(client, need, name, reason="   ")

    assert response.status_code == 200
    assert response.context["transition_forms"]
    html = response.content.decode()
    assert "Indiquez un motif." in html
    assert f'id="id_{name}-reason_error"' in html
    need.refresh_from_db()
    assert need.status == Need.Status.DETECTED
    assert need.events.count() == 1


def test_a_refused_reason_keeps_the_other_forms_and_the_timeline(client, revelateur35, need):
    client.force_login(revelateur35)

    response = post(client, need, "dismiss")

    html = response.content.decode()
    assert f'action="/besoins/{need.pk}/qualifier/"' in html
    assert "Besoin saisi" in html
    assert "Erreur —" in html.split("</title>")[0]


@pytest.mark.parametrize("trait", ["on_hold", "dismissed"])
def test_it_reopens_a_need_set_aside(client, revelateur35, ille_et_vilaine, trait):
    need = NeedFactory(created_by=revelateur35, **{trait: True})
    client.force_login(revelateur35)

    post(client, need, "reopen", reason="La commune relance le sujet.")

    need.refresh_from_db()
    assert need.status == Need.Status.DETECTED
    assert need.status_reason == ""
    assert last_event(need).comment == "La commune relance le sujet."


@pytest.mark.parametrize(
    ("trait", "name"),
    [
        ("qualified", "qualify"),
        ("dismissed", "qualify"),
        ("dismissed", "put_on_hold"),
        ("dismissed", "dismiss"),
        ("detected", "reopen"),
        ("qualified", "reopen"),
        ("in_study", "qualify"),
        ("in_study", "put_on_hold"),
        ("in_study", "dismiss"),
        ("in_study", "reopen"),
    ],
    ids=lambda value: value,
)
def test_it_refuses_a_move_the_status_does_not_allow(client, revelateur35, ille_et_vilaine, trait, name):
    need = NeedFactory(created_by=revelateur35, **({trait: True} if trait in {"qualified", "dismissed"} else {}))
    if trait == "in_study":
        Need.objects.filter(pk=need.pk).update(
            status=Need.Status.IN_STUDY, project=ProjectFactory(created_by=revelateur35)
        )
        need.refresh_from_db()
    before = (need.status, need.status_reason, need.version, need.events.count())
    client.force_login(revelateur35)

    response = post(client, need, name, reason="Un motif.")

    assert response.status_code == 302
    need.refresh_from_db()
    assert (need.status, need.status_reason, need.version, need.events.count()) == before
    html = client.get(response["Location"]).content.decode()
    assert f"Ce besoin est « {need.get_status_display()} » : cette action n&#x27;est pas possible." in html


def test_a_stale_form_changes_nothing_after_someone_else_moved_the_need(client, revelateur35, need):
    client.force_login(revelateur35)
    # The page was read while the need was detected; meanwhile a colleague qualified it.
    need.qualify(by=revelateur35)

    response = post(client, need, "dismiss", reason="Déjà couvert.", status=Need.Status.DETECTED)

    need.refresh_from_db()
    assert need.status == Need.Status.QUALIFIED
    assert need.events.count() == 2
    html = client.get(response["Location"]).content.decode()
    assert (
        "Ce besoin a changé de statut entre-temps : il est maintenant « Qualifié ». Rien n&#x27;a été modifié." in html
    )


def test_a_form_without_the_status_it_was_read_at_changes_nothing(client, revelateur35, need):
    client.force_login(revelateur35)

    client.post(f"/besoins/{need.pk}/qualifier/", {})

    need.refresh_from_db()
    assert need.status == Need.Status.DETECTED


def test_of_two_concurrent_moves_one_wins(revelateur35, need):
    first, second = Need.objects.get(pk=need.pk), Need.objects.get(pk=need.pk)
    first.qualify(by=revelateur35)

    with pytest.raises(ValidationError, match="Ce besoin a changé depuis que vous avez ouvert cette page"):
        second.dismiss(by=revelateur35, reason="Déjà couvert.")

    need.refresh_from_db()
    assert need.status == Need.Status.QUALIFIED


@pytest.mark.parametrize("name", PATHS)
def test_a_move_is_post_only(client, revelateur35, need, name):
    client.force_login(revelateur35)

    response = client.get(f"/besoins/{need.pk}/{PATHS[name]}/")

    assert response.status_code == 405


def test_a_move_the_status_forbids_is_refused_as_such_even_without_a_reason(revelateur35):
    need = NeedFactory(created_by=revelateur35, dismissed=True)

    with pytest.raises(ValidationError, match="cette action n'est pas possible"):
        need.put_on_hold(by=revelateur35, reason="")
