"""The columns of an organisation and of a person in a download: the exports of the directory (partners/views.py)
and the admin's (partners/admin.py) write the same organisation columns, from this one definition."""

from partners.models import LegalBasis, OrganizationKind

# The French labels of the choices, read from a dict rather than through get_FOO_display(), which builds one per call.
KIND_LABELS = dict(OrganizationKind.choices)
LEGAL_BASIS_LABELS = dict(LegalBasis.choices)

# What an organisation's page and the directory show of where it is: its seat, or the territory it governs.
PLACE_JOINS = [
    "commune__department",
    "governed_commune__department",
    "governed_epci",
    "governed_department",
    "governed_region",
]

ORGANIZATION_EXPORT_HEADER = [
    "N°",
    "Nom",
    "Type",
    "SIREN",
    "SIRET",
    "Site web",
    "Territoire administré",
    "Commune du siège",
    "Département du siège",
    "Enregistrée le",
]


def organization_export_row(organization):
    """Return the cells of one organisation in the export, from what its query brought (see PLACE_JOINS)."""
    commune = organization.commune
    territory = organization.governed_territory
    return (
        organization.pk,
        organization.name,
        KIND_LABELS.get(organization.kind, organization.kind),
        organization.siren,
        organization.siret,
        organization.website,
        str(territory) if territory else "",
        commune.name if commune else "",
        str(commune.department) if commune else "",
        organization.created_at,
    )


CONTACT_EXPORT_HEADER = [
    "Organisation",
    "N° de l'organisation",
    "Prénom",
    "Nom",
    "Fonction",
    "E-mail",
    "Téléphone",
    "Base légale",
    "Précision sur la base légale",
    "Enregistré le",
    "Modifié le",
]


def contact_export_row(contact):
    """Return the cells of one person in the export of the people, from what its query brought (its organisation)."""
    return (
        contact.organization.name,
        contact.organization_id,
        contact.first_name,
        contact.last_name,
        contact.job_title,
        contact.email,
        contact.phone,
        LEGAL_BASIS_LABELS.get(contact.legal_basis, contact.legal_basis),
        contact.legal_basis_note,
        contact.created_at,
        contact.updated_at,
    )
