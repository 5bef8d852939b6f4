"""The network's figures, each one computed by the database with an aggregate query.

A year's figures come from the dated facts of the history, never from a project's current stage or state: a need
counts in the year it was detected, a study in the year it opened, a COPIL decision in the year the COPIL sat, a
move of stage or state on the day it happened (the COPIL's date, or the activity's opening, when the move has one),
an activity in the year it opened. Moving a project today leaves last year's report as it was.

`Figures` computes each group of figures once, when a table first asks for it; `TABLES` names every table of the
dashboard (the names are those of the export URLs).
"""

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property

from django.db.models import (
    Avg,
    Case,
    Count,
    DateField,
    DurationField,
    ExpressionWrapper,
    F,
    Max,
    OuterRef,
    Q,
    Subquery,
    Sum,
    When,
    Window,
)
from django.db.models.functions import Coalesce, ExtractYear, RowNumber, TruncDate
from django.utils import timezone

from needs.models import Need
from partners.models import Involvement, Organization
from projects.models import Activity, CopilDecision, FollowUp, Funding, LegalForm, Project, ProjectEvent

Stage, State = Project.Stage, Project.State

# The field's reference: about 3.5 opportunity studies per activity created, nationally (Avise, 2022).
REFERENCE_STUDIES_PER_CREATION = Decimal("3.5")
DAYS_PER_MONTH = Decimal("30.44")

# The day a move of stage or state happened: the COPIL's date when a COPIL decided it, the activity's opening for a
# launch, else the day it was recorded (an imported record carries its historical date in those same fields).
MOVE_DATE = Coalesce(
    F("copil__decided_on"),
    Case(When(to_stage=Stage.LAUNCHED, then=F("project__activity__opened_on"))),
    TruncDate("at"),
    output_field=DateField(),
)


def stage_moves():
    """Return the events that moved a project into another stage."""
    return ProjectEvent.objects.exclude(to_stage="").exclude(from_stage="").exclude(to_stage=F("from_stage"))


def stops():
    """Return the events that stopped a project (the stage it stopped at is their `to_stage`): changes of state only,
    so that no other line of the history (a note, an import) can ever count as a stop."""
    return ProjectEvent.objects.filter(kind=ProjectEvent.Kind.STATE, to_state=State.STOPPED).exclude(
        from_state=State.STOPPED
    )


def stage_entry(stage):
    """Return an expression, on projects, of the day the project entered `stage` (None if it never did)."""
    if stage == Stage.OPPORTUNITY_STUDY:
        return F("opened_on")
    moves = stage_moves().filter(project=OuterRef("pk"), to_stage=stage).annotate(on=MOVE_DATE).order_by("on")
    entered = Subquery(moves.values("on")[:1], output_field=DateField())
    if stage == Stage.LAUNCHED:
        return Coalesce(F("activity__opened_on"), entered, output_field=DateField())
    return entered


def ratio(part, whole, places="0.1"):
    """Return part / whole as a Decimal rounded to `places`, or None when there is nothing to divide by."""
    if not whole or part is None:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(Decimal(places), rounding=ROUND_HALF_UP)


def percent(part, whole):
    return ratio(100 * part if part is not None else None, whole)


def plain(value):
    """Return a Decimal without the trailing zeros of its column's scale (PostgreSQL sums 1.00 where SQLite says 1),
    so that a download reads the same whatever the database."""
    if isinstance(value, Decimal):
        return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()
    return value


@dataclass
class Row:
    label: str
    values: list
    # A row that sums or rates the others is set apart in the page.
    is_total: bool = False


@dataclass
class Table:
    name: str
    title: str
    row_header: str
    columns: list
    rows: list
    note: str = ""
    # Which figures the chart draws: "rows" (the last column of each row) or "first_row" (along the columns).
    chart: str = "rows"
    unit: str = ""
    chart_columns: list = field(default_factory=list)

    @property
    def header(self):
        return [self.row_header, *self.columns]

    def export_rows(self):
        for row in self.rows:
            yield (row.label, *(plain(value) for value in row.values))

    def chart_items(self):
        """Return the (label, value) pairs the chart draws."""
        if self.chart == "first_row" and self.rows:
            width = len(self.chart_columns) or len(self.columns)
            return list(zip(self.columns[:width], self.rows[0].values[:width], strict=True))
        if self.chart == "rows":
            return [(row.label, row.values[-1]) for row in self.rows if not row.is_total]
        return []


