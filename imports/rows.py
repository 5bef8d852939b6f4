"""One row of an imported file: how it is read (RowChecker), what importing it would do (RowResult), and the
helpers the importers share to write rows in batches and trace where they came from."""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError

from imports.parsing import parse_choice, parse_date
from imports.reading import cell_text

NEW, UPDATED, UNCHANGED, ERROR = "new", "updated", "unchanged", "error"
BATCH_SIZE = 500
OUTCOME_LABELS = {NEW: "Nouveau", UPDATED: "Mis à jour", UNCHANGED: "Inchangé", ERROR: "En erreur"}


@dataclass
class RowResult:
    line: int
    label: str = ""
    outcome: str = NEW
    errors: list = field(default_factory=list)
    changes: list = field(default_factory=list)  # the French names of the fields an update changes
    changed_fields: set = field(default_factory=set)  # and the names of these fields in the model
    values: dict = field(default_factory=dict)
    existing: object = None

    @property
    def outcome_label(self):
        return OUTCOME_LABELS[self.outcome]

    def shown(self):
        """Return this result with only what the preview page shows: no values, no record."""
        return RowResult(
            line=self.line, label=self.label, outcome=self.outcome, errors=self.errors, changes=self.changes
        )


class ConcurrentChange(IntegrityError):
    """A record changed between its check and its update."""


def lock_unchanged_since_read(model, records):
    """Lock the rows of `records` until the end of the transaction, or raise ConcurrentChange if one of them changed
    (its version moved on, or it was deleted) since it was read. One query per batch of rows."""
    current = {}
    for start in range(0, len(records), BATCH_SIZE):
        batch = [record.pk for record in records[start : start + BATCH_SIZE]]
        current.update(model.objects.select_for_update().filter(pk__in=batch).values_list("pk", "version"))
    if any(current.get(record.pk) != record.version for record in records):
        raise ConcurrentChange


def origin(filename, line):
    return f"Fichier « {filename} », ligne {line}."


class RowChecker:
    """The errors of one row, collected while its cells are read."""

    def __init__(self, raw, kind):
        self.raw = raw
        self.kind = kind
        self.errors = []

    def text(self, key, *, max_length=None):
        value = cell_text(self.raw.get(key))
        column = self.kind.column(key)
        if column.required and not value:
            self.errors.append(f"{column.name} : cette colonne est obligatoire.")
        elif max_length and len(value) > max_length:
            self.errors.append(f"{column.name} : {len(value)} caractères, pour {max_length} au plus.")
        return value

    def attempt(self, function, *args, **kwargs):
        try:
            return function(*args, **kwargs)
        except ValueError as error:
            self.errors.append(str(error))
        except ValidationError as error:
            self.errors.extend(error.messages)
        return None

    def date(self, key, *, required=True):
        value = self.raw.get(key)
        column = self.kind.column(key)
        if value is None or not cell_text(value):
            if required:
                self.errors.append(f"{column.name} : cette colonne est obligatoire.")
            return None
        return self.attempt(parse_date, value, label=column.name)

    def choice(self, key, choices, *, default=None, allowed=None, aliases=None):
        column = self.kind.column(key)
        return self.attempt(
            parse_choice,
            cell_text(self.raw.get(key)),
            choices,
            label=column.name,
            default=default,
            allowed=allowed,
            aliases=aliases,
        )
