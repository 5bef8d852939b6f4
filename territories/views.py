from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.db.models import Count, Q, Sum
from django.shortcuts import get_object_or_404, render

from needs.models import Need
from projects.models import Project
from territories.maps import brittany_map
from territories.models import EPCI, Department

# The shades of the map, from the fewest visible projects to the most: (lowest count, label of the legend).
SHADES = [(0, "Aucun projet"), (1, "1 ou 2 projets"), (3, "3 à 5 projets"), (6, "6 projets ou plus")]
DEPARTMENT_PROJECTS_PER_PAGE = 50


def shade(count):
    """Return the rank (0 to 3) of the shade for a département with `count` visible projects."""
    return max(rank for rank, (lowest, _) in enumerate(SHADES) if count >= lowest)


def may_count_needs(user):
    """Whether the figure of needs detected is shown: only to those who may see needs (révélateurs of the structure,
    Avise staff, administrators). Collectivités and visitors see no needs, so they see no figure of them either."""
    return user.is_authenticated and (user.is_revelateur or user.is_avise or user.is_superuser)


def map_of_brittany(user):
    """Return the map of Brittany with, for each département, the number of projects this user may see."""
    counts = dict(Project.objects.visible_to(user).values_list("department").annotate(count=Count("pk")).order_by())
    drawing = brittany_map()
    departments = [
        {**department, "count": counts.get(department["code"], 0), "shade": shade(counts.get(department["code"], 0))}
        for department in drawing["departments"]
    ]
    return {
        "view_box": drawing["viewBox"],
        "attribution": drawing["attribution"],
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
