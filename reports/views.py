from functools import cached_property

from django.contrib import admin
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from fabrique.exports import FORMATS, export_response
from needs.models import Need
from projects.models import Project
from reports.charts import bar_chart
from reports.figures import Figures
from reports.filters import MAP_FIGURES, Filters, StatisticsFilterForm
from reports.freshness import cached_figures
from reports.maps import shaded_map
from reports.tables import TABLES, Row, Table, percent
from territories.maps import BRITTANY

# The dashboard's sections, and the tables each shows, in order.
SECTIONS = [
    ("besoins", "Besoins", ["besoins", "besoins-par-origine"]),
    ("etudes", "Études et décisions de COPIL", ["etudes", "arrets-par-etape"]),
    (
        "activites",
        "Activités lancées et emplois",
        ["activites", "activites-par-forme-juridique", "activites-par-theme"],
    ),
    (
        "partenaires",
        "Partenaires et financements",
        ["partenaires", "financements-par-nature", "financements-par-financeur"],
    ),
    ("parcours", "Du besoin à l'activité", ["entonnoir", "durees-par-etape"]),
    ("comparaisons", None, ["comparaison-reseau", "par-structure", "par-departement"]),
]
# The heading of the last section, after what each audience reads there.
TABLE_NAMES = [name for _, _, names in SECTIONS for name in names]
COMPARISONS_HEADINGS = {
    "network": "Par structure et par département",
    "structure": "Votre structure, le réseau et les départements",
    "territory": "Par département de votre territoire",
}
AVISE_FIELDS = ["year_from", "year_to", "region", "department", "structure", "theme", "map_figure", "map_area"]
REVELATEUR_FIELDS = ["year_from", "year_to", "department", "theme", "map_figure", "map_area"]
COLLECTIVITE_FIELDS = ["year_from", "year_to", "theme", "map_figure", "map_area"]


def may_read_network_statistics(user):
    """Whether this user reads the whole network's figures, in the admin: Avise staff and administrators."""
    return user.is_authenticated and user.is_active and (user.is_avise or user.is_superuser)


