import logging
import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from fabrique import exports
from fabrique.concurrency import save_edit
from fabrique.correction_pages import confirm_removal, correct_note
from fabrique.lists import is_filtered
from fabrique.long_lists import KeysFirstPaginator
from needs import signals
from needs.exports import NEED_EXPORT_HEADER, need_export_rows
from needs.filters import NeedFilter
from needs.forms import (
    NeedCreationForm,
    NeedEditForm,
    NeedProposalEditForm,
    NeedProposalForm,
    NoteForm,
    OpenStudyForm,
    TransitionForm,
)
from needs.models import Need, NeedEvent
from projects.models import Project
from projects.services import open_study as open_study_for_needs

NEEDS_PER_PAGE = 25
PROPOSALS_PER_PAGE = 25

logger = logging.getLogger(__name__)


def get_need_for_user_or_404(user, pk):
    """Return the need if this user may read it, with what its page shows; raise 404 otherwise."""
    needs = (
        Need.objects.visible_to(user)
        .select_related("structure", "department", "epci", "project", "created_by")
        .prefetch_related("themes", "communes", Prefetch("events", queryset=NeedEvent.objects.select_related("by")))
    )
    return get_object_or_404(needs, pk=pk)


def get_editable_need_for_user_or_404(user, pk):
    """Return the need if this user may change it; raise 404 otherwise, as if it did not exist."""
    return get_object_or_404(Need.objects.editable_by(user), pk=pk)


def get_structure_for_user_or_404(user):
    """Return the structure whose needs this user logs; only a révélateur has one."""
    if not user.is_revelateur:
        raise Http404
    return user.structure


def token_from(data):
    """Return the creation token posted with a form, or None if there is none or it is not a UUID."""
    try:
        return uuid.UUID(data.get("creation_token", ""))
    except ValueError:
        return None


def may_read_needs(user):
    """Whether this user reads needs: their structure's for a révélateur, all of them for Avise staff and
    administrators; a collectivité reads only its own proposals, on their own pages."""
    return user.is_authenticated and user.works_in_network


def check_may_read_needs_or_404(user):
    """Raise 404 for the people who read no needs at all (collectivités, until they propose their own)."""
    if not may_read_needs(user):
        raise Http404


def filtered_needs(request):
    """Return the filter of the needs list: the needs this user may see, filtered and sorted as the query string
    asks. The list pages through them; the export writes them all."""
    needs = (
        Need.objects.visible_to(request.user)
        .select_related("structure", "department", "epci")
        .prefetch_related("themes", "communes")
    )
    return NeedFilter(request.GET, queryset=needs, request=request)


def need_list(request):
    check_may_read_needs_or_404(request.user)
    need_filter = filtered_needs(request)
    page = KeysFirstPaginator(need_filter.qs, NEEDS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "needs/need_list.html",
        {
            "filter": need_filter,
            "page": page,
            "can_create": request.user.is_revelateur,
            "is_filtered": is_filtered(request.GET, sort="order"),
        },
    )


@never_cache
def need_export(request, file_format):
    """Download the needs of the list, with its filters and sort and without its pages, as CSV or XLSX."""
    check_may_read_needs_or_404(request.user)
    needs = filtered_needs(request).qs.select_related("proposed_by", "project")
    rows = need_export_rows(needs)
    filename = f"besoins-{timezone.localdate():%Y-%m-%d}"
    return exports.export_response(file_format, filename, NEED_EXPORT_HEADER, rows, title="Besoins")


def create(request):
    structure = get_structure_for_user_or_404(request.user)
    if request.method == "POST" and (existing := _already_created(request)):
        return redirect(existing)
    form = NeedCreationForm(data=request.POST or None, structure=structure)
    if form.is_valid():
        try:
            need = form.save(by=request.user)
        except IntegrityError:
            # The same form, submitted twice at once: the other request created the need.
            if existing := _already_created(request):
                return redirect(existing)
            raise
        messages.success(request, f"Le besoin « {need.title} » est enregistré.")
        return redirect(need)
    return render(request, "needs/need_create.html", {"form": form})


def _already_created(request):
    """Return the need created by an earlier submit of the posted form, if any; 404 if that need is not theirs."""
    token = token_from(request.POST)
    if token and (need := Need.objects.filter(creation_token=token).first()):
        if not need.is_editable_by(request.user):
            raise Http404
        return need
    return None


def detail(request, pk):
    need = get_need_for_user_or_404(request.user, pk)
    return _render_detail(request, need)


