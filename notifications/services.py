"""What the actions of the other apps call, at the point of the action: each enqueues its e-mails once the
transaction commits, so that nothing is told of a change that did not happen, and nothing is sent in the request."""

from django.db import transaction

from notifications import tasks
from notifications.emails import render_message


def proposal_received(need):
    """Tell the révélateurs of its structure of this need, just proposed by a collectivité."""
    transaction.on_commit(lambda: tasks.tell_proposal_received.enqueue(need.pk))


def proposal_followed(need):
    """Tell the collectivité that proposed this need of the status it was just given (qualified, in study,
    dismissed); nothing for a need no collectivité proposed."""
    if need.proposed_by_id is None:
        return
    status, public_reason = need.status, need.public_reason
    transaction.on_commit(lambda: tasks.tell_proposal_followed.enqueue(need.pk, status, public_reason))


def email_changed(old_email, user):
    """Tell the former address that the account's e-mail changed: its owner learns of a change they did not make."""
    subject, body = render_message("email_changed", {"user": user})
    transaction.on_commit(lambda: tasks.send_message.enqueue(old_email, subject, body))
