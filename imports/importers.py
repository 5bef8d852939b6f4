"""Check each row of an imported table against the Fabrique, then write the whole file in one transaction.

`preview(kind, table, user)` tells, row by row, what an import would do (new, updated, unchanged, error) and writes
nothing; `preview_summary` tells it briefly (counts, and the rows worth showing), reading a streamed table row by row
in a memory that does not grow with the file. `run_import(kind, table, user=..., filename=...)` checks the rows
again inside one transaction and writes them all, or raises ImportHasErrors and writes nothing. A second run of the
same file finds every row unchanged.

Each kind of file has its importer (IMPORTERS): imports.needs, imports.projects (both built on
imports.territorial) and imports.organizations; imports.rows holds what a row is and how it is read.
"""

import itertools
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from imports.columns import NEEDS, ORGANIZATIONS, PROJECTS, header_key
from imports.needs import NeedImporter
from imports.organizations import OrganizationImporter
from imports.projects import ProjectImporter
from imports.reading import FileRefused
from imports.rows import BATCH_SIZE, ERROR, NEW, OUTCOME_LABELS, UNCHANGED, UPDATED
from territories.models import Structure

# The importer of each kind of file, by the slug of its imports.columns.ImportKind.
IMPORTERS = {NEEDS.slug: NeedImporter, PROJECTS.slug: ProjectImporter, ORGANIZATIONS.slug: OrganizationImporter}


class ImportHasErrors(Exception):
    """Some rows are in error: nothing was written."""

    def __init__(self, results):
        super().__init__(results)
        self.results = results


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


def checked_rows(kind, table, user):
    """Return the importer that checks the table, and an iterator over one RowResult per data row.

    The rows are checked a batch at a time: the importer reads at once what the rows of a batch name (the records
    they update, the communes they give), so that the queries follow the batches, never the rows, and only one batch
    of raw rows is in memory when the table is streamed."""
    indexes = column_indexes(kind, table.header)
    importer = IMPORTERS[kind.slug](user, present=set(indexes))
    return importer, _checked(importer, indexes, table.rows)


def _checked(importer, indexes, rows):
    for batch in itertools.batched(rows, BATCH_SIZE):
        raws = [
            (line, {key: (cells[index] if index < len(cells) else None) for key, index in indexes.items()})
            for line, cells in batch
        ]
        importer.prepare([raw for line, raw in raws])
        for line, raw in raws:
            yield importer.check(line, raw)


def check_rows(kind, table, user):
    """Return the importer that checked the table, and the list of the RowResults of its data rows."""
    importer, results = checked_rows(kind, table, user)
    return importer, list(results)


def preview(kind, table, user):
    """Return what importing the table would do, row by row. Writes nothing."""
    return check_rows(kind, table, user)[1]


@dataclass
class Summary:
    """What importing a file would do, told briefly: the count of each outcome, the rows in error and the new or
    updated rows, each up to a limit (an unchanged row is only counted)."""

    counts: dict
    errors: list
    others: list

    @property
    def total(self):
        return sum(self.counts.values())

    @property
    def errors_left_out(self):
        return self.counts[ERROR] - len(self.errors)

    @property
    def others_left_out(self):
        return self.counts[NEW] + self.counts[UPDATED] - len(self.others)


def summarize(results, *, limit):
    """Return the Summary of the RowResults, consumed one at a time: only the rows shown are kept, and of them only
    what the page shows."""
    summary = Summary(counts=dict.fromkeys(OUTCOME_LABELS, 0), errors=[], others=[])
    for result in results:
        summary.counts[result.outcome] += 1
        shown = summary.errors if result.outcome == ERROR else summary.others
        if result.outcome != UNCHANGED and len(shown) < limit:
            shown.append(result.shown())
    return summary


def preview_summary(kind, table, user, *, limit):
    """Return the Summary of what importing the table would do, reading its rows as they come. Writes nothing."""
    return summarize(checked_rows(kind, table, user)[1], limit=limit)


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
