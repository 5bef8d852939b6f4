"""What the list pages show of their own state: how many filters are set."""

from django import template

register = template.Library()


@register.filter
def active_filters(form, sort=""):
    """Return how many fields of a bound filter form differ from their defaults, the sort (named `sort`) aside."""
    if not form.is_bound:
        return 0
    return sum(1 for name in form.changed_data if name != sort)
