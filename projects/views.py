import uuid
from functools import partial
from itertools import groupby
from operator import attrgetter

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import IntegrityError
from django.db.models import Count, Exists, F, OuterRef, Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from fabrique import exports
from fabrique.concurrency import read_at_current_version, save_edit
from fabrique.correction_pages import confirm_removal, correct_note
from fabrique.lists import is_filtered
from fabrique.long_lists import KeysFirstPaginator
from needs.models import Need
from partners.models import Involvement, Organization, may_read_directory
from partners.returning import chosen_organization
from projects import services
from projects.exports import (
    ACTIVITY_EXPORT_HEADER,
    PROJECT_EXPORT_HEADER,
    activity_export_rows,
    project_export_rows,
)
from projects.filters import ActivityFilter, ProjectFilter
from projects.forms import (
    ActivityCorrectionForm,
    ActivityForm,
    CopilDecisionForm,
    DocumentCorrectionForm,
    DocumentForm,
    FollowUpCorrectionForm,
    FollowUpForm,
    FundingFormSet,
    MeetingCorrectionForm,
    MeetingForm,
    MoveForm,
    NoteForm,
    PorteurForm,
    ProjectEditForm,
    RedateForm,
    RevertForm,
    StopForm,
    UndoForm,
    already_followed_message,
    without_judging,
)
from projects.models import (
    UNDO_DELAY,
    Activity,
    CopilDecision,
    Document,
    FollowUp,
    Meeting,
    Project,
    ProjectEvent,
    save_once,
)
from projects.timeline import build_timeline
from territories.models import Department
from territories.views import map_of_brittany

PROJECTS_PER_PAGE = 20
CARNET_PROJECTS_PER_PAGE = 100
ACTIVITIES_PER_PAGE = 25
UNDO_MINUTES = UNDO_DELAY.seconds // 60

MOVE_MESSAGES = {
    "advance": "Le projet passe à l'étape « {stage} ».",
    "pause": "Le projet est en pause.",
    "resume": "Le projet reprend, à l'étape « {stage} ».",
}


def get_project_for_user_or_404(user, pk, *, queryset=None):
    """Return the project `pk` if `user` may see it, else raise Http404. `queryset` may add joins."""
    queryset = Project.objects.all() if queryset is None else queryset
    return get_object_or_404(queryset.visible_to(user), pk=pk)


def get_editable_project_or_404(user, pk, *, queryset=None):
    """Return the project `pk` if `user` may change it, else raise Http404 (refused and not found look alike)."""
    queryset = Project.objects.all() if queryset is None else queryset
    return get_object_or_404(queryset.editable_by(user), pk=pk)


def get_correctable_project_or_404(user, pk, *, queryset=None):
    """Return the project `pk` if `user` may correct its record, else raise Http404."""
    queryset = Project.objects.all() if queryset is None else queryset
    return get_object_or_404(queryset.correctable_by(user), pk=pk)


def get_document_for_user_or_404(user, pk):
    """Return the document `pk` if `user` may read the internal material of its project, else raise Http404."""
    projects = Project.objects.with_internal_material_for(user)
    return get_object_or_404(Document.objects.filter(project__in=projects), pk=pk)


def created_by_this_form(queryset, token):
    """Return the row that an earlier submission of the same creation form created, if any."""
    try:
        token = uuid.UUID(str(token))
    except ValueError:
        return None
    return queryset.filter(creation_token=token).first()


def refuse_unless_allowed(request, project, action, message):
    """Return a redirect to the project with `message` if `action` is not a move it allows now, else None."""
    if action in project.allowed_actions():
        return None
    messages.error(request, message)
    return redirect(project)


