import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from fabrique.concurrency import CHANGED_MEANWHILE
from fabrique.corrections import correct_row, delete_row
from fabrique.fields import SHORT_TEXT, LimitedTextField
from fabrique.search import search_filter


class Theme(models.Model):
    """An editable taxonomy shared by needs and projects."""

    name = models.CharField("nom", max_length=100, unique=True)
    is_active = models.BooleanField("proposé à la saisie", default=True)

    class Meta:
        verbose_name = "thème"
        # One order wherever themes are listed (forms, filters, pages): by name, ignoring accents and case, so that
        # « Économie circulaire » comes before « Habitat ».
        ordering = [models.F("name__fold").asc()]

    def __str__(self):
        return self.name


class NeedStatus(models.TextChoices):
    DETECTED = "detected", "Détecté"
    QUALIFIED = "qualified", "Qualifié"
    IN_STUDY = "in_study", "En étude"
    ON_HOLD = "on_hold", "En attente"
    DISMISSED = "dismissed", "Écarté"


class NeedSource(models.TextChoices):
    # A collectivité's proposal is its « appel à révélation », whether it typed it on its pages or a révélateur did.
    COLLECTIVITE = "collectivite", "Appel à révélation (collectivité)"
    INHABITANTS = "inhabitants", "Habitants"
    IDEA_SCOUT = "idea_scout", "Capteur d'idées"
    PARTNER = "partner", "Partenaire"
    WATCH = "watch", "Veille / auto-saisine"


# The labels an older spreadsheet may still use for an origin: the import reads them as the origin they now are.
NEED_SOURCE_ALIASES = {"Collectivité": NeedSource.COLLECTIVITE, "Appel à révélation": NeedSource.COLLECTIVITE}


class TerritoryKind(models.TextChoices):
    RURAL = "rural", "Rural"
    URBAN = "urban", "Urbain"
    PRIORITY_AREA = "priority_area", "Quartier prioritaire"


class NeedQuerySet(models.QuerySet):
    def of_structure(self, structure):
        return self.filter(structure=structure)

    def visible_to(self, user):
        """Return the needs this user may see: their structure's, or all of them for Avise staff."""
        if not user.is_authenticated:
            return self.none()
        if user.is_revelateur:
            return self.filter(structure_id=user.structure_id)
        if user.is_avise or user.is_superuser:
            return self
        return self.none()

    def editable_by(self, user):
        """Return the needs this user may change: their structure's, for a révélateur; none for anyone else."""
        if user.is_authenticated and user.is_revelateur:
            return self.filter(structure_id=user.structure_id)
        return self.none()

    def correctable_by(self, user):
        """Return the needs whose notes this user may correct or remove: their structure's révélateurs, and
        administrators."""
        if user.is_authenticated and user.is_superuser:
            return self
        return self.editable_by(user)

    def proposals(self):
        """Return the needs a collectivité proposed (« appel à révélation »)."""
        return self.filter(proposed_by__isnull=False)

    def detected_by_structures(self):
        """Return the needs a structure detected itself, not proposed by a collectivité."""
        return self.filter(proposed_by__isnull=True)

    def proposed_by(self, organization):
        """Return the needs this collectivité proposed: what its own proposal pages show, and nothing else."""
        return self.filter(proposed_by=organization)

    def not_taken_up(self):
        """Return the needs the structure has not acted on yet: still detected, with nothing in their history but
        their creation and the changes their collectivité made. The collectivité may change its proposal until then.
        """
        acted = NeedEvent.objects.filter(need=models.OuterRef("pk")).exclude(
            kind__in=[NeedEventKind.CREATED, NeedEventKind.PROPOSAL_CHANGED]
        )
        return self.filter(~models.Exists(acted), status=NeedStatus.DETECTED)

    def open(self):
        return self.filter(status__in=[NeedStatus.DETECTED, NeedStatus.QUALIFIED, NeedStatus.ON_HOLD])

    def search(self, text):
        return self.filter(search_filter(["title", "description", "reference"], text))

    def with_last_activity(self):
        """Annotate `last_activity`: the date of the latest line of the history (creation, move or note)."""
        latest = NeedEvent.objects.filter(need=models.OuterRef("pk")).order_by("-at").values("at")[:1]
        return self.annotate(last_activity=models.Subquery(latest))

    def dormant(self, days=90):
        """Return the open needs where nothing happened for `days` days: the ones to follow up (« à relancer »)."""
        since = timezone.now() - datetime.timedelta(days=days)
        return self.open().with_last_activity().filter(last_activity__lt=since)