class Figures:
    """The figures of the projects and needs in `projects` and `needs`, for `filters`.

    `projects` and `needs` are the rows the person may have counted (all of them for Avise staff, their structure's
    for a révélateur, what a collectivité may see of its territory); the filters narrow them further. With
    `show_amounts` False, no funding amount is computed. With `needs` None, no figure of needs is; with
    `needs_are_proposals`, the needs are a collectivité's own proposals, and named so. With `departments`, the codes
    of the départements of a collectivité's territory, the figures per département are those of these only.
    """

    def __init__(
        self, filters, *, projects=None, needs=None, show_amounts=True, needs_are_proposals=False, departments=None
    ):
        self.filters = filters
        self.departments = departments
        self.needs_are_proposals = needs_are_proposals
        self.years = filters.years
        self.start = datetime.date(filters.year_from, 1, 1)
        self.end = datetime.date(filters.year_to, 12, 31)
        self.show_amounts = show_amounts
        projects = Project.objects.all() if projects is None else projects
        self.projects = projects.filter(self._place_and_theme(""))
        self.needs = None if needs is None else needs.filter(self._place_and_theme(""))
        self.activities = Activity.objects.filter(project__in=self.projects)

    def _place_and_theme(self, prefix):
        f = self.filters
        q = Q()
        if f.structure:
            q &= Q(**{f"{prefix}structure": f.structure})
        if f.department:
            q &= Q(**{f"{prefix}department": f.department})
        if f.region:
            q &= Q(**{f"{prefix}department__region": f.region})
        if f.theme:
            # A need or a project holds a theme at most once: the join adds no duplicate row.
            q &= Q(**{f"{prefix}themes": f.theme})
        return q

    # The queries.

    def per_year(self, queryset, date, *, by=None, **values):
        """Return {(year, key): {name: value}} for the rows of `queryset` dated by `date` within the span of years,
        grouped by year and by the field `by` (the key is None without `by`)."""
        date = F(date) if isinstance(date, str) else date
        rows = (
            queryset.annotate(_on=date)
            .filter(_on__gte=self.start, _on__lte=self.end)
            .values(_year=ExtractYear("_on"), **({"_key": F(by)} if by else {}))
            .annotate(**values)
            .order_by()
        )
        return {(row.pop("_year"), row.pop("_key", None)): row for row in rows}

    @cached_property
    def needs_per_year(self):
        return self.per_year(
            self.needs,
            "detected_on",
            detected=Count("pk"),
            proposals=Count("pk", filter=Q(proposed_by__isnull=False)),
        )

    @cached_property
    def needs_per_source(self):
        return self.per_year(self.needs, "detected_on", by="source", count=Count("pk"))

    @cached_property
    def studies_per_year(self):
        return self.per_year(self.projects, "opened_on", count=Count("pk"))

    @cached_property
    def copil_per_year(self):
        return self.per_year(
            CopilDecision.objects.filter(project__in=self.projects),
            "decided_on",
            concluded=Count("project", distinct=True),
            go=Count("pk", filter=Q(decision=CopilDecision.Decision.GO)),
            stop=Count("pk", filter=Q(decision=CopilDecision.Decision.STOP)),
        )

    @cached_property
    def stops_per_stage(self):
        return self.per_year(
            stops().filter(project__in=self.projects), MOVE_DATE, by="to_stage", count=Count("project", distinct=True)
        )

    @cached_property
    def activities_per_year(self):
        return self.per_year(self.activities, "opened_on", count=Count("pk"), jobs=Sum("jobs_at_launch"))

    @cached_property
    def activities_per_legal_form(self):
        return self.per_year(self.activities, "opened_on", by="legal_form", count=Count("pk"))

    @cached_property
    def activities_per_theme(self):
        activities = (
            self.activities.filter(project__themes=self.filters.theme) if self.filters.theme else self.activities
        )
        return self.per_year(activities, "opened_on", by="project__themes__name", count=Count("pk"))

    @cached_property
    def follow_ups(self):
        """Return {(year of opening, years after): {jobs, active}} for the follow-ups at N+1 and N+3."""
        rows = (
            FollowUp.objects.filter(activity__in=self.activities)
            .annotate(_cohort=ExtractYear("activity__opened_on"))
            .annotate(_after=F("year") - F("_cohort"))
            .filter(_cohort__gte=self.filters.year_from, _cohort__lte=self.filters.year_to, _after__in=[1, 3])
            .values("_cohort", "_after")
            .annotate(jobs=Sum("jobs"), active=Count("pk", filter=Q(still_active=True)))
            .order_by()
        )
        return {(row.pop("_cohort"), row.pop("_after")): row for row in rows}

    def involvements(self):
        """Return the involvements in the projects counted, with `_from` and `_to`: the period of the involvement,
        from the project's opening when it says no start, to the project's stop or its activity's opening when it
        says no end (the Fabrique's work ends there: without that end, a launched project's partners would count
        every year after), open-ended while the project runs."""
        stopped_on = stops().filter(project=OuterRef("project")).annotate(on=MOVE_DATE).order_by("-on").values("on")
        return Involvement.objects.filter(project__in=self.projects).annotate(
            _from=Coalesce(F("started_on"), F("project__opened_on"), output_field=DateField()),
            _to=Coalesce(
                F("ended_on"),
                Subquery(stopped_on[:1], output_field=DateField()),
                F("project__activity__opened_on"),
                output_field=DateField(),
            ),
        )

    @staticmethod
    def involved_between(start, end):
        return Q(_from__lte=end) & (Q(_to__isnull=True) | Q(_to__gte=start))

    @cached_property
    def partners_per_kind(self):
        """Return {kind: {y<year>: distinct organisations, total: over the span}}."""
        counts = {
            f"y{year}": Count(
                "organization",
                distinct=True,
                filter=self.involved_between(datetime.date(year, 1, 1), datetime.date(year, 12, 31)),
            )
            for year in self.years
        }
        counts["total"] = Count("organization", distinct=True, filter=self.involved_between(self.start, self.end))
        rows = self.involvements().values(_key=F("organization__kind")).annotate(**counts).order_by()
        return {row.pop("_key"): row for row in rows}

    @cached_property
    def funding_per_kind(self):
        return self.per_year(
            Funding.objects.filter(activity__in=self.activities),
            "activity__opened_on",
            by="kind",
            amount=Sum("amount"),
        )

    @cached_property
    def funding_per_funder_kind(self):
        return self.per_year(
            Funding.objects.filter(activity__in=self.activities),
            "activity__opened_on",
            by="funder__kind",
            amount=Sum("amount"),
        )

    @cached_property
    def needs_studied(self):
        """The needs put to study within the span: those whose study, one of the projects counted, opened then (a
        collectivité's proposal studied in an internal project is not counted for it)."""
        return self.needs.filter(
            project__in=self.projects, project__opened_on__gte=self.start, project__opened_on__lte=self.end
        ).count()

    @cached_property
    def feasibility_studies(self):
        """The projects that entered the feasibility study within the span."""
        moves = stage_moves().filter(project__in=self.projects, to_stage=Stage.FEASIBILITY_STUDY)
        return (
            moves.annotate(_on=MOVE_DATE)
            .filter(_on__gte=self.start, _on__lte=self.end)
            .aggregate(count=Count("project", distinct=True))["count"]
        )

    def median_time_in(self, stage):
        """Return (median duration, number of passages) of the passages through `stage` that ended within the span
        (by entering the next stage). The median is the database's: the middle row, or the mean of the two middle
        rows, of the passages ranked by duration."""
        following = Project.Stage.values[Project.Stage.values.index(stage) + 1]
        passages = (
            self.projects.annotate(_start=stage_entry(stage), _end=stage_entry(following))
            .filter(_start__isnull=False, _end__gte=self.start, _end__lte=self.end)
            .annotate(_days=ExpressionWrapper(F("_end") - F("_start"), output_field=DurationField()))
            .annotate(
                _rank=Window(RowNumber(), order_by=[F("_days").asc(), F("pk").asc()]),
                _count=Window(Count("pk")),
            )
            .annotate(_twice=F("_rank") * 2)
            .filter(_twice__gte=F("_count"), _twice__lte=F("_count") + 2)
        )
        result = passages.aggregate(median=Avg("_days"), count=Max("_count"))
        return result["median"], result["count"] or 0

    @cached_property
    def stage_durations(self):
        return {stage: self.median_time_in(stage) for stage in Project.Stage.values[:-1]}

    def by_place(self, need_field, project_field):
        """Return {key: {figure: value}} of the key figures over the span, per structure or per département."""
        figures = {}

        def add(name, rows):
            for row in rows:
                figures.setdefault((row["_key"], row["_name"]), {})[name] = row["value"]

        def grouped(queryset, prefix, **values):
            return (
                queryset.values(_key=F(f"{prefix}{project_field}"), _name=F(f"{prefix}{project_field}__name"))
                .annotate(**values)
                .order_by()
            )

        in_span = {"_on__gte": self.start, "_on__lte": self.end}
        if self.needs is not None:
            add(
                "needs",
                self.needs.filter(detected_on__gte=self.start, detected_on__lte=self.end)
                .values(_key=F(need_field), _name=F(f"{need_field}__name"))
                .annotate(value=Count("pk"))
                .order_by(),
            )
        add("studies", grouped(self.projects.annotate(_on=F("opened_on")).filter(**in_span), "", value=Count("pk")))
        add(
            "copil_go",
            grouped(
                CopilDecision.objects.filter(project__in=self.projects, decision=CopilDecision.Decision.GO)
                .annotate(_on=F("decided_on"))
                .filter(**in_span),
                "project__",
                value=Count("pk"),
            ),
        )
        add(
            "stopped",
            grouped(
                stops().filter(project__in=self.projects).annotate(_on=MOVE_DATE).filter(**in_span),
                "project__",
                value=Count("project", distinct=True),
            ),
        )
        for row in grouped(
            self.activities.annotate(_on=F("opened_on")).filter(**in_span),
            "project__",
            activities=Count("pk"),
            jobs=Sum("jobs_at_launch"),
        ):
            figures.setdefault((row["_key"], row["_name"]), {}).update(activities=row["activities"], jobs=row["jobs"])
        add(
            "partners",
            grouped(
                self.involvements().filter(self.involved_between(self.start, self.end)),
                "project__",
                value=Count("organization", distinct=True),
            ),
        )
        if self.show_amounts:
            add(
                "funding",
                grouped(
                    Funding.objects.filter(activity__in=self.activities)
                    .annotate(_on=F("activity__opened_on"))
                    .filter(**in_span),
                    "activity__project__",
                    value=Sum("amount"),
                ),
            )
        return figures

    @cached_property
    def by_structure(self):
        return self.by_place("structure", "structure")

    @cached_property
    def by_department(self):
        figures = self.by_place("department", "department")
        if self.departments is None:
            return figures
        return {key: values for key, values in figures.items() if key[0] in self.departments}

    # Totals over the span, from the yearly figures.

    def total(self, per_year, name, key=None):
        values = [per_year.get((year, key), {}).get(name) for year in self.years]
        values = [value for value in values if value is not None]
        return sum(values) if values else 0