def filtered_projects(request, *, mine=False):
    """Return the filter of the projects list: the projects this user may see (with `mine`, those of a révélateur's
    structure), filtered and sorted as the query string asks. The list pages through them; the export writes them
    all."""
    user = request.user
    projects = Project.objects.of_structure(user.structure_id) if mine else Project.objects.visible_to(user)
    projects = projects.select_related("structure", "department", "activity").prefetch_related("themes")
    return ProjectFilter(data=request.GET, queryset=projects, request=request, mine=mine)


def check_has_structure_or_404(user):
    """Raise 404 unless this user is a révélateur: only a structure has its own projects."""
    if not user.is_revelateur:
        raise Http404


@login_not_required
def project_list(request):
    """The catalogue: anyone browses the public projects; a signed-in person also what their role lets them see."""
    project_filter = filtered_projects(request)
    page = KeysFirstPaginator(project_filter.qs, PROJECTS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "filter": project_filter,
        "page": page,
        "map": map_of_brittany(Project.objects.visible_to(request.user)),
        "is_filtered": is_filtered(request.GET, sort="ordering"),
        # The list of one département links to the printable Carnet of that département.
        "carnet_department": project_filter.form.cleaned_data.get("department"),
    }
    return render(request, "projects/project_list.html", context)


def my_projects(request):
    """A révélateur's projects: her structure's, running first, then paused, then stopped; the network's catalogue
    is a link away."""
    check_has_structure_or_404(request.user)
    project_filter = filtered_projects(request, mine=True)
    page = KeysFirstPaginator(project_filter.qs, PROJECTS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "filter": project_filter,
        "page": page,
        "structure": request.user.structure,
        "is_filtered": is_filtered(request.GET, sort="ordering"),
    }
    return render(request, "projects/project_mine.html", context)


@never_cache
def my_projects_export(request, file_format):
    """Download the projects of a révélateur's structure, with the filters and sort of its list, as CSV or XLSX."""
    check_has_structure_or_404(request.user)
    rows = project_export_rows(filtered_projects(request, mine=True).qs, request.user)
    filename = f"projets-{slugify(request.user.structure.name)}-{timezone.localdate():%Y-%m-%d}"
    return exports.export_response(file_format, filename, PROJECT_EXPORT_HEADER, rows, title="Projets")


@never_cache
def project_export(request, file_format):
    """Download the projects of the list, with its filters and sort and without its pages, as CSV or XLSX."""
    user = request.user
    rows = project_export_rows(filtered_projects(request).qs, user)
    filename = f"projets-{timezone.localdate():%Y-%m-%d}"
    return exports.export_response(file_format, filename, PROJECT_EXPORT_HEADER, rows, title="Projets")


def filtered_activities(request):
    """Return the filter of the activities list: the activities this user may see, filtered and sorted as the query
    string asks. The list pages through them; the export writes them all."""
    activities = (
        Activity.objects.visible_to(request.user)
        .select_related("project__structure", "project__department", "porteur")
        .prefetch_related("project__themes")
    )
    return ActivityFilter(data=request.GET, queryset=activities, request=request)


def activity_list(request):
    activity_filter = filtered_activities(request)
    page = KeysFirstPaginator(activity_filter.qs, ACTIVITIES_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "filter": activity_filter,
        "page": page,
        "is_filtered": is_filtered(request.GET, sort="ordering"),
    }
    return render(request, "projects/activity_list.html", context)


@never_cache
def activity_export(request, file_format):
    """Download the activities of the list, with its filters and sort and without its pages, as CSV or XLSX."""
    user = request.user
    rows = activity_export_rows(filtered_activities(request).qs, user)
    filename = f"activites-{timezone.localdate():%Y-%m-%d}"
    return exports.export_response(file_format, filename, ACTIVITY_EXPORT_HEADER, rows, title="Activités créées")