class Dashboard:
    """The figures one person may read, with the filters they asked for.

    Avise staff and administrators read the whole network. A révélateur reads their structure's figures, next to
    the network's counts over the span of years only (never its amounts, never narrowed to a place or a theme). A
    collectivité reads the projects of its territory that it may see, and its own proposals; no amount, no need of a
    structure. Anyone else reads nothing: 404.
    """

    def __init__(self, user, data):
        self.user = user
        if may_read_network_statistics(user):
            fields, self.audience = AVISE_FIELDS, "network"
        elif user.is_revelateur:
            fields, self.audience = REVELATEUR_FIELDS, "structure"
        elif user.is_collectivite:
            fields, self.audience = COLLECTIVITE_FIELDS, "territory"
        else:
            raise Http404
        self.form = StatisticsFilterForm(data=data or None, fields=fields)
        if self.audience == "territory":
            # A collectivité reads no need of the structures: the map has no such figure for it.
            figure_field = self.form.fields["map_figure"]
            figure_field.choices = [choice for choice in figure_field.choices if choice[0] != "needs"]
        self.filters = self.form.filters()
        # The codes of a collectivité's départements: the figures per département, and the map, show those only.
        self.territory_departments = None
        if self.audience == "network":
            self.scope_label = "Tout le réseau"
        elif self.audience == "structure":
            self.scope_label = user.structure.name
        else:
            organization = user.organization
            self.territory_departments = set(
                organization.territory_communes().order_by().values_list("department_id", flat=True).distinct()
            )
            self.scope_label = organization.name

    @cached_property
    def figures(self):
        """Return the figures of what this person may count, for the filters (computed only when the cache has
        none)."""
        user = self.user
        if self.audience == "network":
            return Figures(self.filters, needs=Need.objects.all())
        if self.audience == "structure":
            return self.structure_figures(self.filters)
        organization = user.organization
        visible = Project.objects.visible_to(user).overlapping(organization.territory_communes())
        # Read as a list of ids first: PostgreSQL misjudges how few projects these conditions keep, and would then
        # compare each history row with each of them.
        return Figures(
            self.filters,
            projects=Project.objects.filter(pk__in=list(visible.values_list("pk", flat=True))),
            needs=Need.objects.proposed_by(organization),
            show_amounts=False,
            needs_are_proposals=True,
            departments=self.territory_departments,
        )

    def structure_figures(self, filters):
        """Return the figures of the révélateur's structure: its projects and its needs."""
        structure = self.user.structure
        return Figures(
            filters, projects=Project.objects.filter(structure=structure), needs=Need.objects.of_structure(structure)
        )

    @cached_property
    def network(self):
        """Return, for a révélateur, the network's counts on the span of years only: narrowed to a département and a
        theme, they would tell of another structure's internal project. No amount either, which stays with each
        structure."""
        if self.audience != "structure":
            return None
        return Figures(
            Filters(self.filters.year_from, self.filters.year_to), needs=Need.objects.all(), show_amounts=False
        )

    @cached_property
    def own_span(self):
        """Return the structure's own figures on the same span as the network's, to compare like with like."""
        span = Filters(self.filters.year_from, self.filters.year_to)
        return self.figures if self.filters.without_structure() == span else self.structure_figures(span)

    def cache_key(self):
        """Return what the figures depend on: the audience and whose figures they are, the filters, and the day (a
        year that is not over reads differently)."""
        f = self.filters
        whose = {"network": None, "structure": self.user.structure_id, "territory": self.user.organization_id}
        chosen = [getattr(item, "pk", None) for item in (f.region, f.department, f.structure, f.theme)]
        return (self.audience, whose[self.audience], f.year_from, f.year_to, *chosen, timezone.localdate())

    @cached_property
    def computed(self):
        """Return every table, and the figures per département that the map shades by, computed once for every
        request that asks the same until a fact they count changes."""
        return cached_figures(self.cache_key(), self.compute)

    def compute(self):
        return {
            "tables": {name: self.build_table(name) for name in TABLE_NAMES},
            "by_department": self.figures.by_department,
        }

    def table(self, name):
        return self.computed["tables"].get(name)

    def build_table(self, name):
        if name == "comparaison-reseau":
            return self.network_table()
        if name == "par-structure" and self.audience != "network":
            return None
        if name == "besoins-par-origine" and self.audience == "territory":
            return None
        builder = TABLES.get(name)
        return builder(self.figures) if builder else None

    def network_table(self):
        if self.network is None:
            return None
        mine, network = self.own_span, self.network
        rows = []
        for label, per_year, value in [
            ("Besoins détectés", "needs_per_year", "detected"),
            ("Études d'opportunité ouvertes", "studies_per_year", "count"),
            ("Études d'opportunité conclues (COPIL)", "copil_per_year", "concluded"),
            ("Décisions de COPIL : poursuivre", "copil_per_year", "go"),
            ("Activités lancées", "activities_per_year", "count"),
        ]:
            own = mine.total(getattr(mine, per_year), value)
            everyone = network.total(getattr(network, per_year), value)
            rows.append(Row(label, [own, everyone, percent(own, everyone)]))
        return Table(
            "comparaison-reseau",
            f"{self.scope_label} et le réseau, sur la période",
            "Chiffre",
            [self.scope_label, "Tout le réseau", "Part de votre structure (%)"],
            rows,
            note="Sur toute la période, tous départements et tous thèmes confondus : la comparaison ne suit pas ces "
            "filtres, pour ne rien révéler des projets internes des autres structures. Le réseau : des effectifs "
            "seulement ; les montants restent à chaque structure.",
            chart="none",
        )

    def sections(self):
        for anchor, heading, names in SECTIONS:
            tables = [table for table in (self.table(name) for name in names) if table is not None]
            if tables:
                yield {
                    "anchor": anchor,
                    "heading": heading or COMPARISONS_HEADINGS[self.audience],
                    "tables": [self.present(table) for table in tables],
                }

    def scope(self):
        """The line that says what the figures are of: « Ille-et-Vilaine (35) — TAg29, en 2024 »."""
        f = self.filters
        places = [str(value) for value in (f.region, f.department, f.structure) if value is not None]
        # Avise staff narrowing the network read the place or the structure chosen, no longer « Tout le réseau ».
        parts = places if self.audience == "network" and places else [self.scope_label, *places]
        if f.theme:
            parts.append(f"thème « {f.theme} »")
        return f"{' — '.join(parts)}, {f.span_label()}"

    @staticmethod
    def present(table):
        chart = bar_chart(
            table.chart_items(),
            unit=table.unit,
            chart_id=f"graphique-{table.name}",
            title=f"Graphique : {table.title}",
        )
        return {"table": table, "chart": chart}

    def map(self):
        per_department = self.computed["by_department"]
        figure = self.filters.map_figure
        values = {code: figures.get(figure, 0) or 0 for (code, _), figures in per_department.items()}
        label = dict(MAP_FIGURES)[figure]
        shown = set(values) | (self.territory_departments or set())
        area = self.filters.map_area or ("france" if any(code not in BRITTANY for code in shown) else "bretagne")
        return {"label": label, **shaded_map(values, area, within=self.territory_departments)}

    def context(self):
        return {
            "form": self.form,
            "filters": self.filters,
            "scope_label": self.scope_label,
            "scope": self.scope(),
            "audience": self.audience,
            "sections": list(self.sections()),
            "map": self.map(),
        }


def admin_dashboard(request):
    """The network's figures, inside the admin, for Avise staff and administrators."""
    if not may_read_network_statistics(request.user):
        raise Http404
    dashboard = Dashboard(request.user, request.GET)
    context = {
        **admin.site.each_context(request),
        **dashboard.context(),
        "title": "Statistiques du réseau",
        "export_url": "reports_admin:export",
        "query": request.GET.urlencode(),
    }
    return render(request, "reports/admin_dashboard.html", context)


def dashboard(request):
    """A structure's figures next to the network's, or a collectivité's territory; Avise staff read the admin's."""
    if may_read_network_statistics(request.user):
        query = request.GET.urlencode()
        return redirect(reverse("reports_admin:dashboard") + (f"?{query}" if query else ""))
    dashboard = Dashboard(request.user, request.GET)
    context = {**dashboard.context(), "export_url": "reports:export", "query": request.GET.urlencode()}
    return render(request, "reports/dashboard.html", context)


def export_table(request, name, file_format):
    dashboard = Dashboard(request.user, request.GET)
    if file_format not in FORMATS:
        raise Http404
    table = dashboard.table(name)
    if table is None:
        raise Http404
    filters = dashboard.filters
    filename = f"statistiques-{name}-{filters.file_label()}"
    return export_response(file_format, filename, table.header, table.export_rows(), title=table.title)


def admin_export(request, name, file_format):
    if not may_read_network_statistics(request.user):
        raise Http404
    return export_table(request, name, file_format)


def export(request, name, file_format):
    if may_read_network_statistics(request.user):
        raise Http404
    return export_table(request, name, file_format)
