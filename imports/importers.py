"""Check each row of an imported table against the Fabrique, then write the whole file in one transaction.

`preview(kind, table, user)` tells, row by row, what an import would do (new, updated, unchanged, error) and writes
nothing. `run_import(kind, table, user=..., filename=...)` checks the rows again inside one transaction and writes
them all, or raises ImportHasErrors and writes nothing. A second run of the same file finds every row unchanged.
"""

import datetime
import re
from dataclasses import dataclass, field

from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.db.models import F, OuterRef, Subquery
from django.utils import timezone

from fabrique.search import fold
from fabrique.validators import validate_siren, validate_siret
from imports.columns import (
    IMPORTABLE_ORGANIZATION_KINDS,
    IMPORTABLE_STAGES,
    IMPORTABLE_VISIBILITIES,
    NEED_STATUSES,
    NEEDS,
    ORGANIZATIONS,
    PROJECTS,
    header_key,
)
from imports.parsing import NAMED_DEPARTMENT, Lookups, parse_choice, parse_date
from imports.reading import FileRefused, cell_text
from needs.models import Need, NeedEvent, NeedSource, NeedStatus, TerritoryKind
from partners.models import GOVERNED_FIELD, Organization, OrganizationKind, comparable_name
from projects.models import CopilDecision, Programme, Project, ProjectEvent, Stage, State, Visibility
from territories.forms import INSEE_CODE, NAMED_INSEE_CODE
from territories.models import Commune, Structure

NEW, UPDATED, UNCHANGED, ERROR = "new", "updated", "unchanged", "error"
BATCH_SIZE = 500
OUTCOME_LABELS = {NEW: "Nouveau", UPDATED: "Mis à jour", UNCHANGED: "Inchangé", ERROR: "En erreur"}


class ImportHasErrors(Exception):
    """Some rows are in error: nothing was written."""

    def __init__(self, results):
        super().__init__(results)
        self.results = results


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


def column_indexes(kind, header):
    """Return {column key: index in the file}, or raise FileRefused naming the missing or repeated columns."""
    known = {header_key(column.name): column for column in kind.columns}
    indexes, repeated = {}, []
    for index, name in enumerate(header):
        column = known.get(header_key(name))
        if column is None:
            continue
        if column.key in indexes:
            repeated.append(column.name)
        indexes[column.key] = index
    if repeated:
        names = ", ".join(f"« {name} »" for name in repeated)
        raise FileRefused(f"Ces colonnes figurent deux fois dans le fichier : {names}. Gardez-en une seule.")
    # « Référence » may be missing if « N° » is there: the rows then name the records they update by their number.
    named = {column.name: column for column in kind.columns}
    missing = [
        f"« {column.name} »" + (f" (ou « {column.required_unless} »)" if column.required_unless else "")
        for column in kind.columns
        if column.key not in indexes
        and (column.required or (column.required_unless and named[column.required_unless].key not in indexes))
    ]
    if missing:
        names = ", ".join(missing)
        plural = "Colonnes obligatoires absentes" if len(missing) > 1 else "Colonne obligatoire absente"
        raise FileRefused(
            f"{plural} : {names}. La première ligne du fichier doit reprendre les noms de colonnes du modèle "
            f"d'import des {kind.label}."
        )
    return indexes


def check_rows(kind, table, user):
    """Return the importer that checked the table, and one RowResult per data row."""
    indexes = column_indexes(kind, table.header)
    importer = IMPORTERS[kind.slug](user, present=set(indexes))
    raws = [
        (line, {key: (cells[index] if index < len(cells) else None) for key, index in indexes.items()})
        for line, cells in table.rows
    ]
    importer.prepare([raw for line, raw in raws])
    return importer, [importer.check(line, raw) for line, raw in raws]


def preview(kind, table, user):
    """Return what importing the table would do, row by row. Writes nothing."""
    return check_rows(kind, table, user)[1]


def run_import(kind, table, *, user, filename):
    """Write every row of the table in one transaction, or nothing if a row is in error (raise ImportHasErrors).

    Return the RowResults. Imports into one structure wait for each other (the structure's row is locked), so
    that a confirmation sent twice at once writes the rows once: the second finds them unchanged; imports of
    organisations lock every structure.
    """
    try:
        with transaction.atomic():
            structures = Structure.objects.select_for_update().order_by("pk")
            # The partner directory is the network's: imports of organisations wait for each other whatever the
            # structure, so that two of them cannot both create the same organisation.
            list(structures if kind is ORGANIZATIONS else structures.filter(pk=user.structure_id))
            importer, results = check_rows(kind, table, user)
            if any(result.outcome == ERROR for result in results):
                raise ImportHasErrors(results)
            importer.write_all(results, by=user, filename=filename, now=timezone.now())
    except IntegrityError:
        # Someone changed the same records meanwhile (a reference, a SIREN): check the file again from the start.
        raise FileRefused(
            "Des fiches de ce fichier viennent d'être modifiées par ailleurs : rien n'a été importé. "
            "Déposez le fichier à nouveau pour voir ce qu'il changerait maintenant."
        ) from None
    return results


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
            return value[:max_length]
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

    def choice(self, key, choices, *, default=None, allowed=None):
        column = self.kind.column(key)
        return self.attempt(
            parse_choice, cell_text(self.raw.get(key)), choices, label=column.name, default=default, allowed=allowed
        )


