"""The reminders of the daily command (`manage.py send_reminders`), and the weekly digests.

Each reminder names its fact by a key (the COPIL of one meeting on one date, the N+1 follow-up of one activity, one
spell of silence of a project); a person is given a key once (`Reminder`), so that running the command twice sends
nothing twice.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Exists, Max, OuterRef
from django.utils import timezone
from django.utils.formats import date_format

from notifications.emails import render_message
from notifications.models import KINDS_BY_ROLE, DigestItem, Frequency, Kind, Preference, Reminder
from notifications.tasks import active_revelateurs, enqueue_on_commit, notify
from projects.models import Activity, FollowUp, Meeting, Project

# A COPIL is announced this many days ahead: a weekly digest still arrives before it.
COPIL_NOTICE_DAYS = 14
# The follow-ups the network reports: N+1 and N+3 after the year the activity opened.
FOLLOW_UP_YEARS = (1, 3)
# A weekly digest leaves on Mondays, and never twice within this many days.
DIGEST_DAYS = 7
MONDAY = 0


@dataclass
class Due:
    """One fact to remind the révélateurs of a structure of."""

    kind: str
    key: str
    structure_id: int
    line: str
    url: str
    context: dict


def copils_coming(today):
    meetings = (
        Meeting.objects.filter(
            kind=Meeting.Kind.COPIL, held_on__gte=today, held_on__lte=today + datetime.timedelta(COPIL_NOTICE_DAYS)
        )
        .exclude(project__state=Project.State.STOPPED)
        .select_related("project")
        .order_by("held_on", "pk")
    )
    for meeting in meetings:
        project = meeting.project
        when = date_format(meeting.held_on, "l j F Y")
        yield Due(
            kind=Kind.COPIL_COMING,
            key=f"copil:{meeting.pk}:{meeting.held_on:%Y-%m-%d}",
            structure_id=project.structure_id,
            line=f"COPIL le {when} : « {project.title} » ({meeting.title}).",
            url=project.get_absolute_url(),
            context={"project": project, "meeting": meeting, "when": when},
        )


def follow_ups_due(today):
    """Yield the N+1 and N+3 follow-ups whose year is over and not recorded, of the activities not known closed."""
    closed = FollowUp.objects.filter(activity=OuterRef("pk"), still_active=False)
    activities = (
        Activity.objects.filter(opened_on__year__lt=today.year - min(FOLLOW_UP_YEARS))
        .exclude(Exists(closed))
        .select_related("project")
        .prefetch_related("follow_ups")
        .order_by("opened_on", "pk")
    )
    for activity in activities:
        recorded = {follow_up.year for follow_up in activity.follow_ups.all()}
        for offset in FOLLOW_UP_YEARS:
            year = activity.opened_on.year + offset
            if year < today.year and year not in recorded:
                yield Due(
                    kind=Kind.FOLLOW_UP_DUE,
                    key=f"follow_up:{activity.pk}:{year}",
                    structure_id=activity.project.structure_id,
                    line=f"Suivi N+{offset} ({year}) attendu pour l'activité « {activity.name} ».",
                    url=activity.project.get_absolute_url(),
                    context={"activity": activity, "project": activity.project, "offset": offset, "year": year},
                )


def projects_dormant(today):
    """Yield the projects « à relancer » of the dashboard, once for each spell of silence."""
    for project in Project.objects.dormant().order_by("last_activity", "pk"):
        since = timezone.localtime(project.last_activity).date()
        yield Due(
            kind=Kind.PROJECT_DORMANT,
            key=f"dormant:{project.pk}:{since:%Y-%m-%d}",
            structure_id=project.structure_id,
            line=f"« {project.title} » est sans nouvelles depuis le {date_format(since, 'j F Y')}.",
            url=project.get_absolute_url(),
            context={"project": project, "since": date_format(since, "j F Y")},
        )


@transaction.atomic
def send_reminders(today=None):
    """Give each révélateur the reminders of their structure not given yet, as they chose; then send the weekly
    digests that are due (see `send_digests`). Return how many reminders were given.

    All in one transaction, the e-mails enqueued on commit: a run that fails tells nobody anything.
    """
    today = today or timezone.localdate()
    given_count = give_reminders(today)
    send_digests(today)
    return given_count


def give_reminders(today):
    due = [*copils_coming(today), *follow_ups_due(today), *projects_dormant(today)]
    people = defaultdict(list)
    for user in active_revelateurs({item.structure_id for item in due}):
        people[user.structure_id].append(user)
    given = set(Reminder.objects.filter(key__in=[item.key for item in due]).values_list("user_id", "key").order_by())
    reminders = []
    for item in due:
        recipients = [user for user in people[item.structure_id] if (user.pk, item.key) not in given]
        if not recipients:
            continue
        reminders += [Reminder(user=user, kind=item.kind, key=item.key) for user in recipients]
        notify(recipients, item.kind, template=item.kind, context=item.context, line=item.line, url=item.url)
    Reminder.objects.bulk_create(reminders)
    return len(reminders)


def send_digests(today):
    """Send their digest to the people whose waiting lines are due: on Mondays, or once the oldest line waited
    DIGEST_DAYS days (a Monday the command did not run); never twice within DIGEST_DAYS days. A line of a kind the
    person has since set to « Jamais », or that their role no longer receives, or written when they worked for
    another structure or collectivité (they may no longer see what it speaks of), is dropped."""
    waiting = list(
        DigestItem.objects.waiting()
        .filter(user__is_active=True)
        .select_related("user")
        .order_by("kind", "created_at", "pk")
    )
    users = {item.user_id for item in waiting}
    last_sent = dict(
        DigestItem.objects.filter(user__in=users, sent_at__isnull=False)
        .values("user_id")
        .annotate(last=Max("sent_at"))
        .values_list("user_id", "last")
        .order_by()
    )
    never = set(
        Preference.objects.filter(user__in=users, frequency=Frequency.NEVER).values_list("user_id", "kind").order_by()
    )
    by_user = defaultdict(list)
    for item in waiting:
        by_user[item.user].append(item)
    week_ago = today - datetime.timedelta(days=DIGEST_DAYS)
    now = timezone.now()
    sent, dropped = [], []
    for user, items in by_user.items():
        last = last_sent.get(user.pk)
        if last is not None and timezone.localtime(last).date() > week_ago:
            continue
        oldest = min(timezone.localtime(item.created_at).date() for item in items)
        if today.weekday() != MONDAY and oldest > week_ago:
            continue
        received = {kind for kind in KINDS_BY_ROLE.get(user.role, []) if (user.pk, kind) not in never}
        kept = [item for item in items if item.kind in received and item.is_for(user)]
        dropped += [item.pk for item in items if item not in kept]
        if not kept:
            continue
        sections = defaultdict(list)
        for item in kept:
            sections[Kind(item.kind).label].append(item)
        subject, body = render_message("digest", {"user": user, "sections": dict(sections), "count": len(kept)})
        enqueue_on_commit(user.email, subject, body)
        sent += [item.pk for item in kept]
    DigestItem.objects.filter(pk__in=sent).update(sent_at=now)
    DigestItem.objects.filter(pk__in=dropped).delete()
    return len(sent)
