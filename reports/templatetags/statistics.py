from django import template

from fabrique.templatetags.french import french_number

register = template.Library()


@register.filter
def figure(value):
    """Write a figure of the dashboard: « 1 234,5 », or « — » where there is none (a year not yet passed)."""
    if value is None:
        return "—"
    return french_number(value)