class TerritorialImporter:
    """What needs and projects share: a structure, a reference (or a N°) per row, themes and a territory.

    A row names an existing record of the structure by its « N° » or its « Référence »; the update then compares and
    writes only what the file gives (imports.columns.UPDATE_RULE): a column absent from the file, or an empty cell of
    an optional column, keeps the stored value, and the defaults apply to new records only."""

    kind = None
    model = None
    noun = ""  # « besoin »: what a message calls a record
    simple_fields = ()  # compared and written as they are
    field_names = {}  # French names of the fields, for the list of changes

    def __init__(self, user, present=None):
        self.user = user
        self.structure = user.structure
        self.lookups = Lookups(self.structure)
        # The columns of the file: an update leaves alone the fields of the others.
        self.present = {column.key for column in self.kind.columns} if present is None else present
        records = list(
            self.records()
            .filter(structure=self.structure)
            .select_related("epci")  # kept by a row whose EPCI cell is empty
            .prefetch_related("themes", "communes")
        )
        self.existing = {record.reference: record for record in records if record.reference}
        self.by_number = {record.pk: record for record in records}
        self.seen = {}
        self.seen_records = {}

    def records(self):
        """Return the queryset of the records a row may update (of the structure: the caller filters)."""
        return self.model.objects.all()

    def prepare(self, raws):
        """The reference data is read in __init__: nothing more to read for these rows."""

    def check_territory(self, row, existing):
        """Return the département, EPCI and communes of a row. For an existing record, an empty EPCI or communes cell
        (or a missing column) keeps the stored ones, which must then lie in the row's département (and EPCI)."""
        department = row.attempt(self.lookups.department, cell_text(row.raw.get("department")))
        if not department:
            return {"department": None, "epci": None, "communes": []}
        epci_text, communes_text = cell_text(row.raw.get("epci")), cell_text(row.raw.get("communes"))
        if epci_text or existing is None:
            epci = row.attempt(self.lookups.epci, epci_text, department)
        else:
            epci = existing.epci
            if epci and (epci.code, department.code) not in self.lookups.epci_departments:
                row.errors.append(
                    f"EPCI : {epci.name}, l'intercommunalité de ce {self.noun}, n'est pas du département {department} "
                    "; indiquez celle de la ligne dans la colonne « EPCI »."
                )
                epci = None
        if communes_text or existing is None:
            communes = row.attempt(self.lookups.communes_named, communes_text, department, epci) or []
        else:
            communes = list(existing.communes.all())
            outside = [
                commune.name
                for commune in communes
                if commune.department_id != department.code or (epci and commune.epci_id != epci.code)
            ]
            if outside:
                where = epci.name if epci else f"le département {department}"
                row.errors.append(
                    f"Communes : {', '.join(outside)}, de ce {self.noun}, ne sont pas dans {where} ; indiquez les "
                    "communes de la ligne dans la colonne « Communes »."
                )
        return {"department": department, "epci": epci, "communes": communes}

    def check_reference(self, row, result):
        """Return the row's reference, and set the record it updates: the one its « N° » names (of the structure,
        else an error), or failing a N°, the one of the same reference."""
        reference = row.text("reference", max_length=50)
        number_text = cell_text(row.raw.get("number"))
        number_column = self.kind.column("number").name
        record = None
        if number_text:
            record = self.by_number.get(int(number_text)) if number_text.isdecimal() else None
            if record is None:
                row.errors.append(
                    f"{number_column} : aucun {self.noun} de votre structure ne porte le numéro « {number_text} ». "
                    "Seules les fiches de votre structure s'importent : retirez cette ligne (dans une liste "
                    "téléchargée de la Fabrique, filtrez d'abord par votre structure), ou videz la cellule pour "
                    f"créer un nouveau {self.noun}."
                )
        if reference and reference in self.seen:
            row.errors.append(f"La référence « {reference} » figure déjà à la ligne {self.seen[reference]}.")
            return reference
        if reference:
            self.seen[reference] = result.line
            named = self.existing.get(reference)
            if not number_text:
                record = named
            elif record and named and named.pk != record.pk:
                row.errors.append(
                    f"Référence : « {reference} » est celle du {self.noun} {number_column} {named.pk}, pas du "
                    f"{number_column} {record.pk} que donne la ligne."
                )
                return reference
        elif not number_text:
            row.errors.append(
                f"{self.kind.column('reference').name} : cette colonne est obligatoire (ou « {number_column} », pour "
                f"mettre à jour un {self.noun} de la Fabrique)."
            )
        if record and record.pk in self.seen_records:
            row.errors.append(
                f"Ce {self.noun} ({number_column} {record.pk}) figure déjà à la ligne {self.seen_records[record.pk]}."
            )
        elif record:
            self.seen_records[record.pk] = result.line
        result.existing = record
        return reference

    def keep_what_the_file_leaves_out(self, row, values, existing):
        """For an existing record, a simple field whose optional column is absent or empty keeps its stored value."""
        for column in self.kind.columns:
            if column.key not in self.simple_fields or column.required:
                continue
            if column.key not in self.present or not cell_text(row.raw.get(column.key)):
                values[column.key] = getattr(existing, column.key)

    def label(self, reference, values, existing):
        if not reference and existing:
            reference = existing.reference or f"{self.kind.column('number').name} {existing.pk}"
        return f"{reference} — {values['title']}" if reference else values["title"]

    def compare(self, result):
        """Set the outcome of a checked row: the fields an update would change, or unchanged."""
        existing, values = result.existing, result.values
        if existing is None:
            result.outcome = NEW
            return
        changed = [name for name in self.simple_fields if getattr(existing, name) != values[name]]
        if existing.department_id != values["department"].code:
            changed.append("department")
        if existing.epci_id != (values["epci"].code if values["epci"] else None):
            changed.append("epci")
        if {theme.pk for theme in existing.themes.all()} != {theme.pk for theme in values["themes"]}:
            changed.append("themes")
        if {commune.pk for commune in existing.communes.all()} != {commune.pk for commune in values["communes"]}:
            changed.append("communes")
        names = {**self.field_names, "department": "département", "epci": "EPCI", "themes": "thèmes"}
        result.changes = [names.get(name, name) for name in changed]
        result.changed_fields = set(changed)
        result.outcome = UPDATED if changed else UNCHANGED

    def write_all(self, results, *, by, filename, now):
        """Create the new rows in bulk (10,000 needs take seconds, not minutes), then update the others one by one."""
        new = [result for result in results if result.outcome == NEW]
        records = [
            self.model(
                structure=self.structure,
                created_by=by,
                created_at=now,
                updated_at=now,
                **self.new_fields(result.values),
            )
            for result in new
        ]
        self.model.objects.bulk_create(records, batch_size=BATCH_SIZE)
        link = f"{self.model._meta.model_name}_id"
        themes, communes = self.model.themes.through, self.model.communes.through
        themes.objects.bulk_create(
            [
                themes(**{link: record.pk, "theme_id": theme.pk})
                for record, result in zip(records, new, strict=True)
                for theme in result.values["themes"]
            ],
            batch_size=BATCH_SIZE,
        )
        communes.objects.bulk_create(
            [
                communes(**{link: record.pk, "commune_id": commune.pk})
                for record, result in zip(records, new, strict=True)
                for commune in result.values["communes"]
            ],
            batch_size=BATCH_SIZE,
        )
        self.created(records, new, by=by, filename=filename, now=now)
        history = [
            self.history(
                record, by=by, now=now, comment=f"Importé par {by} depuis le tableur. {origin(filename, result.line)}"
            )
            for record, result in zip(records, new, strict=True)
        ]
        updated = [result for result in results if result.outcome == UPDATED]
        history += self.update_all(updated, by=by, filename=filename, now=now)
        if history:
            type(history[0]).objects.bulk_create(history, batch_size=BATCH_SIZE)

    def update_all(self, results, *, by, filename, now):
        """Write the changes of the existing records in batches (a fixed number of queries, whatever their number),
        unless someone changed one of them since it was read; return their history rows (unsaved)."""
        if not results:
            return []
        records = [result.existing for result in results]
        lock_unchanged_since_read(self.model, records)
        # Only the columns some row changes are written: Django's bulk_update builds a CASE per column and row.
        changed = set().union(*(result.changed_fields for result in results))
        fields = [name for name in (*self.simple_fields, "department", "epci") if name in changed]
        for result in results:
            for name in fields:
                setattr(result.existing, name, result.values[name])
            result.existing.updated_at = now
            result.existing.version += 1
        if fields:
            self.model.objects.bulk_update(records, fields, batch_size=BATCH_SIZE)
        for start in range(0, len(records), BATCH_SIZE):
            batch = [record.pk for record in records[start : start + BATCH_SIZE]]
            self.model.objects.filter(pk__in=batch).update(updated_at=now, version=F("version") + 1)
        link = f"{self.model._meta.model_name}_id"
        for through, key, target in (
            (self.model.themes.through, "themes", "theme_id"),
            (self.model.communes.through, "communes", "commune_id"),
        ):
            moved = [result for result in results if key in result.changed_fields]
            for start in range(0, len(moved), BATCH_SIZE):
                batch = [result.existing.pk for result in moved[start : start + BATCH_SIZE]]
                through.objects.filter(**{f"{link}__in": batch}).delete()
            through.objects.bulk_create(
                [
                    through(**{link: result.existing.pk, target: item.pk})
                    for result in moved
                    for item in result.values[key]
                ],
                batch_size=BATCH_SIZE,
            )
        return [
            self.history(
                result.existing,
                by=by,
                now=now,
                comment=f"Mis à jour par {by} depuis le tableur ({', '.join(result.changes)}). "
                f"{origin(filename, result.line)}",
            )
            for result in results
        ]

    def created(self, records, results, *, by, filename, now):
        """Write what goes with the new records, besides their themes, communes and history."""


