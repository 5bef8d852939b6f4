from collections import Counter

from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection
from django.db.models import Count
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.cache import never_cache

from needs.models import Need
from needs.views import proposals_for
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