def year_cells(figures, per_year, name, key=None, *, total=True, empty=0):
    cells = [per_year.get((year, key), {}).get(name, empty) for year in figures.years]
    if total:
        cells.append(figures.total(per_year, name, key))
    return cells


def year_columns(figures):
    return [str(year) for year in figures.years] + ["Total"]


# The tables. Each takes the Figures and returns a Table (or None when the person may not see it).


def needs_table(figures):
    if figures.needs is None:
        return None
    if figures.needs_are_proposals:
        title, rows = (
            "Besoins proposés par votre collectivité, par année",
            [Row("Besoins proposés", year_cells(figures, figures.needs_per_year, "detected"))],
        )
    else:
        title, rows = (
            "Besoins détectés, par année de détection",
            [
                Row("Besoins détectés", year_cells(figures, figures.needs_per_year, "detected")),
                Row("dont propositions de collectivités", year_cells(figures, figures.needs_per_year, "proposals")),
            ],
        )
    return Table(
        "besoins",
        title,
        "Chiffre",
        year_columns(figures),
        rows,
        chart="first_row",
        chart_columns=[str(year) for year in figures.years],
    )


def needs_by_source_table(figures):
    if figures.needs is None:
        return None
    return Table(
        "besoins-par-origine",
        "Besoins détectés par origine",
        "Origine",
        year_columns(figures),
        [
            Row(label, year_cells(figures, figures.needs_per_source, "count", value))
            for value, label in Need.Source.choices
        ],
    )


