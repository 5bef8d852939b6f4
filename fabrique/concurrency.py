"""Edits that lose nothing when two people (or two tabs) save the same object.

Every editable row carries a `version`, incremented by each write. An edit form posts the version it was read at
and, for each field, the value it showed (`show_hidden_initial`). Saving is conditional on the version: when
someone saved in between, `save_edit` compares, field by field, what the form showed, what the other save wrote
and what the person typed. The form comes back with the other save's values in the fields the person did not
touch and their own input in the fields they changed, and a table lists what the other save changed. Sending
it again then overwrites only what the person changed.
"""

import datetime
from dataclasses import dataclass

from django import forms
from django.core.exceptions import FieldDoesNotExist
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone

from fabrique.forms import RELOAD_ERRORS
from fabrique.templatetags.french import french_date, french_datetime, french_time


class EditConflict(Exception):
    """Someone saved the row after the edit form was read."""


# A write refused because its row changed since the page was read. Whoever changed it may be the same person, in
# another tab: the message does not say « someone else ».
CHANGED_MEANWHILE = (
    "{} depuis que vous avez ouvert cette page (dans un autre onglet, ou par une autre personne) : rien n'a été "
    "enregistré. Vérifiez la page, puis recommencez si besoin."
)


class VersionField(forms.IntegerField):
    """The version of the object the form was read at: saving over a newer version is refused."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        super().__init__(min_value=1, error_messages=RELOAD_ERRORS, **kwargs)


def save_if_unchanged(instance, fields, version, *, by=None, queryset=None, **extra):
    """Write `fields` of `instance` (and the `extra` column values) if its row is still at `version`, record who
    saved and when (on the models that keep it), and count a new version; else raise EditConflict. Of two edits
    read at the same version, the second one is refused. `queryset` narrows the rows that may still be edited."""
    model = type(instance)
    changes = {}
    for name in fields:
        field = model._meta.get_field(name)
        if not field.many_to_many:
            changes[field.attname] = getattr(instance, field.attname)
    stamps = {"updated_at": timezone.now(), "updated_by": by}
    stamps = {name: value for name, value in stamps.items() if _has_field(model, name)}
    changes |= stamps | extra
    rows = model.objects.all() if queryset is None else queryset
    with transaction.atomic():
        if not rows.filter(pk=instance.pk, version=version).update(**changes, version=F("version") + 1):
            raise EditConflict
    instance.refresh_from_db(fields=["version", *stamps.keys() - {"updated_by"}])
    if "updated_by" in stamps:
        instance.updated_by = by
    return instance


def delete_if_unchanged(instance, version):
    """Delete the row of `instance` if it is still at `version`; else raise EditConflict."""
    deleted, _ = type(instance).objects.filter(pk=instance.pk, version=version).delete()
    if not deleted:
        raise EditConflict


def read_at_current_version(form, row):
    """After a refused save, keep what was typed but bring the form to the row's current version (if the row still
    exists): sending it again is then a deliberate choice, made knowing that the row changed."""
    current = type(row)._default_manager.filter(pk=row.pk).values_list("version", flat=True).first()
    if current is not None:
        form.data = form.data.copy()
        form.data[form.add_prefix("version")] = current


def _has_field(model, name):
    try:
        model._meta.get_field(name)
    except FieldDoesNotExist:
        return False
    return True


class VersionedFormMixin:
    """For a ModelForm editing an object with a `version`: post the version read and the value shown in each field,
    so that a conflicting save can be merged (see `save_edit`)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"] = VersionField()
        self.initial.setdefault("version", self.instance.version)
        for name, field in self.fields.items():
            if name != "version":
                field.show_hidden_initial = True


@dataclass
class ChangedField:
    """One field the other save changed: its value there, the value typed, and whether the person changed it too."""

    label: str
    theirs: str
    yours: str
    both: bool


@dataclass
class Conflict:
    current: models.Model
    fields: list
    by: object
    at: datetime.datetime
    viewer: object

    @property
    def who(self):
        """Say who saved the object meanwhile, and when: « Vous avez enregistré … » when it was the same person."""
        when = french_moment(self.at)
        if self.by is not None and self.by.pk == self.viewer.pk:
            return f"Vous avez enregistré cette fiche dans un autre onglet {when}, après avoir ouvert ce formulaire."
        if self.by is not None:
            name = self.by.get_full_name() or self.by.email
            return f"{name} a enregistré cette fiche {when}, depuis que vous avez ouvert ce formulaire."
        return f"Cette fiche a été enregistrée {when}, depuis que vous avez ouvert ce formulaire."

    @property
    def message(self):
        return (
            f"{self.who} Vos modifications ne sont pas encore enregistrées : le formulaire reprend la version "
            "enregistrée, sauf dans les champs que vous aviez modifiés. Vérifiez les différences, puis enregistrez."
        )