def _render_detail(request, need, bound_form=None):
    """Render the need's page; `bound_form` is a posted form in error, shown in place of its blank twin."""
    can_edit = need.is_editable_by(request.user)
    transition_forms = []
    note_form = None
    if can_edit:
        for name in need.allowed_transitions():
            form = TransitionForm(name, need)
            if isinstance(bound_form, TransitionForm) and bound_form.name == name:
                form = bound_form
            transition_forms.append(form)
        note_form = bound_form if isinstance(bound_form, NoteForm) else NoteForm()
    context = {
        "need": need,
        "can_edit": can_edit,
        "correctable": need.is_correctable_by(request.user),
        "transition_forms": transition_forms,
        "note_form": note_form,
    }
    return render(request, "needs/need_detail.html", context)


def edit(request, pk):
    need = get_editable_need_for_user_or_404(request.user, pk)
    form = NeedEditForm(data=request.POST or None, instance=need, structure=need.structure)
    conflict = None
    if form.is_valid():

        def reread(data=None):
            # A second copy of the need: validating the form writes the typed values onto its instance.
            return NeedEditForm(
                data=data, instance=get_editable_need_for_user_or_404(request.user, pk), structure=need.structure
            )

        _, form, conflict = save_edit(form, reread, by=request.user)
        if conflict is None:
            messages.success(request, "Vos modifications sont enregistrées.")
            return redirect(need)
    return render(request, "needs/need_edit.html", {"form": form, "need": need, "conflict": conflict})


@require_POST
def qualify(request, pk):
    return _transition(request, pk, "qualify")


@require_POST
def put_on_hold(request, pk):
    return _transition(request, pk, "put_on_hold")


@require_POST
def dismiss(request, pk):
    return _transition(request, pk, "dismiss")


@require_POST
def reopen(request, pk):
    return _transition(request, pk, "reopen")


SUCCESS_MESSAGES = {
    "qualify": "Le besoin est qualifié.",
    "put_on_hold": "Le besoin est mis en attente.",
    "dismiss": "Le besoin est écarté.",
    "reopen": "Le besoin est rouvert : il est de nouveau « Détecté ».",
}


def _transition(request, pk, name):
    need = get_editable_need_for_user_or_404(request.user, pk)
    form = TransitionForm(name, need, data=request.POST)
    if form.is_stale():
        messages.error(
            request,
            f"Ce besoin a changé de statut entre-temps : il est maintenant « {need.get_status_display()} ». "
            "Rien n'a été modifié.",
        )
        return redirect(need)
    if name not in need.allowed_transitions():
        messages.error(request, f"Ce besoin est « {need.get_status_display()} » : cette action n'est pas possible.")
        return redirect(need)
    if not form.is_valid():
        return _render_detail(request, get_need_for_user_or_404(request.user, pk), bound_form=form)
    reason = form.cleaned_data["reason"]
    try:
        with transaction.atomic():
            if name == "dismiss":
                need.dismiss(by=request.user, reason=reason, public_reason=form.cleaned_data.get("public_reason", ""))
            elif name in Need.REASON_REQUIRED:
                getattr(need, name)(by=request.user, reason=reason)
            else:
                getattr(need, name)(by=request.user, comment=reason)
            if name in ("qualify", "dismiss"):
                announce_proposal_followed(need)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, SUCCESS_MESSAGES[name])
    return redirect(need)


def announce_proposal_followed(need):
    """Announce, once committed, the status the structure just gave this need, if a collectivité proposed it."""
    if need.proposed_by_id is None:
        return
    status, public_reason = need.status, need.public_reason
    transaction.on_commit(
        lambda: signals.proposal_followed.send(Need, need_id=need.pk, status=status, public_reason=public_reason)
    )


@require_POST
def add_note(request, pk):
    need = get_editable_need_for_user_or_404(request.user, pk)
    form = NoteForm(data=request.POST)
    if not form.is_valid():
        return _render_detail(request, get_need_for_user_or_404(request.user, pk), bound_form=form)
    token = form.cleaned_data["creation_token"]
    if token is None or not need.events.filter(creation_token=token).exists():
        try:
            with transaction.atomic():
                NeedEvent.objects.create(
                    need=need,
                    kind=NeedEvent.Kind.NOTE,
                    comment=form.cleaned_data["text"],
                    by=request.user,
                    creation_token=token,
                )
        except IntegrityError:
            pass  # The same note, sent twice at once: the other request recorded it.
    messages.success(request, "La note est ajoutée à l'historique.")
    return redirect(need)