def studies_table(figures):
    return Table(
        "etudes",
        "Études et décisions de COPIL, par année",
        "Chiffre",
        year_columns(figures),
        [
            Row("Études d'opportunité ouvertes", year_cells(figures, figures.studies_per_year, "count")),
            Row("Études d'opportunité conclues (COPIL)", year_cells(figures, figures.copil_per_year, "concluded")),
            Row("Décisions de COPIL : poursuivre", year_cells(figures, figures.copil_per_year, "go")),
            Row("Décisions de COPIL : arrêter", year_cells(figures, figures.copil_per_year, "stop")),
        ],
        note="Une étude compte l'année de son ouverture ; une décision, l'année où le COPIL s'est tenu.",
        chart="first_row",
        chart_columns=[str(year) for year in figures.years],
    )


def stops_table(figures):
    return Table(
        "arrets-par-etape",
        "Projets arrêtés, par étape atteinte",
        "Étape",
        year_columns(figures),
        [
            Row(label, year_cells(figures, figures.stops_per_stage, "count", value))
            for value, label in Project.Stage.choices
            if value != Stage.LAUNCHED
        ],
        note="Un projet arrêté compte l'année de son arrêt, à l'étape où il s'est arrêté.",
    )


def activities_table(figures):
    this_year = timezone.localdate().year

    def later(after, name):
        cells = []
        for year in figures.years:
            if (year, after) in figures.follow_ups:
                cells.append(figures.follow_ups[(year, after)][name] or 0)
            elif year + after >= this_year:
                # The year is not over: its follow-up may not be recorded yet, which is no zero.
                cells.append(None)
            else:
                cells.append(0)
        known = [cell for cell in cells if cell is not None]
        cells.append(sum(known) if known else None)
        return cells

    return Table(
        "activites",
        "Activités lancées et emplois, par année d'ouverture (N)",
        "Chiffre",
        year_columns(figures),
        [
            Row("Activités lancées", year_cells(figures, figures.activities_per_year, "count")),
            Row("Emplois au lancement (ETP)", year_cells(figures, figures.activities_per_year, "jobs", empty=0)),
            Row("Emplois à N+1 (ETP)", later(1, "jobs")),
            Row("Emplois à N+3 (ETP)", later(3, "jobs")),
            Row("Activités toujours actives à N+3", later(3, "active")),
        ],
        note="Les emplois à N+1 et N+3 et l'activité à N+3 viennent du suivi annuel de ces années ; "
        "« — » : l'année n'est pas encore passée et aucun suivi n'est saisi.",
        chart="first_row",
        chart_columns=[str(year) for year in figures.years],
    )


