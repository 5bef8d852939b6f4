"""The field that names an organisation of the directory, typed by its name or SIREN: the project's partner form and
the launch form's porteur and funders use it (apart from partners/forms.py, which itself reads projects/forms.py)."""

import re
from collections import Counter

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse_lazy

from fabrique.forms import SuggestInput
from fabrique.search import MAX_SEARCH_LENGTH, squash
from partners.models import Organization

# An organisation as a form names it for sure: « Bretagne Active (419 219 468) » or « La Cagette (n° 12) ».
SIREN_TYPED = re.compile(r"^(?:SIREN\s*:?\s*)?((?:\d\s*){9})$", re.IGNORECASE)
REFERENCE_TYPED = re.compile(r"^.*\(\s*(?:(?P<siren>(?:\d\s*){9})|n°\s*(?P<pk>\d{1,10})\s*)\)$", re.IGNORECASE)
CLOSE_NAMES_OFFERED = 5


def resolve_organization(text, organizations):
    """Return the organisation of `organizations` that `text` names (its name, its SIREN, or its reference as
    `Organization.reference` writes it), or None if `text` is blank; else raise ValidationError saying why, with
    the closest names on a miss and the references to choose from when several organisations bear the name."""
    text = re.sub(r"\s+", " ", text or "").strip()
    if not text:
        return None
    if len(text) > MAX_SEARCH_LENGTH * 2:
        raise ValidationError("Ce nom est trop long : saisissez le nom de l'organisation, ou son SIREN.")
    siren = pk = None
    if match := SIREN_TYPED.match(text):
        siren = match[1]
    elif match := REFERENCE_TYPED.match(text):
        siren, pk = match["siren"], match["pk"]
    if siren:
        siren = re.sub(r"\s", "", siren)
        found = organizations.filter(siren=siren).first()
        if found is None:
            raise ValidationError(f"Aucune organisation de l'annuaire n'a le SIREN {siren}.")
        return found
    if pk and (found := organizations.filter(pk=pk).first()):
        return found
    matches = list(organizations.named(text).order_by("pk")[: CLOSE_NAMES_OFFERED + 1])
    if len(matches) == 1:
        return matches[0]
    if matches:
        references = ", ".join(f"« {organization.reference} »" for organization in matches[:CLOSE_NAMES_OFFERED])
        raise ValidationError(
            f"Plusieurs organisations de l'annuaire s'appellent « {text} » : saisissez celle que vous voulez dire "
            f"avec son SIREN ou son numéro, parmi {references}."
        )
    close = organizations.close_to(text, limit=CLOSE_NAMES_OFFERED)
    if close:
        bearers = Counter(squash(organization.name) for organization in close)
        names = ", ".join(
            f"« {organization.reference if bearers[squash(organization.name)] > 1 else organization.name} »"
            for organization in close
        )
        raise ValidationError(f"« {text} » n'est pas dans l'annuaire. Vouliez-vous dire : {names} ?")
    raise ValidationError(
        f"« {text} » n'est pas dans l'annuaire : vérifiez l'orthographe, ou ajoutez d'abord l'organisation à "
        "l'annuaire."
    )


class OrganizationField(forms.CharField):
    """An organisation of the directory, typed by its name or SIREN and resolved on the server (see
    `resolve_organization`); the page suggests names as one types, where JavaScript runs.

    `organizations` are those the form may name (the whole directory by default).
    """

    def __init__(self, *, organizations=None, **kwargs):
        self.organizations = Organization.objects.all() if organizations is None else organizations
        kwargs.setdefault("label", "Organisation")
        kwargs.setdefault("help_text", "Son nom ou son SIREN, tel qu'il figure dans l'annuaire.")
        kwargs.setdefault("widget", SuggestInput(source=reverse_lazy("partners:suggestions")))
        kwargs.setdefault("max_length", None)
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, Organization):
            return value.reference
        return value

    def to_python(self, value):
        if isinstance(value, Organization):
            return value
        return resolve_organization(super().to_python(value), self.organizations)
