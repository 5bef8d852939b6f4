"""Correcting and removing what was recorded (a follow-up, a note, a meeting…), from the version the person read.

Each row that can be corrected carries a `version` column. A correction or a removal applies only if the row is
still at the version the form was read at, and counts a new version: of two corrections read at the same version,
the second one is refused, and a removal refuses a row changed since it was read. The caller writes the history
line in the same transaction, from the description `correct_row` returns.
"""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models

from fabrique.concurrency import CHANGED_MEANWHILE, EditConflict, delete_if_unchanged, save_if_unchanged
from fabrique.templatetags.french import french_number

# Said when a correction or a removal is refused: the row changed or went since the page was read.
CONFLICT_MESSAGE = CHANGED_MEANWHILE.format("Cet élément a été corrigé ou supprimé")


def shown(field, value):
    """Write a stored value as a person reads it in the history."""
    if value is None or value == "":
        return "vide"
    if field.many_to_one:
        # The row it points to, by its name: « Bretagne Active », not its number.
        return str(field.related_model._default_manager.filter(pk=value).first() or value)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, datetime.date):
        return f"{value:%d/%m/%Y}"
    if isinstance(value, Decimal | int):
        return french_number(value)
    return str(value)


def describe_change(field, before, after):
    name = field.verbose_name
    if isinstance(field, models.TextField):
        # A text may be long, and its old wording may be the very thing that had to go: say that it changed.
        return f"{name} modifié"
    return f"{name} : {shown(field, before)} → {shown(field, after)}"


def correct_row(row, fields, version):
    """Write `fields` of `row` (their values set on it) if its stored row is still at `version`; return the list of
    the changes, described for the history (empty when nothing changed, and then nothing is written).

    Raise ValidationError if the row changed or went since `version`. Call it inside a transaction that also writes
    the history line."""
    model = type(row)
    before = model.objects.filter(pk=row.pk, version=version).first()
    if before is None:
        raise ValidationError(CONFLICT_MESSAGE)
    changed = [
        model._meta.get_field(name)
        for name in fields
        if getattr(before, model._meta.get_field(name).attname) != getattr(row, model._meta.get_field(name).attname)
    ]
    if not changed:
        row.version = version
        return []
    try:
        save_if_unchanged(row, [field.name for field in changed], version)
    except EditConflict:
        raise ValidationError(CONFLICT_MESSAGE) from None
    return [describe_change(field, getattr(before, field.attname), getattr(row, field.attname)) for field in changed]


def delete_row(row, version):
    """Delete `row` if its stored row is still at `version`, else raise ValidationError. Call it inside a transaction
    that also writes the history line."""
    try:
        delete_if_unchanged(row, version)
    except EditConflict:
        raise ValidationError(CONFLICT_MESSAGE) from None