def activities_by_legal_form_table(figures):
    return Table(
        "activites-par-forme-juridique",
        "Activités lancées par forme juridique",
        "Forme juridique",
        year_columns(figures),
        [
            Row(label, year_cells(figures, figures.activities_per_legal_form, "count", value))
            for value, label in LegalForm.choices
        ],
    )


def activities_by_theme_table(figures):
    themes = sorted({theme for _, theme in figures.activities_per_theme if theme is not None})
    return Table(
        "activites-par-theme",
        "Activités lancées par thème",
        "Thème",
        year_columns(figures),
        [Row(theme, year_cells(figures, figures.activities_per_theme, "count", theme)) for theme in themes],
        note="Une activité dont le projet a plusieurs thèmes compte dans chacun.",
    )


def partners_table(figures):
    kinds = figures.partners_per_kind
    columns = [f"y{year}" for year in figures.years] + ["total"]
    rows = [
        Row(label, [kinds[value][column] for column in columns])
        for value, label in Organization.Kind.choices
        if value in kinds
    ]
    rows.append(
        Row(
            "Toutes les organisations",
            [sum(kinds[kind][column] for kind in kinds) for column in columns],
            is_total=True,
        )
    )
    return Table(
        "partenaires",
        "Organisations partenaires impliquées, par type",
        "Type d'organisation",
        year_columns(figures),
        rows,
        note="Organisations distinctes impliquées dans au moins un projet pendant l'année (une organisation compte "
        "une fois, quel que soit le nombre de ses projets) ; la colonne « Total » les compte une fois sur la période. "
        "Sans date de fin, une implication court jusqu'à l'arrêt du projet ou l'ouverture de son activité.",
    )


