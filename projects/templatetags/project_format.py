"""How the projects' pages write their stages and follow-up years (dates, numbers, amounts: the `french` filters)."""

from django import template

from projects.models import STAGE_ORDER, Stage, State

register = template.Library()

STEP_STATUS_LABELS = {"done": "franchie", "current": "étape actuelle", "upcoming": "à venir"}


@register.filter
def stage_steps(project):
    """Return the stages of the chain, each with where the project stands: done, current or upcoming."""
    current = STAGE_ORDER.index(project.stage)
    steps = []
    for index, value in enumerate(STAGE_ORDER):
        status = "done" if index < current else "current" if index == current else "upcoming"
        steps.append({"label": Stage(value).label, "status": status, "status_label": STEP_STATUS_LABELS[status]})
    return steps


@register.filter
def year_offset(follow_up):
    """Write the year of a follow-up against the opening year: « N+1 », « N+3 » (« N » for the opening year)."""
    offset = follow_up.years_after_opening
    return f"N+{offset}" if offset else "N"


@register.filter
def stage_label(value):
    """Write a stage code (« porteur_search ») as its label (« Recherche de porteur »)."""
    return Stage(value).label if value else ""


@register.filter
def passage(event):
    """Write a move as « from » → « to »: its stages, or its states when it kept its stage."""
    if event.from_stage != event.to_stage:
        return f"« {stage_label(event.from_stage)} » → « {stage_label(event.to_stage)} »"
    return f"« {State(event.from_state).label} » → « {State(event.to_state).label} »"
