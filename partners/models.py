import difflib
import re

from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from fabrique.fields import SHORT_TEXT, LimitedTextField
from fabrique.search import bounded, fold, search_filter, search_words, squash
from fabrique.validators import validate_siren, validate_siret
from territories.models import EPCI, Commune, Department, Region


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


# A collectivité governs one territory of the reference geography: the field that holds it, by kind.
GOVERNED_FIELD = {
    OrganizationKind.COMMUNE: "governed_commune",
    OrganizationKind.EPCI: "governed_epci",
    OrganizationKind.DEPARTMENT: "governed_department",
    OrganizationKind.REGION: "governed_region",
}


def _governs_only(field):
    """The condition that exactly `field` (or, with None, none) of the governed_* fields is set."""
    return Q(**{f"{name}__isnull": name != field for name in GOVERNED_FIELD.values()})


# The words that tell nothing about which organisation a name means: « Association La Cagette » and « La Cagette »
# are the same partner.
NAME_NOISE_WORDS = {"association", "commune", "ville", "la", "le", "les", "l", "de", "du", "des", "d", "et"}
CLOSE_NAME_RATIO = 0.85


def comparable_name(name):
    """Return `name` folded, without punctuation nor the words that tell nothing: « L'Atelier de Callac » gives
    « atelier callac »."""
    words = re.sub(r"[^\w\s]", " ", fold(name or "")).split()
    return " ".join(word for word in words if word not in NAME_NOISE_WORDS)


def names_are_close(first, second):
    """Whether two comparable names (see `comparable_name`) likely name the same organisation."""
    if not first or not second:
        return False
    shorter, longer = sorted([first, second], key=len)
    if len(shorter) >= 4 and f" {shorter} " in f" {longer} ":
        return True
    matcher = difflib.SequenceMatcher(None, first, second)
    return matcher.real_quick_ratio() >= CLOSE_NAME_RATIO and matcher.ratio() >= CLOSE_NAME_RATIO


def may_read_directory(user):
    """Whether this user may read the shared directory: the network's révélateurs, Avise staff and administrators
    (not a collectivité: the directory is the network's working tool)."""
    return user.is_authenticated and user.works_in_network


def may_change_directory(user):
    """Whether this user may record or change organisations: the directory is the révélateurs' to keep."""
    return user.is_authenticated and user.is_revelateur


class OrganizationQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Return the organisations of the directory this user may read (see `may_read_directory`)."""
        return self if may_read_directory(user) else self.none()

    def editable_by(self, user):
        """Return the organisations this user may change (see `may_change_directory`)."""
        return self if may_change_directory(user) else self.none()

    def close_to(self, name, *, exclude=None, limit=10):
        """Return (in name order) the organisations whose name is close to `name`, but `exclude` (a primary key).

        Reads every name once: the directory holds a few thousand organisations at most.
        """
        wanted = comparable_name(name)
        rows = self.exclude(pk=exclude).values_list("pk", "name") if exclude else self.values_list("pk", "name")
        close = [pk for pk, other in rows if names_are_close(wanted, comparable_name(other))]
        return list(self.filter(pk__in=close).order_by(models.F("name__fold").asc(), "pk")[:limit])

    def named(self, name):
        """Return the organisations called `name`, whatever its case, accents, spaces, hyphens or apostrophes."""
        return self.filter(name__squash=squash(bounded(name)))

    def suggested_for(self, text):
        """Return the organisations whose name or SIREN holds each word of `text`, those whose name starts with its
        first word first, then in name order (bounded as any search: see `fabrique.search`)."""
        words = search_words(text)
        if not words:
            return self.none()
        starts = models.Case(models.When(name__fold__startswith=words[0], then=0), default=1)
        return self.search(text).order_by(starts, models.F("name__fold").asc(), "pk")

    def governing(self, territory):
        """Return the collectivités that govern this commune, EPCI, département or région."""
        field = {
            Commune: "governed_commune",
            EPCI: "governed_epci",
            Department: "governed_department",
            Region: "governed_region",
        }[type(territory)]
        return self.filter(**{field: territory})

    def collectivites(self):
        return self.filter(kind__in=list(GOVERNED_FIELD))

    def search(self, text):
        return self.filter(search_filter(["name", "siren"], text))

    def in_department(self, code):
        """Return the organisations seated in this département, or governing a territory in it."""
        return self.filter(
            Q(commune__department_id=code)
            | Q(governed_commune__department_id=code)
            | Q(governed_epci__communes__department_id=code)
            | Q(governed_department_id=code)
            | Q(governed_region__departments__code=code)
        ).distinct()


class Organization(models.Model):
    """A partner organisation of the network's shared directory: a collectivité, a funder, an association…"""

    Kind = OrganizationKind

    name = models.CharField("nom", max_length=200)
    kind = models.CharField("type", max_length=30, choices=OrganizationKind)
    siren = models.CharField(
        "SIREN", max_length=9, blank=True, validators=[validate_siren], help_text="9 chiffres, sans espaces."
    )
    siret = models.CharField(
        "SIRET",
        max_length=14,
        blank=True,
        validators=[validate_siret],
        help_text="Facultatif : l'établissement, 14 chiffres commençant par le SIREN.",
    )
    website = models.URLField("site web", blank=True)
    commune = models.ForeignKey(
        Commune,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="seated_organizations",
        verbose_name="commune du siège",
    )
    governed_commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="commune administrée"
    )
    governed_epci = models.ForeignKey(
        "territories.EPCI", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="EPCI"
    )
    governed_department = models.ForeignKey(
        "territories.Department",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="département administré",
    )
    governed_region = models.ForeignKey(
        "territories.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="région administrée",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="enregistrée par",
    )
    created_at = models.DateTimeField("enregistrée le", default=timezone.now)
    updated_at = models.DateTimeField("modifiée le", default=timezone.now)
    # Who saved it last, so that an edit refused for a newer version can say who made it.
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="modifiée par",
    )
    version = models.PositiveIntegerField(default=1)
    creation_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    objects = OrganizationQuerySet.as_manager()

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
                violation_error_message="Une organisation avec ce SIREN existe déjà dans l'annuaire.",
            ),
            *(
                models.UniqueConstraint(
                    fields=[field],
                    condition=Q(**{f"{field}__isnull": False}),
                    name=f"partners_organization_one_{field}",
                    violation_error_message="Ce territoire a déjà sa collectivité dans l'annuaire.",
                )
                for field in GOVERNED_FIELD.values()
            ),
            models.CheckConstraint(
                condition=Q(siret="") | Q(siret__startswith=models.F("siren")),
                name="partners_organization_siret_of_siren",
                violation_error_message="Le SIRET doit commencer par le SIREN de l'organisation.",
            ),
            models.CheckConstraint(
                condition=(Q(kind=OrganizationKind.COMMUNE) & _governs_only("governed_commune"))
                | (Q(kind=OrganizationKind.EPCI) & _governs_only("governed_epci"))
                | (Q(kind=OrganizationKind.DEPARTMENT) & _governs_only("governed_department"))
                | (Q(kind=OrganizationKind.REGION) & _governs_only("governed_region"))
                | (~Q(kind__in=list(GOVERNED_FIELD)) & _governs_only(None)),
                name="partners_organization_territory_iff_collectivite",
                violation_error_message="Une collectivité est rattachée à son territoire, et elle seule.",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("partners:detail", args=[self.pk])

    @property
    def is_collectivite(self):
        return self.kind in GOVERNED_FIELD

    @property
    def reference(self):
        """How a form names this organisation for sure: « Bretagne Active (419219468) », with its SIREN when it has
        one, else « La Cagette (n° 12) », with its number in the directory (the one its page's address shows)."""
        return f"{self.name} ({self.siren})" if self.siren else f"{self.name} (n° {self.pk})"

    @property
    def governed_territory(self):
        """The commune, EPCI, département or région this collectivité governs (None for other organisations)."""
        return getattr(self, GOVERNED_FIELD[self.kind]) if self.is_collectivite else None

    def territory_communes(self):
        """Return the communes of the territory this collectivité governs (none for other organisations)."""
        if self.kind == OrganizationKind.COMMUNE:
            return Commune.objects.filter(pk=self.governed_commune_id)
        if self.kind == OrganizationKind.EPCI:
            return Commune.objects.filter(epci_id=self.governed_epci_id)
        if self.kind == OrganizationKind.DEPARTMENT:
            return Commune.objects.filter(department_id=self.governed_department_id)
        if self.kind == OrganizationKind.REGION:
            return Commune.objects.filter(department__region_id=self.governed_region_id)
        return Commune.objects.none()

    def clean(self):
        super().clean()
        if self.siret and not self.siren:
            self.siren = self.siret[:9]

    @classmethod
    def for_territory(cls, territory):
        """Return a new (unsaved) collectivité governing `territory` (a Commune, EPCI, Department or Region), named
        and numbered as the reference data knows it: an EPCI's code is its SIREN, a commune's SIREN is loaded with
        it, a département's or a région's is not known."""
        if isinstance(territory, Commune):
            article = "d'" if fold(territory.name[:1]) in "aeiouy" else "de "
            return cls(
                name=f"Commune {article}{territory.name}",
                kind=OrganizationKind.COMMUNE,
                siren=territory.siren,
                governed_commune=territory,
                commune=territory,
            )
        if isinstance(territory, EPCI):
            return cls(name=territory.name, kind=OrganizationKind.EPCI, siren=territory.code, governed_epci=territory)
        if isinstance(territory, Department):
            return cls(
                name=f"Département {territory.name}", kind=OrganizationKind.DEPARTMENT, governed_department=territory
            )
        return cls(name=f"Région {territory.name}", kind=OrganizationKind.REGION, governed_region=territory)


class ContactQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Contacts are personal data: only the structure that recorded them sees them."""
        if user.is_authenticated and user.is_revelateur:
            return self.filter(structure_id=user.structure_id)
        return self.none()

    def editable_by(self, user):
        """Return the contacts this user may change: their structure's, unless erased (an erased person stays so)."""
        return self.visible_to(user).filter(erased_at__isnull=True)


class LegalBasis(models.TextChoices):
    LEGITIMATE_INTEREST = "legitimate_interest", "Intérêt légitime (partenaire d'un projet)"
    CONSENT = "consent", "Consentement de la personne"
    CONTRACT = "contract", "Exécution d'une convention"
    PUBLIC_TASK = "public_task", "Mission d'intérêt public"


class Contact(models.Model):
    """A person of a partner organisation. Personal data: it belongs to the structure that recorded it."""

    LegalBasis = LegalBasis

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="contacts", verbose_name="organisation"
    )
    structure = models.ForeignKey(
        "territories.Structure", on_delete=models.PROTECT, related_name="contacts", verbose_name="structure"
    )
    first_name = models.CharField("prénom", max_length=100, blank=True)
    last_name = models.CharField("nom", max_length=100)
    job_title = models.CharField("fonction", max_length=200, blank=True)
    email = models.EmailField("e-mail", blank=True)
    phone = models.CharField("téléphone", max_length=30, blank=True)
    legal_basis = models.CharField("base légale", max_length=30, choices=LegalBasis)
    legal_basis_note = LimitedTextField(
        "précision sur la base légale",
        max_length=SHORT_TEXT,
        blank=True,
        help_text="Par exemple : accord recueilli par e-mail le 3 mars.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="enregistré par",
    )
    created_at = models.DateTimeField("enregistré le", default=timezone.now)
    updated_at = models.DateTimeField("modifié le", default=timezone.now)
    # Who saved it last, so that an edit refused for a newer version can say who made it.
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="modifié par",
    )
    erased_at = models.DateTimeField("effacé le", null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    creation_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    objects = ContactQuerySet.as_manager()

    class Meta:
        verbose_name = "contact"
        ordering = ["last_name", "first_name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(legal_basis__in=LegalBasis.values), name="partners_contact_basis_valid"
            ),
            models.CheckConstraint(
                condition=Q(erased_at__isnull=True)
                | Q(first_name="", last_name="", job_title="", email="", phone="", legal_basis_note=""),
                name="partners_contact_erased_is_empty",
            ),
        ]

    def __str__(self):
        if self.erased_at:
            return "Personne effacée"
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def is_erased(self):
        return self.erased_at is not None

    def erase(self):
        """Anonymise this person for good (right to erasure): the row stays, so that nothing that counted it moves."""
        Contact.objects.filter(pk=self.pk).update(
            first_name="",
            last_name="",
            job_title="",
            email="",
            phone="",
            legal_basis_note="",
            erased_at=timezone.now(),
            updated_at=timezone.now(),
            version=models.F("version") + 1,
        )
        # The admin's history names the objects it changed: the person's name goes from there too.
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Contact), object_id=str(self.pk)
        ).update(object_repr="Personne effacée", change_message="")
        self.refresh_from_db()


