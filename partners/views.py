import json
from collections import Counter
from urllib.parse import urlencode

from django.contrib import messages
from django.db import IntegrityError
from django.db.models import F
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from fabrique import exports
from fabrique.concurrency import save_edit
from fabrique.lists import is_filtered
from fabrique.long_lists import KeysFirstPaginator
from fabrique.search import squash
from partners import services
from partners.exports import (
    CONTACT_EXPORT_HEADER,
    ORGANIZATION_EXPORT_HEADER,
    PLACE_JOINS,
    contact_export_row,
    organization_export_row,
)
from partners.filters import OrganizationFilter
from partners.forms import (
    CollectiviteChoiceForm,
    ContactCreationForm,
    ContactEditForm,
    InvolvementForm,
    OrganizationCreationForm,
    OrganizationEditForm,
)
from partners.models import (
    ROLE_RANK,
    Contact,
    Involvement,
    Organization,
    may_change_directory,
    may_read_directory,
)
from partners.returning import back_with, chosen_organization, return_path
from projects.models import Activity, CopilDecision, Project, save_once
from projects.views import created_by_this_form, get_editable_project_or_404

ORGANIZATIONS_PER_PAGE = 25
SUGGESTIONS = 10
DUPLICATE_SIREN_MESSAGE = "Une organisation avec ce SIREN vient d'être enregistrée par quelqu'un d'autre."


def check_may_read_directory_or_404(user):
    """Raise 404 for those who do not read the directory: collectivités, and anyone not signed in."""
    if not may_read_directory(user):
        raise Http404


def check_may_change_directory_or_404(user):
    """Raise 404 for those who do not keep the directory: everyone but the network's révélateurs."""
    if not may_change_directory(user):
        raise Http404


def check_reads_contacts_or_404(user):
    """Raise 404 for those who read no one's contacts: only a révélateur reads the people its structure recorded."""
    if not user.is_revelateur:
        raise Http404


def get_organization_for_user_or_404(user, pk, *, queryset=None):
    """Return the organisation `pk` if `user` may read the directory, else raise Http404."""
    queryset = Organization.objects.all() if queryset is None else queryset
    return get_object_or_404(queryset.visible_to(user), pk=pk)


def get_editable_organization_or_404(user, pk):
    """Return the organisation `pk` if `user` may change it, else raise Http404."""
    return get_object_or_404(Organization.objects.editable_by(user).select_related("commune"), pk=pk)


def get_contact_for_user_or_404(user, pk):
    """Return the person `pk` if `user` belongs to the structure that recorded it, else raise Http404."""
    contacts = Contact.objects.visible_to(user).select_related("organization", "structure", "created_by")
    return get_object_or_404(contacts, pk=pk)


def get_editable_contact_or_404(user, pk):
    """Return the person `pk` if `user` may change it (their structure's, not erased), else raise Http404."""
    return get_object_or_404(Contact.objects.editable_by(user).select_related("organization"), pk=pk)


def get_editable_involvement_or_404(user, pk):
    """Return the involvement `pk` if `user` may change its project, else raise Http404."""
    involvements = Involvement.objects.editable_by(user).select_related("organization", "project")
    return get_object_or_404(involvements, pk=pk)


def filtered_organizations(request):
    """Return the filter of the directory: the organisations this user may read, filtered as the query string asks,
    by name. The list pages through them; the exports write them all."""
    organizations = (
        Organization.objects.visible_to(request.user)
        .select_related(*PLACE_JOINS)
        .order_by(F("name__fold").asc(), "pk")
    )
    return OrganizationFilter(data=request.GET, queryset=organizations)


def organization_list(request):
    check_may_read_directory_or_404(request.user)
    organization_filter = filtered_organizations(request)
    page = KeysFirstPaginator(organization_filter.qs, ORGANIZATIONS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "filter": organization_filter,
        "page": page,
        "can_change": may_change_directory(request.user),
        "reads_contacts": request.user.is_revelateur,
        "is_filtered": is_filtered(request.GET),
    }
    return render(request, "partners/organization_list.html", context)


