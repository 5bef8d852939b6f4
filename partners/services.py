"""What the directory does across apps: a collectivité recorded from the reference geography, and everything the
platform stores about one person, gathered for the person's right of access."""

import re

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from fabrique.search import fold, search_filter
from needs.models import Need, NeedEvent
from partners.models import GOVERNED_FIELD, Organization
from projects.models import Meeting, ProjectEvent
from territories.models import EPCI, Commune, Department, Region

# What the search among the reference geography may find, in the order the page lists it.
TERRITORY_KINDS = [
    ("region", "Régions", "région", Region.objects.all()),
    ("department", "Départements", "département", Department.objects.select_related("region")),
    ("epci", "EPCI", "EPCI", EPCI.objects.all()),
    ("commune", "Communes", "commune", Commune.objects.select_related("department")),
]
# An INSEE code (« 35 », « 2A », « 35238 ») or a SIREN: searched as a code, not as a name.
CODE = re.compile(r"^(\d[\dAB]\d*)$", re.IGNORECASE)


def find_territories(text, *, limit=20):
    """Return the régions, départements, EPCI and communes named by `text` (words of the name, whatever the accents,
    or an exact code), `limit` of each kind at most, with the collectivité of the directory that governs each.

    Each group is a dict: kind, label, singular (the label of one), results (dicts: territory, the value to post,
    the organization or None), more (whether some were left out).
    """
    compact = re.sub(r"\s", "", text)
    code = compact.upper() if CODE.match(compact) else None
    groups = []
    for kind, label, singular, territories in TERRITORY_KINDS:
        if code:
            found = territories.filter(pk=code)
        else:
            found = territories.filter(search_filter(["name"], text))
        found = list(found.order_by(F("name__fold").asc(), "pk")[: limit + 1])
        groups.append(
            {
                "kind": kind,
                "label": label,
                "singular": singular,
                "territories": found[:limit],
                "more": len(found) > limit,
            }
        )
    governed = Q()
    for group in groups:
        governed |= Q(**{f"{GOVERNED_FIELD[group['kind']]}__in": [territory.pk for territory in group["territories"]]})
    known = {}
    for organization in Organization.objects.filter(governed).order_by("pk"):
        known.setdefault(
            (organization.kind, getattr(organization, f"{GOVERNED_FIELD[organization.kind]}_id")), organization
        )
    for group in groups:
        group["results"] = [
            {
                "territory": territory,
                "value": f"{group['kind']}:{territory.pk}",
                "organization": known.get((group["kind"], territory.pk)),
            }
            for territory in group.pop("territories")
        ]
    return groups


class SirenHeldByAnotherKind(Exception):
    """The SIREN of the chosen territory belongs to an organisation of the directory that is not a collectivité."""

    def __init__(self, organization, territory):
        super().__init__(organization, territory)
        self.organization = organization
        self.territory = territory


@transaction.atomic
def add_collectivite(territory, *, by):
    """Return the collectivité governing `territory`, and whether it was created now.

    A collectivité already in the directory (governing the same territory, or with the same SIREN) is returned
    as it is, so that choosing it twice never records it twice. An organisation of another kind holding the
    territory's SIREN raises SirenHeldByAnotherKind: someone must correct its kind or its SIREN first.
    """
    # Concurrent choices of one territory wait for each other here (PostgreSQL); SQLite writes one at a time anyway.
    type(territory).objects.select_for_update().filter(pk=territory.pk).first()
    organization = Organization.for_territory(territory)
    existing = Organization.objects.governing(territory)
    if organization.siren:
        existing = existing | Organization.objects.filter(siren=organization.siren)
    if found := existing.order_by("pk").first():
        if not found.is_collectivite:
            raise SirenHeldByAnotherKind(found, territory)
        return found, False
    organization.created_by = by
    organization.save()
    return organization, True


# The records of a structure whose texts may name a person: the French name of each, the fields to search, the path
# to its structure, and the relation its page is reached through.
MENTIONING_RECORDS = [
    (Need, "Besoin", ["title", "description", "source_detail", "proposal_contact"], "structure", None),
    (NeedEvent, "Historique d'un besoin", ["comment"], "need__structure", "need"),
    (ProjectEvent, "Historique d'un projet", ["comment"], "project__structure", "project"),
    (Meeting, "Temps fort d'un projet", ["title", "summary"], "project__structure", "project"),
]


def mentions(contact):
    """Return the records of the contact's structure whose text names the person, by e-mail address or by first and
    last name (a last name alone would find namesakes), as dicts: the record's kind, its title, its address."""
    if contact.is_erased:
        return []
    texts = [contact.email] if contact.email else []
    if contact.first_name and contact.last_name:
        texts.append(f"{contact.first_name} {contact.last_name}")
    if not texts:
        return []
    found = []
    for model, label, fields, structure_path, page in MENTIONING_RECORDS:
        condition = Q()
        for field in fields:
            for text in texts:
                condition |= Q(**{f"{field}__fold__contains": fold(text)})
        rows = model.objects.filter(condition, **{structure_path: contact.structure_id}).order_by("pk")
        if page:
            rows = rows.select_related(page)
        for row in rows:
            target = getattr(row, page) if page else row
            found.append({"fiche": label, "intitule": str(target), "adresse": target.get_absolute_url()})
    return found


def export(contact, *, absolute_url=str):
    """Return everything stored about this person, as a dict to write out in JSON (French keys: a person reads it).

    `absolute_url` turns the path of a page into the address to print (the request's `build_absolute_uri`)."""
    organization = contact.organization
    recorder = contact.created_by
    return {
        "personne": {
            "prenom": contact.first_name,
            "nom": contact.last_name,
            "fonction": contact.job_title,
            "e_mail": contact.email,
            "telephone": contact.phone,
            "base_legale": contact.get_legal_basis_display(),
            "precision_sur_la_base_legale": contact.legal_basis_note,
            "effacee_le": _iso(contact.erased_at),
        },
        "organisation": {
            "nom": organization.name,
            "type": organization.get_kind_display(),
            "siren": organization.siren,
            "adresse": absolute_url(organization.get_absolute_url()),
        },
        "enregistrement": {
            "structure": contact.structure.name,
            "enregistree_par": (recorder.get_full_name() or recorder.email) if recorder else None,
            "enregistree_le": _iso(contact.created_at),
            "modifiee_le": _iso(contact.updated_at),
        },
        "mentions": [{**mention, "adresse": absolute_url(mention["adresse"])} for mention in mentions(contact)],
        "exporte_le": _iso(timezone.now()),
    }


def _iso(moment):
    return timezone.localtime(moment).isoformat() if moment else None
