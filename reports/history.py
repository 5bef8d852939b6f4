"""The dated facts of the projects' history that the figures count: the moves of stage, the stops, the day a project
entered a stage, each on the day it happened (never the day it was typed in)."""

from django.db.models import Case, DateField, F, OuterRef, Subquery, When
from django.db.models.functions import Coalesce, TruncDate

from projects.models import Project, ProjectEvent

Stage, State = Project.Stage, Project.State

# The day a move of stage or state happened: the COPIL's date when a COPIL decided it, the activity's opening for a
# launch, else the day it was recorded (an imported record carries its historical date in those same fields).
MOVE_DATE = Coalesce(
    F("copil__decided_on"),
    Case(When(to_stage=Stage.LAUNCHED, then=F("project__activity__opened_on"))),
    TruncDate("at"),
    output_field=DateField(),
)


def stage_moves():
    """Return the events that moved a project into another stage."""
    return ProjectEvent.objects.exclude(to_stage="").exclude(from_stage="").exclude(to_stage=F("from_stage"))


def stops():
    """Return the events that stopped a project (the stage it stopped at is their `to_stage`): changes of state only,
    so that no other line of the history (a note, an import) can ever count as a stop."""
    return ProjectEvent.objects.filter(kind=ProjectEvent.Kind.STATE, to_state=State.STOPPED).exclude(
        from_state=State.STOPPED
    )


def stage_entry(stage):
    """Return an expression, on projects, of the day the project entered `stage` (None if it never did)."""
    if stage == Stage.OPPORTUNITY_STUDY:
        return F("opened_on")
    moves = stage_moves().filter(project=OuterRef("pk"), to_stage=stage).annotate(on=MOVE_DATE).order_by("on")
    entered = Subquery(moves.values("on")[:1], output_field=DateField())
    if stage == Stage.LAUNCHED:
        return Coalesce(F("activity__opened_on"), entered, output_field=DateField())
    return entered
