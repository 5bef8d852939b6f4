from django.contrib import admin
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from projects.models import Activity, CopilDecision, Document, FollowUp, Funding, Meeting, Project, ProjectEvent


class ProjectEventInline(admin.TabularInline):
    """The history of a project is written by its moves: the admin shows it and changes none of it."""

    model = ProjectEvent
    fields = ["at", "kind", "from_stage", "to_stage", "from_state", "to_state", "comment", "by"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("by")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ["title", "structure", "department", "stage", "state", "visibility", "opened_on"]
    list_filter = ["structure", "stage", "state", "visibility", "department", "themes"]
    list_select_related = ["structure", "department"]
    search_fields = ["title", "public_summary", "internal_summary"]
    date_hierarchy = "opened_on"
    autocomplete_fields = ["department", "epci", "communes", "source_activity", "created_by"]
    filter_horizontal = ["themes"]
    inlines = [ProjectEventInline]
    # Stage and state move through the project's page, which writes the history; the admin does not bypass it.
    move_fields = ["stage", "state", "stopped_reason"]
    readonly_fields_on_change = [*move_fields, "created_by", "created_at", "updated_at", "version"]

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields_on_change if obj else self.move_fields

    def save_model(self, request, obj, form, change):
        if change:
            # An edit here is a new version: an edit form or a move read before it is then refused, not saved over it.
            obj.version = F("version") + 1
            obj.updated_at = timezone.now()
            super().save_model(request, obj, form, change)
            obj.refresh_from_db(fields=["version"])
            return
        super().save_model(request, obj, form, change)
        ProjectEvent.objects.create(
            project=obj,
            kind=ProjectEvent.Kind.OPENED,
            to_stage=obj.stage,
            to_state=obj.state,
            by=request.user,
            at=obj.created_at,
        )


class FundingInline(admin.TabularInline):
    model = Funding
    fields = ["kind", "amount", "funder"]
    autocomplete_fields = ["funder"]
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("funder")


class FollowUpInline(admin.TabularInline):
    model = FollowUp
    fields = ["year", "jobs", "still_active", "closed_on", "comment", "recorded_by"]
    autocomplete_fields = ["recorded_by"]
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("recorded_by")


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    list_display = ["name", "project", "legal_form", "esus", "iae", "porteur", "opened_on", "jobs_at_launch"]
    list_filter = ["legal_form", "esus", "iae", "project__structure", "project__department"]
    list_select_related = ["project", "porteur"]
    search_fields = ["name", "siren", "porteur__name", "project__title"]
    date_hierarchy = "opened_on"
    autocomplete_fields = ["project", "porteur"]
    readonly_fields = ["created_at"]
    inlines = [FundingInline, FollowUpInline]


@admin.register(CopilDecision)
class CopilDecisionAdmin(admin.ModelAdmin):
    list_display = ["project", "decided_on", "body", "decision", "recorded_by"]
    list_filter = ["decision", "project__structure"]
    list_select_related = ["project", "recorded_by"]
    search_fields = ["project__title", "body", "comment"]
    date_hierarchy = "decided_on"
    autocomplete_fields = ["project", "recorded_by"]
    readonly_fields = ["recorded_at"]


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["title", "project", "kind", "held_on", "participants"]
    list_filter = ["kind", "project__structure"]
    list_select_related = ["project"]
    search_fields = ["title", "project__title", "summary"]
    date_hierarchy = "held_on"
    autocomplete_fields = ["project", "recorded_by"]
    readonly_fields = ["recorded_at"]


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    """Documents are deposited from the project's page, which checks their content; the file is read only through
    the download view, which checks the reader's rights, never from a storage URL."""

    list_display = ["title", "project", "kind", "original_name", "size", "uploaded_at"]
    list_filter = ["kind", "project__structure"]
    list_select_related = ["project"]
    search_fields = ["title", "original_name", "project__title"]
    date_hierarchy = "uploaded_at"
    fields = ["project", "kind", "title", "download", "content_type", "size", "uploaded_by", "uploaded_at"]
    readonly_fields = ["project", "download", "content_type", "size", "uploaded_by", "uploaded_at"]

    def has_add_permission(self, request):
        return False

    @admin.display(description="fichier")
    def download(self, document):
        return format_html(
            '<a href="{}">{}</a>', reverse("projects:document", args=[document.pk]), document.original_name
        )