@login_not_required
def carnet(request):
    """The Carnet de projets: the public projects by département, laid out for printing, a page at a time;
    `?departement=35` keeps the projects of one département."""
    public = Project.objects.visible_to(AnonymousUser())
    code = request.GET.get("departement")
    department = get_object_or_404(Department, code=code) if code else None
    # The public projects of each département, and before it (in the order of the Carnet): a département that goes
    # on from the previous page says so.
    counts = public.values_list("department", "department__name").annotate(count=Count("pk")).order_by("department")
    departments, before = [], 0
    for department_code, name, count in counts:
        departments.append({"code": department_code, "name": name, "count": count, "before": before})
        before += count
    if department:
        public = public.in_department(department.code)
    projects = (
        public.select_related("structure", "department", "epci", "activity")
        .prefetch_related("themes")
        .order_by("department", F("title__fold").asc(), "pk")
    )
    page = Paginator(projects, CARNET_PROJECTS_PER_PAGE).get_page(request.GET.get("page"))
    by_code = {entry["code"]: entry for entry in departments}
    sections = [
        {
            "department": group_department,
            "count": by_code[group_department.code]["count"],
            "goes_on": page.start_index() - 1 > (0 if department else by_code[group_department.code]["before"]),
            "projects": list(group),
        }
        for group_department, group in groupby(page.object_list, key=attrgetter("department"))
    ]
    context = {
        "department": department,
        "departments": departments,
        "total": before,
        "page": page,
        "sections": sections,
    }
    return render(request, "projects/carnet.html", context)


@login_not_required
def detail(request, pk):
    user = request.user
    project = get_project_for_user_or_404(
        user,
        pk,
        queryset=Project.objects.select_related(
            "structure", "department", "epci", "source_activity__project__department", "activity__porteur"
        ).annotate(
            source_is_visible=Exists(Project.objects.visible_to(user).filter(pk=OuterRef("source_activity__project")))
        ),
    )
    insider = project.shows_internal_material_to(user)
    activity = getattr(project, "activity", None)
    events = project.events.with_move_date().select_related("by", "copil", "corrects")
    if not insider:
        events = events.exclude(kind__in=ProjectEvent.INTERNAL_KINDS)
    events = list(events)
    copil_decisions = list(
        project.copil_decisions.select_related("recorded_by").prefetch_related(
            Prefetch("organizations", queryset=Organization.objects.order_by(F("name__fold").asc(), "pk"))
        )
    )
    meetings = list(project.meetings.select_related("recorded_by"))
    documents = list(project.documents.select_related("uploaded_by")) if insider else []
    # The partner organisations by role (never their people): whoever may see the project may see them.
    involvements = list(project.involvements.select_related("organization").by_role())
    # The funding of the activity: its funders' contributions, the largest first.
    fundings = [
        involvement
        for involvement in involvements
        if activity and involvement.role == Involvement.Role.FUNDER and involvement.amount is not None
    ]
    fundings.sort(key=lambda funding: -funding.amount)
    # The projects elsewhere that reproduce the activity this one launched (essaimage), those this user may see.
    replications = (
        list(Project.objects.visible_to(user).filter(source_activity=activity).select_related("department"))
        if activity
        else []
    )
    editable = project.is_editable_by(user)
    allowed_actions = project.allowed_actions() if editable else []
    # The history is newest first: its first move is the last one, which the structure may undo or correct.
    last_move = next((event for event in events if event.kind in ProjectEvent.MOVES), None) if editable else None
    context = {
        "project": project,
        "insider": insider,
        "editable": editable,
        "correctable": project.is_correctable_by(user),
        "allowed_actions": allowed_actions,
        "last_move": last_move if last_move and last_move.may_be_corrected_by(user) else None,
        "undo_form": UndoForm(prefix="undo", initial={"version": project.version}),
        "note_form": NoteForm(prefix="note"),
        "themes": project.themes.all(),
        "communes": project.communes.order_by("name"),
        # The needs are their structure's internal material: only those who may read them see them listed.
        "needs": Need.objects.visible_to(user).filter(project=project).order_by("title") if insider else [],
        "copil_decisions": copil_decisions,
        "meetings": meetings,
        "documents": documents,
        "activity": activity,
        "fundings": fundings,
        "involvements": involvements,
        "replications": replications,
        "directory_readable": may_read_directory(user),
        "funding_total": sum(funding.amount for funding in fundings),
        "follow_ups": activity.follow_ups.order_by("year") if activity else [],
        "timeline": build_timeline(
            events=events, copil_decisions=copil_decisions, meetings=meetings, documents=documents
        ),
    }
    return render(request, "projects/project_detail.html", context)


