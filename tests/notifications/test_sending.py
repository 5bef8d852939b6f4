"""Sending one e-mail: a mail server that fails is tried again later, a few times, and each failure stays visible
to the administrators."""

import datetime
import smtplib
from unittest import mock

import pytest
from django.core import mail
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from notifications.tasks import RETRY_DELAYS, send_message

REFUSED = smtplib.SMTPServerDisconnected("Connexion perdue")


def make_ready(task):
    DBTaskResult.objects.filter(pk=task.pk).update(run_after=timezone.now())


def test_a_failed_send_is_tried_again_later_with_its_attempt_counted(run_worker):
    send_message.enqueue("marie@exemple.fr", "Objet", "Texte")

    with mock.patch("notifications.tasks.EmailMessage.send", side_effect=REFUSED):
        before = timezone.now()
        run_worker()

    failed = DBTaskResult.objects.failed().get()
    assert failed.exception_class_path == "smtplib.SMTPServerDisconnected"
    assert "Connexion perdue" in failed.traceback
    retry = DBTaskResult.objects.get(status="READY")
    assert retry.args_kwargs == {"args": ["marie@exemple.fr", "Objet", "Texte"], "kwargs": {"attempt": 2}}
    assert before + RETRY_DELAYS[0] <= retry.run_after <= timezone.now() + RETRY_DELAYS[0]
    assert mail.outbox == []

    # Once its time comes, the next attempt, with the server back, sends it.
    make_ready(retry)
    run_worker()

    assert [message.to for message in mail.outbox] == [["marie@exemple.fr"]]
    assert DBTaskResult.objects.get(pk=retry.pk).status == "SUCCESSFUL"


def test_the_attempts_wait_longer_each_time_then_stop(run_worker):
    send_message.enqueue("marie@exemple.fr", "Objet", "Texte")

    with mock.patch("notifications.tasks.EmailMessage.send", side_effect=REFUSED):
        for _ in range(len(RETRY_DELAYS) + 1):
            run_worker()
            for waiting in DBTaskResult.objects.filter(status="READY"):
                make_ready(waiting)

    attempts = DBTaskResult.objects.order_by("enqueued_at")
    assert [row.args_kwargs["kwargs"].get("attempt", 1) for row in attempts] == [1, 2, 3, 4, 5]
    assert all(row.status == "FAILED" for row in attempts)
    assert RETRY_DELAYS == sorted(RETRY_DELAYS)
    assert RETRY_DELAYS[-1] >= datetime.timedelta(hours=1)


@pytest.mark.parametrize(("role", "status"), [("admin", 200), ("avise", 403)])
def test_the_failed_sends_are_for_the_administrators_eyes(client, cast, run_worker, role, status):
    send_message.enqueue("marie@exemple.fr", "Objet confidentiel", "Texte")
    with mock.patch("notifications.tasks.EmailMessage.send", side_effect=REFUSED):
        run_worker()
    failed = DBTaskResult.objects.failed().get()
    client.force_login(cast[role])

    listing = client.get("/admin/django_tasks_database/dbtaskresult/?status__exact=FAILED")
    detail = client.get(f"/admin/django_tasks_database/dbtaskresult/{failed.pk}/change/")

    assert (listing.status_code, detail.status_code) == (status, status)
    if status == 200:
        assert str(failed.pk) in listing.content.decode()
        assert "Connexion perdue" in detail.content.decode()
