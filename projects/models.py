import datetime
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.core.validators import MinValueValidator
from django.db import IntegrityError, models, transaction
from django.db.models import Case, DateField, Exists, F, Min, OuterRef, Q, Subquery, When
from django.db.models.functions import Coalesce, Greatest, TruncDate
from django.urls import reverse
from django.utils import timezone

from fabrique.concurrency import CHANGED_MEANWHILE, EditConflict, save_if_unchanged
from fabrique.corrections import correct_row, delete_row
from fabrique.fields import MINUTES_TEXT, SHORT_TEXT, LimitedTextField
from fabrique.search import search_filter
from fabrique.validators import validate_siren


class Stage(models.TextChoices):
    OPPORTUNITY_STUDY = "opportunity_study", "Étude d'opportunité"
    PORTEUR_SEARCH = "porteur_search", "Recherche de porteur"
    FEASIBILITY_STUDY = "feasibility_study", "Étude de faisabilité"
    LAUNCH_SUPPORT = "launch_support", "Amorçage"
    LAUNCHED = "launched", "Activité lancée"


class State(models.TextChoices):
    RUNNING = "running", "En cours"
    PAUSED = "paused", "En pause"
    STOPPED = "stopped", "Arrêté"


class Programme(models.TextChoices):
    REVELATEUR = "revelateur", "Révélateur"
    IDEATEUR = "ideateur", "Idéateur"
    INCUBATEUR = "incubateur", "Incubateur"


class Visibility(models.TextChoices):
    INTERNAL = "internal", "Interne à la structure"
    PARTNERS = "partners", "Partagé avec les partenaires"
    PUBLIC = "public", "Public (Carnet de projets)"


STAGE_ORDER = list(Stage.values)

# The day a move of stage or state (a ProjectEvent) happened: the day given for it (at the move, or corrected since),
# else the COPIL's date when a COPIL decided it, the activity's opening for a launch, else the day it was recorded (an
# imported record carries its historical date in those same fields).
MOVE_DATE = Coalesce(
    F("happened_on"),
    F("copil__decided_on"),
    Case(When(to_stage=Stage.LAUNCHED, then=F("project__activity__opened_on"))),
    TruncDate("at"),
    output_field=DateField(),
)

# How long the structure may undo a move with one click, without giving a reason: long enough to notice a slip on
# the page the move leads back to, short enough that nobody has yet acted on the move (a colleague, a report). After
# that, a move is corrected with a reason, which the history keeps.
UNDO_DELAY = datetime.timedelta(minutes=15)

# Documents are kept under PRIVATE_STORAGE_ROOT, never under a public path: only a view that checks the viewer's
# rights serves them. The location is read at each use so that tests can point it elsewhere.
private_storage = FileSystemStorage(base_url=None)


def overlaps(communes):
    """Return the condition that a project's territory shares a commune with `communes` (a Commune queryset).

    A project's territory is the communes it names; failing those, its EPCI; failing that, its département. Each test
    is an EXISTS on the project's own row, so that the condition joins nothing and reads no other project.
    """
    names_communes = Exists(Project.communes.through.objects.filter(project=OuterRef("pk")))
    names_one_of_them = Exists(Project.communes.through.objects.filter(project=OuterRef("pk"), commune__in=communes))
    epci_shares_one = Exists(communes.filter(epci=OuterRef("epci")))
    department_shares_one = Exists(communes.filter(department=OuterRef("department")))
    return (
        Q(names_one_of_them)
        | Q(~names_communes, epci__isnull=False) & Q(epci_shares_one)
        | Q(~names_communes, epci__isnull=True) & Q(department_shares_one)
    )