def french_moment(moment):
    """Write « à 14 h 05 » today, else « le 3 décembre 2026 à 14 h 05 » (local time, non-breaking spaces)."""
    if timezone.localtime(moment).date() == timezone.localdate():
        return f"à\u00a0{french_time(moment)}"
    return f"le {french_datetime(moment)}"


def save_edit(form, make_form, *, by):
    """Save the valid edit `form` (its `save(by=…)`), merging it with any save made since it was read.

    `make_form(data=None)` builds the same form on the object as saved now. Return `(result, form, conflict)`:
    `conflict` is None when the edit is saved (`result` is then what `save` returned); otherwise `form` is the
    form to show again, merged, with the conflict's message as its error, and `conflict` says what changed.
    """
    try:
        return form.save(by=by), form, None
    except EditConflict:
        pass
    theirs = make_form()
    data = form.data.copy()
    data[form.add_prefix("version")] = theirs.instance.version
    changed = []
    for name, field in form.fields.items():
        if name == "version" or name not in theirs.fields:
            continue
        bound = form[name]
        shown = form._widget_data_value(field.hidden_widget(), bound.html_initial_name)
        saved = theirs[name].value()
        typed = bound.data
        if not _differs(field, saved, shown):
            continue
        touched = _differs(field, typed, shown)
        changed.append(
            ChangedField(
                label=bound.label,
                theirs=_shown(field, saved),
                yours=_shown(field, typed),
                both=touched and _differs(field, typed, saved),
            )
        )
        if not touched:
            _set(data, form.add_prefix(name), saved)
    for name in theirs.fields:
        if name != "version" and name in form.fields:
            # Sent again, the form compares with the version saved now: only what the person changed is written.
            _set(data, form[name].html_initial_name, theirs[name].value())
    merged = make_form(data=data)
    conflict = Conflict(theirs.instance, changed, theirs.instance.updated_by, theirs.instance.updated_at, by)
    if merged.is_valid() and not changed:
        # The other save changed none of these fields (a status move, say): nothing of theirs is overwritten.
        try:
            return merged.save(by=by), merged, None
        except EditConflict:
            # Yet another save meanwhile: the person sees the form again.
            pass
    merged.add_error(None, conflict.message)
    return None, merged, conflict


def _comparable(field, value):
    """Bring a value shown, posted or saved to one form, so that « nothing changed » compares equal."""
    if isinstance(field, forms.BooleanField):
        return field.to_python(value)
    value = field.prepare_value(value)
    if isinstance(value, list | tuple):
        return sorted(str(item) for item in value)
    if value is None:
        return ""
    # Browsers send line breaks as CRLF whatever was stored.
    return str(value).replace("\r\n", "\n").strip()


def _differs(field, a, b):
    return _comparable(field, a) != _comparable(field, b)


def _set(data, key, value):
    """Put a field's value in posted data, as its widget would post it."""
    if isinstance(value, list | tuple):
        data.setlist(key, [str(item) for item in value])
    elif value is None or value is False:
        data.pop(key, None)
    else:
        data[key] = str(value)


def _shown(field, value):
    """Write a field's value as the person reads it: a choice by its label, an object by its name."""
    value = field.prepare_value(value)
    if isinstance(field, forms.BooleanField):
        return "Oui" if field.to_python(value) else "Non"
    values = value if isinstance(value, list | tuple) else [value]
    values = [str(item) for item in values if item not in (None, "")]
    if not values:
        return "—"
    if isinstance(field, forms.ModelChoiceField):
        model = field.queryset.model
        names = {str(item.pk): str(item) for item in model._default_manager.filter(pk__in=values)}
        return ", ".join(names.get(item, item) for item in values)
    if isinstance(field, forms.ChoiceField):
        labels = {str(key): label for key, label in _flat_choices(field.choices)}
        return ", ".join(labels.get(item, item) for item in values)
    if isinstance(field, forms.DateField):
        try:
            return french_date(field.to_python(value))
        except forms.ValidationError:
            pass
    return ", ".join(values)


def _flat_choices(choices):
    for key, label in choices:
        if isinstance(label, list | tuple):
            yield from _flat_choices(label)
        else:
            yield key, label
