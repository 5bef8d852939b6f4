"""The daily command: the reminders of a structure's projects go to its révélateurs, at once or in their weekly
digest as they chose, once each however often the command runs."""

import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from notifications import reminders
from notifications.models import DigestItem, Frequency, Kind, Reminder
from projects.models import Meeting, Project, ProjectEvent
from tests.fabrique.factories import UserFactory
from tests.notifications.conftest import choose
from tests.projects.factories import ActivityFactory, FollowUpFactory, ProjectFactory

TODAY = timezone.localdate()


def copil(project, *, in_days=5):
    return Meeting.objects.create(
        project=project,
        kind=Meeting.Kind.COPIL,
        held_on=TODAY + datetime.timedelta(days=in_days),
        title="COPIL de fin d'étude",
        recorded_by=project.created_by,
    )


def dormant(project, days=120):
    """Make nothing happen on this project for `days` days."""
    long_ago = timezone.now() - datetime.timedelta(days=days)
    Project.objects.filter(pk=project.pk).update(created_at=long_ago)
    ProjectEvent.objects.filter(project=project).update(at=long_ago)
    return project


@pytest.fixture
def send_reminders(django_capture_on_commit_callbacks):
    """The daily command's work, committed: its e-mails are enqueued."""

    def run(today=None):
        with django_capture_on_commit_callbacks(execute=True):
            return reminders.send_reminders(today)

    return run


@pytest.fixture
def project(revelateur35):
    return ProjectFactory(created_by=revelateur35, title="Épicerie solidaire de Maurepas")


def test_a_coming_copil_is_sent_at_once_to_each_revelateur_of_the_structure_who_chose_so(
    project, revelateur35, revelateur29, tag35, run_worker, send_reminders
):
    colleague = UserFactory(email="collegue35@fabrique.test", structure=tag35)
    UserFactory(email="parti35@fabrique.test", structure=tag35, is_active=False)
    choose(revelateur35, Kind.COPIL_COMING, Frequency.IMMEDIATELY)
    meeting = copil(project)

    assert send_reminders() == 2
    run_worker()

    [message] = mail.outbox
    assert message.to == [revelateur35.email]
    assert message.subject.startswith("COPIL le ")
    assert "Épicerie solidaire de Maurepas" in message.subject
    assert f"https://fabrique.example.org/projets/{project.pk}/" in message.body
    # The colleague keeps the default: the weekly digest.
    [line] = DigestItem.objects.filter(user=colleague)
    assert line.kind == Kind.COPIL_COMING
    assert "« Épicerie solidaire de Maurepas » (COPIL de fin d'étude)" in line.text
    assert set(Reminder.objects.values_list("key", flat=True)) == {f"copil:{meeting.pk}:{meeting.held_on}"}


def test_running_the_command_twice_the_same_day_sends_nothing_twice(
    project, revelateur35, run_worker, django_capture_on_commit_callbacks
):
    choose(revelateur35, Kind.COPIL_COMING, Frequency.IMMEDIATELY)
    copil(project)
    dormant(ProjectFactory(created_by=revelateur35))
    ActivityFactory(project__created_by=revelateur35, opened_on=datetime.date(TODAY.year - 2, 3, 1))

    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders")
    run_worker()
    tasks, lines = DBTaskResult.objects.count(), DigestItem.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders")
    run_worker()

    assert len(mail.outbox) == 1
    assert (DBTaskResult.objects.count(), DigestItem.objects.count()) == (tasks, lines)
    assert lines == 2
    assert Reminder.objects.count() == 3


def test_a_copil_further_than_two_weeks_or_of_a_stopped_project_waits(revelateur35, send_reminders):
    copil(ProjectFactory(created_by=revelateur35), in_days=15)
    copil(ProjectFactory(created_by=revelateur35, stopped=True))
    copil(ProjectFactory(created_by=revelateur35), in_days=-1)

    assert send_reminders() == 0


