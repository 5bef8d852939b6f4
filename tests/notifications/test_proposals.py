"""A collectivité's proposal tells the révélateurs of the structure; what the structure makes of it tells the
collectivité — each through the worker, as each person chose, and never what the collectivité may not read."""

import pytest
from django.core import mail
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from needs.models import Need
from notifications.models import DigestItem, Frequency, Kind
from tests.fabrique.factories import UserFactory
from tests.needs.factories import NeedFactory, ThemeFactory
from tests.notifications.conftest import choose


def propose(client, collectivite):
    client.force_login(collectivite)
    return client.post(
        "/besoins/proposer/",
        {
            "title": "Un garage solidaire",
            "description": "Les habitants sans voiture ne trouvent pas d'emploi.",
            "themes": [ThemeFactory(name="Mobilité").pk],
            "communes": "Rennes",
            "proposal_contact": "Anne Le Goff",
        },
    )


def test_a_proposal_only_enqueues_its_emails_and_the_worker_sends_them(
    client, collectivite, revelateur35, revelateur29, tag35, django_capture_on_commit_callbacks, run_worker
):
    with django_capture_on_commit_callbacks(execute=True):
        response = propose(client, collectivite)

    need = Need.objects.get()
    assert response.status_code == 302
    assert mail.outbox == []
    task = DBTaskResult.objects.get()
    assert (task.task_path, task.status) == ("notifications.tasks.tell_proposal_received", "READY")

    run_worker()

    assert [message.to for message in mail.outbox] == [[revelateur35.email]]
    assert f"https://fabrique.example.org/besoins/{need.pk}/" in mail.outbox[0].body
    assert "https://fabrique.example.org/compte/" in mail.outbox[0].body
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}


@pytest.mark.parametrize(
    ("frequency", "emails", "digest_lines"), [("immediately", 1, 0), ("weekly", 0, 1), ("never", 0, 0)]
)
def test_a_revelateur_is_told_of_a_proposal_as_they_chose(
    client,
    collectivite,
    revelateur35,
    tag35,
    django_capture_on_commit_callbacks,
    run_worker,
    frequency,
    emails,
    digest_lines,
):
    choose(revelateur35, Kind.PROPOSAL_RECEIVED, frequency)

    with django_capture_on_commit_callbacks(execute=True):
        propose(client, collectivite)
    run_worker()

    assert len(mail.outbox) == emails
    assert DigestItem.objects.filter(user=revelateur35, kind=Kind.PROPOSAL_RECEIVED).count() == digest_lines


PATHS = {"qualify": "qualifier", "dismiss": "ecarter"}


def move(client, user, need, action, django_capture_on_commit_callbacks, **data):
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(f"/besoins/{need.pk}/{PATHS[action]}/", {f"{action}-status": need.status, **data})


def test_the_collectivite_is_told_its_proposal_is_taken_up(
    client, proposal, collectivite, revelateur35, django_capture_on_commit_callbacks, run_worker
):
    colleague = UserFactory(email="collegue@rennes.test", collectivite=True, organization=collectivite.organization)

    move(client, revelateur35, proposal, "qualify", django_capture_on_commit_callbacks, **{"qualify-reason": "Vu."})
    run_worker()

    assert sorted(message.to[0] for message in mail.outbox) == sorted([collectivite.email, colleague.email])
    message = mail.outbox[0]
    assert message.subject == "Votre proposition « Une épicerie solidaire à Rennes » est retenue"
    assert "TAg35 a retenu votre proposition « Une épicerie solidaire à Rennes »" in message.body
    assert f"https://fabrique.example.org/besoins/propositions/{proposal.pk}/" in message.body
    assert "Vu." not in message.body