class ProjectQuerySet(models.QuerySet):
    def public(self):
        """Return the projects of the Carnet de projets, that anyone may see."""
        return self.filter(visibility=Visibility.PUBLIC)

    def visible_to(self, user):
        """Return the projects this user may see."""
        if not user.is_authenticated:
            return self.public()
        if user.is_avise or user.is_superuser:
            return self
        if user.is_revelateur:
            return self.filter(
                Q(structure_id=user.structure_id) | Q(visibility__in=[Visibility.PARTNERS, Visibility.PUBLIC])
            )
        if user.is_collectivite:
            return self.filter(
                Q(visibility=Visibility.PUBLIC)
                | Q(visibility=Visibility.PARTNERS) & overlaps(user.organization.territory_communes())
            )
        return self.public()

    def overlapping(self, communes):
        """Return the projects whose territory shares a commune with `communes` (a Commune queryset)."""
        return self.filter(overlaps(communes))

    def editable_by(self, user):
        """Return the projects this user may change: a révélateur's own structure's, and no others."""
        if user.is_authenticated and user.is_revelateur:
            return self.filter(structure_id=user.structure_id)
        return self.none()

    def correctable_by(self, user):
        """Return the projects whose record (follow-ups, activity, notes, meetings, documents) this user may correct
        or remove: their structure's révélateurs, and administrators."""
        if user.is_authenticated and user.is_superuser:
            return self
        return self.editable_by(user)

    def with_internal_material_for(self, user):
        """Return the projects whose internal material (internal summary, notes, documents, stopped reason,
        history comments) this user may read: their structure's révélateurs, Avise staff and administrators."""
        if not user.is_authenticated:
            return self.none()
        if user.is_avise or user.is_superuser:
            return self
        if user.is_revelateur:
            return self.filter(structure_id=user.structure_id)
        return self.none()

    def running(self):
        return self.filter(state=State.RUNNING)

    def of_structure(self, structure_id):
        return self.filter(structure_id=structure_id)

    def in_department(self, code):
        return self.filter(department_id=code)

    def search(self, text):
        return self.filter(search_filter(["title", "public_summary"], text))

    def with_last_activity(self):
        """Annotate `last_activity`: the latest date of its history, meetings and documents."""

        def latest(model, field):
            rows = model.objects.filter(project=OuterRef("pk")).order_by(f"-{field}").values(field)[:1]
            return Coalesce(Subquery(rows), F("created_at"))

        return self.annotate(
            last_activity=Greatest(
                latest(ProjectEvent, "at"), latest(Meeting, "recorded_at"), latest(Document, "uploaded_at")
            )
        )

    def dormant(self, days=90):
        """Return the projects in progress where nothing happened for `days` days (« à relancer »)."""
        since = timezone.now() - datetime.timedelta(days=days)
        return (
            self.exclude(state=State.STOPPED)
            .exclude(stage=Stage.LAUNCHED)
            .with_last_activity()
            .filter(last_activity__lt=since)
        )