def test_a_copil_moved_to_another_date_is_reminded_again(project, revelateur35, send_reminders):
    meeting = copil(project, in_days=10)
    send_reminders()
    Meeting.objects.filter(pk=meeting.pk).update(held_on=TODAY + datetime.timedelta(days=3))

    assert send_reminders() == 1


def test_another_structures_revelateur_hears_nothing_of_its_projects(project, revelateur29, send_reminders):
    choose(revelateur29, Kind.COPIL_COMING, Frequency.IMMEDIATELY)
    copil(project)

    send_reminders()

    assert not Reminder.objects.filter(user=revelateur29).exists()
    assert not DigestItem.objects.filter(user=revelateur29).exists()


def test_never_sends_nothing_but_the_reminder_counts_as_given(project, revelateur35, run_worker, send_reminders):
    choose(revelateur35, Kind.COPIL_COMING, Frequency.NEVER)
    copil(project)

    send_reminders()
    run_worker()

    assert mail.outbox == []
    assert not DigestItem.objects.exists()
    # Choosing « tout de suite » afterwards brings no stale reminder back.
    choose(revelateur35, Kind.COPIL_COMING, Frequency.IMMEDIATELY)
    assert send_reminders() == 0


def test_the_follow_ups_n1_and_n3_are_due_once_their_year_is_over(revelateur35, send_reminders):
    opened = datetime.date(TODAY.year - 4, 6, 1)
    activity = ActivityFactory(project__created_by=revelateur35, name="Garage solidaire", opened_on=opened)
    FollowUpFactory(activity=activity, year=opened.year + 1)
    ActivityFactory(project__created_by=revelateur35, opened_on=datetime.date(TODAY.year - 1, 6, 1))

    send_reminders()

    [line] = DigestItem.objects.filter(kind=Kind.FOLLOW_UP_DUE)
    assert line.text == f"Suivi N+3 ({opened.year + 3}) attendu pour l'activité « Garage solidaire »."


def test_a_closed_activity_expects_no_more_follow_up(revelateur35, send_reminders):
    opened = datetime.date(TODAY.year - 5, 6, 1)
    activity = ActivityFactory(project__created_by=revelateur35, opened_on=opened)
    FollowUpFactory(
        activity=activity, year=opened.year + 1, still_active=False, closed_on=datetime.date(opened.year + 1, 9, 1)
    )

    assert send_reminders() == 0


def test_a_project_without_news_for_90_days_is_reminded_as_on_the_dashboard(revelateur35, send_reminders):
    quiet = dormant(ProjectFactory(created_by=revelateur35, title="Tiers-lieu de Bain"))
    dormant(ProjectFactory(created_by=revelateur35, stopped=True))
    dormant(ProjectFactory(created_by=revelateur35), days=60)

    send_reminders()

    [line] = DigestItem.objects.filter(kind=Kind.PROJECT_DORMANT)
    assert line.text.startswith("« Tiers-lieu de Bain » est sans nouvelles depuis le ")
    assert line.url == f"https://fabrique.example.org/projets/{quiet.pk}/"
    # News, then silence again: a new spell, a new reminder.
    ProjectEvent.objects.filter(project=quiet).update(at=timezone.now() - datetime.timedelta(days=95))
    assert send_reminders() == 1


# The weekly digest

MONDAY = datetime.date(2026, 12, 7)


def queue(user, text, *, on=None, kind=Kind.PROJECT_DORMANT):
    """Add a line to this person's next digest, today or on the day `on`."""
    created_at = timezone.now()
    if on:
        created_at = timezone.make_aware(datetime.datetime.combine(on, datetime.time(8)))
    return DigestItem.objects.create(
        user=user,
        kind=kind,
        text=text,
        url="https://fabrique.example.org/projets/1/",
        structure=user.structure,
        organization=user.organization,
        created_at=created_at,
    )


