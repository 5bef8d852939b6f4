"""The work the worker (`manage.py db_worker`) does: requests and the daily command only enqueue it."""

import datetime
import logging

from django.core.mail import EmailMessage
from django.db import transaction
from django.tasks import task
from django.urls import reverse
from django.utils import timezone

from fabrique.models import User
from needs.models import Need
from notifications.emails import absolute, render_message
from notifications.models import DigestItem, Frequency, Kind, Preference

logger = logging.getLogger(__name__)

# After a failed send, the next attempt waits this long; after the last one, the message is given up (and the
# failed attempts stay in the admin, « Task Results », with their error).
RETRY_DELAYS = [
    datetime.timedelta(minutes=5),
    datetime.timedelta(minutes=30),
    datetime.timedelta(hours=2),
    datetime.timedelta(hours=8),
]


@task()
def send_message(to, subject, body, attempt=1):
    """Send one e-mail to one address; if the mail server fails, try again later, up to len(RETRY_DELAYS) times."""
    try:
        EmailMessage(subject, body, to=[to]).send()
    except Exception:
        # Whatever the mail backend raises (refused, unreachable, timed out): this attempt fails and stays visible.
        if attempt <= len(RETRY_DELAYS):
            run_after = timezone.now() + RETRY_DELAYS[attempt - 1]
            send_message.using(run_after=run_after).enqueue(to, subject, body, attempt=attempt + 1)
            logger.warning("E-mail « %s » not sent (attempt %d), tried again after %s", subject, attempt, run_after)
        else:
            logger.error("E-mail « %s » not sent after %d attempts: given up", subject, attempt)
        raise


def notify(users, kind, *, template, context, line, url):
    """Tell these people of one fact, each as they chose for this kind of message: an e-mail now (enqueued), a line
    of their next weekly digest, or nothing.

    `template` names the e-mail (see `render_message`), which reads `user` and `url` besides `context`; `line` is
    the fact in one sentence, for the digest.
    """
    users = list(users)
    frequencies = Preference.objects.frequencies(users, kind)
    link = absolute(url)
    DigestItem.objects.bulk_create(
        DigestItem(
            user=user,
            kind=kind,
            text=line,
            url=link,
            structure_id=user.structure_id,
            organization_id=user.organization_id,
        )
        for user in users
        if frequencies[user.pk] == Frequency.WEEKLY
    )
    for user in users:
        if frequencies[user.pk] == Frequency.IMMEDIATELY:
            subject, body = render_message(template, {**context, "user": user, "url": link})
            enqueue_on_commit(user.email, subject, body)


def enqueue_on_commit(to, subject, body):
    """Enqueue this e-mail once the current transaction commits (at once outside one)."""
    transaction.on_commit(lambda: send_message.enqueue(to, subject, body))


def active_revelateurs(structure_ids):
    return User.objects.filter(role=User.Role.REVELATEUR, structure_id__in=structure_ids, is_active=True)


@task()
def tell_proposal_received(need_id):
    """Tell each active révélateur of its structure of a need a collectivité proposed."""
    need = Need.objects.select_related("structure", "proposed_by").filter(pk=need_id).first()
    if need is None:
        return
    notify(
        active_revelateurs([need.structure_id]),
        Kind.PROPOSAL_RECEIVED,
        template="proposal_received",
        context={"need": need, "organization": need.proposed_by, "structure": need.structure},
        line=f"{need.proposed_by.name} propose un besoin : « {need.title} ».",
        url=need.get_absolute_url(),
    )


# What a collectivité is told of its proposal, by the status the structure gave it: in the e-mail's subject, where
# the word agrees with « proposition », and in one sentence.
FOLLOWED_OUTCOMES = {
    Need.Status.QUALIFIED: "retenue",
    Need.Status.IN_STUDY: "mise à l'étude",
    Need.Status.DISMISSED: "écartée",
}
FOLLOWED_LINES = {
    Need.Status.QUALIFIED: "{structure} a retenu votre proposition « {title} » : elle est qualifiée.",
    Need.Status.IN_STUDY: "{structure} a mis votre proposition « {title} » à l'étude.",
    Need.Status.DISMISSED: "{structure} a écarté votre proposition « {title} ».",
}


@task()
def tell_proposal_followed(need_id, status, public_reason=""):
    """Tell the active accounts of the collectivité that proposed this need the status the structure gave it.

    They read the status and the public part of a dismissal's reason; never the reason itself nor the notes.
    """
    need = Need.objects.select_related("structure", "proposed_by").filter(pk=need_id).first()
    if need is None or need.proposed_by_id is None or status not in FOLLOWED_LINES:
        return
    accounts = User.objects.filter(role=User.Role.COLLECTIVITE, organization_id=need.proposed_by_id, is_active=True)
    line = FOLLOWED_LINES[status].format(structure=need.structure.name, title=need.title)
    notify(
        accounts,
        Kind.PROPOSAL_FOLLOWED,
        template="proposal_followed",
        context={
            "need": need,
            "structure": need.structure,
            "status": status,
            "outcome": FOLLOWED_OUTCOMES[status],
            "public_reason": public_reason if status == Need.Status.DISMISSED else "",
            "line": line,
        },
        line=line + (f" Motif : {public_reason}" if status == Need.Status.DISMISSED and public_reason else ""),
        url=reverse("needs:proposal", args=[need.pk]),
    )