class Project(models.Model):
    Stage = Stage
    State = State
    Programme = Programme
    Visibility = Visibility

    structure = models.ForeignKey(
        "territories.Structure", on_delete=models.PROTECT, related_name="projects", verbose_name="structure"
    )
    title = models.CharField("intitulé", max_length=200)
    internal_summary = LimitedTextField(
        "résumé interne", blank=True, help_text="Visible de votre structure seulement."
    )
    public_summary = LimitedTextField(
        "résumé public", blank=True, help_text="Lu par les partenaires et, si le projet est public, par tous."
    )
    solution_type = models.CharField(
        "type de solution", max_length=100, blank=True, help_text="Par exemple : tiers-lieu, conciergerie, épicerie."
    )
    themes = models.ManyToManyField("needs.Theme", related_name="projects", verbose_name="thèmes")
    department = models.ForeignKey(
        "territories.Department", on_delete=models.PROTECT, related_name="projects", verbose_name="département"
    )
    epci = models.ForeignKey(
        "territories.EPCI",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="projects",
        verbose_name="EPCI",
    )
    communes = models.ManyToManyField(
        "territories.Commune", blank=True, related_name="projects", verbose_name="communes"
    )
    programme = models.CharField("programme TAg", max_length=20, choices=Programme, default=Programme.REVELATEUR)
    visibility = models.CharField("visibilité", max_length=20, choices=Visibility, default=Visibility.INTERNAL)
    published_at = models.DateTimeField(
        "rendu public le", null=True, blank=True, help_text="Depuis quand le projet est au Carnet de projets."
    )
    source_activity = models.ForeignKey(
        "projects.Activity",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replications",
        verbose_name="essaimage de",
        help_text="L'activité éprouvée ailleurs que ce projet reproduit.",
    )
    stage = models.CharField("étape", max_length=30, choices=Stage, default=Stage.OPPORTUNITY_STUDY)
    state = models.CharField("état", max_length=20, choices=State, default=State.RUNNING)
    stopped_reason = LimitedTextField("motif de l'arrêt", max_length=SHORT_TEXT, blank=True)
    opened_on = models.DateField("étude ouverte le", default=timezone.localdate)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="ouvert par"
    )
    created_at = models.DateTimeField("créé le", default=timezone.now)
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
    version = models.PositiveIntegerField(default=1)
    creation_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    # The structure's own reference of the row it was imported from: importing the row again updates this project.
    reference = models.CharField("référence d'import", max_length=50, blank=True)

    objects = ProjectQuerySet.as_manager()

    class Meta:
        verbose_name = "projet"
        ordering = ["-opened_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(stage__in=Stage.values), name="projects_project_stage_valid"),
            models.CheckConstraint(condition=Q(state__in=State.values), name="projects_project_state_valid"),
            models.CheckConstraint(
                condition=Q(programme__in=Programme.values), name="projects_project_programme_valid"
            ),
            models.CheckConstraint(
                condition=Q(visibility__in=Visibility.values), name="projects_project_visibility_valid"
            ),
            models.CheckConstraint(
                condition=Q(state=State.STOPPED, stopped_reason__gt="")
                | Q(~Q(state=State.STOPPED), stopped_reason=""),
                name="projects_project_stopped_reason_iff_stopped",
            ),
            models.CheckConstraint(
                condition=Q(visibility=Visibility.PUBLIC) | Q(published_at__isnull=True),
                name="projects_project_published_only_if_public",
            ),
            models.CheckConstraint(
                condition=~Q(stage=Stage.LAUNCHED) | Q(state=State.RUNNING),
                name="projects_project_launched_is_running",
            ),
            models.UniqueConstraint(
                fields=["structure", "reference"],
                condition=~Q(reference=""),
                name="projects_project_one_reference_per_structure",
                violation_error_message="Un projet de votre structure porte déjà cette référence.",
            ),
        ]
        indexes = [
            models.Index(fields=["structure", "stage", "state"]),
            # The catalogue of a visitor (the public projects, the most recent first), and the page of a département.
            models.Index(fields=["visibility", "-opened_on", "-id"], name="projects_project_visible"),
            models.Index(
                fields=["department", "visibility", "-opened_on", "-id"], name="projects_project_dept_visible"
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("projects:detail", args=[self.pk])

    @property
    def next_stage(self):
        index = STAGE_ORDER.index(self.stage)
        return STAGE_ORDER[index + 1] if index + 1 < len(STAGE_ORDER) else None

    @property
    def stage_number(self):
        """The rank of the stage in the chain, from 1 (opportunity study) to 5 (launched)."""
        return STAGE_ORDER.index(self.stage) + 1

    def is_editable_by(self, user):
        """Whether this user may change the project (see ProjectQuerySet.editable_by)."""
        return user.is_authenticated and user.is_revelateur and user.structure_id == self.structure_id

    def is_correctable_by(self, user):
        """Whether this user may correct the project's record (see ProjectQuerySet.correctable_by)."""
        return self.is_editable_by(user) or (user.is_authenticated and user.is_superuser)

    def shows_internal_material_to(self, user):
        """Whether this user may read the internal material (see ProjectQuerySet.with_internal_material_for)."""
        if not user.is_authenticated:
            return False
        return user.is_avise or user.is_superuser or (user.is_revelateur and user.structure_id == self.structure_id)

    def allowed_actions(self):
        """Return the moves this project allows now, as the names of its methods."""
        if self.stage == Stage.LAUNCHED or self.state == State.STOPPED:
            return []
        if self.state == State.PAUSED:
            return ["resume", "stop"]
        if self.stage == Stage.OPPORTUNITY_STUDY:
            return ["record_copil_decision", "pause", "stop"]
        if self.next_stage == Stage.LAUNCHED:
            return ["launch", "pause", "stop"]
        return ["advance", "pause", "stop"]

    def advance(self, *, by, comment="", on=None):
        """Move to the next stage. Leaving the opportunity study and launching have their own gates."""
        self._check_allowed("advance")
        self._move(by=by, stage=self.next_stage, comment=comment, on=on)

    def pause(self, *, by, comment="", on=None):
        self._check_allowed("pause")
        self._move(by=by, state=State.PAUSED, comment=comment, on=on)

    def resume(self, *, by, comment="", on=None):
        self._check_allowed("resume")
        self._move(by=by, state=State.RUNNING, comment=comment, on=on)

    def stop(self, *, by, reason, on=None):
        self._check_allowed("stop")
        if not reason.strip():
            raise ValidationError({"reason": "Indiquez le motif de l'arrêt."})
        self._move(by=by, state=State.STOPPED, comment=reason.strip(), stopped_reason=reason.strip(), on=on)

    @transaction.atomic
    def record_copil_decision(self, *, by, decided_on, body, decision, comment="", creation_token=None):
        """Record a COPIL decision. At the opportunity study, a "go" opens the porteur search; a "stop" stops.

        Submitting the same form twice (same `creation_token`) returns the decision recorded the first time.
        """
        earlier = self.copil_decisions.filter(creation_token=creation_token)
        if creation_token and (existing := earlier.first()):
            return existing
        self._check_allowed("record_copil_decision")
        copil = CopilDecision(
            project=self,
            decided_on=decided_on,
            body=body,
            decision=decision,
            comment=comment,
            recorded_by=by,
            creation_token=creation_token,
        )
        copil.full_clean(exclude=["project", "recorded_by", "creation_token"])
        try:
            with transaction.atomic():
                copil.save()
        except IntegrityError:
            # The same form, submitted twice at once: the other request recorded it.
            if creation_token and (existing := earlier.first()):
                return existing
            raise ValidationError("Ce formulaire a déjà servi pour un autre projet : rechargez la page.") from None
        if decision == CopilDecision.Decision.GO:
            self._move(by=by, stage=self.next_stage, comment=comment, copil=copil)
        else:
            reason = comment.strip() or f"Arrêt décidé par {body} le {decided_on:%d/%m/%Y}."
            self._move(by=by, state=State.STOPPED, comment=reason, stopped_reason=reason, copil=copil)
        return copil

    def record_launch(self, *, by, comment=""):
        """Move to "launched". Call it through projects.services.launch, which records the activity with it."""
        self._check_allowed("launch")
        self._move(by=by, stage=Stage.LAUNCHED, comment=comment)

    def add_note(self, *, by, text, creation_token=None):
        """Write a note in the project's journal; the same form submitted twice writes it once."""
        note = ProjectEvent(
            project=self, kind=ProjectEvent.Kind.NOTE, comment=text.strip(), by=by, creation_token=creation_token
        )
        return save_once(note)

    def last_move(self):
        """Return the last move of stage or state, standing or cancelled, or None. Warning: reads the history."""
        return self.events.moves().with_move_date().select_related("by").order_by("-at", "-pk").first()

    def undo_last_move(self, *, by):
        """Cancel the last move, as a slip, within UNDO_DELAY of its recording: the project goes back where it was."""
        move = self._correctable_last_move(by)
        if not move.is_undoable:
            raise ValidationError(
                f"Ce passage date de plus de {UNDO_DELAY.seconds // 60} minutes : "
                "corrigez-le en indiquant le motif de la correction."
            )
        self._move(by=by, stage=move.from_stage, state=move.from_state, cancels=move)

    def revert_last_move(self, *, by, reason):
        """Cancel the last move, found wrong later, with the reason: the project goes back where it was."""
        move = self._correctable_last_move(by)
        self._move(by=by, stage=move.from_stage, state=move.from_state, comment=_reason(reason), cancels=move)

    def redate_last_move(self, *, by, on, reason):
        """Correct the day the last move happened, with the reason."""
        move = self._correctable_last_move(by)
        self._move(by=by, comment=_reason(reason), on=on, corrects=move)

    def _correctable_last_move(self, by):
        """Return the last move if `by` may correct it, else raise ValidationError saying why."""
        move = self.last_move()
        if move is None or move.cancelled_at:
            raise ValidationError("Ce projet n'a pas de passage à corriger.")
        if not self.is_editable_by(by) or move.by.structure_id != by.structure_id:
            raise ValidationError("Seule la structure qui a enregistré ce passage peut le corriger.")
        if not move.is_correctable:
            raise ValidationError(
                "Ce passage découle d'une décision de COPIL ou du lancement de l'activité : "
                "il ne se corrige pas ici, mais avec cette décision ou cette activité."
            )
        if (self.stage, self.state) != (move.to_stage, move.to_state):
            # Changed since by other means (the admin, an import): going back would not restore what was before.
            raise ValidationError("Le projet a changé depuis ce passage : il ne se corrige plus ici.")
        return move

    def _check_move_date(self, on, *, before=None):
        """Refuse a day of move in the future, or before the day the project last moved (or opened)."""
        if on > timezone.localdate():
            raise ValidationError({"on": "Cette date est à venir : indiquez le jour où le passage a eu lieu."})
        moves = self.events.moves().standing()
        if before is not None:
            moves = moves.exclude(pk=before.pk)
        previous = moves.with_move_date().order_by("-at", "-pk").values_list("move_date", flat=True).first()
        earliest = max(filter(None, [previous, self.opened_on]))
        if on < earliest:
            raise ValidationError(
                {
                    "on": f"Le projet était à cette date avant son passage précédent ({earliest:%d/%m/%Y}) : "
                    "indiquez une date à partir de celle-ci."
                }
            )

    def _check_allowed(self, action):
        if action not in self.allowed_actions():
            raise ValidationError(
                f"Cette action n'est pas possible pour un projet « {self.get_stage_display()} », "
                f"« {self.get_state_display()} »."
            )

    @transaction.atomic
    def _move(
        self,
        *,
        by,
        stage=None,
        state=None,
        comment="",
        stopped_reason="",
        copil=None,
        on=None,
        cancels=None,
        corrects=None,
    ):
        """Change stage or state (or correct a move), conditionally on the version read, and write the history entry.

        Every write increments the version, so that of two concurrent moves of one project exactly one wins: the
        other updates no row and is refused. A form read before another move or edit is refused the same way.
        `on` is the day the move happened, when not today. A move that `cancels` the last one takes the project back
        where it was before it and marks it cancelled; one that `corrects` the last one only changes its day (`on`).
        """
        corrected = cancels or corrects
        if on is not None:
            self._check_move_date(on, before=corrects)
            if on == timezone.localdate() and not corrects:
                on = None  # The day it was recorded: nothing to keep.
        changes = {}
        if not corrects:
            changes["stopped_reason"] = stopped_reason
        if stage:
            changes["stage"] = stage
        if state:
            changes["state"] = state
        try:
            # The instance keeps the stage and state it moves from, which the history entry reads below.
            save_if_unchanged(self, [], self.version, by=by, **changes)
        except EditConflict:
            raise ValidationError(CHANGED_MEANWHILE.format("Ce projet a changé")) from None
        now = self.updated_at
        if cancels:
            ProjectEvent.objects.filter(pk=cancels.pk).update(cancelled_at=now)
        if corrects:
            ProjectEvent.objects.filter(pk=corrects.pk).update(happened_on=on)
        if corrected:
            kind = ProjectEvent.Kind.CORRECTION
        else:
            kind = ProjectEvent.Kind.STAGE if stage else ProjectEvent.Kind.STATE
        ProjectEvent.objects.create(
            project=self,
            kind=kind,
            from_stage=self.stage,
            to_stage=stage or self.stage,
            from_state=self.state,
            to_state=state or self.state,
            comment=comment,
            copil=copil,
            happened_on=on,
            corrects=corrected,
            by=by,
            at=now,
        )
        for name, value in changes.items():
            setattr(self, name, value)


def _reason(text):
    if not text.strip():
        raise ValidationError({"reason": "Indiquez le motif de la correction."})
    return text.strip()


def check_opening_date(opened_on, *, needs, project=None):
    """Refuse the day a study opened if it is to come, before one of its `needs` was detected, or, for the study
    `project` that runs already, after its first COPIL decision or move (each of which it must precede)."""
    if opened_on > timezone.localdate():
        raise ValidationError({"opened_on": "Cette date est à venir : une étude s'enregistre une fois ouverte."})
    latest = max(needs, key=lambda need: need.detected_on, default=None)
    if latest and opened_on < latest.detected_on:
        raise ValidationError(
            {
                "opened_on": f"Le besoin « {latest.title} » a été détecté le {latest.detected_on:%d/%m/%Y} : "
                "l'étude ne peut pas s'ouvrir avant."
            }
        )
    if project is None:
        return
    first_copil = project.copil_decisions.aggregate(on=Min("decided_on"))["on"]
    first_move = project.events.moves().standing().with_move_date().aggregate(on=Min("move_date"))["on"]
    first = min(filter(None, [first_copil, first_move]), default=None)
    if first and opened_on > first:
        raise ValidationError(
            {
                "opened_on": f"Le projet a une décision de COPIL ou un passage daté du {first:%d/%m/%Y} : "
                "l'étude ne peut pas s'être ouverte après."
            }
        )


def save_once(row):
    """Save this new row unless a row with its `creation_token` exists already: return the row that stands.

    A creation form carries a random hidden token; submitting it twice (a double click, a reload) creates one row.
    """
    # Only a row of the same project (or activity) answers for the token: a token copied from another project's
    # form must not hand out that project's row.
    parent = {field: getattr(row, field) for field in ("project_id", "activity_id") if hasattr(row, field)}
    earlier = type(row).objects.filter(creation_token=row.creation_token, **parent)
    if row.creation_token and (existing := earlier.first()):
        return existing
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:
        # The same form, submitted twice at once: the other request saved it.
        if row.creation_token and (existing := earlier.first()):
            return existing
        raise
    return row


class ProjectEventKind(models.TextChoices):
    OPENED = "opened", "Ouverture de l'étude"
    STAGE = "stage", "Changement d'étape"
    STATE = "state", "Changement d'état"
    NOTE = "note", "Note"
    IMPORTED = "imported", "Import"
    CORRECTION = "correction", "Correction d'un passage"
    CORRECTED = "corrected", "Correction d'une saisie"
    REMOVED = "removed", "Suppression"


MOVES = [ProjectEventKind.STAGE, ProjectEventKind.STATE]


class ProjectEventQuerySet(models.QuerySet):
    def moves(self):
        """Return the moves of stage or state (not the corrections of them)."""
        return self.filter(kind__in=MOVES)

    def standing(self):
        """Return the events not cancelled by a later correction."""
        return self.filter(cancelled_at__isnull=True)

    def with_move_date(self):
        """Annotate `move_date`: the day the move happened (see MOVE_DATE)."""
        return self.annotate(move_date=MOVE_DATE)


def record_correction(project_id, *, by, kind, text):
    """Write the history line of a correction or a removal in the record of project `project_id`."""
    return ProjectEvent.objects.create(project_id=project_id, kind=kind, comment=text, by=by)


def correction_text(subject, changes):
    return f"{subject} : {' ; '.join(changes)}."


class ProjectEvent(models.Model):
    """One line of a project's history: its opening, a change of stage or state (a move), the correction of a move,
    or a note of the journal."""

    Kind = ProjectEventKind
    MOVES = MOVES

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="events", verbose_name="projet")
    kind = models.CharField("nature", max_length=20, choices=ProjectEventKind)
    from_stage = models.CharField("étape précédente", max_length=30, choices=Stage, blank=True)
    to_stage = models.CharField("étape", max_length=30, choices=Stage, blank=True)
    from_state = models.CharField("état précédent", max_length=20, choices=State, blank=True)
    to_state = models.CharField("état", max_length=20, choices=State, blank=True)
    comment = LimitedTextField("commentaire", blank=True)
    copil = models.ForeignKey(
        "projects.CopilDecision",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="COPIL",
    )
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="par")
    at = models.DateTimeField("le", default=timezone.now)
    # The day a move happened when it is not the day it was recorded (given at the move, or corrected since); on a
    # correction of the day, the corrected day. A COPIL's move happened on the COPIL's date, a launch on the opening.
    happened_on = models.DateField("survenu le", null=True, blank=True)
    # A move undone, or taken back later: it stays in the history, and counts no more in the figures.
    cancelled_at = models.DateTimeField("annulé le", null=True, blank=True)
    corrects = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections",
        verbose_name="passage corrigé",
    )
    # The hidden token of the creation form: submitting the same form twice saves one row.
    creation_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    version = models.PositiveIntegerField(default=1)

    # The lines only those who read the project's internal material see: the notes, and what was corrected.
    INTERNAL_KINDS = [ProjectEventKind.NOTE, ProjectEventKind.CORRECTED, ProjectEventKind.REMOVED]

    objects = ProjectEventQuerySet.as_manager()

    class Meta:
        verbose_name = "événement d'un projet"
        verbose_name_plural = "historique des projets"
        ordering = ["-at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=ProjectEventKind.values), name="projects_projectevent_kind_valid"
            ),
            models.CheckConstraint(
                condition=~Q(kind=ProjectEventKind.NOTE) | Q(comment__gt=""),
                name="projects_projectevent_note_has_text",
            ),
            models.CheckConstraint(
                condition=Q(kind=ProjectEventKind.CORRECTION, corrects__isnull=False)
                | Q(~Q(kind=ProjectEventKind.CORRECTION), corrects__isnull=True),
                name="projects_projectevent_correction_names_its_move",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=MOVES) | Q(cancelled_at__isnull=True),
                name="projects_projectevent_only_moves_cancelled",
            ),
        ]
        indexes = [models.Index(fields=["project", "-at"])]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.project}"

    @property
    def is_correctable(self):
        """Whether the structure may undo or correct this move here: not a COPIL's, nor a launch, which record a
        decision or an activity (with its porteur and funding) that the figures count on their own."""
        return self.kind in MOVES and not self.cancelled_at and not self.copil_id and self.to_stage != Stage.LAUNCHED

    @property
    def is_undoable(self):
        """Whether this move may still be undone with one click (see UNDO_DELAY)."""
        return self.is_correctable and timezone.now() - self.at <= UNDO_DELAY

    @property
    def undoable_until(self):
        return self.at + UNDO_DELAY

    def may_be_corrected_by(self, user):
        """Whether `user` may undo or correct this move: a révélateur of the structure of the one who made it, in
        the project's structure (ProjectEvent.by must be read)."""
        return (
            self.is_correctable
            and user.is_authenticated
            and user.is_revelateur
            and user.structure_id == self.by.structure_id
        )

    @transaction.atomic
    def correct_note(self, *, by, version, text):
        """Change the text of this note, from the version read, and say so in the history."""
        self.comment = text.strip()
        if correct_row(self, ["comment"], version):
            text = f"Note du {timezone.localtime(self.at):%d/%m/%Y} modifiée."
            record_correction(self.project_id, by=by, kind=ProjectEventKind.CORRECTED, text=text)

    @transaction.atomic
    def remove_note(self, *, by, version):
        """Delete this note, from the version read; the history keeps who removed it and when, not its text."""
        delete_row(self, version)
        text = f"Note du {timezone.localtime(self.at):%d/%m/%Y} supprimée."
        record_correction(self.project_id, by=by, kind=ProjectEventKind.REMOVED, text=text)


