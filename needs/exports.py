"""The columns of a need in a download: the export of the needs list (needs/views.py) and the admin's
(needs/admin.py) write the same ones, from this one definition."""

import itertools

from fabrique import exports
from fabrique.templatetags.french import names
from imports.columns import NEEDS
from needs.models import Need, NeedSource, NeedStatus, TerritoryKind

# Those the import reads take its names (imports/columns.py): a file exported, mended and imported updates its rows,
# found by their N°.
NEED_EXPORT_HEADER = [
    *NEEDS.names(
        "number",
        "reference",
        "title",
        "description",
        "status",
        "status_reason",
        "themes",
        "source",
        "source_detail",
        "target_public",
    ),
    "Structure",
    *NEEDS.names("department", "epci", "communes", "territory_kind", "detected_on"),
    "Proposé par",
    "Projet d'étude",
    "Saisi le",
    "Modifié le",
]


# The French labels of the choices, read from a dict rather than through get_FOO_display(), which builds one per call.
STATUS_LABELS = dict(NeedStatus.choices)
SOURCE_LABELS = dict(NeedSource.choices)
TERRITORY_KIND_LABELS = dict(TerritoryKind.choices)


def need_export_row(need):
    """Return the cells of one need in the export, from what its query and prefetches brought (the admin's export);
    need_export_rows writes the same cells for the needs list, from values rather than objects."""
    return (
        need.pk,
        need.reference,
        need.title,
        need.description,
        STATUS_LABELS.get(need.status, need.status),
        need.status_reason,
        names(need.themes.all()),
        SOURCE_LABELS.get(need.source, need.source),
        need.source_detail,
        need.target_public,
        need.structure.name,
        str(need.department),
        need.epci.name if need.epci else "",
        names(need.communes.all()),
        TERRITORY_KIND_LABELS.get(need.territory_kind, need.territory_kind),
        need.detected_on,
        need.proposed_by.name if need.proposed_by else "",
        need.project.title if need.project else "",
        need.created_at,
        need.updated_at,
    )


# What need_export_rows reads of each need, as plain values: a row of the export is built from them without a model
# instance for the need and for each of its five joined rows, which took half the time of a download.
NEED_EXPORT_VALUES = [
    "pk",
    "reference",
    "title",
    "description",
    "status",
    "status_reason",
    "source",
    "source_detail",
    "target_public",
    "structure__name",
    "department__name",
    "department__code",
    "epci__name",
    "territory_kind",
    "detected_on",
    "proposed_by__name",
    "project__title",
    "created_at",
    "updated_at",
]


def need_export_rows(needs):
    """Yield the cells of each need of `needs`, read exports.CHUNK_SIZE at a time: per batch, one query for the needs'
    values (their structure, département, EPCI, proposer and project joined) and one each for the names of their
    themes and communes, joined in the database rather than as objects. The same cells as need_export_row's."""
    values = needs.prefetch_related(None).values_list(*NEED_EXPORT_VALUES)
    for batch in itertools.batched(values.iterator(chunk_size=exports.CHUNK_SIZE), exports.CHUNK_SIZE):
        pks = [need[0] for need in batch]
        themes = exports.linked_names(Need.themes, pks)
        communes = exports.linked_names(Need.communes, pks, order=("name", "code"))
        for (
            pk,
            reference,
            title,
            description,
            status,
            status_reason,
            source,
            source_detail,
            target_public,
            structure,
            department,
            department_code,
            epci,
            territory_kind,
            detected_on,
            proposed_by,
            project,
            created_at,
            updated_at,
        ) in batch:
            yield (
                pk,
                reference,
                title,
                description,
                STATUS_LABELS.get(status, status),
                status_reason,
                themes.get(pk, ""),
                SOURCE_LABELS.get(source, source),
                source_detail,
                target_public,
                structure,
                f"{department} ({department_code})",
                epci or "",
                communes.get(pk, ""),
                TERRITORY_KIND_LABELS.get(territory_kind, territory_kind),
                detected_on,
                proposed_by or "",
                project or "",
                created_at,
                updated_at,
            )