@never_cache
def organization_export(request, file_format):
    """Download the organisations of the directory, with its filters and without its pages, as CSV or XLSX."""
    check_may_read_directory_or_404(request.user)
    organizations = filtered_organizations(request).qs.iterator(chunk_size=exports.CHUNK_SIZE)
    rows = (organization_export_row(organization) for organization in organizations)
    filename = f"partenaires-{timezone.localdate():%Y-%m-%d}"
    return exports.export_response(file_format, filename, ORGANIZATION_EXPORT_HEADER, rows, title="Partenaires")


@never_cache
def contacts_export(request, file_format):
    """Download the people of the organisations of the directory (with its filters) that the user's own structure
    recorded, but those erased, as CSV or XLSX. Personal data: no other structure's people, ever."""
    check_reads_contacts_or_404(request.user)
    organizations = filtered_organizations(request).qs
    # The people this structure recorded and may still change: the erased ones are left out.
    contacts = (
        Contact.objects.editable_by(request.user)
        .filter(organization__in=organizations)
        .select_related("organization")
        .order_by(
            F("organization__name__fold").asc(),
            "organization",
            F("last_name__fold").asc(),
            F("first_name__fold").asc(),
            "pk",
        )
    )
    rows = (contact_export_row(contact) for contact in contacts.iterator(chunk_size=exports.CHUNK_SIZE))
    filename = f"personnes-{timezone.localdate():%Y-%m-%d}"
    return exports.export_response(file_format, filename, CONTACT_EXPORT_HEADER, rows, title="Personnes")


def create(request):
    """Record an organisation that is not a collectivité (those are chosen from the reference data); then go back
    to the form that sent here (`next`) with it chosen, or to its page."""
    check_may_change_directory_or_404(request.user)
    next_path = return_path(request)
    if request.method == "POST" and (
        existing := created_by_this_form(Organization.objects, request.POST.get("creation_token"))
    ):
        return redirect(back_with(next_path, existing) if next_path else existing)
    form = OrganizationCreationForm(data=request.POST or None, instance=Organization(created_by=request.user))
    if form.is_valid():
        organization = form.save(commit=False)
        organization.creation_token = form.cleaned_data["creation_token"]
        try:
            organization = save_once(organization)
        except IntegrityError:
            form.add_error("siren", DUPLICATE_SIREN_MESSAGE)
        else:
            return recorded(request, organization, next_path)
    return render(request, "partners/organization_create.html", {"form": form, "next": next_path})


def recorded(request, organization, next_path, *, created=True):
    """Say the organisation is recorded (or was already), and go back to the form that sent here with it chosen,
    or to its page."""
    if created:
        message = f"« {organization.name} » est enregistrée dans l'annuaire"
    else:
        message = f"« {organization.name} » est déjà dans l'annuaire"
    if next_path:
        messages.success(request, f"{message} : elle est choisie ci-dessous.")
        return redirect(back_with(next_path, organization))
    if created:
        messages.success(request, f"{message}.")
    else:
        messages.info(request, f"{message} : voici sa fiche.")
    return redirect(organization)


def collectivite_create(request):
    """Find a commune, an EPCI, a département or a région in the reference data, and record it as a collectivité;
    then go back to the form that sent here (`next`) with it chosen, or to its page."""
    check_may_change_directory_or_404(request.user)
    next_path = return_path(request)
    here = f"{reverse('partners:collectivite_create')}?{urlencode({'next': next_path})}" if next_path else None
    if request.method == "POST":
        form = CollectiviteChoiceForm(data=request.POST)
        if form.is_valid():
            try:
                organization, created = services.add_collectivite(form.cleaned_data["territory"], by=request.user)
            except services.SirenHeldByAnotherKind as error:
                messages.error(
                    request,
                    format_html(
                        'Le SIREN {} de {} est déjà celui de <a href="{}">{}</a>, enregistrée dans l\'annuaire '
                        "comme « {} » et non comme une collectivité. Corrigez d'abord son type ou son SIREN sur sa "
                        "fiche, puis choisissez à nouveau ce territoire. Rien n'a été enregistré.",
                        error.organization.siren,
                        error.territory.name,
                        error.organization.get_absolute_url(),
                        error.organization.name,
                        error.organization.get_kind_display(),
                    ),
                )
                return redirect(here or "partners:collectivite_create")
            return recorded(request, organization, next_path, created=created)
        for error in form.errors.get("territory", []):
            messages.error(request, error)
        return redirect(here or "partners:collectivite_create")
    query = request.GET.get("q", "").strip()
    groups = services.find_territories(query) if query else []
    for group in groups:
        for result in group["results"]:
            # A collectivité already in the directory is chosen as it is, back in the form that sent here.
            known = result["organization"]
            result["back"] = back_with(next_path, known) if known and next_path else None
    context = {
        "query": query,
        "groups": groups,
        "found": any(group["results"] for group in groups),
        "next": next_path,
    }
    return render(request, "partners/organization_collectivite.html", context)