class NeedImporter(TerritorialImporter):
    kind = NEEDS
    model = Need
    noun = "besoin"
    simple_fields = (
        "reference",
        "title",
        "description",
        "source",
        "source_detail",
        "target_public",
        "territory_kind",
        "detected_on",
    )
    field_names = {
        "reference": "référence",
        "title": "intitulé",
        "description": "description",
        "source": "origine",
        "source_detail": "précision sur l'origine",
        "target_public": "public concerné",
        "territory_kind": "type de territoire",
        "detected_on": "date de détection",
    }

    def check(self, line, raw):
        result = RowResult(line=line)
        row = RowChecker(raw, self.kind)
        reference = self.check_reference(row, result)
        existing = result.existing
        values = {
            "reference": reference,
            "title": row.text("title", max_length=200),
            "description": row.text("description"),
            "themes": row.attempt(self.lookups.themes_named, cell_text(raw.get("themes"))),
            "source": row.choice("source", NeedSource),
            "source_detail": row.text("source_detail", max_length=200),
            "target_public": row.text("target_public", max_length=200),
            **self.check_territory(row, existing),
            "territory_kind": row.choice("territory_kind", TerritoryKind, default=""),
            "detected_on": row.date("detected_on"),
        }
        if existing:
            self.keep_what_the_file_leaves_out(row, values, existing)
        result.label = self.label(reference, values, existing)
        status_text = cell_text(raw.get("status"))
        reason = row.text("status_reason")
        if existing:
            status = row.choice("status", NeedStatus, default=existing.status)
            if status and status != existing.status:
                row.errors.append(
                    f"Statut : ce besoin est « {existing.get_status_display()} » dans la Fabrique et "
                    f"« {NeedStatus(status).label} » dans le fichier ; un changement de statut se fait depuis la page "
                    "du besoin, où il est tracé."
                )
        else:
            allowed = NEED_STATUSES
            if status_text and fold_equals(status_text, NeedStatus.IN_STUDY.label):
                row.errors.append(
                    "Statut : un besoin « En étude » ne s'importe pas ; importez-le « Qualifié », puis ouvrez son "
                    "étude depuis la Fabrique."
                )
                status = None
            else:
                status = row.choice("status", NeedStatus, default=NeedStatus.DETECTED, allowed=allowed)
            if status in (NeedStatus.ON_HOLD, NeedStatus.DISMISSED) and not reason:
                row.errors.append(f"Motif : obligatoire pour un besoin « {NeedStatus(status).label} ».")
            values["status"] = status
            values["status_reason"] = reason if status in (NeedStatus.ON_HOLD, NeedStatus.DISMISSED) else ""
        result.values = values
        result.errors = row.errors
        if not result.errors:
            self.compare(result)
        else:
            result.outcome = ERROR
        return result

    def new_fields(self, values):
        return {name: value for name, value in values.items() if name not in ("themes", "communes")}

    def history(self, need, *, by, now, comment):
        return NeedEvent(
            need=need, kind=NeedEvent.Kind.IMPORTED, to_status=need.status, comment=comment, by=by, at=now
        )