def edit(request, pk):
    project = get_editable_project_or_404(request.user, pk, queryset=Project.objects.select_related("structure"))
    form = ProjectEditForm(data=request.POST or None, instance=project)
    conflict = None
    if form.is_valid():

        def reread(data=None):
            # A second copy of the project: validating the form writes the typed values onto its instance.
            queryset = Project.objects.select_related("structure", "updated_by")
            return ProjectEditForm(
                data=data, instance=get_editable_project_or_404(request.user, pk, queryset=queryset)
            )

        _, form, conflict = save_edit(form, reread, by=request.user)
        if conflict is None:
            messages.success(request, "Les modifications du projet sont enregistrées.")
            return redirect(project)
    return render(request, "projects/project_form.html", {"project": project, "form": form, "conflict": conflict})


def refuse_unless_allowed_move(request, project, action):
    return refuse_unless_allowed(
        request,
        project,
        action,
        f"Cette action n'est pas possible pour un projet « {project.get_stage_display()} », "
        f"« {project.get_state_display()} ».",
    )


def _move(request, pk, action):
    """Confirm, then advance, pause or resume the project, from the version the confirmation page showed."""
    project = get_editable_project_or_404(request.user, pk)
    if refused := refuse_unless_allowed_move(request, project, action):
        return refused
    form = MoveForm(data=request.POST or None, prefix=action, initial={"version": project.version})
    if form.is_valid():
        # The move applies to the version of the project the person saw: if anyone moved or edited it since, the
        # model's conditional update matches no row and the move is refused.
        project.version = form.cleaned_data["version"]
        try:
            getattr(project, action)(
                by=request.user, comment=form.cleaned_data["comment"].strip(), on=form.cleaned_data["on"]
            )
        except ValidationError as error:
            project = get_editable_project_or_404(request.user, pk)
            if refused := refuse_unless_allowed_move(request, project, action):
                return refused
            form.add_error(None, error)
            read_at_current_version(form, project)
        else:
            messages.success(request, MOVE_MESSAGES[action].format(stage=project.get_stage_display()))
            return redirect(project)
    context = {"project": project, "form": form, "action": action, "undo_minutes": UNDO_MINUTES}
    return render(request, "projects/project_move.html", context)


def advance(request, pk):
    return _move(request, pk, "advance")


def pause(request, pk):
    return _move(request, pk, "pause")


def resume(request, pk):
    return _move(request, pk, "resume")


def stop(request, pk):
    project = get_editable_project_or_404(request.user, pk)
    if refused := refuse_unless_allowed(request, project, "stop", "Ce projet ne peut pas être arrêté."):
        return refused
    form = StopForm(data=request.POST or None, prefix="stop", initial={"version": project.version})
    if form.is_valid():
        project.version = form.cleaned_data["version"]
        try:
            project.stop(by=request.user, reason=form.cleaned_data["reason"], on=form.cleaned_data["on"])
        except ValidationError as error:
            form.add_error(None, error)
            read_at_current_version(form, project)
        else:
            messages.success(request, "Le projet est arrêté. Il garde l'étape où il s'est arrêté.")
            return redirect(project)
    return render(
        request, "projects/project_stop.html", {"project": project, "form": form, "undo_minutes": UNDO_MINUTES}
    )


def where_it_stands(project):
    return f"« {project.get_stage_display()} », « {project.get_state_display()} »"