def detail(request, pk):
    user = request.user
    organization = get_organization_for_user_or_404(
        user, pk, queryset=Organization.objects.select_related(*PLACE_JOINS)
    )
    projects = Project.objects.visible_to(user)
    involvements = list(
        organization.involvements.filter(project__in=projects)
        .select_related("project__structure", "project__activity")
        .order_by(F("project__title__fold").asc(), "project_id", ROLE_RANK.asc(), "pk")
    )
    for involvement in involvements:
        # What it brings in euros is the project's internal material.
        involvement.shows_amount = involvement.project.shows_internal_material_to(user)
    context = {
        "organization": organization,
        "can_change": may_change_directory(user),
        "involvements": involvements,
        "carried": Activity.objects.filter(porteur=organization, project__in=projects)
        .select_related("project")
        .order_by(F("name__fold").asc(), "pk"),
        # The COPIL decisions that name it as present, the newest first (never their comment: internal material).
        "copil_decisions": CopilDecision.objects.filter(organizations=organization, project__in=projects)
        .select_related("project")
        .order_by("-decided_on", "-pk"),
        # Its contributions to launched activities: the funding the statistics count.
        "fundings": [
            involvement
            for involvement in involvements
            if involvement.role == Involvement.Role.FUNDER
            and involvement.amount is not None
            and hasattr(involvement.project, "activity")
        ],
        # Personal data: the people the viewer's own structure recorded, and no one else's.
        "contacts": Contact.objects.visible_to(user)
        .filter(organization=organization)
        .order_by(F("erased_at").asc(nulls_first=True), F("last_name__fold").asc(), F("first_name__fold").asc(), "pk"),
        "reads_contacts": user.is_revelateur,
    }
    return render(request, "partners/organization_detail.html", context)


def edit(request, pk):
    organization = get_editable_organization_or_404(request.user, pk)
    form = OrganizationEditForm(data=request.POST or None, instance=organization)
    conflict = None
    if form.is_valid():

        def reread(data=None):
            # A second copy of the organisation: validating the form writes the typed values onto its instance.
            return OrganizationEditForm(data=data, instance=get_editable_organization_or_404(request.user, pk))

        try:
            _, form, conflict = save_edit(form, reread, by=request.user)
        except IntegrityError:
            form.add_error("siren", DUPLICATE_SIREN_MESSAGE)
        else:
            if conflict is None:
                messages.success(request, "Les modifications de l'organisation sont enregistrées.")
                return redirect(organization)
    context = {"organization": organization, "form": form, "conflict": conflict}
    return render(request, "partners/organization_edit.html", context)


def contact_create(request, pk):
    check_may_change_directory_or_404(request.user)
    organization = get_organization_for_user_or_404(request.user, pk)
    people = f"{organization.get_absolute_url()}#personnes"
    if request.method == "POST" and created_by_this_form(
        Contact.objects.visible_to(request.user), request.POST.get("creation_token")
    ):
        return redirect(people)
    contact = Contact(organization=organization, structure=request.user.structure, created_by=request.user)
    form = ContactCreationForm(data=request.POST or None, instance=contact)
    if form.is_valid():
        contact = form.save(commit=False)
        contact.creation_token = form.cleaned_data["creation_token"]
        # A row that stood already under this token is not described: it may be another structure's.
        if save_once(contact) is contact:
            messages.success(
                request, f"Les coordonnées de {contact} sont enregistrées, pour votre structure seulement."
            )
        return redirect(people)
    return render(request, "partners/contact_create.html", {"organization": organization, "form": form})


