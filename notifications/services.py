"""How the notifications answer the actions of the apps below them: each receiver of a signal of needs
(needs/signals.py) enqueues the task that tells the people concerned; nothing is sent inside the request."""

from django.db import transaction

from notifications import tasks
from notifications.emails import render_message


def on_proposal_received(sender, *, need, **kwargs):
    """Tell the révélateurs of its structure of this need, just proposed by a collectivité."""
    tasks.tell_proposal_received.enqueue(need.pk)


def on_proposal_followed(sender, *, need_id, status, public_reason, **kwargs):
    """Tell the collectivité that proposed this need of the status it was just given."""
    tasks.tell_proposal_followed.enqueue(need_id, status, public_reason)


def email_changed(old_email, user):
    """Tell the former address that the account's e-mail changed: its owner learns of a change they did not make."""
    subject, body = render_message("email_changed", {"user": user})
    transaction.on_commit(lambda: tasks.send_message.enqueue(old_email, subject, body))