def test_the_digest_leaves_on_monday_with_every_waiting_line_once(
    revelateur35, revelateur29, run_worker, send_reminders
):
    queue(revelateur35, "« Projet A » est sans nouvelles.")
    queue(revelateur35, "COPIL le lundi 14 décembre 2026 : « Projet B ».", kind=Kind.COPIL_COMING)
    queue(revelateur29, "« Projet C » est sans nouvelles.")

    send_reminders(MONDAY)
    send_reminders(MONDAY)
    run_worker()

    assert sorted(message.to[0] for message in mail.outbox) == [revelateur29.email, revelateur35.email]
    message = next(message for message in mail.outbox if message.to == [revelateur35.email])
    assert message.subject == "Votre récapitulatif de la semaine : 2 points à suivre"
    assert "« Projet A » est sans nouvelles." in message.body
    assert "Un COPIL qui approche sur un projet de ma structure" in message.body
    assert "« Projet C »" not in message.body
    assert not DigestItem.objects.waiting().exists()


def test_the_digest_waits_for_monday_unless_a_line_waited_a_week(revelateur35, revelateur29, send_reminders):
    wednesday = MONDAY + datetime.timedelta(days=2)
    queue(revelateur35, "Récent", on=MONDAY)
    queue(revelateur29, "Ancien", on=wednesday - datetime.timedelta(days=7))

    send_reminders(wednesday)

    assert list(DigestItem.objects.waiting().values_list("text", flat=True)) == ["Récent"]


def test_no_two_digests_within_a_week(revelateur35, send_reminders):
    queue(revelateur35, "Première")
    send_reminders(MONDAY)
    queue(revelateur35, "Seconde")

    send_reminders(MONDAY)
    assert DigestItem.objects.waiting().count() == 1
    send_reminders(timezone.localdate() + datetime.timedelta(days=7))
    assert not DigestItem.objects.waiting().exists()


def test_a_line_of_a_kind_set_to_never_since_is_dropped(revelateur35, run_worker, send_reminders):
    queue(revelateur35, "Ne plus en parler")
    choose(revelateur35, Kind.PROJECT_DORMANT, Frequency.NEVER)

    send_reminders(MONDAY)
    run_worker()

    assert mail.outbox == []
    assert not DigestItem.objects.exists()


def test_a_line_a_persons_new_role_no_longer_receives_is_dropped(
    revelateur35, collectivite, run_worker, send_reminders
):
    # A révélateur who became a collectivité's account may no longer see the internal project the line names.
    queue(revelateur35, "« Projet interne » est sans nouvelles.")
    queue(collectivite, "TAg35 a retenu votre proposition « Épicerie ».", kind=Kind.PROPOSAL_FOLLOWED)
    revelateur35.role, revelateur35.structure = collectivite.role, None
    revelateur35.organization = collectivite.organization
    revelateur35.save()

    send_reminders(MONDAY)
    run_worker()

    assert [message.to for message in mail.outbox] == [[collectivite.email]]
    assert "« Projet interne »" not in mail.outbox[0].body
    assert list(DigestItem.objects.values_list("user", flat=True)) == [collectivite.pk]


def test_a_line_written_for_a_persons_former_structure_is_dropped(
    revelateur35, revelateur29, run_worker, send_reminders
):
    # A révélatrice who moved from TAg35 to TAg29 may no longer see TAg35's internal project the line names.
    queue(revelateur35, "« Projet interne de TAg35 » est sans nouvelles.")
    revelateur35.structure = revelateur29.structure
    revelateur35.save()
    queue(revelateur35, "« Projet de TAg29 » est sans nouvelles.")

    send_reminders(MONDAY)
    run_worker()

    [message] = mail.outbox
    assert "« Projet de TAg29 »" in message.body
    assert "TAg35" not in message.body
    assert not DigestItem.objects.filter(text__contains="TAg35").exists()


def test_the_command_says_how_many_reminders_it_gave(project, capsys):
    copil(project)

    call_command("send_reminders", "--date", TODAY.isoformat())

    assert capsys.readouterr().out == "1 rappel(s) donné(s).\n"