def contact_edit(request, pk):
    contact = get_editable_contact_or_404(request.user, pk)
    organization = contact.organization
    form = ContactEditForm(data=request.POST or None, instance=contact)
    conflict = None
    if form.is_valid():

        def reread(data=None):
            return ContactEditForm(data=data, instance=get_contact_for_user_or_404(request.user, pk))

        _, form, conflict = save_edit(form, reread, by=request.user)
        if conflict is None:
            messages.success(request, f"Les coordonnées de {contact} sont enregistrées.")
            return redirect(f"{organization.get_absolute_url()}#personnes")
    context = {"contact": contact, "organization": organization, "form": form, "conflict": conflict}
    return render(request, "partners/contact_edit.html", context)


@never_cache
def contact_export(request, pk):
    """Download everything stored about one person (right of access), as a JSON file."""
    contact = get_contact_for_user_or_404(request.user, pk)
    data = services.export(contact, absolute_url=request.build_absolute_uri)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="personne-{contact.pk}.json"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def contact_erase(request, pk):
    """Erase a person for good (right to erasure), after a confirmation page."""
    contact = get_editable_contact_or_404(request.user, pk)
    organization = contact.organization
    if request.method == "POST":
        contact.erase()
        messages.success(
            request,
            "Les données de cette personne sont effacées. Sa fiche reste, anonyme, sous le nom « Personne effacée ».",
        )
        return redirect(f"{organization.get_absolute_url()}#personnes")
    context = {"contact": contact, "organization": organization, "mentions": services.mentions(contact)}
    return render(request, "partners/contact_erase.html", context)


def involvement_create(request, pk):
    """Add an organisation of the directory to a project, with its role (`pk` is the project's)."""
    project = get_editable_project_or_404(request.user, pk)
    partners = f"{project.get_absolute_url()}#partenaires"
    if request.method == "POST" and created_by_this_form(project.involvements, request.POST.get("creation_token")):
        return redirect(partners)
    form = InvolvementForm(
        data=request.POST or None,
        instance=Involvement(project=project, created_by=request.user),
        # The organisation just recorded in the directory, from this form's « Créer une organisation ».
        initial={"organization": chosen_organization(request)},
    )
    if form.is_valid():
        involvement = form.save(commit=False)
        involvement.creation_token = form.cleaned_data["creation_token"]
        try:
            involvement = save_once(involvement)
        except IntegrityError:
            # Someone gave the organisation this role in the meantime.
            form.add_error("role", "L'organisation vient de recevoir ce rôle dans le projet : rechargez la page.")
        else:
            messages.success(
                request,
                f"« {involvement.organization.name} » est ajoutée aux partenaires du projet "
                f"({involvement.get_role_display()}).",
            )
            return redirect(partners)
    return render(request, "partners/involvement_form.html", {"project": project, "form": form})


@require_POST
def involvement_delete(request, pk):
    involvement = get_editable_involvement_or_404(request.user, pk)
    project = involvement.project
    involvement.delete()
    messages.success(
        request,
        f"« {involvement.organization_name} » n'est plus « {involvement.get_role_display()} » du projet.",
    )
    return redirect(f"{project.get_absolute_url()}#partenaires")


@never_cache
def suggestions(request):
    """The organisations of the directory matching `?q=…`, as JSON, for the suggestions of an OrganizationField.

    Each suggestion gives the `value` to type in the field, that the form resolves to this organisation: its name,
    or its reference when other organisations bear the same name.
    """
    check_may_read_directory_or_404(request.user)
    organizations = Organization.objects.visible_to(request.user)
    found = list(organizations.suggested_for(request.GET.get("q", ""))[:SUGGESTIONS])
    if not found:
        return JsonResponse({"results": []})
    # Of the names found, those that several organisations bear (by its own query, of a few rows).
    names = organizations.filter(name__squash__in={squash(organization.name) for organization in found})
    bearers = Counter(squash(name) for name in names.values_list("name", flat=True))
    results = []
    for organization in found:
        value = organization.reference if bearers[squash(organization.name)] > 1 else organization.name
        results.append({"value": value, "label": f"{value} — {organization.get_kind_display()}"})
    return JsonResponse({"results": results})
