import re
from collections import Counter

from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.db.models import Case, Count, F, Q, Sum, When
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache

from fabrique.search import MAX_SEARCH_WORDS, bounded
from needs.models import Need
from projects.models import Project
from territories.forms import commune_key, commune_words
from territories.maps import MAP_CREDIT, brittany_map
from territories.models import EPCI, Commune, Department

# The shades of the map, from the fewest visible projects to the most: (lowest count, label of the legend).
SHADES = [(0, "Aucun projet"), (1, "1 ou 2 projets"), (3, "3 à 5 projets"), (6, "6 projets ou plus")]
DEPARTMENT_PROJECTS_PER_PAGE = 50
COMMUNE_SUGGESTIONS = 10
DEPARTMENT_CODE = re.compile(r"^(\d[\dAB]|\d{3})$", re.IGNORECASE)
# The départements a suggestion may be asked among: a few (a structure covers four, a collectivité's territory one
# or two), never a list long enough to weigh on the query.
MAX_SUGGESTION_DEPARTMENTS = 10


def shade(count):
    """Return the rank (0 to 3) of the shade for a département with `count` visible projects."""
    return max(rank for rank, (lowest, _) in enumerate(SHADES) if count >= lowest)


def may_count_needs(user):
    """Whether the figure of needs detected is shown: only to those who may see needs (révélateurs of the structure,
    Avise staff, administrators). Collectivités and visitors see no needs, so they see no figure of them either."""
    return user.is_authenticated and user.works_in_network


def map_of_brittany(projects):
    """Return the map of Brittany with, for each département, the number of `projects` (a queryset) it has."""
    counts = dict(projects.values_list("department").annotate(count=Count("pk")).order_by())
    drawing = brittany_map()
    departments = [
        {**department, "count": counts.get(department["code"], 0), "shade": shade(counts.get(department["code"], 0))}
        for department in drawing["departments"]
    ]
    return {
        "view_box": drawing["viewBox"],
        "credit": MAP_CREDIT,
        "departments": departments,
        "legend": [{"rank": rank, "label": label} for rank, (_, label) in enumerate(SHADES)],
    }


@login_not_required
def department(request, code):
    """A département: the structures covering it, key figures, its projects (a page at a time) and its EPCI, as this
    user may see."""
    user = request.user
    department = get_object_or_404(Department, code=code)
    structures = list(department.structures.order_by("name"))
    projects = Project.objects.visible_to(user).in_department(code)
    stage_counts = dict(projects.values_list("stage").annotate(count=Count("pk")).order_by())
    activities = projects.filter(stage=Project.Stage.LAUNCHED).aggregate(
        count=Count("activity"), jobs=Sum("activity__jobs_at_launch")
    )
    epci_counts = dict(projects.filter(epci__isnull=False).values_list("epci").annotate(count=Count("pk")).order_by())
    epcis = EPCI.objects.filter(Q(communes__department=department) | Q(code__in=list(epci_counts))).distinct()
    context = {
        "department": department,
        "structures": structures,
        "needs_count": Need.objects.visible_to(user).filter(department=department).count()
        if may_count_needs(user)
        else None,
        "projects_by_stage": [(stage, stage_counts.get(stage.value, 0)) for stage in Project.Stage],
        "project_count": sum(stage_counts.values()),
        "activity_count": activities["count"],
        "jobs": activities["jobs"] or 0,
        "page": Paginator(
            projects.select_related("structure", "epci", "activity")
            .prefetch_related("themes")
            .order_by("-opened_on", "-pk"),
            DEPARTMENT_PROJECTS_PER_PAGE,
        ).get_page(request.GET.get("page")),
        "epcis": [(epci, epci_counts.get(epci.code, 0)) for epci in epcis.order_by("name")],
    }
    return render(request, "territories/department_detail.html", context)


@never_cache
def commune_suggestions(request):
    """The communes matching `?q=…` (each word of the name, « st » read as « saint », or the start of the INSEE
    code), among the `departement`s given if any, as JSON, for the suggestions of the commune fields.

    Each suggestion gives the `value` to type in the field: the name, or « name (INSEE code) » when another commune
    of the same départements bears the name. The names starting with the first word come first, then the most
    populated.
    """
    text = bounded(request.GET.get("q", ""))
    departments = [code.upper() for code in request.GET.getlist("departement") if DEPARTMENT_CODE.match(code)]
    scope = Commune.objects.all()
    if departments:
        scope = scope.filter(department__in=departments[:MAX_SUGGESTION_DEPARTMENTS])
    words = list(dict.fromkeys(commune_words(text)))[:MAX_SEARCH_WORDS]
    if len("".join(words)) < 2:
        return JsonResponse({"results": []})
    if len(words) == 1 and words[0].isdigit():
        found = scope.filter(code__startswith=words[0]).order_by("code")
    else:
        if len(words) == 1 and len(words[0]) < 3:
            # Two letters are looked for at the start of the name only: that reads an index, where looking for them
            # anywhere in the name would read every commune of France.
            found = scope.filter(name__squash__startswith=words[0])
        else:
            found = scope
            for word in words:
                found = found.filter(name__fold__contains=word)
        starts = Case(When(name__fold__startswith=words[0], then=0), default=1)
        found = found.order_by(starts, F("population").desc(nulls_last=True), "name", "code")
    found = list(found.select_related("department")[:COMMUNE_SUGGESTIONS])
    if not found:
        return JsonResponse({"results": []})
    # Of the names found, those that several communes bear where the search looked (by its own query, of few rows).
    names = scope.filter(name__squash__in={commune_key(commune.name) for commune in found})
    bearers = Counter(commune_key(name) for name in names.values_list("name", flat=True))
    results = []
    for commune in found:
        value = f"{commune.name} ({commune.code})" if bearers[commune_key(commune.name)] > 1 else commune.name
        results.append({"value": value, "label": f"{value} — {commune.department}"})
    return JsonResponse({"results": results})