class CopilDecisionChoice(models.TextChoices):
    GO = "go", "Poursuivre"
    STOP = "stop", "Arrêter"


class CopilDecision(models.Model):
    Decision = CopilDecisionChoice

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="copil_decisions", verbose_name="projet"
    )
    decided_on = models.DateField("date du COPIL")
    body = models.CharField(
        "instance", max_length=200, help_text="Par exemple : COPIL de l'étude, bureau communautaire."
    )
    decision = models.CharField("décision", max_length=10, choices=CopilDecisionChoice)
    organizations = models.ManyToManyField(
        "partners.Organization",
        blank=True,
        related_name="copil_decisions",
        verbose_name="organisations présentes",
    )
    comment = LimitedTextField("commentaire", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="enregistrée par"
    )
    recorded_at = models.DateTimeField("enregistrée le", default=timezone.now)
    # The hidden token of the creation form: submitting the same form twice saves one row.
    creation_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        verbose_name = "décision de COPIL"
        verbose_name_plural = "décisions de COPIL"
        ordering = ["-decided_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(decision__in=CopilDecisionChoice.values), name="projects_copildecision_decision_valid"
            ),
        ]

    def __str__(self):
        return f"{self.body} du {self.decided_on:%d/%m/%Y} : {self.get_decision_display()}"

    def clean(self):
        if self.decided_on and self.decided_on > timezone.localdate():
            raise ValidationError({"decided_on": "Un COPIL s'enregistre une fois tenu : cette date est à venir."})