class ProjectImporter(TerritorialImporter):
    kind = PROJECTS
    model = Project
    noun = "projet"
    simple_fields = (
        "reference",
        "title",
        "solution_type",
        "internal_summary",
        "public_summary",
        "programme",
        "visibility",
        "published_at",
        "opened_on",
    )
    field_names = {
        "reference": "référence",
        "title": "intitulé",
        "solution_type": "type de solution",
        "internal_summary": "résumé interne",
        "public_summary": "résumé public",
        "programme": "programme",
        "visibility": "visibilité",
        "published_at": "retrait du Carnet de projets",
        "opened_on": "date d'ouverture",
    }

    def records(self):
        # The day of the project's first COPIL, that its opening may not follow: in the same query.
        first_copil = CopilDecision.objects.filter(project=OuterRef("pk")).order_by("decided_on").values("decided_on")
        return Project.objects.annotate(first_copil_on=Subquery(first_copil[:1]))

    def check(self, line, raw):
        result = RowResult(line=line)
        row = RowChecker(raw, self.kind)
        reference = self.check_reference(row, result)
        existing = result.existing
        values = {
            "reference": reference,
            "title": row.text("title", max_length=200),
            "themes": row.attempt(self.lookups.themes_named, cell_text(raw.get("themes"))),
            **self.check_territory(row, existing),
            "solution_type": row.text("solution_type", max_length=100),
            "internal_summary": row.text("internal_summary"),
            "public_summary": row.text("public_summary"),
            "programme": row.choice("programme", Programme, default=Programme.REVELATEUR),
            "visibility": row.choice(
                "visibility",
                Visibility,
                default=Visibility.INTERNAL,
                allowed=[*IMPORTABLE_VISIBILITIES, *([existing.visibility] if existing else [])],
            ),
            "published_at": None,
            "opened_on": row.date("opened_on"),
        }
        if existing:
            self.keep_what_the_file_leaves_out(row, values, existing)
            # As the project's edit form does: a project that stops being public leaves the Carnet de projets.
            public = values["visibility"] == Visibility.PUBLIC
            values["published_at"] = existing.published_at if public else None
            self.check_opening_before_copil(row, values["opened_on"], existing)
        result.label = self.label(reference, values, existing)
        stage = row.choice(
            "stage", Stage, allowed=[*IMPORTABLE_STAGES, *([existing.stage] if existing else [])], default=None
        )
        state = row.choice("state", State, default=existing.state if existing else State.RUNNING)
        reason = row.text("stopped_reason")
        if existing:
            if stage and state and (stage, state) != (existing.stage, existing.state):
                row.errors.append(
                    f"Étape et état : ce projet est « {existing.get_stage_display()} », "
                    f"« {existing.get_state_display()} » dans la Fabrique et « {Stage(stage).label} », "
                    f"« {State(state).label} » dans le fichier ; ils se changent depuis la page du projet, où "
                    "chaque changement est tracé."
                )
        else:
            values.update(reference=reference, stage=stage, state=state)
            values["stopped_reason"] = reason if state == State.STOPPED else ""
            if state == State.STOPPED and not reason:
                row.errors.append("Motif de l'arrêt : obligatoire pour un projet « Arrêté ».")
            values["copil"] = self.check_copil(row, stage, state, values["opened_on"])
            values["stopped_on"] = self.check_stopped_on(row, stage, state, values["opened_on"], values["copil"])
        result.values = values
        result.errors = row.errors
        if not result.errors:
            self.compare(result)
        else:
            result.outcome = ERROR
        return result

    def check_opening_before_copil(self, row, opened_on, project):
        """Refuse to move the opening of an existing project after the COPIL it held (the COPIL form refuses a
        COPIL before the opening)."""
        first_copil_on = project.first_copil_on
        if opened_on and opened_on != project.opened_on and first_copil_on and opened_on > first_copil_on:
            row.errors.append(
                f"{self.kind.column('opened_on').name} : le {opened_on:%d/%m/%Y} suit le COPIL de ce projet, tenu le "
                f"{first_copil_on:%d/%m/%Y} ; l'étude a été ouverte avant son COPIL."
            )

    def check_copil(self, row, stage, state, opened_on):
        """Return (date, body, decision) of the COPIL a new project passed, or None; the file must give it for a
        project past the opportunity study (a COPIL decided to go on), and may give it for one stopped there."""
        decided_on = row.date("copil_on", required=False)
        body = row.text("copil_body", max_length=200)
        past_study = stage in IMPORTABLE_STAGES[1:]
        if stage is None:
            return None
        if past_study and not (cell_text(row.raw.get("copil_on")) and body):
            row.errors.append(
                f"COPIL : un projet à l'étape « {Stage(stage).label} » a passé le COPIL de l'étude d'opportunité ; "
                "indiquez sa date (Date du COPIL) et son instance (Instance du COPIL)."
            )
            return None
        if not past_study and (cell_text(row.raw.get("copil_on")) or body):
            if state != State.STOPPED:
                row.errors.append(
                    "COPIL : à l'étude d'opportunité, un COPIL ne figure que s'il a arrêté le projet ; un COPIL qui "
                    "a décidé de poursuivre mène à l'étape « Recherche de porteur »."
                )
                return None
            if not (cell_text(row.raw.get("copil_on")) and body):
                row.errors.append("COPIL : indiquez à la fois sa date et son instance.")
                return None
        if decided_on is None:
            return None
        if opened_on and decided_on < opened_on:
            row.errors.append(
                f"Date du COPIL : le {decided_on:%d/%m/%Y} précède l'ouverture de l'étude ({opened_on:%d/%m/%Y})."
            )
            return None
        decision = CopilDecision.Decision.GO if past_study else CopilDecision.Decision.STOP
        return decided_on, body, decision

    def check_stopped_on(self, row, stage, state, opened_on, copil):
        """Return the day a new stopped project stopped: « Arrêté le », or the date of the COPIL that stopped it."""
        column = self.kind.column("stopped_on")
        if state != State.STOPPED:
            if cell_text(row.raw.get("stopped_on")):
                row.errors.append(f"{column.name} : seulement pour un projet « {State.STOPPED.label} ».")
            return None
        copil_stop = stage == Stage.OPPORTUNITY_STUDY and cell_text(row.raw.get("copil_on"))
        if stage is None:
            return None
        stopped_on = row.date("stopped_on", required=False)
        if copil_stop:
            if copil and stopped_on and stopped_on != copil[0]:
                row.errors.append(
                    f"{column.name} : le {stopped_on:%d/%m/%Y}, mais le COPIL qui a arrêté le projet s'est tenu le "
                    f"{copil[0]:%d/%m/%Y} ; laissez la cellule vide ou indiquez la date du COPIL."
                )
                return None
            return copil[0] if copil else None
        if stopped_on is None:
            if not cell_text(row.raw.get("stopped_on")):
                row.errors.append(
                    f"{column.name} : obligatoire pour un projet « {State.STOPPED.label} » (la date de l'arrêt)."
                )
            return None
        if opened_on and stopped_on < opened_on:
            row.errors.append(
                f"{column.name} : le {stopped_on:%d/%m/%Y} précède l'ouverture de l'étude ({opened_on:%d/%m/%Y})."
            )
            return None
        if copil and stopped_on < copil[0]:
            row.errors.append(
                f"{column.name} : le {stopped_on:%d/%m/%Y} précède le COPIL qui a décidé de poursuivre "
                f"({copil[0]:%d/%m/%Y})."
            )
            return None
        return stopped_on

    def new_fields(self, values):
        return {
            name: value
            for name, value in values.items()
            if name not in ("themes", "communes", "copil", "stopped_on", "published_at")
        }

    def created(self, projects, results, *, by, filename, now):
        """Write the COPIL decisions of the new projects, and the history the statistics read, at its historical
        dates: the move to the porteur search that a COPIL "go" made, and the stop, as Project.record_copil_decision
        and Project.stop write them. The moves past the porteur search have no date in the file: none is written."""
        copils = {}
        for project, result in zip(projects, results, strict=True):
            if result.values.get("copil"):
                decided_on, body, decision = result.values["copil"]
                copils[project.pk] = CopilDecision(
                    project=project,
                    decided_on=decided_on,
                    body=body,
                    decision=decision,
                    comment=f"Décision reprise par l'import. {origin(filename, result.line)}",
                    recorded_by=by,
                    recorded_at=now,
                )
        CopilDecision.objects.bulk_create(copils.values(), batch_size=BATCH_SIZE)
        events = []
        for project, result in zip(projects, results, strict=True):
            copil = copils.get(project.pk)
            comment = f"Repris par l'import. {origin(filename, result.line)}"
            if copil and copil.decision == CopilDecision.Decision.GO:
                events.append(
                    ProjectEvent(
                        project=project,
                        kind=ProjectEvent.Kind.STAGE,
                        from_stage=Stage.OPPORTUNITY_STUDY,
                        to_stage=Stage.PORTEUR_SEARCH,
                        from_state=State.RUNNING,
                        to_state=State.RUNNING,
                        comment=comment,
                        copil=copil,
                        by=by,
                        at=historical(copil.decided_on),
                    )
                )
            if project.state == State.STOPPED:
                stopped_by_copil = copil if copil and copil.decision == CopilDecision.Decision.STOP else None
                events.append(
                    ProjectEvent(
                        project=project,
                        kind=ProjectEvent.Kind.STATE,
                        from_stage=project.stage,
                        to_stage=project.stage,
                        from_state=State.RUNNING,
                        to_state=State.STOPPED,
                        comment=project.stopped_reason,
                        copil=stopped_by_copil,
                        by=by,
                        at=historical(result.values["stopped_on"]),
                    )
                )
        ProjectEvent.objects.bulk_create(events, batch_size=BATCH_SIZE)

    def history(self, project, *, by, now, comment):
        # The import line changes no state (from = to): the statistics count the dated stop above, not this line.
        return ProjectEvent(
            project=project,
            kind=ProjectEvent.Kind.IMPORTED,
            to_stage=project.stage,
            from_state=project.state,
            to_state=project.state,
            comment=comment,
            by=by,
            at=now,
        )