class PartnerRole(models.TextChoices):
    SPONSOR = "sponsor", "Commanditaire"
    FUNDER = "funder", "Financeur"
    COPIL_MEMBER = "copil_member", "Membre du COPIL"
    OPERATIONAL = "operational", "Partenaire opérationnel"
    EXPERT = "expert", "Expert"
    PORTEUR = "porteur", "Porteur"
    IDEA_SCOUT = "idea_scout", "Capteur d'idées"


class ContributionKind(models.TextChoices):
    GRANT = "grant", "Subvention"
    LOAN = "loan", "Prêt"
    EQUITY = "equity", "Apport en fonds propres"
    SPONSORSHIP = "sponsorship", "Mécénat"
    IN_KIND = "in_kind", "Mise à disposition"


# The order in which a project's page lists its partners: along the life of a project.
ROLE_RANK = models.Case(
    *(models.When(role=role, then=models.Value(rank)) for rank, role in enumerate(PartnerRole.values)),
    output_field=models.IntegerField(),
)


class InvolvementQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Return the involvements in the projects this user may see."""
        from projects.models import Project

        return self.filter(project__in=Project.objects.visible_to(user))

    def editable_by(self, user):
        """Return the involvements this user may add or remove: in their structure's projects."""
        from projects.models import Project

        return self.filter(project__in=Project.objects.editable_by(user))

    def financial(self):
        """Return the funders' contributions that carry an amount: a project's funding, one row per funder and kind
        (the statistics count those of launched projects, the year their activity opened)."""
        return self.filter(role=PartnerRole.FUNDER, amount__isnull=False)

    def by_role(self):
        """Order by role, as PartnerRole lists them, then by organisation name (a funder nobody named last)."""
        return self.order_by(ROLE_RANK.asc(), models.F("organization__name__fold").asc(nulls_last=True), "pk")