class MeetingKind(models.TextChoices):
    CREATIVITY = "creativity", "Séance de créativité"
    WORKSHOP = "workshop", "Atelier"
    COPIL = "copil", "COPIL"
    RESTITUTION = "restitution", "Restitution"
    OTHER = "other", "Autre"


class Meeting(models.Model):
    """A dated event of the project: a creativity session, a workshop, a COPIL, a restitution."""

    Kind = MeetingKind

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="meetings", verbose_name="projet")
    kind = models.CharField("nature", max_length=20, choices=MeetingKind)
    held_on = models.DateField("date")
    title = models.CharField("intitulé", max_length=200)
    participants = models.PositiveIntegerField("nombre de participants", null=True, blank=True)
    summary = LimitedTextField("compte rendu", max_length=MINUTES_TEXT, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="saisi par"
    )
    recorded_at = models.DateTimeField("saisi le", default=timezone.now)
    # The hidden token of the creation form: submitting the same form twice saves one row.
    creation_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    version = models.PositiveIntegerField(default=1)

    CORRECTED_FIELDS = ["kind", "held_on", "title", "participants", "summary"]

    class Meta:
        verbose_name = "temps fort"
        verbose_name_plural = "temps forts"
        ordering = ["-held_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=MeetingKind.values), name="projects_meeting_kind_valid"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} du {self.held_on:%d/%m/%Y}"

    @transaction.atomic
    def correct(self, *, by, version):
        """Save the corrected fields set on this meeting, from the version read; say what changed in the history."""
        if changes := correct_row(self, self.CORRECTED_FIELDS, version):
            text = correction_text(f"Temps fort « {self.title} » corrigé", changes)
            record_correction(self.project_id, by=by, kind=ProjectEventKind.CORRECTED, text=text)
        return bool(changes)

    @transaction.atomic
    def remove(self, *, by, version):
        delete_row(self, version)
        text = f"Temps fort « {self.title} » du {self.held_on:%d/%m/%Y} supprimé."
        record_correction(self.project_id, by=by, kind=ProjectEventKind.REMOVED, text=text)


class LegalForm(models.TextChoices):
    ASSOCIATION = "association", "Association"
    SCIC = "scic", "SCIC"
    SCOP = "scop", "SCOP"
    ESS_COMPANY = "ess_company", "Société commerciale de l'ESS"
    EXISTING = "existing", "Structure existante (extension d'activité)"
    OTHER = "other", "Autre"


class ActivityQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Return the launched activities this user may see: those of the projects they may see."""
        return self.filter(project__in=Project.objects.visible_to(user))


class Activity(models.Model):
    """The activity a project launched, followed up over the years."""

    LegalForm = LegalForm

    project = models.OneToOneField(Project, on_delete=models.PROTECT, related_name="activity", verbose_name="projet")
    name = models.CharField("nom de l'activité", max_length=200)
    legal_form = models.CharField("forme juridique", max_length=20, choices=LegalForm)
    esus = models.BooleanField("agrément ESUS", default=False)
    iae = models.BooleanField("structure d'insertion (IAE)", default=False)
    siren = models.CharField("SIREN", max_length=9, blank=True, validators=[validate_siren])
    porteur = models.ForeignKey(
        "partners.Organization", on_delete=models.PROTECT, related_name="activities", verbose_name="porteur"
    )
    opened_on = models.DateField("date d'ouverture")
    jobs_at_launch = models.DecimalField(
        "emplois au lancement (ETP)", max_digits=6, decimal_places=2, validators=[MinValueValidator(0)]
    )
    created_at = models.DateTimeField("enregistrée le", default=timezone.now)
    # The hidden token of the creation form: submitting the same form twice saves one row.
    creation_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    version = models.PositiveIntegerField(default=1)

    # What a correction may change; the fundings are the funders' among the project's partners.
    CORRECTED_FIELDS = ["name", "porteur", "legal_form", "esus", "iae", "siren", "opened_on", "jobs_at_launch"]

    objects = ActivityQuerySet.as_manager()

    class Meta:
        verbose_name = "activité créée"
        verbose_name_plural = "activités créées"
        ordering = ["-opened_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(legal_form__in=LegalForm.values), name="projects_activity_legal_form_valid"
            ),
            models.CheckConstraint(condition=Q(jobs_at_launch__gte=0), name="projects_activity_jobs_positive"),
        ]

    def __str__(self):
        return self.name

    @transaction.atomic
    def correct(self, *, by, version):
        """Save the corrected fields set on this activity, from the version read; say what changed in the history."""
        if changes := correct_row(self, self.CORRECTED_FIELDS, version):
            text = correction_text(f"Activité « {self.name} » corrigée", changes)
            record_correction(self.project_id, by=by, kind=ProjectEventKind.CORRECTED, text=text)
        return bool(changes)


class FollowUp(models.Model):
    """How a launched activity stands at the end of a given year (jobs, still active or closed)."""

    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, related_name="follow_ups", verbose_name="activité"
    )
    year = models.PositiveSmallIntegerField("année")
    jobs = models.DecimalField("emplois (ETP)", max_digits=6, decimal_places=2, validators=[MinValueValidator(0)])
    still_active = models.BooleanField("toujours active", default=True)
    closed_on = models.DateField("fermée le", null=True, blank=True)
    comment = LimitedTextField("commentaire", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="saisi par"
    )
    recorded_at = models.DateTimeField("saisi le", default=timezone.now)
    # The hidden token of the creation form: submitting the same form twice saves one row.
    creation_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    version = models.PositiveIntegerField(default=1)

    CORRECTED_FIELDS = ["year", "jobs", "still_active", "closed_on", "comment"]

    class Meta:
        verbose_name = "suivi annuel"
        verbose_name_plural = "suivis annuels"
        ordering = ["activity", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "year"],
                name="projects_followup_one_per_year",
                violation_error_message="Un suivi existe déjà pour cette année.",
            ),
            models.CheckConstraint(
                condition=Q(still_active=True, closed_on__isnull=True)
                | Q(still_active=False, closed_on__isnull=False),
                name="projects_followup_closed_on_iff_closed",
                violation_error_message="Indiquez la date de fermeture d'une activité qui n'est plus active, "
                "et seulement dans ce cas.",
            ),
            models.CheckConstraint(condition=Q(jobs__gte=0), name="projects_followup_jobs_positive"),
        ]

    def __str__(self):
        return f"{self.activity} en {self.year}"

    @property
    def years_after_opening(self):
        """N in « N+1 », « N+3 »: the years since the activity opened. Warning: reads the activity."""
        return self.year - self.activity.opened_on.year

    @transaction.atomic
    def correct(self, *, by, version):
        """Save the corrected fields set on this follow-up, from the version read, and say what changed in the
        history. Raise IntegrityError if another follow-up of the activity has the year it moves to."""
        if changes := correct_row(self, self.CORRECTED_FIELDS, version):
            text = correction_text(f"Suivi annuel de {self.year} corrigé", changes)
            record_correction(self.activity.project_id, by=by, kind=ProjectEventKind.CORRECTED, text=text)
        return bool(changes)


def document_path(document, filename):
    # The stored name is random: the original name is kept in the row, never trusted as a path.
    return f"documents/{document.project_id}/{uuid.uuid4().hex}"


class DocumentKind(models.TextChoices):
    OPPORTUNITY_STUDY = "opportunity_study", "Étude d'opportunité"
    COPIL_REPORT = "copil_report", "Compte rendu de COPIL"
    FEASIBILITY_STUDY = "feasibility_study", "Étude de faisabilité"
    BUSINESS_PLAN = "business_plan", "Business plan social"
    PRESENTATION = "presentation", "Présentation"
    OTHER = "other", "Autre"


class Document(models.Model):
    Kind = DocumentKind

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="documents", verbose_name="projet")
    kind = models.CharField("nature", max_length=30, choices=DocumentKind)
    title = models.CharField("titre", max_length=200)
    file = models.FileField("fichier", upload_to=document_path, storage=private_storage, max_length=200)
    original_name = models.CharField("nom du fichier", max_length=255)
    content_type = models.CharField("type", max_length=100)
    size = models.PositiveIntegerField("taille (octets)")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="déposé par"
    )
    uploaded_at = models.DateTimeField("déposé le", default=timezone.now)
    # The hidden token of the creation form: submitting the same form twice saves one row.
    creation_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    version = models.PositiveIntegerField(default=1)

    CORRECTED_FIELDS = ["kind", "title"]

    class Meta:
        verbose_name = "document"
        ordering = ["-uploaded_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=DocumentKind.values), name="projects_document_kind_valid"),
        ]

    def __str__(self):
        return self.title

    @transaction.atomic
    def correct(self, *, by, version):
        """Save the corrected title and kind, from the version read, and say what changed in the history."""
        if changes := correct_row(self, self.CORRECTED_FIELDS, version):
            text = correction_text(f"Document « {self.title} » corrigé", changes)
            record_correction(self.project_id, by=by, kind=ProjectEventKind.CORRECTED, text=text)
        return bool(changes)

    @transaction.atomic
    def remove(self, *, by, version):
        """Delete this document, from the version read, and its stored file once that is committed: a removed
        document is gone, not hidden. The history keeps who removed it, when, and its title."""
        delete_row(self, version)
        text = f"Document « {self.title} » ({self.get_kind_display()}, {self.original_name}) supprimé."
        record_correction(self.project_id, by=by, kind=ProjectEventKind.REMOVED, text=text)
        storage, name = self.file.storage, self.file.name
        transaction.on_commit(lambda: storage.delete(name))
