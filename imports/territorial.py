"""What the importers of needs and projects share: rows of one structure, named by a reference or a N°, with
themes and a territory; new records created in bulk, existing ones updated in batches with their history."""

from django.db.models import F, Q

from imports.parsing import Lookups
from imports.reading import cell_text
from imports.rows import BATCH_SIZE, NEW, UNCHANGED, UPDATED, lock_unchanged_since_read, origin

# A N° beyond the database's integers names no record: it is not looked up.
MAX_NUMBER = 2**63


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

    def __init__(self, user, present):
        self.user = user
        self.structure = user.structure
        self.lookups = Lookups(self.structure)
        # The columns of the file: an update leaves alone the fields of the others.
        self.present = present
        # The records the rows of the batch being checked name (see prepare): by reference and by N°.
        self.existing = {}
        self.by_number = {}
        self.seen = {}
        self.seen_records = {}

    def records(self):
        """Return the queryset of the records a row may update (of the structure: the caller filters)."""
        return self.model.objects.all()

    def prepare(self, raws):
        """Read the records of the structure that this batch of rows names, by reference or by N°, with their
        themes and communes (three queries per batch, whatever the number of records the structure holds)."""
        references, numbers = set(), set()
        for raw in raws:
            references.add(cell_text(raw.get("reference")))
            number = cell_text(raw.get("number"))
            if number.isdecimal() and int(number) < MAX_NUMBER:
                numbers.add(int(number))
        references.discard("")
        self.existing, self.by_number = {}, {}
        if not references and not numbers:
            return
        records = (
            self.records()
            # « not empty » lets PostgreSQL read the references through their (partial) unique index.
            .filter(Q(reference__in=references) & ~Q(reference="") | Q(pk__in=numbers), structure=self.structure)
            .select_related("epci")  # kept by a row whose EPCI cell is empty
            .prefetch_related("themes", "communes")
        )
        for record in records:
            if record.reference:
                self.existing[record.reference] = record
            self.by_number[record.pk] = record

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
