from collections import Counter

from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection
from django.db.models import Count, F
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache

from fabrique.search import bounded, search_words
from needs.models import Need
from needs.views import may_read_needs, proposals_for
from partners.models import Organization, may_read_directory
from projects.filters import search_projects
from projects.models import Project
from territories.models import Structure
from territories.views import map_of_brittany

DORMANT_DAYS = 90


@login_not_required
def favicon(request):
    """Browsers ask for /favicon.ico on the pages that name no icon (the admin's): send them to the site's."""
    return redirect(static("img/favicon.svg"), permanent=True)


@login_not_required
def robots(request):
    """Tell crawlers where the public pages are (the sitemap) and which paths hold only sign-in redirects."""
    sitemap = request.build_absolute_uri(reverse("sitemap"))
    return render(request, "robots.txt", {"sitemap": sitemap}, content_type="text/plain; charset=utf-8")


@login_not_required
def home(request):
    """A révélateur starts the day on their dashboard, a collectivité on its territory's projects and its proposals;
    everyone else reads what the Fabrique is."""
    if request.user.is_authenticated and request.user.is_revelateur:
        return dashboard(request)
    if request.user.is_authenticated and request.user.is_collectivite:
        return collectivite_home(request)
    structures = Structure.objects.prefetch_related("departments")
    # The home page presents the Carnet de projets: its map counts the public projects, whoever reads it.
    context = {"structures": structures, "map": map_of_brittany(Project.objects.public())}
    return render(request, "fabrique/home.html", context)


def dashboard(request):
    structure = request.user.structure
    needs = Need.objects.filter(structure=structure)
    projects = Project.objects.filter(structure=structure)
    need_counts = dict(needs.values_list("status").annotate(count=Count("pk")).order_by())
    project_counts = {
        (stage, state): count
        for stage, state, count in projects.values_list("stage", "state").annotate(count=Count("pk")).order_by()
    }
    context = {
        "structure": structure,
        # The « appels à révélation » nobody has taken up yet come first.
        "proposals": needs.proposals()
        .filter(status=Need.Status.DETECTED)
        .select_related("proposed_by")
        .order_by("-created_at", "-pk"),
        "needs_by_status": [(status, need_counts.get(status.value, 0)) for status in Need.Status],
        "states": list(Project.State),
        "projects_by_stage": [
            (stage, [(state, project_counts.get((stage.value, state.value), 0)) for state in Project.State])
            for stage in Project.Stage
        ],
        "dormant_days": DORMANT_DAYS,
        "dormant_needs": needs.dormant(DORMANT_DAYS).order_by("last_activity")[:10],
        "dormant_projects": projects.dormant(DORMANT_DAYS).order_by("last_activity")[:10],
    }
    return render(request, "fabrique/dashboard.html", context)


HOME_PROPOSALS = 5
# The projects a collectivité's home lists at each stage, the latest first; the catalogue lists the others.
HOME_PROJECTS_PER_STAGE = 10


def collectivite_home(request):
    """The projects of the collectivité's territory that it may see, by stage (the latest of each), and its latest
    proposals."""
    user = request.user
    organization = user.organization
    # The territory's projects are sought once, read as a few small columns, the latest first: the counts per stage
    # and the latest of each come from them, and only those shown are read whole.
    keys = (
        Project.objects.visible_to(user)
        .overlapping(organization.territory_communes())
        .order_by("-opened_on", "-pk")
        .values_list("pk", "stage")
    )
    counts, shown = Counter(), []
    for pk, stage in keys:
        counts[stage] += 1
        if counts[stage] <= HOME_PROJECTS_PER_STAGE:
            shown.append(pk)
    by_stage = {}
    for project in Project.objects.filter(pk__in=shown).select_related("structure").order_by("-opened_on", "-pk"):
        by_stage.setdefault(project.stage, []).append(project)
    proposals = proposals_for(user).order_by("-created_at", "-pk")[:HOME_PROPOSALS]
    context = {
        "organization": organization,
        "projects_by_stage": [
            (stage, by_stage.get(stage.value, []), counts.get(stage.value, 0)) for stage in Project.Stage
        ],
        "project_count": sum(counts.values()),
        "proposals": proposals,
    }
    return render(request, "fabrique/collectivite_home.html", context)


# The rows each section of the search shows; its « voir tout » link leads to the whole list, filtered.
SEARCH_SECTION_ROWS = 10


def search_section(kind, title, rows, list_url, *, query=""):
    """Return a section of the search results: its first SEARCH_SECTION_ROWS rows of `rows` (read with one more,
    to know whether the list holds others), and the link to the list they come from."""
    rows = list(rows[: SEARCH_SECTION_ROWS + 1])
    return {
        "kind": kind,
        "title": title,
        "rows": rows[:SEARCH_SECTION_ROWS],
        "has_more": len(rows) > SEARCH_SECTION_ROWS,
        "list_url": f"{list_url}?{urlencode({'q': query})}" if query else list_url,
    }


@login_not_required
def search(request):
    """Search the needs, projects and organisations this person may see, each in a bounded section.

    A visitor who is not signed in reads the public projects only: their search is the catalogue's.
    """
    text = bounded(request.GET.get("q", "")).strip()
    user = request.user
    if not user.is_authenticated:
        return redirect(f"{reverse('projects:list')}?{urlencode({'q': text})}" if text else reverse("projects:list"))
    sections = []
    if search_words(text):
        if user.is_collectivite:
            proposals = proposals_for(user).search(text).order_by("-created_at", "-pk")
            sections.append(search_section("proposals", "Vos propositions", proposals, reverse("needs:proposals")))
        elif may_read_needs(user):
            needs = Need.objects.visible_to(user).search(text).select_related("structure")
            sections.append(search_section("needs", "Besoins", needs, reverse("needs:list"), query=text))
        projects = search_projects(Project.objects.visible_to(user), text).select_related("structure")
        sections.append(search_section("projects", "Projets", projects, reverse("projects:list"), query=text))
        if may_read_directory(user):
            organizations = Organization.objects.search(text).order_by(F("name__fold").asc(), "pk")
            sections.append(
                search_section("organizations", "Organisations", organizations, reverse("partners:list"), query=text)
            )
    context = {"query": text, "sections": sections}
    return render(request, "fabrique/search.html", context)


@login_not_required
@never_cache
def health(request):
    """Answer 200 when the application and its database answer, 503 otherwise (for uptime monitors)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "indisponible"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@login_not_required
def accessibility(request):
    return render(request, "fabrique/accessibility.html")


@login_not_required
def legal_notice(request):
    return render(request, "fabrique/legal_notice.html")
