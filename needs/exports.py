"""The columns of a need in a download: the export of the needs list (needs/views.py) and the admin's
(needs/admin.py) write the same ones, from this one definition."""

from fabrique.templatetags.french import names
from imports.columns import NEEDS

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


def need_export_row(need):
    """Return the cells of one need in the export, from what its query and prefetches brought."""
    return (
        need.pk,
        need.reference,
        need.title,
        need.description,
        need.get_status_display(),
        need.status_reason,
        names(need.themes.all()),
        need.get_source_display(),
        need.source_detail,
        need.target_public,
        need.structure.name,
        str(need.department),
        need.epci.name if need.epci else "",
        names(need.communes.all()),
        need.get_territory_kind_display(),
        need.detected_on,
        need.proposed_by.name if need.proposed_by else "",
        need.project.title if need.project else "",
        need.created_at,
        need.updated_at,
    )