def get_correctable_note_or_404(user, pk, note_pk):
    """Return the need `pk` and its note `note_pk` if this user may correct the need's notes; raise 404 otherwise."""
    need = get_object_or_404(Need.objects.correctable_by(user), pk=pk)
    return need, get_object_or_404(need.events.filter(kind=NeedEvent.Kind.NOTE), pk=note_pk)


def note_edit(request, pk, note_pk):
    need, note = get_correctable_note_or_404(request.user, pk, note_pk)
    return correct_note(
        request,
        note,
        item=need,
        help_text="Visible de votre structure, de l'Avise et des administrateurs.",
        list_url=reverse("needs:list"),
        list_label="Besoins",
    )


def note_remove(request, pk, note_pk):
    need, note = get_correctable_note_or_404(request.user, pk, note_pk)
    return confirm_removal(
        request,
        note,
        note.remove_note,
        item=need,
        what=f"la note du {timezone.localtime(note.at):%d/%m/%Y}",
        success="La note est supprimée ; l'historique garde la trace de sa suppression.",
        list_url=reverse("needs:list"),
        list_label="Besoins",
    )


def open_study(request):
    """Confirm, then open a study on the needs chosen on the list or on a need's page (`?needs=1&needs=2`)."""
    get_structure_for_user_or_404(request.user)
    if request.method == "POST" and (project := _study_already_opened(request)):
        return redirect(project)
    data = request.POST if request.method == "POST" else request.GET
    needs = _chosen_needs(request.user, data.getlist("needs"))
    if not needs:
        messages.error(request, "Choisissez au moins un besoin qualifié pour ouvrir une étude.")
        return redirect(reverse("needs:list") + f"?status={Need.Status.QUALIFIED}")
    if request.method == "GET" and (not_qualified := [need for need in needs if not need.can_open_study]):
        titles = ", ".join(f"« {need.title} »" for need in not_qualified)
        messages.error(request, f"Une étude ne s'ouvre que sur des besoins qualifiés. Ne le sont pas : {titles}.")
        return redirect(not_qualified[0] if len(needs) == 1 else reverse("needs:list"))
    form = OpenStudyForm(data=request.POST or None, needs=needs)
    if form.is_valid():
        try:
            with transaction.atomic():
                project = open_study_for_needs(
                    needs,
                    by=request.user,
                    title=form.cleaned_data["title"],
                    department=form.cleaned_data["department"],
                    opened_on=form.cleaned_data["opened_on"],
                    creation_token=form.cleaned_data["creation_token"],
                )
                for need in needs:
                    if need.project_id == project.pk:  # not when the same form's other submit opened the study
                        announce_proposal_followed(need)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"L'étude d'opportunité « {project.title} » est ouverte.")
            return redirect(project)
    return render(request, "needs/need_open_study.html", {"form": form, "needs": needs})


def _study_already_opened(request):
    """Return the project opened by an earlier submit of the posted form, if any; 404 if it is not theirs."""
    token = token_from(request.POST)
    if token and (project := Project.objects.filter(creation_token=token).first()):
        if not project.is_editable_by(request.user):
            raise Http404
        return project
    return None


def _chosen_needs(user, ids):
    """Return the needs of these ids, each of which this user must be able to change; raise 404 otherwise."""
    if not all(pk.isdigit() and len(pk) <= 18 for pk in ids):
        raise Http404
    # In the order chosen, without repeats: the first one names the project.
    ids = list(dict.fromkeys(int(pk) for pk in ids))
    needs = Need.objects.editable_by(user).filter(pk__in=ids).select_related("department")
    needs = {need.pk: need for need in needs.prefetch_related("themes", "communes")}
    if len(needs) != len(ids):
        raise Http404
    return [needs[pk] for pk in ids]


# The « appel à révélation »: a collectivité proposes a need, and follows what became of it on its own pages, which
# show neither the structure's notes nor its reasons nor the comments of the history.


def get_organization_for_user_or_404(user):
    """Return the collectivité this account speaks for; only a collectivité account has one."""
    if not user.is_collectivite:
        raise Http404
    return user.organization


def proposals_for(user):
    """Return the proposals of this collectivité account, each with `project_is_visible`: whether it may open the
    project studying it."""
    organization = get_organization_for_user_or_404(user)
    visible_projects = Project.objects.visible_to(user).filter(pk=OuterRef("project"))
    return (
        Need.objects.proposed_by(organization)
        .select_related("project")
        .annotate(project_is_visible=Exists(visible_projects))
    )


