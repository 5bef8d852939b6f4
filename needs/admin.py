from django.contrib import admin
from django.db.models import F
from django.utils import timezone

from fabrique.admin_lists import ExistingRelatedFieldListFilter, RequiredRelatedFieldListFilter, ReviewListMixin
from needs.exports import NEED_EXPORT_HEADER, need_export_row
from needs.models import Need, NeedEvent, Theme


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ["name", "is_active"]
    # In the alphabet of a French reader, here and in the theme filters of the other lists: « Économie » among
    # the E, not after the Z.
    ordering = [F("name__fold").asc()]
    list_editable = ["is_active"]
    list_filter = ["is_active"]
    search_fields = ["name"]


class NeedEventInline(admin.TabularInline):
    """The history of a need is written by its transitions: the admin shows it and changes none of it."""

    model = NeedEvent
    fields = ["at", "kind", "from_status", "to_status", "comment", "by"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def get_queryset(self, request):
        # The need too: each row prints the event, whose name includes its need.
        return super().get_queryset(request).select_related("by", "need")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ProposalFilter(admin.SimpleListFilter):
    """The needs a collectivité proposed (see NeedQuerySet.proposals), or the others."""

    title = "appel à révélation"
    parameter_name = "appel"

    def lookups(self, request, model_admin):
        return [("oui", "Proposés par une collectivité"), ("non", "Détectés par la structure")]

    def queryset(self, request, queryset):
        if self.value() == "oui":
            return queryset.proposals()
        if self.value() == "non":
            return queryset.detected_by_structures()
        return queryset


@admin.register(Need)
class NeedAdmin(ReviewListMixin, admin.ModelAdmin):
    list_display = ["title", "structure", "status", "source", "department", "detected_on", "project"]
    list_filter = [
        "status",
        "structure",
        ("department", ExistingRelatedFieldListFilter),
        ("themes", RequiredRelatedFieldListFilter),
        "source",
        "territory_kind",
        ProposalFilter,
    ]
    list_select_related = ["structure", "department", "project"]
    search_fields = ["title", "description"]
    search_help_text = "Les mots cherchés dans l'intitulé et la description, sans tenir compte des accents."
    # The year and month of detection: what the network's figures count by.
    date_hierarchy = "detected_on"
    autocomplete_fields = ["epci", "communes", "created_by"]
    raw_id_fields = ["project", "proposed_by"]
    filter_horizontal = ["themes"]
    inlines = [NeedEventInline]
    # The status moves through the need's page, which writes its history; the admin does not bypass it.
    status_fields = ["status", "status_reason", "project"]
    readonly_fields_on_change = [*status_fields, "created_by", "created_at", "updated_at", "updated_by", "version"]

    # The columns of the needs list's export (needs/exports.py), then the code of the département, to sort by.
    export_header = NEED_EXPORT_HEADER
    export_columns = [("Code du département", lambda need: need.department.code)]
    export_select_related = ["structure", "department", "epci", "project", "proposed_by"]
    export_prefetch_related = ["themes", "communes"]

    def export_row(self, need, user):
        return need_export_row(need)

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields_on_change if obj else [*self.status_fields, "updated_by"]

    def get_exclude(self, request, obj=None):
        # Whom to contact at the collectivité is personal data, for the structure and the administrators only.
        return [] if request.user.is_superuser else ["proposal_contact"]

    def lookup_allowed(self, lookup, value, request=None):
        # Nor may they filter by it (`?proposal_contact__icontains=…`): each guess would tell them who it is.
        if lookup.startswith("proposal_contact") and not (request and request.user.is_superuser):
            return False
        return super().lookup_allowed(lookup, value, request)

    def save_model(self, request, obj, form, change):
        if change:
            # An edit here is a new version: an edit form read before it is then refused, not saved over it.
            obj.version = F("version") + 1
            obj.updated_at = timezone.now()
            obj.updated_by = request.user
            super().save_model(request, obj, form, change)
            obj.refresh_from_db(fields=["version"])
            return
        super().save_model(request, obj, form, change)
        NeedEvent.objects.create(
            need=obj, kind=NeedEvent.Kind.CREATED, to_status=obj.status, by=request.user, at=obj.created_at
        )