def test_a_dismissal_tells_the_public_reason_and_never_the_internal_one(
    client, proposal, collectivite, revelateur35, django_capture_on_commit_callbacks, run_worker
):
    response = move(
        client,
        revelateur35,
        proposal,
        "dismiss",
        django_capture_on_commit_callbacks,
        **{"dismiss-reason": "Porteur peu fiable.", "dismiss-public_reason": "Une association y répond déjà."},
    )
    run_worker()

    assert response.status_code == 302
    proposal.refresh_from_db()
    assert (proposal.status_reason, proposal.public_reason) == (
        "Porteur peu fiable.",
        "Une association y répond déjà.",
    )
    [message] = mail.outbox
    assert message.to == [collectivite.email]
    assert message.subject == "Votre proposition « Une épicerie solidaire à Rennes » est écartée"
    assert "TAg35 a écarté votre proposition" in message.body
    assert "Une association y répond déjà." in message.body
    assert "Porteur peu fiable" not in message.body
    client.force_login(collectivite)
    page = client.get(f"/besoins/propositions/{proposal.pk}/").content.decode()
    assert "Une association y répond déjà." in page
    assert "Porteur peu fiable" not in page
    client.force_login(revelateur35)
    page = client.get(f"/besoins/{proposal.pk}/").content.decode()
    assert "Motif communiqué à la collectivité : Une association y répond déjà." in page


def test_reopening_a_dismissed_proposal_clears_what_the_collectivite_was_told(
    client, proposal, revelateur35, django_capture_on_commit_callbacks
):
    reasons = {"dismiss-reason": "Hors champ.", "dismiss-public_reason": "Hors du champ de la Fabrique."}
    move(client, revelateur35, proposal, "dismiss", django_capture_on_commit_callbacks, **reasons)
    proposal.refresh_from_db()

    client.post(f"/besoins/{proposal.pk}/rouvrir/", {"reopen-status": proposal.status})

    proposal.refresh_from_db()
    assert (proposal.status, proposal.public_reason) == (Need.Status.DETECTED, "")


def test_the_collectivite_is_told_its_proposal_is_studied(
    client, proposal, collectivite, revelateur35, django_capture_on_commit_callbacks, run_worker
):
    Need.objects.filter(pk=proposal.pk).update(status=Need.Status.QUALIFIED)
    client.force_login(revelateur35)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/besoins/ouvrir-une-etude/",
            {
                "needs": [proposal.pk],
                "title": "Épicerie solidaire",
                "department": "35",
                "opened_on": timezone.localdate().isoformat(),
            },
        )
    run_worker()

    assert response.status_code == 302
    [message] = mail.outbox
    assert message.to == [collectivite.email]
    assert message.subject == "Votre proposition « Une épicerie solidaire à Rennes » est mise à l'étude"
    assert "TAg35 a mis votre proposition « Une épicerie solidaire à Rennes » à l'étude." in message.body


def test_only_the_collectivite_that_proposed_is_told(
    client,
    proposal,
    collectivite,
    other_collectivite,
    revelateur35,
    tag35,
    django_capture_on_commit_callbacks,
    run_worker,
):
    detected_by_the_structure = NeedFactory(created_by=revelateur35, title="Repéré sur le terrain")

    move(client, revelateur35, proposal, "qualify", django_capture_on_commit_callbacks)
    move(client, revelateur35, detected_by_the_structure, "qualify", django_capture_on_commit_callbacks)
    run_worker()

    assert [message.to for message in mail.outbox] == [[collectivite.email]]


def test_a_collectivite_that_chose_never_is_told_nothing(
    client, proposal, collectivite, revelateur35, django_capture_on_commit_callbacks, run_worker
):
    choose(collectivite, Kind.PROPOSAL_FOLLOWED, Frequency.NEVER)

    move(client, revelateur35, proposal, "qualify", django_capture_on_commit_callbacks)
    run_worker()

    assert mail.outbox == []
    assert not DigestItem.objects.exists()


def test_a_refused_move_tells_nobody(client, proposal, revelateur35, django_capture_on_commit_callbacks):
    # Dismissing asks for a reason: refused, nothing is enqueued.
    move(client, revelateur35, proposal, "dismiss", django_capture_on_commit_callbacks, **{"dismiss-reason": ""})

    assert not DBTaskResult.objects.exists()


def test_the_public_reason_is_offered_only_for_a_proposal(client, proposal, revelateur35):
    own = NeedFactory(created_by=revelateur35)
    client.force_login(revelateur35)

    assert "Motif communiqué à la collectivité" in client.get(f"/besoins/{proposal.pk}/").content.decode()
    assert "Motif communiqué à la collectivité" not in client.get(f"/besoins/{own.pk}/").content.decode()
