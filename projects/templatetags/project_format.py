"""How the projects' pages write amounts, stages and follow-up years (dates and numbers: needs_format)."""

from django import template

from needs.templatetags.needs_format import french_number
from projects.models import STAGE_ORDER, Stage

register = template.Library()

STEP_STATUS_LABELS = {"done": "franchie", "current": "étape actuelle", "upcoming": "à venir"}


@register.filter
def euros(value):
    """Write an amount as « 15 000 € » (or « 1 234,5 € »)."""
    if value is None or value == "":
        return ""
    return f"{french_number(value)}\u00a0€"


@register.filter
def file_size(size):
    """Write a size in bytes as « 12 octets », « 3,4 Ko » or « 2,1 Mo »."""
    if size < 1024:
        return f"{size} octet{'s' if size > 1 else ''}"
    for unit in ["Ko", "Mo", "Go"]:
        size /= 1024
        if size < 1024 or unit == "Go":
            return f"{french_number(round(size, 1))}\u00a0{unit}"


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
def yes_no(value):
    return "Oui" if value else "Non"
