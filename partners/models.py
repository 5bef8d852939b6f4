from django.db import models
from django.db.models import Q
from django.utils import timezone

from fabrique.validators import validate_siren


class OrganizationKind(models.TextChoices):
    COMMUNE = "commune", "Commune"
    EPCI = "epci", "EPCI"
    DEPARTMENT = "department", "Département"
    REGION = "region", "Région"
    STATE = "state", "État et services déconcentrés"
    PUBLIC_FUNDER = "public_funder", "Financeur public"
    PRIVATE_FUNDER = "private_funder", "Fondation ou financeur privé"
    SOLIDARITY_FINANCE = "solidarity_finance", "Finance solidaire"
    ASSOCIATION = "association", "Association"
    COMPANY = "company", "Entreprise"
    ESS = "ess", "Structure de l'ESS"
    NETWORK = "network", "Réseau"
    OTHER = "other", "Autre"


class Organization(models.Model):
    """A partner organisation of the shared directory: a collectivité, a funder, an association, a company…"""

    Kind = OrganizationKind

    name = models.CharField("nom", max_length=200)
    kind = models.CharField("type", max_length=30, choices=OrganizationKind)
    siren = models.CharField("SIREN", max_length=9, blank=True, validators=[validate_siren])
    created_at = models.DateTimeField("enregistrée le", default=timezone.now)

    class Meta:
        verbose_name = "organisation"
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=OrganizationKind.values), name="partners_organization_kind_valid"
            ),
            models.UniqueConstraint(
                fields=["siren"],
                condition=~Q(siren=""),
                name="partners_organization_siren_unique",
                violation_error_message="Une organisation avec ce SIREN existe déjà.",
            ),
        ]

    def __str__(self):
        return self.name