def funding_by_kind_table(figures):
    if not figures.show_amounts:
        return None
    return Table(
        "financements-par-nature",
        "Financements levés par nature (€)",
        "Nature",
        year_columns(figures),
        [
            Row(label, year_cells(figures, figures.funding_per_kind, "amount", value))
            for value, label in Funding.Kind.choices
        ],
        note="Les financements d'une activité comptent l'année de son ouverture.",
        unit="€",
    )


def funding_by_funder_table(figures):
    if not figures.show_amounts:
        return None
    per_kind = figures.funding_per_funder_kind
    rows = [
        Row(label, year_cells(figures, per_kind, "amount", value))
        for value, label in Organization.Kind.choices
        if any(key == value for _, key in per_kind)
    ]
    if any(key is None for _, key in per_kind):
        rows.append(Row("Financeur non renseigné", year_cells(figures, per_kind, "amount", None)))
    return Table(
        "financements-par-financeur",
        "Financements levés par type de financeur (€)",
        "Type de financeur",
        year_columns(figures),
        rows,
        unit="€",
    )


def funnel_table(figures):
    # (label, count, whether it counts a part of the previous step's population: only then is a rate meaningful).
    steps = []
    if figures.needs is not None:
        steps += [
            (
                "Besoins proposés" if figures.needs_are_proposals else "Besoins détectés",
                figures.total(figures.needs_per_year, "detected"),
                False,
            ),
            ("Besoins mis à l'étude", figures.needs_studied, True),
        ]
    steps += [
        # Not every study comes from a need counted above (nor, for a collectivité, from its own proposals): no
        # rate, which could read 200 %.
        ("Études d'opportunité ouvertes", figures.total(figures.studies_per_year, "count"), False),
        ("COPIL : poursuivre", figures.total(figures.copil_per_year, "go"), True),
        ("Études de faisabilité ouvertes", figures.feasibility_studies, True),
        ("Activités lancées", figures.total(figures.activities_per_year, "count"), True),
    ]
    rows = [
        Row(label, [count, percent(count, steps[index - 1][1]) if index and same_population else None])
        for index, (label, count, same_population) in enumerate(steps)
    ]
    studies = figures.total(figures.studies_per_year, "count")
    creations = figures.total(figures.activities_per_year, "count")
    rows.append(
        Row(
            "Études ouvertes par création (référence nationale : environ 3,5)",
            [ratio(studies, creations), None],
            is_total=True,
        )
    )
    if figures.needs_are_proposals:
        title = "Des besoins proposés par votre collectivité à l'activité lancée, sur la période"
        population = (
            "Les deux premières étapes comptent les besoins que votre collectivité a proposés ; les suivantes, les "
            "projets de votre territoire, qui ne viennent pas tous de ses propositions : pas de taux entre les deux."
        )
    else:
        title = "Du besoin détecté à l'activité lancée, sur la période"
        population = (
            "Les études ne viennent pas toutes d'un besoin compté ici : pas de taux entre les besoins et les études."
        )
    return Table(
        "entonnoir",
        title,
        "Étape",
        ["Nombre", "Taux de passage depuis l'étape précédente (%)"],
        rows,
        note="Chaque étape compte ce qui l'a atteinte pendant la période (pas une cohorte suivie) ; "
        f"le taux rapporte une étape à la précédente, quand elle en compte une part. {population}",
        chart="funnel",
    )


