from django.contrib import admin
from django.db.models import F
from django.utils import timezone

from needs.models import Need, NeedEvent, Theme


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ["name", "is_active"]
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


@admin.register(Need)
class NeedAdmin(admin.ModelAdmin):
    list_display = ["title", "structure", "status", "source", "department", "detected_on"]
    list_filter = ["structure", "status", "source", "department", "themes"]
    list_select_related = ["structure", "department"]
    search_fields = ["title", "description"]
    date_hierarchy = "detected_on"
    autocomplete_fields = ["epci", "communes", "created_by"]
    raw_id_fields = ["project", "proposed_by"]
    filter_horizontal = ["themes"]
    inlines = [NeedEventInline]
    # The status moves through the need's page, which writes its history; the admin does not bypass it.
    status_fields = ["status", "status_reason", "project"]
    readonly_fields_on_change = [*status_fields, "created_by", "created_at", "updated_at", "version"]

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields_on_change if obj else self.status_fields

    def get_exclude(self, request, obj=None):
        # Whom to contact at the collectivité is personal data, for the structure and the administrators only.
        return [] if request.user.is_superuser else ["proposal_contact"]

    def save_model(self, request, obj, form, change):
        if change:
            # An edit here is a new version: an edit form read before it is then refused, not saved over it.
            obj.version = F("version") + 1
            obj.updated_at = timezone.now()
            super().save_model(request, obj, form, change)
            obj.refresh_from_db(fields=["version"])
            return
        super().save_model(request, obj, form, change)
        NeedEvent.objects.create(
            need=obj, kind=NeedEvent.Kind.CREATED, to_status=obj.status, by=request.user, at=obj.created_at
        )
