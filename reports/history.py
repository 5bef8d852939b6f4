"""The dated facts of the projects' history that the figures count: the moves of stage, the stops, the day a project
entered a stage, each on the day it happened (never the day it was typed in)."""

from django.db.models import Case, DateField, F, Q, When
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


def is_stop(prefix=""):
    """Return the condition on an event (reached through `prefix`) that it stopped its project: a change of state
    only, so that no other line of the history (a note, an import) can ever count as a stop."""
    return Q(**{f"{prefix}kind": ProjectEvent.Kind.STATE, f"{prefix}to_state": State.STOPPED}) & ~Q(
        **{f"{prefix}from_state": State.STOPPED}
    )


def stops():
    """Return the events that stopped a project (the stage it stopped at is their `to_stage`)."""
    return ProjectEvent.objects.filter(is_stop())


def stop_date(prefix):
    """Return the day the stop event reached through `prefix` happened: its COPIL's date when a COPIL decided it,
    else the day it was recorded (as MOVE_DATE; a stop is never a launch)."""
    return Coalesce(F(f"{prefix}copil__decided_on"), TruncDate(f"{prefix}at"), output_field=DateField())
