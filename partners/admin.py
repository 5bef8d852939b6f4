from django.contrib import admin
from django.db.models import Prefetch
from django.utils import timezone

from fabrique.admin_lists import ExistingRelatedFieldListFilter, ReviewListMixin, joined, titled
from partners.exports import ORGANIZATION_EXPORT_HEADER, PLACE_JOINS, organization_export_row
from partners.models import Contact, Involvement, Organization, PartnerRole
from projects.models import Activity
from territories.models import Department, Structure


class DepartmentFilter(admin.SimpleListFilter):
    """Where an organisation sits or what it governs (see OrganizationQuerySet.in_department)."""

    title = "département"
    parameter_name = "departement"

    def lookups(self, request, model_admin):
        return [(department.code, str(department)) for department in Department.objects.order_by("code")]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.in_department(self.value())
        return queryset


class RoleFilter(admin.SimpleListFilter):
    """The organisations that took this part in at least one project (financeur, porteur…)."""

    title = "rôle dans un projet"
    parameter_name = "role"

    def lookups(self, request, model_admin):
        return PartnerRole.choices

    def queryset(self, request, queryset):
        if self.value() in PartnerRole.values:
            return queryset.filter(pk__in=Involvement.objects.filter(role=self.value()).values("organization"))
        return queryset


def project_count(organization):
    return len({involvement.project_id for involvement in organization.involvements.all()})


def roles(organization):
    labels = {involvement.role: involvement.get_role_display() for involvement in organization.involvements.all()}
    return joined(labels[role] for role in PartnerRole.values if role in labels)


class StructureFilter(admin.SimpleListFilter):
    """The organisations involved in at least one project of this structure: the partners of a TAg."""

    title = "structure des projets"
    parameter_name = "structure"

    def lookups(self, request, model_admin):
        return [(str(structure.pk), structure.name) for structure in Structure.objects.order_by("name")]

    def queryset(self, request, queryset):
        if self.value() and self.value().isdigit():
            involved = Involvement.objects.filter(project__structure_id=self.value()).values("organization")
            return queryset.filter(pk__in=involved)
        return queryset


@admin.register(Organization)
class OrganizationAdmin(ReviewListMixin, admin.ModelAdmin):
    list_display = ["name", "kind", "siren", "commune", "created_at"]
    list_filter = ["kind", DepartmentFilter, StructureFilter, RoleFilter]
    list_select_related = ["commune"]
    # The year and month an organisation joined the directory.
    date_hierarchy = "created_at"
    search_fields = ["name", "=siren"]
    search_help_text = "Le nom, sans tenir compte des accents, ou le SIREN complet."
    autocomplete_fields = ["commune", "governed_commune", "governed_epci", "governed_department", "governed_region"]
    readonly_fields = ["created_by", "created_at", "updated_at", "updated_by", "version"]
    exclude = ["creation_token"]
    # The columns of the directory's export (partners/exports.py), then the organisation's part in the network.
    export_header = ORGANIZATION_EXPORT_HEADER
    export_columns = [
        ("Projets", project_count),
        ("Rôles dans les projets", roles),
        ("Activités portées", lambda organization: len(organization.activities.all())),
    ]
    export_select_related = PLACE_JOINS
    export_prefetch_related = [
        Prefetch("involvements", queryset=Involvement.objects.only("organization_id", "project_id", "role")),
        Prefetch("activities", queryset=Activity.objects.only("porteur_id")),
    ]

    def export_row(self, organization, user):
        return organization_export_row(organization)

    def lookup_allowed(self, lookup, value, request=None):
        # Filtering organisations by their people would tell who has contacts recorded: not for Avise staff.
        if lookup.startswith("contacts") and not (request and request.user.is_superuser):
            return False
        return super().lookup_allowed(lookup, value, request)

    def save_model(self, request, obj, form, change):
        # A correction made here is a new version: an edit form read before it is refused, not silently applied.
        if change:
            obj.version += 1
            obj.updated_at = timezone.now()
            obj.updated_by = request.user
        super().save_model(request, obj, form, change)


def organization_kind(involvement):
    return involvement.organization.get_kind_display() if involvement.organization else ""


@admin.register(Involvement)
class InvolvementAdmin(ReviewListMixin, admin.ModelAdmin):
    """Avise staff read the involvements (the network's partner figures); administrators may correct them."""

    list_display = [
        "organization",
        "organization_kind",
        "project",
        "structure",
        "role",
        "contribution_kind",
        "amount",
        "started_on",
        "ended_on",
    ]
    list_filter = [
        "role",
        "contribution_kind",
        ("organization__kind", titled("type d'organisation", admin.ChoicesFieldListFilter)),
        "project__structure",
        ("project__department", titled("département du projet", ExistingRelatedFieldListFilter)),
        ("project__themes", titled("thèmes du projet", admin.RelatedFieldListFilter)),
    ]
    list_select_related = ["organization", "project__structure"]
    search_fields = ["organization__name", "=organization__siren", "project__title"]
    search_help_text = "L'organisation ou le projet, sans tenir compte des accents, ou le SIREN complet."
    date_hierarchy = "started_on"
    autocomplete_fields = ["project", "organization", "created_by"]
    readonly_fields = ["created_at"]
    export_columns = [
        ("N°", lambda involvement: involvement.pk),
        ("Organisation", lambda involvement: involvement.organization_name),
        ("Type d'organisation", lambda involvement: organization_kind(involvement)),
        ("SIREN", lambda involvement: involvement.organization.siren if involvement.organization else ""),
        ("Projet", lambda involvement: involvement.project.title),
        ("Structure", lambda involvement: involvement.project.structure.name),
        ("Département du projet", lambda involvement: involvement.project.department.name),
        ("Étape du projet", lambda involvement: involvement.project.get_stage_display()),
        ("Rôle", lambda involvement: involvement.get_role_display()),
        ("Nature de la contribution", lambda involvement: involvement.get_contribution_kind_display()),
        ("Montant (€)", lambda involvement: involvement.amount),
        ("Depuis le", lambda involvement: involvement.started_on),
        ("Jusqu'au", lambda involvement: involvement.ended_on),
        ("Précision", lambda involvement: involvement.comment),
        ("Ajoutée le", lambda involvement: involvement.created_at),
    ]
    export_select_related = ["organization", "project__structure", "project__department"]

    @admin.display(description="type d'organisation", ordering="organization__kind")
    def organization_kind(self, involvement):
        return organization_kind(involvement)

    @admin.display(description="structure", ordering="project__structure__name")
    def structure(self, involvement):
        return involvement.project.structure


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    """People are personal data of the structure that recorded them: administrators only see them here, for the
    requests a person may make; Avise staff, who read everything else, do not."""

    list_display = ["__str__", "organization", "structure", "job_title", "legal_basis", "erased_at"]
    list_filter = ["structure", "legal_basis"]
    list_select_related = ["organization", "structure"]
    search_fields = ["last_name", "first_name", "email", "organization__name"]
    autocomplete_fields = ["organization", "created_by"]
    readonly_fields = ["created_at", "updated_at", "updated_by", "erased_at", "version"]
    exclude = ["creation_token"]

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def save_model(self, request, obj, form, change):
        if change:
            obj.version += 1
            obj.updated_at = timezone.now()
            obj.updated_by = request.user
        super().save_model(request, obj, form, change)