def historical(day):
    """Return the moment an imported event is dated at: noon of its day, where the Fabrique is."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


def commune_parts(text):
    """Return (INSEE code, name, département code) of a commune as a cell names it: « 35288 », « Rennes (35238) »,
    « Saint-Malo (35) » or « Saint-Malo »."""
    text = (text or "").strip()
    if INSEE_CODE.match(text):
        return text.upper(), "", ""
    if match := NAMED_INSEE_CODE.match(text):
        return match[1].upper(), "", ""
    if match := NAMED_DEPARTMENT.match(text):
        return "", match[1], match[2].upper()
    return "", text, ""


def fold_equals(first, second):
    return header_key(first) == header_key(second)


class OrganizationImporter:
    """Organisations of the shared directory: matched by SIREN, or failing one, by the very same name."""

    kind = ORGANIZATIONS
    fields = ("name", "kind", "siren", "siret", "website", "commune")
    field_names = {
        "name": "nom",
        "kind": "type",
        "siren": "SIREN",
        "siret": "SIRET",
        "website": "site web",
        "commune": "commune du siège",
    }

    def __init__(self, user, present=None):
        # An empty cell keeps what the directory holds, as a missing column does: `present` changes nothing here.
        self.user = user
        organizations = list(Organization.objects.all())
        self.by_siren = {organization.siren: organization for organization in organizations if organization.siren}
        self.by_name = {}
        for organization in organizations:
            self.by_name.setdefault(comparable_name(organization.name), []).append(organization)
        self.seen = {}
        self.communes_by_code = {}
        self.communes_by_name = {}

    def prepare(self, raws):
        """Read at once the communes the rows name (two queries, whatever the number of rows)."""
        codes, names = set(), set()
        for raw in raws:
            code, name, _department = commune_parts(cell_text(raw.get("commune")))
            if code:
                codes.add(code)
            elif name:
                names.add(fold(name))
        if codes:
            communes = Commune.objects.filter(code__in=codes).select_related("department")
            self.communes_by_code = {commune.code: commune for commune in communes}
        if names:
            communes = Commune.objects.filter(name__fold__in=names).select_related("department").order_by("code")
            for commune in communes:
                self.communes_by_name.setdefault(fold(commune.name), []).append(commune)

    def commune(self, text):
        """Return the commune named by its INSEE code, its name, or its name and département (« Saint-Malo (35) »),
        with the messages of territories.forms.resolve_commune."""
        code, name, department = commune_parts(text)
        if code:
            if code not in self.communes_by_code:
                raise ValueError(f"Commune du siège : aucune commune n'a le code INSEE {code}.")
            return self.communes_by_code[code]
        matches = self.communes_by_name.get(fold(name), [])
        if department:
            matches = [commune for commune in matches if commune.department_id == department]
        if not matches:
            where = f" du département {department}" if department else ""
            raise ValueError(
                f"Commune du siège : « {name} » n'est pas le nom d'une commune{where} : vérifiez l'orthographe, ou "
                "indiquez son code INSEE."
            )
        if len(matches) > 1:
            choices = ", ".join(f"{commune.code} dans le département {commune.department}" for commune in matches[:10])
            raise ValueError(
                f"Commune du siège : plusieurs communes s'appellent « {name} » : indiquez son code INSEE ({choices})."
            )
        return matches[0]

    def check(self, line, raw):
        result = RowResult(line=line)
        row = RowChecker(raw, self.kind)
        name = row.text("name", max_length=200)
        result.label = name
        kind_text = cell_text(raw.get("kind"))
        kind = None
        collectivite_labels = {header_key(OrganizationKind(value).label) for value in GOVERNED_FIELD}
        if kind_text and header_key(kind_text) in collectivite_labels | {"collectivite"}:
            row.errors.append(
                "Type : les collectivités ne s'importent pas ; ajoutez-les depuis l'annuaire (« Ajouter une "
                "collectivité »), qui les reprend des données de référence avec leur territoire."
            )
        else:
            kind = row.choice("kind", OrganizationKind, allowed=IMPORTABLE_ORGANIZATION_KINDS)
        siren = re.sub(r"\s", "", cell_text(raw.get("siren")))
        siret = re.sub(r"\s", "", cell_text(raw.get("siret")))
        if siren:
            row.attempt(validate_siren, siren)
        if siret:
            row.attempt(validate_siret, siret)
            if not siren:
                siren = siret[:9]
            elif not siret.startswith(siren):
                row.errors.append(f"SIRET : {siret} ne commence pas par le SIREN {siren}.")
        website = cell_text(raw.get("website"))
        if website:
            try:
                URLValidator(schemes=["http", "https"])(website)
            except ValidationError:
                row.errors.append(f"Site web : « {website} » n'est pas une adresse complète, commençant par https://.")
        commune_text = cell_text(raw.get("commune"))
        commune = row.attempt(self.commune, commune_text) if commune_text else None
        result.values = {"name": name, "kind": kind, "siren": siren, "siret": siret, "website": website}
        result.values["commune"] = commune
        self.match(row, result)
        result.errors = row.errors
        if result.errors:
            result.outcome = ERROR
        else:
            self.compare(result)
        return result

    def match(self, row, result):
        siren, name = result.values["siren"], result.values["name"]
        key = ("siren", siren) if siren else ("name", comparable_name(name))
        if key in self.seen:
            row.errors.append(f"Cette organisation figure déjà à la ligne {self.seen[key]}.")
            return
        self.seen[key] = result.line
        if siren:
            existing = self.by_siren.get(siren)
        else:
            named = self.by_name.get(comparable_name(name), []) if name else []
            if len(named) > 1:
                row.errors.append(
                    f"Plusieurs organisations de l'annuaire s'appellent « {name} » : indiquez le SIREN de celle-ci."
                )
                return
            existing = named[0] if named else None
            if existing:
                # The same name but for its noise words (« Association La Cagette »): the directory's spelling stays.
                result.values["name"] = existing.name
        if existing and existing.is_collectivite:
            row.errors.append(
                f"« {existing.name} » est une collectivité de l'annuaire, tenue d'après les données de référence : "
                "retirez cette ligne du fichier."
            )
            return
        result.existing = existing

    def compare(self, result):
        existing, values = result.existing, result.values
        if existing is None:
            result.outcome = NEW
            return
        # The directory is shared: an empty cell keeps what the directory holds.
        current = {name: getattr(existing, name) for name in self.fields if name != "commune"}
        current["commune"] = existing.commune_id
        wanted = {**values, "commune": values["commune"].pk if values["commune"] else None}
        changes = [
            self.field_names[name]
            for name in self.fields
            if wanted[name] not in ("", None) and current[name] != wanted[name]
        ]
        result.changes = changes
        result.outcome = UPDATED if changes else UNCHANGED

    def write_all(self, results, *, by, filename, now):
        new = [result for result in results if result.outcome == NEW]
        organizations = [Organization(**result.values, created_by=by, created_at=now) for result in new]
        Organization.objects.bulk_create(organizations, batch_size=BATCH_SIZE)
        entries = [
            (organization, ADDITION, f"Importée depuis le tableur. {origin(filename, result.line)}")
            for organization, result in zip(organizations, new, strict=True)
        ]
        entries += self.update_all([result for result in results if result.outcome == UPDATED], filename=filename)
        # The directory's history is the admin's: who, when, and here from which file.
        content_type = ContentType.objects.get_for_model(Organization)
        LogEntry.objects.bulk_create(
            [
                LogEntry(
                    user=by,
                    content_type=content_type,
                    object_id=str(organization.pk),
                    object_repr=str(organization)[:200],
                    action_flag=flag,
                    change_message=message,
                    action_time=now,
                )
                for organization, flag, message in entries
            ],
            batch_size=BATCH_SIZE,
        )

    def update_all(self, results, *, filename):
        """Write the cells the file fills in, in batches; return the entries of the directory's history."""
        if not results:
            return []
        organizations = [result.existing for result in results]
        lock_unchanged_since_read(Organization, organizations)
        for result in results:
            for name in self.fields:
                if result.values[name] not in ("", None):
                    setattr(result.existing, name, result.values[name])
            result.existing.version += 1
        Organization.objects.bulk_update(organizations, [*self.fields, "version"], batch_size=BATCH_SIZE)
        return [
            (
                result.existing,
                CHANGE,
                f"Mise à jour depuis le tableur ({', '.join(result.changes)}). {origin(filename, result.line)}",
            )
            for result in results
        ]


IMPORTERS = {NEEDS.slug: NeedImporter, PROJECTS.slug: ProjectImporter, ORGANIZATIONS.slug: OrganizationImporter}
