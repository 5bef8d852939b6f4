from django.contrib import admin
from django.db.models import F, OuterRef, Prefetch, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from fabrique.admin_lists import (
    ExistingRelatedFieldListFilter,
    RequiredRelatedFieldListFilter,
    ReviewListMixin,
    joined,
)
from partners.models import Involvement
from projects.exports import (
    ACTIVITY_EXPORT_HEADER,
    PROJECT_EXPORT_HEADER,
    activities_for_export,
    activity_export_row,
    project_export_row,
    projects_for_export,
)
from projects.models import Activity, CopilDecision, Document, FollowUp, Meeting, Project, ProjectEvent


class ProjectEventInline(admin.TabularInline):
    """The history of a project is written by its moves: the admin shows it and changes none of it."""

    model = ProjectEvent
    fields = [
        "at",
        "kind",
        "from_stage",
        "to_stage",
        "from_state",
        "to_state",
        "happened_on",
        "cancelled_at",
        "comment",
        "by",
    ]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("by")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ReplicationFilter(admin.SimpleListFilter):
    title = "essaimage"
    parameter_name = "essaimage"

    def lookups(self, request, model_admin):
        return [("oui", "Essaimage d'une activité"), ("non", "Projet original")]

    def queryset(self, request, queryset):
        if self.value() in ("oui", "non"):
            return queryset.filter(source_activity__isnull=self.value() == "non")
        return queryset


@admin.register(Project)
class ProjectAdmin(ReviewListMixin, admin.ModelAdmin):
    list_display = ["title", "structure", "department", "stage", "state", "visibility", "opened_on", "theme_names"]
    list_filter = [
        "stage",
        "state",
        "structure",
        ("department", ExistingRelatedFieldListFilter),
        ("themes", RequiredRelatedFieldListFilter),
        "visibility",
        "programme",
        ReplicationFilter,
    ]
    list_select_related = ["structure", "department"]
    list_prefetch_related = ["themes"]
    search_fields = ["title", "public_summary", "internal_summary"]
    search_help_text = "Les mots cherchés dans l'intitulé et les résumés, sans tenir compte des accents."
    # The year and month the study opened: what the network's figures count by.
    date_hierarchy = "opened_on"
    autocomplete_fields = ["department", "epci", "communes", "source_activity", "created_by"]
    filter_horizontal = ["themes"]
    inlines = [ProjectEventInline]
    # Stage and state move through the project's page, which writes the history; the admin does not bypass it.
    move_fields = ["stage", "state", "stopped_reason"]
    readonly_fields_on_change = [*move_fields, "created_by", "created_at", "updated_at", "updated_by", "version"]

    # The columns of the projects list's export (projects/exports.py), then what a reviewer of the network adds.
    export_header = PROJECT_EXPORT_HEADER
    export_columns = [
        ("Code du département", lambda project: project.department.code),
        ("Rendu public le", lambda project: project.published_at),
        ("Besoins étudiés", lambda project: joined(need.title for need in project.needs.all())),
        (
            "Partenaires",
            lambda project: joined(
                f"{involvement.organization_name} ({involvement.get_role_display()})"
                for involvement in project.involvements.all()
            ),
        ),
    ]

    def export_queryset(self, request, queryset):
        return projects_for_export(queryset, request.user).prefetch_related(
            "needs",
            Prefetch("involvements", queryset=Involvement.objects.select_related("organization").by_role()),
        )

    def export_row(self, project, user):
        return project_export_row(project, user)

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields_on_change if obj else [*self.move_fields, "updated_by"]

    @admin.display(description="thèmes")
    def theme_names(self, project):
        return joined(project.themes.all())

    def save_model(self, request, obj, form, change):
        if change:
            # An edit here is a new version: an edit form or a move read before it is then refused, not saved over it.
            obj.version = F("version") + 1
            obj.updated_at = timezone.now()
            obj.updated_by = request.user
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


class FollowUpInline(admin.TabularInline):
    model = FollowUp
    fields = ["year", "jobs", "still_active", "closed_on", "comment", "recorded_by"]
    autocomplete_fields = ["recorded_by"]
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("recorded_by")