def durations_table(figures):
    rows = []
    for stage, (median, count) in figures.stage_durations.items():
        exact = None if median is None else Decimal(median.total_seconds()) / 86400
        days = None if exact is None else exact.quantize(Decimal(1), rounding=ROUND_HALF_UP)
        months = None if exact is None else (exact / DAYS_PER_MONTH).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
        rows.append(Row(Project.Stage(stage).label, [days, months, count]))
    return Table(
        "durees-par-etape",
        "Temps médian passé dans chaque étape",
        "Étape",
        ["Médiane (jours)", "Médiane (mois)", "Passages comptés"],
        rows,
        note="Passages terminés pendant la période par l'entrée dans l'étape suivante, pauses comprises.",
        chart="durations",
    )


PLACE_COLUMNS = [
    ("needs", "Besoins détectés"),
    ("studies", "Études ouvertes"),
    ("copil_go", "COPIL : poursuivre"),
    ("stopped", "Projets arrêtés"),
    ("activities", "Activités lancées"),
    ("jobs", "Emplois au lancement (ETP)"),
    ("partners", "Organisations partenaires"),
    ("funding", "Financements levés (€)"),
]


def place_columns(figures):
    return [
        (name, "Besoins proposés" if name == "needs" and figures.needs_are_proposals else label)
        for name, label in PLACE_COLUMNS
        if (name != "needs" or figures.needs is not None) and (name != "funding" or figures.show_amounts)
    ]


def place_table(figures, per_place, name, title, row_header, label_of, order):
    columns = place_columns(figures)
    rows = [
        Row(label_of(key, place_name), [per_place[(key, place_name)].get(column, 0) or 0 for column, _ in columns])
        for key, place_name in sorted(per_place, key=order)
    ]
    return Table(
        name,
        title,
        row_header,
        [label for _, label in columns],
        rows,
        note=f"Sur la période {figures.filters.year_from}–{figures.filters.year_to}.",
        chart="none",
    )


def by_structure_table(figures):
    return place_table(
        figures,
        figures.by_structure,
        "par-structure",
        "Les chiffres par structure",
        "Structure",
        lambda k, n: n,
        lambda key: key[1],
    )


def by_department_table(figures):
    return place_table(
        figures,
        figures.by_department,
        "par-departement",
        "Les chiffres par département",
        "Département",
        lambda code, name: f"{name} ({code})",
        lambda key: key[0],
    )


TABLES = {
    "besoins": needs_table,
    "besoins-par-origine": needs_by_source_table,
    "etudes": studies_table,
    "arrets-par-etape": stops_table,
    "activites": activities_table,
    "activites-par-forme-juridique": activities_by_legal_form_table,
    "activites-par-theme": activities_by_theme_table,
    "partenaires": partners_table,
    "financements-par-nature": funding_by_kind_table,
    "financements-par-financeur": funding_by_funder_table,
    "entonnoir": funnel_table,
    "durees-par-etape": durations_table,
    "par-structure": by_structure_table,
    "par-departement": by_department_table,
}