@require_POST
def undo_move(request, pk):
    """Undo the project's last move, within minutes of it (« Annuler ce passage »)."""
    project = get_editable_project_or_404(request.user, pk)
    form = UndoForm(data=request.POST, prefix="undo")
    if not form.is_valid():
        messages.error(request, "Cette demande est incomplète : rechargez la page et recommencez.")
        return redirect(project)
    project.version = form.cleaned_data["version"]
    try:
        project.undo_last_move(by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Le passage est annulé : le projet est de nouveau {where_it_stands(project)}.")
    return redirect(project)


def correct_move(request, pk):
    """Correct the project's last move: the day it happened, or take it back, with the reason."""
    project = get_editable_project_or_404(request.user, pk)
    move = project.last_move()
    if move is None or not move.may_be_corrected_by(request.user):
        messages.error(request, "Ce projet n'a pas de passage que vous puissiez corriger.")
        return redirect(project)
    initial = {"version": project.version}
    data = request.POST or None
    redate_form = RedateForm(
        data=data if data and "redate-version" in data else None,
        prefix="redate",
        initial=initial | {"on": move.move_date},
    )
    revert_form = RevertForm(
        data=data if data and "revert-version" in data else None, prefix="revert", initial=initial
    )
    if redate_form.is_valid():
        correct = partial(project.redate_last_move, on=redate_form.cleaned_data["on"])
        form, message = redate_form, "La date du passage est corrigée."
    elif revert_form.is_valid():
        correct, form, message = (
            project.revert_last_move,
            revert_form,
            "Le passage est annulé : le projet est de nouveau ",
        )
    else:
        correct = None
    if correct:
        project.version = form.cleaned_data["version"]
        try:
            correct(by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            form.add_error(None, error)
            read_at_current_version(form, project)
        else:
            if form is revert_form:
                message += f"{where_it_stands(project)}."
            messages.success(request, message)
            return redirect(project)
    context = {"project": project, "move": move, "redate_form": redate_form, "revert_form": revert_form}
    return render(request, "projects/move_correct.html", context)


def copil(request, pk):
    project = get_editable_project_or_404(request.user, pk)
    if request.method == "POST" and created_by_this_form(project.copil_decisions, request.POST.get("creation_token")):
        return redirect(project)
    if refused := refuse_unless_allowed(
        request,
        project,
        "record_copil_decision",
        "Une décision de COPIL s'enregistre à la fin de l'étude d'opportunité, sur un projet en cours.",
    ):
        return refused
    form = CopilDecisionForm(
        data=request.POST or None, instance=CopilDecision(project=project), initial={"version": project.version}
    )
    if form.is_valid():
        project.version = form.cleaned_data["version"]
        try:
            decision = project.record_copil_decision(
                by=request.user,
                decided_on=form.cleaned_data["decided_on"],
                body=form.cleaned_data["body"],
                decision=form.cleaned_data["decision"],
                comment=form.cleaned_data["comment"].strip(),
                creation_token=form.cleaned_data["creation_token"],
            )
        except ValidationError as error:
            form.add_error(None, error)
            read_at_current_version(form, project)
        else:
            decision.organizations.set(form.cleaned_data.get("organizations", []))
            if decision.decision == decision.Decision.GO:
                messages.success(request, "La décision est enregistrée : le projet passe à la recherche de porteur.")
            else:
                messages.success(request, "La décision est enregistrée : le projet est arrêté.")
            return redirect(project)
    return render(request, "projects/copildecision_form.html", {"project": project, "form": form})


def launch(request, pk):
    project = get_editable_project_or_404(request.user, pk)
    if request.method == "POST" and created_by_this_form(
        Activity.objects.filter(project=project), request.POST.get("activite-creation_token")
    ):
        return redirect(project)
    if refused := refuse_unless_allowed(
        request, project, "launch", "Seul un projet en cours, à l'étape « Amorçage », peut être lancé."
    ):
        return refused
    data = request.POST or None
    # The organisation just recorded in the directory, from the porteur's or a funder's « Créer une organisation ».
    chosen = chosen_organization(request)
    for_porteur = chosen if request.GET.get("pour") == "porteur" else None
    for_funder = chosen if request.GET.get("pour") == "financeur" else None
    funding_formset = FundingFormSet(data, prefix="financements", project=project, new_funder=for_funder)
    # « Ajouter un financement » shows the form again with one more row, and records nothing yet.
    adding = data is not None and "ajouter-financement" in data
    added = adding and funding_formset.management_form.is_valid() and not funding_formset.is_full
    if added:
        data = data.copy()
        data["financements-TOTAL_FORMS"] = str(funding_formset.total_form_count() + 1)
        funding_formset = FundingFormSet(data, prefix="financements", project=project)
    activity_form = ActivityForm(data=data, prefix="activite", initial={"version": project.version})
    porteur_form = PorteurForm(data=data, prefix="porteur", initial={"porteur": for_porteur})
    if adding:
        without_judging(activity_form, porteur_form, funding_formset)
        if added:
            messages.info(request, "Une ligne de financement est ajoutée : rien n'est encore enregistré.")
    elif data is not None and all([activity_form.is_valid(), porteur_form.is_valid(), funding_formset.is_valid()]):
        project.version = activity_form.cleaned_data["version"]
        try:
            services.launch(
                project,
                by=request.user,
                activity=activity_form.instance,
                porteur=porteur_form.cleaned_data["porteur"],
                new_porteur=porteur_form.new_porteur(),
                fundings=funding_formset.fundings(by=request.user),
                creation_token=activity_form.cleaned_data["creation_token"],
            )
        except ValidationError as error:
            activity_form.add_error(None, error.messages)
            read_at_current_version(activity_form, project)
            project = get_editable_project_or_404(request.user, pk)
        else:
            messages.success(request, "L'activité est enregistrée : le projet est lancé.")
            return redirect(project)
    context = {
        "project": project,
        "activity_form": activity_form,
        "porteur_form": porteur_form,
        "funding_formset": funding_formset,
    }
    return render(request, "projects/activity_form.html", context)


def meeting_create(request, pk):
    project = get_editable_project_or_404(request.user, pk)
    if request.method == "POST" and created_by_this_form(project.meetings, request.POST.get("creation_token")):
        return redirect(project)
    form = MeetingForm(data=request.POST or None, instance=Meeting(project=project, recorded_by=request.user))
    if form.is_valid():
        meeting = form.save(commit=False)
        meeting.creation_token = form.cleaned_data["creation_token"]
        save_once(meeting)
        messages.success(request, f"Le temps fort « {meeting.title} » est enregistré.")
        return redirect(project)
    return render(request, "projects/meeting_form.html", {"project": project, "form": form})


def note(request, pk):
    project = get_editable_project_or_404(request.user, pk)
    if request.method == "POST" and created_by_this_form(project.events, request.POST.get("note-creation_token")):
        return redirect(project)
    form = NoteForm(data=request.POST or None, prefix="note")
    if form.is_valid():
        project.add_note(
            by=request.user, text=form.cleaned_data["text"], creation_token=form.cleaned_data["creation_token"]
        )
        messages.success(request, "La note est enregistrée dans l'historique du projet.")
        return redirect(project)
    return render(request, "projects/note_form.html", {"project": project, "form": form})


def document_create(request, pk):
    project = get_editable_project_or_404(request.user, pk)
    if request.method == "POST" and created_by_this_form(project.documents, request.POST.get("creation_token")):
        return redirect(project)
    form = DocumentForm(
        data=request.POST or None,
        files=request.FILES or None,
        instance=Document(project=project, uploaded_by=request.user),
    )
    if form.is_valid():
        document = form.save(commit=False)
        document.creation_token = form.cleaned_data["creation_token"]
        save_once(document)
        messages.success(request, f"Le document « {document.title} » est déposé.")
        return redirect(project)
    return render(request, "projects/document_form.html", {"project": project, "form": form})


@never_cache
def document(request, pk):
    """Serve a document to those who may read its project's internal material, as a download, never inline."""
    document = get_document_for_user_or_404(request.user, pk)
    try:
        file = document.file.open("rb")
    except FileNotFoundError:
        raise Http404("Ce document est introuvable.") from None
    response = FileResponse(
        file, as_attachment=True, filename=document.original_name, content_type=document.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def follow_up(request, pk):
    project = get_editable_project_or_404(request.user, pk, queryset=Project.objects.select_related("activity"))
    activity = getattr(project, "activity", None)
    if activity is None:
        messages.error(request, "Le suivi annuel concerne l'activité d'un projet lancé.")
        return redirect(project)
    if request.method == "POST" and created_by_this_form(activity.follow_ups, request.POST.get("creation_token")):
        return redirect(project)
    follow_ups = list(activity.follow_ups.order_by("year"))
    # The year offered is the one after the last followed, or the one after the opening (N+1), if it has begun.
    next_year = follow_ups[-1].year + 1 if follow_ups else activity.opened_on.year + 1
    form = FollowUpForm(
        data=request.POST or None,
        instance=FollowUp(activity=activity, recorded_by=request.user),
        initial={"year": min(next_year, timezone.localdate().year)},
    )
    if form.is_valid():
        follow_up = form.save(commit=False)
        follow_up.creation_token = form.cleaned_data["creation_token"]
        try:
            save_once(follow_up)
        except IntegrityError:
            # Someone recorded the same year in the meantime.
            form.add_error("year", already_followed_message(activity, follow_up.year))
        else:
            messages.success(request, f"Le suivi de {follow_up.year} est enregistré.")
            return redirect(project)
    context = {
        "project": project,
        "activity": activity,
        "form": form,
        "follow_ups": follow_ups,
        "correctable": True,
    }
    return render(request, "projects/followup_form.html", context)


# Corrections and removals of what was recorded. Each one applies to the version of the row the person read, and
# writes its line in the project's history; removals delete the row (see docs/corrections.md).


def render_correction(request, project, form, **context):
    return render(
        request,
        "fabrique/correction_form.html",
        {"item": project, "list_url": reverse("projects:list"), "list_label": "Projets", "form": form, **context},
    )


def correct(request, project, form, row, *, success, save=None, **context):
    """Save the correction of `row` that `form` carries, through `save(by=, version=)` (`row.correct` by default);
    else show the form again."""
    save = save or row.correct
    if form.is_valid():
        try:
            changed = save(by=request.user, version=form.cleaned_data["version"])
        except ValidationError as error:
            form.add_error(None, error)
            read_at_current_version(form, row)
        else:
            messages.success(request, success if changed else "Rien n'a changé : aucune correction n'est enregistrée.")
            return redirect(project)
    return render_correction(request, project, form, **context)


def remove(request, project, row, remove_row, *, what, success):
    return confirm_removal(
        request,
        row,
        remove_row,
        item=project,
        what=what,
        success=success,
        list_url=reverse("projects:list"),
        list_label="Projets",
    )


def follow_up_edit(request, pk, year):
    project = get_correctable_project_or_404(request.user, pk)
    follow_up = get_object_or_404(FollowUp.objects.select_related("activity"), activity__project=project, year=year)
    form = FollowUpCorrectionForm(
        data=request.POST or None, instance=follow_up, initial={"version": follow_up.version}
    )
    try:
        return correct(
            request,
            project,
            form,
            follow_up,
            success=f"Le suivi de {follow_up.year} est corrigé.",
            title=f"Corriger le suivi de {year}",
            intro=f"Où en était « {follow_up.activity.name} » à la fin de {year}. La correction est notée dans "
            "l'historique du projet, et les statistiques du réseau la suivent.",
            submit_label="Enregistrer la correction",
        )
    except IntegrityError:
        # Someone recorded the year it moves to in the meantime.
        form.add_error("year", already_followed_message(follow_up.activity, form.cleaned_data["year"]))
        return render_correction(
            request, project, form, title=f"Corriger le suivi de {year}", submit_label="Enregistrer la correction"
        )


def activity_edit(request, pk):
    project = get_correctable_project_or_404(request.user, pk, queryset=Project.objects.select_related("activity"))
    activity = getattr(project, "activity", None)
    if activity is None:
        raise Http404("Ce projet n'a pas encore lancé d'activité.")
    form = ActivityCorrectionForm(data=request.POST or None, instance=activity, initial={"version": activity.version})
    return correct(
        request,
        project,
        form,
        activity,
        save=partial(services.correct_activity, activity),
        success="Les données de l'activité sont corrigées.",
        title="Corriger l'activité créée",
        intro="Un porteur corrigé devient aussi partenaire « porteur » du projet. Les financements se corrigent "
        "parmi les partenaires du projet. La correction est notée dans l'historique du projet.",
        submit_label="Enregistrer la correction",
    )


def meeting_edit(request, pk, meeting_pk):
    project = get_correctable_project_or_404(request.user, pk)
    meeting = get_object_or_404(project.meetings, pk=meeting_pk)
    form = MeetingCorrectionForm(data=request.POST or None, instance=meeting, initial={"version": meeting.version})
    return correct(
        request,
        project,
        form,
        meeting,
        success="Le temps fort est corrigé.",
        title="Corriger le temps fort",
        submit_label="Enregistrer la correction",
    )


def meeting_remove(request, pk, meeting_pk):
    project = get_correctable_project_or_404(request.user, pk)
    meeting = get_object_or_404(project.meetings, pk=meeting_pk)
    return remove(
        request,
        project,
        meeting,
        meeting.remove,
        what=f"le temps fort « {meeting.title} » du {meeting.held_on:%d/%m/%Y}",
        success=f"Le temps fort « {meeting.title} » est supprimé.",
    )


def document_edit(request, pk, document_pk):
    project = get_correctable_project_or_404(request.user, pk)
    document = get_object_or_404(project.documents, pk=document_pk)
    form = DocumentCorrectionForm(data=request.POST or None, instance=document, initial={"version": document.version})
    return correct(
        request,
        project,
        form,
        document,
        success="Le document est corrigé.",
        title="Corriger le document",
        intro=f"Le fichier « {document.original_name} » reste le même : pour le remplacer, supprimez ce document "
        "et déposez le nouveau.",
        submit_label="Enregistrer la correction",
    )


def document_remove(request, pk, document_pk):
    project = get_correctable_project_or_404(request.user, pk)
    document = get_object_or_404(project.documents, pk=document_pk)
    return remove(
        request,
        project,
        document,
        document.remove,
        what=f"le document « {document.title} » ({document.original_name})",
        success=f"Le document « {document.title} » est supprimé.",
    )


def note_edit(request, pk, note_pk):
    project = get_correctable_project_or_404(request.user, pk)
    note = get_object_or_404(project.events.filter(kind=ProjectEvent.Kind.NOTE), pk=note_pk)
    return correct_note(
        request,
        note,
        item=project,
        help_text="Lisible de votre structure seulement.",
        list_url=reverse("projects:list"),
        list_label="Projets",
    )


def note_remove(request, pk, note_pk):
    project = get_correctable_project_or_404(request.user, pk)
    note = get_object_or_404(project.events.filter(kind=ProjectEvent.Kind.NOTE), pk=note_pk)
    return remove(
        request,
        project,
        note,
        note.remove_note,
        what=f"la note du {timezone.localtime(note.at):%d/%m/%Y}",
        success="La note est supprimée ; l'historique garde la trace de sa suppression.",
    )
