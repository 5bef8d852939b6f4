"""The dated facts of the projects' history that the figures count: the moves of stage, the stops, the day a project
entered a stage, each on the day it happened (never the day it was typed in)."""

from django.db.models import DateField, F, Q
from django.db.models.functions import Coalesce, TruncDate

from projects.models import MOVE_DATE, Project, ProjectEvent

__all__ = ["MOVE_DATE", "is_stop", "stage_moves", "stop_date", "stops"]

Stage, State = Project.Stage, Project.State


def stage_moves():
    """Return the events that moved a project into another stage, and stand: a move undone or taken back since counts
    no more, and neither does its correction (its own line of the history)."""
    return (
        ProjectEvent.objects.standing()
        .exclude(kind=ProjectEvent.Kind.CORRECTION)
        .exclude(to_stage="")
        .exclude(from_stage="")
        .exclude(to_stage=F("from_stage"))
    )


def is_stop(prefix=""):
    """Return the condition on an event (reached through `prefix`) that it stopped its project and stands: a change of
    state only, so that no other line of the history (a note, an import, a correction) can ever count as a stop, and
    not one undone or taken back since."""
    return Q(
        **{
            f"{prefix}kind": ProjectEvent.Kind.STATE,
            f"{prefix}to_state": State.STOPPED,
            f"{prefix}cancelled_at__isnull": True,
        }
    ) & ~Q(**{f"{prefix}from_state": State.STOPPED})


def stops():
    """Return the events that stopped a project (the stage it stopped at is their `to_stage`)."""
    return ProjectEvent.objects.filter(is_stop())


def stop_date(prefix):
    """Return the day the stop event reached through `prefix` happened: the day given for it, its COPIL's date when a
    COPIL decided it, else the day it was recorded (as MOVE_DATE; a stop is never a launch)."""
    return Coalesce(
        F(f"{prefix}happened_on"),
        F(f"{prefix}copil__decided_on"),
        TruncDate(f"{prefix}at"),
        output_field=DateField(),
    )