class FollowUpStateFilter(admin.SimpleListFilter):
    """Whether the activity was still active at its latest yearly follow-up, closed, or never followed up."""

    title = "état au dernier suivi"
    parameter_name = "suivi"

    def lookups(self, request, model_admin):
        return [("active", "Toujours active"), ("fermee", "Fermée"), ("aucun", "Sans suivi enregistré")]

    def queryset(self, request, queryset):
        latest = FollowUp.objects.filter(activity=OuterRef("pk")).order_by("-year").values("still_active")[:1]
        match self.value():
            case "active":
                return queryset.annotate(latest_still_active=Subquery(latest)).filter(latest_still_active=True)
            case "fermee":
                return queryset.annotate(latest_still_active=Subquery(latest)).filter(latest_still_active=False)
            case "aucun":
                return queryset.filter(follow_ups__isnull=True)
        return queryset


@admin.register(Activity)
class ActivityAdmin(ReviewListMixin, admin.ModelAdmin):
    list_display = [
        "name",
        "project",
        "structure",
        "department",
        "legal_form",
        "esus",
        "iae",
        "porteur",
        "opened_on",
        "jobs_at_launch",
    ]
    list_filter = [
        "legal_form",
        "esus",
        "iae",
        "project__structure",
        ("project__department", ExistingRelatedFieldListFilter),
        ("project__themes", RequiredRelatedFieldListFilter),
        FollowUpStateFilter,
    ]
    list_select_related = ["project__structure", "project__department", "porteur"]
    search_fields = ["name", "siren", "porteur__name", "project__title"]
    search_help_text = (
        "Les mots cherchés dans le nom, le SIREN, le porteur et le projet, sans tenir compte des accents."
    )
    # The year and month the activity opened: what the network's figures count its creations by.
    date_hierarchy = "opened_on"
    autocomplete_fields = ["project", "porteur"]
    readonly_fields = ["created_at"]
    inlines = [FollowUpInline]
    # The columns of the activities list's export (projects/exports.py), then what a reviewer of the network adds.
    export_header = ACTIVITY_EXPORT_HEADER
    export_columns = [
        ("Code du département", lambda activity: activity.project.department.code),
        ("SIREN du porteur", lambda activity: activity.porteur.siren),
        (
            "Financeurs",
            lambda activity: joined(
                dict.fromkeys(
                    funding.organization.name for funding in activity.project.fundings if funding.organization
                )
            ),
        ),
    ]

    def export_queryset(self, request, queryset):
        return activities_for_export(queryset)

    def export_row(self, activity, user):
        return activity_export_row(activity, user)

    @admin.display(description="structure", ordering="project__structure__name")
    def structure(self, activity):
        return activity.project.structure

    @admin.display(description="département", ordering="project__department")
    def department(self, activity):
        return activity.project.department


@admin.register(CopilDecision)
class CopilDecisionAdmin(ReviewListMixin, admin.ModelAdmin):
    list_display = ["project", "structure", "decided_on", "body", "decision", "recorded_by"]
    list_filter = [
        "decision",
        "project__structure",
        ("project__department", ExistingRelatedFieldListFilter),
    ]
    list_select_related = ["project__structure", "recorded_by"]
    search_fields = ["project__title", "body", "comment"]
    search_help_text = "Les mots cherchés dans le projet, l'instance et le commentaire, sans tenir compte des accents."
    date_hierarchy = "decided_on"
    autocomplete_fields = ["project", "recorded_by"]
    readonly_fields = ["recorded_at"]
    export_columns = [
        ("N°", lambda copil: copil.pk),
        ("Projet", lambda copil: copil.project.title),
        ("Structure", lambda copil: copil.project.structure.name),
        ("Département", lambda copil: copil.project.department.name),
        ("Code du département", lambda copil: copil.project.department.code),
        ("Date du COPIL", lambda copil: copil.decided_on),
        ("Instance", lambda copil: copil.body),
        ("Décision", lambda copil: copil.get_decision_display()),
        ("Organisations présentes", lambda copil: joined(copil.organizations.all())),
        ("Commentaire", lambda copil: copil.comment),
        ("Enregistrée le", lambda copil: copil.recorded_at),
    ]
    export_select_related = ["project__structure", "project__department"]
    export_prefetch_related = ["organizations"]

    @admin.display(description="structure", ordering="project__structure__name")
    def structure(self, copil):
        return copil.project.structure


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
