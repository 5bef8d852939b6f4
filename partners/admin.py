from django.contrib import admin
from django.utils import timezone

from partners.models import Contact, Involvement, Organization
from territories.models import Department


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


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "siren", "commune", "created_at"]
    list_filter = ["kind", DepartmentFilter]
    list_select_related = ["commune"]
    search_fields = ["name", "=siren"]
    autocomplete_fields = ["commune", "governed_commune", "governed_epci", "governed_department", "governed_region"]
    readonly_fields = ["created_by", "created_at", "version"]
    exclude = ["creation_token"]

    def lookup_allowed(self, lookup, value, request=None):
        # Filtering organisations by their people would tell who has contacts recorded: not for Avise staff.
        if lookup.startswith("contacts") and not (request and request.user.is_superuser):
            return False
        return super().lookup_allowed(lookup, value, request)

    def save_model(self, request, obj, form, change):
        # A correction made here is a new version: an edit form read before it is refused, not silently applied.
        if change:
            obj.version += 1
        super().save_model(request, obj, form, change)


@admin.register(Involvement)
class InvolvementAdmin(admin.ModelAdmin):
    """Avise staff read the involvements (the network's partner figures); administrators may correct them."""

    list_display = ["organization", "project", "role", "contribution_kind", "amount", "started_on", "ended_on"]
    list_filter = ["role", "contribution_kind", "project__structure"]
    list_select_related = ["organization", "project"]
    search_fields = ["organization__name", "=organization__siren", "project__title"]
    autocomplete_fields = ["project", "organization", "created_by"]
    readonly_fields = ["created_at"]


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    """People are personal data of the structure that recorded them: administrators only see them here, for the
    requests a person may make; Avise staff, who read everything else, do not."""

    list_display = ["__str__", "organization", "structure", "job_title", "legal_basis", "erased_at"]
    list_filter = ["structure", "legal_basis"]
    list_select_related = ["organization", "structure"]
    search_fields = ["last_name", "first_name", "email", "organization__name"]
    autocomplete_fields = ["organization", "created_by"]
    readonly_fields = ["created_at", "updated_at", "erased_at", "version"]
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
        super().save_model(request, obj, form, change)