def get_proposal_for_user_or_404(user, pk):
    """Return this collectivité's proposal, with what its page shows; raise 404 for anyone else's."""
    # Its history shows when the status changed, never the comments, the notes nor who wrote them.
    moves = NeedEvent.objects.filter(
        kind__in=[NeedEvent.Kind.CREATED, NeedEvent.Kind.STATUS, NeedEvent.Kind.PROPOSAL_CHANGED]
    ).only("need", "kind", "to_status", "at")
    proposals = (
        proposals_for(user)
        .select_related("structure", "department", "epci")
        .prefetch_related("themes", "communes", Prefetch("events", queryset=moves, to_attr="moves"))
        .annotate(is_changeable=Exists(Need.objects.not_taken_up().filter(pk=OuterRef("pk"))))
    )
    return get_object_or_404(proposals, pk=pk)


def get_own_proposal_for_user_or_404(user, pk):
    """Return this collectivité's proposal, with `is_changeable`: whether it may still change it (see
    `Need.objects.not_taken_up`); raise 404 for anyone else's."""
    organization = get_organization_for_user_or_404(user)
    proposals = (
        Need.objects.proposed_by(organization)
        .select_related("structure", "department", "epci")
        .annotate(is_changeable=Exists(Need.objects.not_taken_up().filter(pk=OuterRef("pk"))))
    )
    return get_object_or_404(proposals, pk=pk)


def propose(request):
    organization = get_organization_for_user_or_404(request.user)
    if request.method == "POST" and (existing := _proposal_already_created(request)):
        return redirect("needs:proposal", existing.pk)
    form = NeedProposalForm(data=request.POST or None, organization=organization)
    if form.is_valid():
        try:
            with transaction.atomic():
                need = form.save(by=request.user)
                transaction.on_commit(lambda: signals.proposal_received.send(Need, need=need))
        except IntegrityError:
            # The same form, submitted twice at once: the other request created the need.
            if existing := _proposal_already_created(request):
                return redirect("needs:proposal", existing.pk)
            raise
        messages.success(
            request, f"Votre proposition « {need.title} » est transmise à {need.structure.name}, qui va l'examiner."
        )
        return redirect("needs:proposal", need.pk)
    return render(request, "needs/need_propose.html", {"form": form, "organization": organization})


def _proposal_already_created(request):
    """Return the need created by an earlier submit of the posted form, if any; 404 if another one proposed it."""
    token = token_from(request.POST)
    if token and (need := Need.objects.filter(creation_token=token).first()):
        if need.proposed_by_id is None or need.proposed_by_id != request.user.organization_id:
            raise Http404
        return need
    return None


def proposal_list(request):
    proposals = proposals_for(request.user).order_by("-created_at", "-pk")
    page = Paginator(proposals, PROPOSALS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "needs/proposal_list.html", {"page": page, "organization": request.user.organization})


def proposal_detail(request, pk):
    need = get_proposal_for_user_or_404(request.user, pk)
    return render(request, "needs/proposal_detail.html", {"need": need})


def proposal_edit(request, pk):
    need = get_own_proposal_for_user_or_404(request.user, pk)
    if not need.is_changeable and request.method != "POST":
        # Taken up: the page is no longer offered. A form read before still gets its answer, below.
        raise Http404
    organization = request.user.organization
    form = NeedProposalEditForm(data=request.POST or None, instance=need, organization=organization)
    conflict = None
    taken_up = not need.is_changeable
    if form.is_valid() and not taken_up:

        def reread(data=None):
            # A second copy of the need: validating the form writes the typed values onto its instance.
            return NeedProposalEditForm(
                data=data, instance=get_own_proposal_for_user_or_404(request.user, pk), organization=organization
            )

        changes, merged, conflict = save_edit(form, reread, by=request.user)
        if conflict is None:
            if changes:
                messages.success(
                    request, f"Vos modifications sont enregistrées : {need.structure.name} les verra dans son suivi."
                )
            else:
                messages.info(request, "Vous n'avez rien modifié.")
            return redirect("needs:proposal", need.pk)
        if conflict.current.is_changeable:
            form = merged
        else:
            taken_up, conflict = True, None
    if taken_up:
        # The structure took it up while the collectivité was typing: its move wins, and what was typed stays.
        form.add_error(
            None,
            f"{need.structure.name} a commencé à examiner votre proposition pendant que vous la modifiiez : vos "
            "modifications n'ont pas été enregistrées, et la proposition ne peut plus être modifiée ici. Votre "
            f"saisie est conservée ci-dessous : pour la transmettre, écrivez à {need.structure.email}.",
        )
    context = {"form": form, "need": need, "conflict": conflict, "taken_up": taken_up}
    return render(request, "needs/need_proposal_edit.html", context)
