"""The columns of a project and of an activity in a download: the exports of the projects list and of the activities
list (projects/views.py) and the admin's (projects/admin.py) write the same ones, from this one definition."""

import itertools
from decimal import Decimal

from django.db.models import Exists, OuterRef, Prefetch

from fabrique import exports
from fabrique.templatetags.french import names
from imports.columns import PROJECTS
from partners.models import Involvement
from projects.models import Activity, FollowUp, Project

# Those the import reads take its names (imports/columns.py): a file exported, mended and imported updates its rows,
# found by their N°.
PROJECT_EXPORT_HEADER = [
    *PROJECTS.names("number", "reference", "title"),
    "Structure",
    *PROJECTS.names(
        "stage",
        "state",
        "programme",
        "visibility",
        "themes",
        "department",
        "epci",
        "communes",
        "solution_type",
        "public_summary",
    ),
    "Essaimage de",
    PROJECTS.column("opened_on").name,
    "Activité créée",
    "Activité ouverte le",
    "Porteur",
    "Modifié le",
    # The project's internal material: written only for those who read it on the project's page.
    *PROJECTS.names("internal_summary", "stopped_reason"),
]


def projects_for_export(projects, user):
    """Return `projects` with what `project_export_row` reads for this user, in a fixed number of queries."""
    return (
        projects.select_related("structure", "department", "epci", "source_activity", "activity__porteur")
        .prefetch_related("themes", "communes")
        .annotate(
            source_is_visible=Exists(Project.objects.visible_to(user).filter(pk=OuterRef("source_activity__project")))
        )
    )


def project_export_row(project, user):
    """Return the cells of one project in the export, from what `projects_for_export` brought.

    What the project's page keeps for its structure (internal summary, stopped reason) stays empty for anyone else.
    """
    activity = getattr(project, "activity", None)
    insider = project.shows_internal_material_to(user)
    if project.source_activity and project.source_is_visible:
        source = project.source_activity.name
    elif project.source_activity:
        source = "Une activité lancée ailleurs dans le réseau"
    else:
        source = ""
    return (
        project.pk,
        project.reference if insider else "",
        project.title,
        project.structure.name,
        project.get_stage_display(),
        project.get_state_display(),
        project.get_programme_display(),
        project.get_visibility_display(),
        names(project.themes.all()),
        str(project.department),
        project.epci.name if project.epci else "",
        names(project.communes.all()),
        project.solution_type,
        project.public_summary,
        source,
        project.opened_on,
        activity.name if activity else "",
        activity.opened_on if activity else None,
        activity.porteur.name if activity else "",
        project.updated_at,
        project.internal_summary if insider else "",
        project.stopped_reason if insider else "",
    )


# The French labels of the choices, read from a dict rather than through get_FOO_display(), which builds one per call.
STAGE_LABELS, STATE_LABELS, PROGRAMME_LABELS, VISIBILITY_LABELS = (
    dict(Project._meta.get_field(name).flatchoices) for name in ("stage", "state", "programme", "visibility")
)
# What project_export_rows reads of each project, as plain values rather than model instances.
PROJECT_EXPORT_VALUES = [
    "pk",
    "reference",
    "title",
    "structure_id",
    "structure__name",
    "stage",
    "state",
    "programme",
    "visibility",
    "department__name",
    "department__code",
    "epci__name",
    "solution_type",
    "public_summary",
    "source_activity__name",
    "source_is_visible",
    "opened_on",
    "activity__name",
    "activity__opened_on",
    "activity__porteur__name",
    "updated_at",
    "internal_summary",
    "stopped_reason",
]


def project_export_rows(projects, user):
    """Yield the cells of each project of `projects` for this user, read exports.CHUNK_SIZE at a time: per batch, one
    query for the projects' values (their structure, département, EPCI, source and activity joined) and one each for
    the names of their themes and communes. The same cells as project_export_row's, without a model instance per row.
    """
    values = projects_for_export(projects, user).prefetch_related(None).values_list(*PROJECT_EXPORT_VALUES)
    # Whether the user reads a project's internal material depends on its structure only: asked once per structure.
    insider = {}
    for batch in itertools.batched(values.iterator(chunk_size=exports.CHUNK_SIZE), exports.CHUNK_SIZE):
        pks = [project[0] for project in batch]
        themes = exports.linked_names(Project.themes, pks)
        communes = exports.linked_names(Project.communes, pks, order=("name", "code"))
        for (
            pk,
            reference,
            title,
            structure_id,
            structure,
            stage,
            state,
            programme,
            visibility,
            department,
            department_code,
            epci,
            solution_type,
            public_summary,
            source_activity,
            source_is_visible,
            opened_on,
            activity,
            activity_opened_on,
            porteur,
            updated_at,
            internal_summary,
            stopped_reason,
        ) in batch:
            if structure_id not in insider:
                insider[structure_id] = Project(structure_id=structure_id).shows_internal_material_to(user)
            reads_internal = insider[structure_id]
            if source_activity is not None and source_is_visible:
                source = source_activity
            elif source_activity is not None:
                source = "Une activité lancée ailleurs dans le réseau"
            else:
                source = ""
            yield (
                pk,
                reference if reads_internal else "",
                title,
                structure,
                STAGE_LABELS.get(stage, stage),
                STATE_LABELS.get(state, state),
                PROGRAMME_LABELS.get(programme, programme),
                VISIBILITY_LABELS.get(visibility, visibility),
                themes.get(pk, ""),
                f"{department} ({department_code})",
                epci or "",
                communes.get(pk, ""),
                solution_type,
                public_summary,
                source,
                opened_on,
                activity or "",
                activity_opened_on,
                porteur or "",
                updated_at,
                internal_summary if reads_internal else "",
                stopped_reason if reads_internal else "",
            )


