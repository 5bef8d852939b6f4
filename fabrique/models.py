from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Role(models.TextChoices):
    REVELATEUR = "revelateur", "Révélateur"
    COLLECTIVITE = "collectivite", "Collectivité"
    AVISE = "avise", "Équipe de l'Avise"
    ADMIN = "admin", "Administrateur"


# The sign-in logs (addresses tried, IP addresses) are for the administrators who watch over the accounts; so are the
# e-mails sent (their tasks, with addresses and text) and each person's notification choices.
ADMINISTRATORS_ONLY_APPS = {"axes", "django_tasks_database", "notifications"}


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email, password=None, **fields):
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **fields):
        return self.create_user(email, password, role=Role.ADMIN, **fields)

    def get_by_natural_key(self, email):
        return self.get(email__iexact=email)


class User(AbstractBaseUser):
    """A person who signs in. What they may see and do follows from their role alone."""

    Role = Role

    email = models.EmailField("adresse e-mail", unique=True)
    first_name = models.CharField("prénom", max_length=150, blank=True)
    last_name = models.CharField("nom", max_length=150, blank=True)
    role = models.CharField("rôle", max_length=20, choices=Role)
    structure = models.ForeignKey(
        "territories.Structure",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
        verbose_name="structure",
        help_text="Obligatoire pour un révélateur, et pour lui seul.",
    )
    organization = models.ForeignKey(
        "partners.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="accounts",
        verbose_name="collectivité",
        help_text="Obligatoire pour un compte collectivité, et pour lui seul.",
    )
    is_active = models.BooleanField(
        "actif", default=True, help_text="Décochez plutôt que de supprimer un compte : son historique reste lisible."
    )
    date_joined = models.DateTimeField("inscrit le", default=timezone.now)

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        verbose_name = "utilisateur"
        ordering = ["last_name", "first_name", "email"]
        constraints = [
            models.CheckConstraint(condition=Q(role__in=Role.values), name="fabrique_user_role_valid"),
            models.CheckConstraint(
                condition=Q(role=Role.REVELATEUR, structure__isnull=False)
                | Q(~Q(role=Role.REVELATEUR), structure__isnull=True),
                name="fabrique_user_structure_iff_revelateur",
                violation_error_message="Un révélateur appartient à une structure ; les autres rôles à aucune.",
            ),
            models.CheckConstraint(
                condition=Q(role=Role.COLLECTIVITE, organization__isnull=False)
                | Q(~Q(role=Role.COLLECTIVITE), organization__isnull=True),
                name="fabrique_user_organization_iff_collectivite",
                violation_error_message="Un compte collectivité est rattaché à sa collectivité ; les autres à aucune.",
            ),
            models.UniqueConstraint(
                models.functions.Lower("email"),
                name="fabrique_user_email_ci_unique",
                violation_error_message="Un compte existe déjà avec cette adresse e-mail.",
            ),
        ]

    def __str__(self):
        return self.get_full_name() or self.email

    def clean(self):
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()

    @property
    def is_staff(self):
        """Whether the person may open the admin: Avise staff (read-only) and administrators."""
        return self.is_active and self.role in {self.Role.AVISE, self.Role.ADMIN}

    @property
    def is_superuser(self):
        return self.is_active and self.role == self.Role.ADMIN

    @property
    def is_revelateur(self):
        return self.role == self.Role.REVELATEUR

    @property
    def is_collectivite(self):
        return self.role == self.Role.COLLECTIVITE

    @property
    def is_avise(self):
        return self.role == self.Role.AVISE

    @property
    def works_in_network(self):
        """Whether the person works with the network's records: its needs, its directory, its figures of needs
        (révélateurs, Avise staff, administrators; not a collectivité)."""
        return self.is_revelateur or self.is_avise or self.is_superuser

    def get_full_name(self):
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self):
        return self.first_name or self.email

    def has_perm(self, perm, obj=None):
        """Administrators may do everything in the admin; Avise staff may only view, and not the sign-in logs."""
        if self.is_superuser:
            return True
        if self.is_active and self.is_avise:
            app_label, _, codename = perm.partition(".")
            return codename.startswith("view_") and app_label not in ADMINISTRATORS_ONLY_APPS
        return False

    def has_perms(self, perm_list, obj=None):
        return all(self.has_perm(perm, obj) for perm in perm_list)

    def has_module_perms(self, app_label):
        return self.is_staff and (self.is_superuser or app_label not in ADMINISTRATORS_ONLY_APPS)
