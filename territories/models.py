from django.db import models
from django.db.models import Q


class Region(models.Model):
    code = models.CharField("code INSEE", max_length=3, primary_key=True)
    name = models.CharField("nom", max_length=100)

    class Meta:
        verbose_name = "région"
        ordering = ["name"]

    def __str__(self):
        return self.name


class Department(models.Model):
    code = models.CharField("code INSEE", max_length=3, primary_key=True)
    name = models.CharField("nom", max_length=100)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="departments", verbose_name="région")

    class Meta:
        verbose_name = "département"
        ordering = ["code"]

    def __str__(self):
        return f"{self.name} ({self.code})"


class EPCIKind(models.TextChoices):
    METROPOLE = "METRO", "Métropole"
    URBAN = "CU", "Communauté urbaine"
    AGGLOMERATION = "CA", "Communauté d'agglomération"
    COMMUNES = "CC", "Communauté de communes"
    TERRITORY = "EPT", "Établissement public territorial"


class EPCI(models.Model):
    Kind = EPCIKind

    code = models.CharField("SIREN", max_length=9, primary_key=True)
    name = models.CharField("nom", max_length=200)
    kind = models.CharField("nature", max_length=5, choices=EPCIKind)

    class Meta:
        verbose_name = "EPCI"
        verbose_name_plural = "EPCI"
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=EPCIKind.values), name="territories_epci_kind_valid"),
        ]

    def __str__(self):
        return self.name


class Commune(models.Model):
    code = models.CharField("code INSEE", max_length=5, primary_key=True)
    name = models.CharField("nom", max_length=200)
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="communes", verbose_name="département"
    )
    # A few communes (some islands) belong to no EPCI.
    epci = models.ForeignKey(
        EPCI, on_delete=models.SET_NULL, null=True, blank=True, related_name="communes", verbose_name="EPCI"
    )
    population = models.PositiveIntegerField("population", null=True, blank=True)
    siren = models.CharField("SIREN", max_length=9, blank=True)

    class Meta:
        verbose_name = "commune"
        ordering = ["name", "code"]

    def __str__(self):
        return f"{self.name} ({self.code})"


class StructureLabel(models.TextChoices):
    EXPERIMENTING = "experimenting", "Fabrique à initiatives en expérimentation"
    LABELLED = "labelled", "Labellisée Fabrique à initiatives"


class Structure(models.Model):
    """A structure carrying the Fabrique à initiatives on its territory (in Brittany, a TAg)."""

    Label = StructureLabel

    name = models.CharField("nom", max_length=100, unique=True)
    full_name = models.CharField("nom complet", max_length=200, blank=True)
    departments = models.ManyToManyField(Department, related_name="structures", verbose_name="départements couverts")
    label = models.CharField("statut FAI", max_length=20, choices=StructureLabel, default=StructureLabel.EXPERIMENTING)
    labelled_on = models.DateField("labellisée depuis", null=True, blank=True)
    email = models.EmailField("e-mail de contact")
    website = models.URLField("site web", blank=True)

    class Meta:
        verbose_name = "structure"
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(label__in=StructureLabel.values), name="territories_structure_label_valid"
            ),
            models.CheckConstraint(
                condition=Q(label=StructureLabel.LABELLED, labelled_on__isnull=False)
                | Q(~Q(label=StructureLabel.LABELLED), labelled_on__isnull=True),
                name="territories_structure_labelled_on_iff_labelled",
                violation_error_message="La date de labellisation est requise pour une structure labellisée, "
                "et seulement pour elle.",
            ),
        ]

    def __str__(self):
        return self.name