ACTIVITY_EXPORT_HEADER = [
    "N°",
    "Activité",
    "N° du projet",
    "Projet",
    "Structure",
    "Département",
    "EPCI",
    "Thèmes",
    "Forme juridique",
    "Agrément ESUS",
    "Structure d'insertion (IAE)",
    "SIREN",
    "Porteur",
    "Ouverte le",
    "Emplois au lancement (ETP)",
    "Dernier suivi annuel",
    "Emplois au dernier suivi (ETP)",
    "Toujours active",
    "Fermée le",
    # The amounts are the structure's internal material: written only for those who read them on the project's page.
    "Financements levés (€)",
]


def activities_for_export(activities):
    """Return `activities` with what `activity_export_row` reads, in a fixed number of queries."""
    return activities.select_related(
        "project__structure", "project__department", "project__epci", "porteur"
    ).prefetch_related(
        "project__themes",
        Prefetch("follow_ups", queryset=FollowUp.objects.order_by("year")),
        # The funders too: the admin's export names them.
        Prefetch(
            "project__involvements",
            queryset=Involvement.objects.financial().select_related("organization"),
            to_attr="fundings",
        ),
    )


def activity_export_row(activity, user):
    """Return the cells of one activity in the export, from what `activities_for_export` brought."""
    project = activity.project
    # The follow-ups come ordered by year: the last one says how the activity stands.
    follow_ups = activity.follow_ups.all()
    last = follow_ups[len(follow_ups) - 1] if follow_ups else None
    insider = project.shows_internal_material_to(user)
    return (
        activity.pk,
        activity.name,
        project.pk,
        project.title,
        project.structure.name,
        str(project.department),
        project.epci.name if project.epci else "",
        names(project.themes.all()),
        activity.get_legal_form_display(),
        activity.esus,
        activity.iae,
        activity.siren,
        activity.porteur.name,
        activity.opened_on,
        activity.jobs_at_launch,
        last.year if last else None,
        last.jobs if last else None,
        last.still_active if last else None,
        last.closed_on if last else None,
        sum((funding.amount for funding in project.fundings), start=Decimal(0)) if insider else None,
    )


LEGAL_FORM_LABELS = dict(Activity._meta.get_field("legal_form").flatchoices)
# What activity_export_rows reads of each activity, as plain values rather than model instances.
ACTIVITY_EXPORT_VALUES = [
    "pk",
    "name",
    "project_id",
    "project__title",
    "project__structure_id",
    "project__structure__name",
    "project__department__name",
    "project__department__code",
    "project__epci__name",
    "legal_form",
    "esus",
    "iae",
    "siren",
    "porteur__name",
    "opened_on",
    "jobs_at_launch",
]


def activity_export_rows(activities, user):
    """Yield the cells of each activity of `activities` for this user, read exports.CHUNK_SIZE at a time: per batch,
    one query for the activities' values (their project, structure, département, EPCI and porteur joined), one for the
    names of their projects' themes, one for their follow-ups and one for their fundings. The same cells as
    activity_export_row's, without a model instance per row."""
    values = activities.prefetch_related(None).values_list(*ACTIVITY_EXPORT_VALUES)
    # Whether the user reads the amounts depends on the project's structure only: asked once per structure.
    insider = {}
    for batch in itertools.batched(values.iterator(chunk_size=exports.CHUNK_SIZE), exports.CHUNK_SIZE):
        pks = [activity[0] for activity in batch]
        themes = exports.linked_names(Project.themes, [activity[2] for activity in batch])
        # The follow-ups come ordered by year: the last one of an activity says how it stands.
        last_follow_ups = {
            activity: (year, jobs, still_active, closed_on)
            for activity, year, jobs, still_active, closed_on in FollowUp.objects.filter(activity__in=pks)
            .order_by("year")
            .values_list("activity", "year", "jobs", "still_active", "closed_on")
        }
        # Summed here rather than by the database, so that the amounts keep the form activity_export_row gives them.
        funded = {}
        fundings = Involvement.objects.financial().filter(project__activity__in=pks)
        for activity, amount in fundings.values_list("project__activity", "amount"):
            funded[activity] = funded.get(activity, Decimal(0)) + amount
        for (
            pk,
            name,
            project_id,
            project_title,
            structure_id,
            structure,
            department,
            department_code,
            epci,
            legal_form,
            esus,
            iae,
            siren,
            porteur,
            opened_on,
            jobs_at_launch,
        ) in batch:
            if structure_id not in insider:
                insider[structure_id] = Project(structure_id=structure_id).shows_internal_material_to(user)
            year, jobs, still_active, closed_on = last_follow_ups.get(pk, (None, None, None, None))
            yield (
                pk,
                name,
                project_id,
                project_title,
                structure,
                f"{department} ({department_code})",
                epci or "",
                themes.get(project_id, ""),
                LEGAL_FORM_LABELS.get(legal_form, legal_form),
                esus,
                iae,
                siren,
                porteur,
                opened_on,
                jobs_at_launch,
                year,
                jobs,
                still_active,
                closed_on,
                funded.get(pk, Decimal(0)) if insider[structure_id] else None,
            )