class Involvement(models.Model):
    """An organisation's part in a project: its role, over a period, and what it brings."""

    Role = PartnerRole
    ContributionKind = ContributionKind

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="involvements", verbose_name="projet"
    )
    # Only a funder may go unnamed: a funding recorded without knowing who brought it still counts in the figures.
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="involvements",
        verbose_name="organisation",
    )
    role = models.CharField("rôle", max_length=20, choices=PartnerRole)
    started_on = models.DateField("depuis le", null=True, blank=True)
    ended_on = models.DateField("jusqu'au", null=True, blank=True)
    contribution_kind = models.CharField(
        "nature de la contribution", max_length=20, choices=ContributionKind, blank=True
    )
    amount = models.DecimalField("montant (€)", max_digits=12, decimal_places=2, null=True, blank=True)
    comment = models.CharField("précision", max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="ajouté par"
    )
    created_at = models.DateTimeField("ajouté le", default=timezone.now)
    # The hidden token of the creation form: submitting the same form twice saves one row.
    creation_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    objects = InvolvementQuerySet.as_manager()

    class Meta:
        verbose_name = "implication d'un partenaire"
        verbose_name_plural = "implications des partenaires"
        ordering = ["role", "organization__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "organization", "role"],
                condition=~Q(role=PartnerRole.FUNDER),
                name="partners_involvement_one_role_once",
                violation_error_message="Cette organisation a déjà ce rôle dans le projet.",
            ),
            # A funder may bring a grant and a loan: one row per kind of contribution.
            models.UniqueConstraint(
                fields=["project", "organization", "contribution_kind"],
                condition=Q(role=PartnerRole.FUNDER),
                name="partners_involvement_one_funding_per_kind",
                violation_error_message="Ce financeur a déjà une contribution de cette nature dans le projet.",
            ),
            models.CheckConstraint(
                condition=Q(organization__isnull=False) | Q(role=PartnerRole.FUNDER),
                name="partners_involvement_named_unless_funder",
            ),
            models.CheckConstraint(condition=Q(role__in=PartnerRole.values), name="partners_involvement_role_valid"),
            models.CheckConstraint(
                condition=Q(contribution_kind__in=[*ContributionKind.values, ""]),
                name="partners_involvement_contribution_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | (Q(amount__gte=0) & ~Q(contribution_kind="")),
                name="partners_involvement_amount_has_kind",
                violation_error_message="Indiquez la nature de la contribution chiffrée.",
            ),
            models.CheckConstraint(
                condition=Q(started_on__isnull=True)
                | Q(ended_on__isnull=True)
                | Q(ended_on__gte=models.F("started_on")),
                name="partners_involvement_period_ordered",
                violation_error_message="La fin de la période précède son début.",
            ),
        ]

    def __str__(self):
        return f"{self.organization_name} — {self.get_role_display()}"

    @property
    def organization_name(self):
        return self.organization.name if self.organization else "Financeur non précisé"

    def clean(self):
        super().clean()
        if self.amount is not None and not self.contribution_kind:
            raise ValidationError({"contribution_kind": "Indiquez la nature de la contribution chiffrée."})
