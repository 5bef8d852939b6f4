"""How every page writes in French: dates (« 1er mars 2026 »), numbers (« 1 234,5 »), amounts (« 15 000 € »), sizes,
lists of names, and the page numbers of a list."""

import datetime
from decimal import Decimal

from django import template
from django.utils import timezone

register = template.Library()

MONTHS = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
]
# French typography groups thousands with a narrow no-break space.
THOUSANDS_SEPARATOR = "\u202f"


@register.filter
def french_date(value):
    """Write a date (or the local date of a datetime) as « 1er mars 2026 »."""
    if not value:
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value).date()
    day = "1er" if value.day == 1 else str(value.day)
    return f"{day} {MONTHS[value.month - 1]} {value.year}"


@register.filter
def french_time(value):
    """Write the local time of a datetime as « 14 h 05 », with no-break spaces: it never splits over two lines."""
    local = timezone.localtime(value)
    return f"{local.hour}\u00a0h\u00a0{local.minute:02d}"


@register.filter
def french_datetime(value):
    """Write a datetime in local time as « 12 mars 2026 à 14 h 05 »."""
    if not value:
        return ""
    return f"{french_date(timezone.localtime(value).date())} à\u00a0{french_time(value)}"


@register.filter
def french_number(value):
    """Write a number as « 1 234,5 »: thousands grouped, a decimal comma, no trailing zeros."""
    if value is None or value == "":
        return ""
    number = Decimal(str(value))
    if number == number.to_integral_value():
        number = number.quantize(Decimal(1))
    else:
        number = number.normalize()
    sign = "-" if number < 0 else ""
    integer, _, decimals = f"{abs(number):f}".partition(".")
    groups = []
    while integer:
        groups.insert(0, integer[-3:])
        integer = integer[:-3]
    return sign + THOUSANDS_SEPARATOR.join(groups) + ("," + decimals if decimals else "")


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
def yes_no(value):
    """Write a boolean as « Oui » or « Non »."""
    return "Oui" if value else "Non"


@register.filter
def names(objects):
    """Join the names of these objects (themes, communes…): « Habitat, Mobilité »."""
    return ", ".join(item.name for item in objects)


@register.filter
def elided_page_range(page):
    """Return the page numbers to link to around this page, with « … » for the ones left out."""
    return page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
