"""What each person chooses to be told, by e-mail, and what was told already."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from fabrique.models import Role


class Kind(models.TextChoices):
    PROPOSAL_RECEIVED = "proposal_received", "Un besoin proposé à ma structure par une collectivité"
    PROPOSAL_FOLLOWED = "proposal_followed", "La suite donnée à mes propositions de besoins"
    COPIL_COMING = "copil_coming", "Un COPIL qui approche sur un projet de ma structure"
    FOLLOW_UP_DUE = "follow_up_due", "Le suivi annuel attendu d'une activité créée (N+1, N+3)"
    PROJECT_DORMANT = "project_dormant", "Un projet de ma structure sans nouvelles depuis 90 jours"


class Frequency(models.TextChoices):
    IMMEDIATELY = "immediately", "Tout de suite"
    WEEKLY = "weekly", "Dans le récapitulatif de la semaine"
    NEVER = "never", "Jamais"


# The messages each role may receive, in the order « Mon compte » lists them; no other role receives any.
KINDS_BY_ROLE = {
    Role.REVELATEUR: [Kind.PROPOSAL_RECEIVED, Kind.COPIL_COMING, Kind.FOLLOW_UP_DUE, Kind.PROJECT_DORMANT],
    Role.COLLECTIVITE: [Kind.PROPOSAL_FOLLOWED],
}

# What a person receives until they choose: news of a proposal at once, the reminders once a week.
DEFAULT_FREQUENCY = {
    Kind.PROPOSAL_RECEIVED: Frequency.IMMEDIATELY,
    Kind.PROPOSAL_FOLLOWED: Frequency.IMMEDIATELY,
    Kind.COPIL_COMING: Frequency.WEEKLY,
    Kind.FOLLOW_UP_DUE: Frequency.WEEKLY,
    Kind.PROJECT_DORMANT: Frequency.WEEKLY,
}


class PreferenceQuerySet(models.QuerySet):
    def frequencies(self, users, kind):
        """Return {user id: frequency} of these users for this kind of message, the default where they chose none."""
        chosen = dict(self.filter(user__in=users, kind=kind).values_list("user_id", "frequency"))
        return {user.pk: chosen.get(user.pk, DEFAULT_FREQUENCY[kind]) for user in users}

    def of(self, user):
        """Return {kind: frequency} for every kind of message this user's role receives."""
        chosen = dict(self.filter(user=user).values_list("kind", "frequency"))
        return {kind: chosen.get(kind, DEFAULT_FREQUENCY[kind]) for kind in KINDS_BY_ROLE.get(user.role, [])}


class Preference(models.Model):
    """How often a person wants one kind of message. Without a row, DEFAULT_FREQUENCY applies."""

    Kind = Kind
    Frequency = Frequency

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preferences",
        verbose_name="personne",
    )
    kind = models.CharField("message", max_length=30, choices=Kind)
    frequency = models.CharField("fréquence", max_length=20, choices=Frequency)

    objects = PreferenceQuerySet.as_manager()

    class Meta:
        verbose_name = "préférence de notification"
        verbose_name_plural = "préférences de notification"
        ordering = ["user", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notifications_preference_one_per_kind"),
            models.CheckConstraint(condition=Q(kind__in=Kind.values), name="notifications_preference_kind_valid"),
            models.CheckConstraint(
                condition=Q(frequency__in=Frequency.values), name="notifications_preference_frequency_valid"
            ),
        ]

    def __str__(self):
        return f"{self.user} — {self.get_kind_display()} : {self.get_frequency_display()}"


class Reminder(models.Model):
    """A reminder one person was given (at once, in a digest, or not at all as they chose), so that the daily
    command never gives it twice: `key` names the fact, such as the COPIL of one meeting on one date."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name="personne"
    )
    kind = models.CharField("message", max_length=30, choices=Kind)
    key = models.CharField("objet", max_length=100)
    created_at = models.DateTimeField("le", default=timezone.now)

    class Meta:
        verbose_name = "rappel donné"
        verbose_name_plural = "rappels donnés"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="notifications_reminder_once_per_person"),
            models.CheckConstraint(condition=Q(kind__in=Kind.values), name="notifications_reminder_kind_valid"),
        ]

    def __str__(self):
        return f"{self.user} — {self.key}"


class DigestItemQuerySet(models.QuerySet):
    def waiting(self):
        return self.filter(sent_at__isnull=True)


class DigestItem(models.Model):
    """One line of a person's next weekly digest; `sent_at` is set when the digest leaves."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name="personne"
    )
    kind = models.CharField("message", max_length=30, choices=Kind)
    text = models.TextField("texte")
    url = models.CharField("lien", max_length=500)
    # The person's structure or collectivité when the line was written: what it names was theirs to see then.
    structure = models.ForeignKey(
        "territories.Structure", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    organization = models.ForeignKey(
        "partners.Organization", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField("ajouté le", default=timezone.now)
    sent_at = models.DateTimeField("envoyé le", null=True, blank=True)

    objects = DigestItemQuerySet.as_manager()

    class Meta:
        verbose_name = "ligne de récapitulatif"
        verbose_name_plural = "récapitulatifs hebdomadaires"
        ordering = ["user", "kind", "created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=Kind.values), name="notifications_digestitem_kind_valid"),
        ]
        indexes = [models.Index(fields=["user", "sent_at"], name="notifications_digest_user_sent")]

    def __str__(self):
        return self.text

    def is_for(self, user):
        """Whether `user` may still read this line: they work for the structure or collectivité they did then."""
        return (self.structure_id, self.organization_id) == (user.structure_id, user.organization_id)