class Need(models.Model):
    Status = NeedStatus
    Source = NeedSource
    TerritoryKind = TerritoryKind

    structure = models.ForeignKey(
        "territories.Structure", on_delete=models.PROTECT, related_name="needs", verbose_name="structure"
    )
    title = models.CharField("intitulé", max_length=200)
    description = LimitedTextField("description")
    themes = models.ManyToManyField(Theme, related_name="needs", verbose_name="thèmes")
    source = models.CharField("origine", max_length=20, choices=NeedSource)
    source_detail = models.CharField(
        "précision sur l'origine", max_length=200, blank=True, help_text="Qui l'a fait remonter, à quelle occasion."
    )
    target_public = models.CharField("public concerné", max_length=200, blank=True)
    department = models.ForeignKey(
        "territories.Department", on_delete=models.PROTECT, related_name="needs", verbose_name="département"
    )
    epci = models.ForeignKey(
        "territories.EPCI", on_delete=models.PROTECT, null=True, blank=True, related_name="needs", verbose_name="EPCI"
    )
    communes = models.ManyToManyField("territories.Commune", blank=True, related_name="needs", verbose_name="communes")
    territory_kind = models.CharField("type de territoire", max_length=20, choices=TerritoryKind, blank=True)
    detected_on = models.DateField("détecté le")
    status = models.CharField("statut", max_length=20, choices=NeedStatus, default=NeedStatus.DETECTED)
    status_reason = LimitedTextField("motif", max_length=SHORT_TEXT, blank=True)
    # What the collectivité that proposed a dismissed need is told of the reason: the reason itself stays internal.
    public_reason = LimitedTextField("motif communiqué à la collectivité", max_length=SHORT_TEXT, blank=True)
    project = models.ForeignKey(
        "projects.Project",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="needs",
        verbose_name="projet d'étude",
    )
    # An « appel à révélation »: the collectivité that proposed this need, and whom to contact about it.
    proposed_by = models.ForeignKey(
        "partners.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="proposed_needs",
        verbose_name="proposé par",
    )
    proposal_contact = LimitedTextField("personne à contacter", max_length=SHORT_TEXT, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="saisi par"
    )
    created_at = models.DateTimeField("saisi le", default=timezone.now)
    updated_at = models.DateTimeField("modifié le", default=timezone.now)
    # Who saved it last, so that an edit refused for a newer version can say who made it.
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="modifié par",
    )
    # Incremented by every write, so that an edit form saved over a newer version is refused.
    version = models.PositiveIntegerField(default=1)
    # The hidden token of the creation form: submitting the same form twice creates one need.
    creation_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    # The structure's own reference of the row it was imported from: importing the row again updates this need.
    reference = models.CharField("référence d'import", max_length=50, blank=True)

    objects = NeedQuerySet.as_manager()

    class Meta:
        verbose_name = "besoin"
        ordering = ["-detected_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=NeedStatus.values), name="needs_need_status_valid"),
            models.CheckConstraint(condition=Q(source__in=NeedSource.values), name="needs_need_source_valid"),
            models.CheckConstraint(
                condition=Q(territory_kind__in=[*TerritoryKind.values, ""]), name="needs_need_territory_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(status=NeedStatus.IN_STUDY, project__isnull=False)
                | Q(~Q(status=NeedStatus.IN_STUDY), project__isnull=True),
                name="needs_need_project_iff_in_study",
            ),
            models.CheckConstraint(
                condition=Q(status__in=[NeedStatus.ON_HOLD, NeedStatus.DISMISSED], status_reason__gt="")
                | Q(~Q(status__in=[NeedStatus.ON_HOLD, NeedStatus.DISMISSED]), status_reason=""),
                name="needs_need_reason_iff_on_hold_or_dismissed",
            ),
            models.CheckConstraint(
                condition=Q(status=NeedStatus.DISMISSED) | Q(public_reason=""),
                name="needs_need_public_reason_only_if_dismissed",
            ),
            models.CheckConstraint(
                condition=Q(proposed_by__isnull=True) | Q(source=NeedSource.COLLECTIVITE),
                name="needs_need_proposal_comes_from_a_collectivite",
            ),
            models.UniqueConstraint(
                fields=["structure", "reference"],
                condition=~Q(reference=""),
                name="needs_need_one_reference_per_structure",
                violation_error_message="Un besoin de votre structure porte déjà cette référence.",
            ),
        ]
        indexes = [
            models.Index(fields=["structure", "status"]),
            # The order of the lists: a structure's needs (a révélateur's list), and all of them (the admin's).
            models.Index(fields=["structure", "-detected_on", "-id"], name="needs_need_structure_detected"),
            models.Index(fields=["-detected_on", "-id"], name="needs_need_detected"),
            # The EPCI choices of a structure's list: whether a structure's needs name an EPCI, from the index alone.
            models.Index(fields=["structure", "epci"], name="needs_need_structure_epci"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("needs:detail", args=[self.pk])

    @property
    def can_open_study(self):
        """Whether a study may be opened on this need (see projects.services.open_study)."""
        return self.status == NeedStatus.QUALIFIED

    def is_editable_by(self, user):
        """Whether this user may change this need: the same rule as `Need.objects.editable_by`, without a query."""
        return user.is_authenticated and user.is_revelateur and user.structure_id == self.structure_id

    def is_correctable_by(self, user):
        """Whether this user may correct the need's notes (see NeedQuerySet.correctable_by)."""
        return self.is_editable_by(user) or (user.is_authenticated and user.is_superuser)

    # Which moves each status allows, and the status each leads to. Opening a study is projects.services.open_study.
    TRANSITIONS = {
        "qualify": ({NeedStatus.DETECTED}, NeedStatus.QUALIFIED),
        "put_on_hold": ({NeedStatus.DETECTED, NeedStatus.QUALIFIED}, NeedStatus.ON_HOLD),
        "dismiss": ({NeedStatus.DETECTED, NeedStatus.QUALIFIED, NeedStatus.ON_HOLD}, NeedStatus.DISMISSED),
        "reopen": ({NeedStatus.ON_HOLD, NeedStatus.DISMISSED}, NeedStatus.DETECTED),
    }
    REASON_REQUIRED = {"put_on_hold", "dismiss"}

    def allowed_transitions(self):
        return [name for name, (sources, _) in self.TRANSITIONS.items() if self.status in sources]

    def qualify(self, *, by, comment=""):
        self._transition("qualify", by=by, comment=comment)

    def put_on_hold(self, *, by, reason):
        self._transition("put_on_hold", by=by, comment=reason)

    def dismiss(self, *, by, reason, public_reason=""):
        """Dismiss the need; `public_reason` is what the collectivité that proposed it reads (see `public_reason`)."""
        self._transition("dismiss", by=by, comment=reason, public_reason=public_reason)

    def reopen(self, *, by, comment=""):
        self._transition("reopen", by=by, comment=comment)

    def _transition(self, name, *, by, comment="", public_reason=""):
        sources, target = self.TRANSITIONS[name]
        comment = comment.strip()
        if self.status not in sources:
            raise ValidationError(f"Ce besoin est « {self.get_status_display()} » : cette action n'est pas possible.")
        if name in self.REASON_REQUIRED and not comment:
            raise ValidationError({"reason": "Indiquez un motif."})
        reason = comment if target in (NeedStatus.ON_HOLD, NeedStatus.DISMISSED) else ""
        public_reason = public_reason.strip() if target == NeedStatus.DISMISSED and self.proposed_by_id else ""
        self.move_to(target, by=by, comment=comment, reason=reason, public_reason=public_reason)

    @transaction.atomic
    def move_to(self, target, *, by, comment="", reason="", public_reason="", project=None):
        """Move from the status this object holds to `target` and record it, unless someone moved it meanwhile.

        The update is conditional on the status read, so that of two concurrent moves exactly one wins.
        """
        if target == NeedStatus.IN_STUDY and (self.status != NeedStatus.QUALIFIED or project is None):
            raise ValidationError("Seul un besoin qualifié se met à l'étude, dans un projet.")
        now = timezone.now()
        moved = Need.objects.filter(pk=self.pk, status=self.status).update(
            status=target,
            status_reason=reason,
            public_reason=public_reason,
            project=project,
            updated_at=now,
            updated_by=by,
            version=models.F("version") + 1,
        )
        if not moved:
            raise ValidationError(CHANGED_MEANWHILE.format("Ce besoin a changé"))
        NeedEvent.objects.create(
            need=self,
            kind=NeedEvent.Kind.STATUS,
            from_status=self.status,
            to_status=target,
            comment=comment,
            by=by,
            at=now,
        )
        self.refresh_from_db(fields=["status", "status_reason", "public_reason", "project", "updated_at", "version"])


class NeedEventKind(models.TextChoices):
    CREATED = "created", "Saisie"
    STATUS = "status", "Changement de statut"
    NOTE = "note", "Note"
    IMPORTED = "imported", "Import"
    PROPOSAL_CHANGED = "proposal_changed", "Proposition modifiée par la collectivité"
    CORRECTED = "corrected", "Correction"
    REMOVED = "removed", "Suppression"


class NeedEvent(models.Model):
    """One line of a need's history: its creation, a change of status, a note, or a change its collectivité made."""

    Kind = NeedEventKind

    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="events", verbose_name="besoin")
    kind = models.CharField("nature", max_length=20, choices=NeedEventKind)
    from_status = models.CharField("statut précédent", max_length=20, choices=NeedStatus, blank=True)
    to_status = models.CharField("nouveau statut", max_length=20, choices=NeedStatus, blank=True)
    comment = LimitedTextField("commentaire", blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="par")
    at = models.DateTimeField("le", default=timezone.now)
    # The hidden token of the note form: submitting the same note twice records it once.
    creation_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = "événement d'un besoin"
        verbose_name_plural = "historique des besoins"
        ordering = ["-at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=NeedEventKind.values), name="needs_needevent_kind_valid"),
            models.CheckConstraint(
                condition=~Q(kind="status") | Q(to_status__gt=""), name="needs_needevent_status_has_target"
            ),
        ]
        # A need's history, the latest first: its page, and the date of its latest line (« à relancer »).
        indexes = [models.Index(fields=["need", "-at", "-id"], name="needs_needevent_need_at")]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.need}"

    @transaction.atomic
    def correct_note(self, *, by, version, text):
        """Change the text of this note, from the version read, and say so in the history."""
        self.comment = text.strip()
        if correct_row(self, ["comment"], version):
            NeedEvent.objects.create(
                need_id=self.need_id,
                kind=NeedEventKind.CORRECTED,
                comment=f"Note du {timezone.localtime(self.at):%d/%m/%Y} modifiée.",
                by=by,
            )

    @transaction.atomic
    def remove_note(self, *, by, version):
        """Delete this note, from the version read; the history keeps who removed it and when, not its text."""
        delete_row(self, version)
        NeedEvent.objects.create(
            need_id=self.need_id,
            kind=NeedEventKind.REMOVED,
            comment=f"Note du {timezone.localtime(self.at):%d/%m/%Y} supprimée.",
            by=by,
        )
