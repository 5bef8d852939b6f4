"""The network's figures, each one computed by the database with an aggregate query.

A year's figures come from the dated facts of the history (reports.history), never from a project's current stage or
state: a need counts in the year it was detected, a study in the year it opened, a COPIL decision in the year the
COPIL sat, a move of stage or state on the day it happened (the COPIL's date, or the activity's opening, when the
move has one), an activity in the year it opened. Moving a project today leaves last year's report as it was.

`Figures` computes each group of figures once, when a table (reports.tables) first asks for it.
"""

import datetime
import itertools
from functools import cached_property

from django.db.models import (
    Count,
    DateField,
    F,
    FilteredRelation,
    Min,
    Q,
    Sum,
)
from django.db.models.functions import Coalesce, ExtractYear

from needs.models import Need
from partners.models import Involvement
from projects.models import Activity, CopilDecision, FollowUp, Project
from reports.history import MOVE_DATE, is_stop, stage_moves, stop_date, stops

Stage = Project.Stage


def median(durations):
    """Return the middle of `durations`, or the mean of the two middle ones; None when there is none."""
    if not durations:
        return None
    ranked = sorted(durations)
    middle = len(ranked) // 2
    return ranked[middle] if len(ranked) % 2 else (ranked[middle - 1] + ranked[middle]) / 2


# The funding of an activity counts the year it opened.
FUNDING_DATE = "project__activity__opened_on"


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
        self.projects = projects.filter(self.chosen_place_and_theme())
        self.needs = None if needs is None else needs.filter(self.chosen_place_and_theme())
        self.activities = Activity.objects.filter(project__in=self.projects)
        self.copil_decisions = CopilDecision.objects.filter(project__in=self.projects)
        self.stop_events = stops().filter(project__in=self.projects)
        # The funding raised: the funders' contributions to the launched projects, the year their activity opened.
        self.fundings = Involvement.objects.financial().filter(project__activity__in=self.activities)

    def chosen_place_and_theme(self):
        """Return the condition, on needs or on projects, of the place and the theme the filters chose."""
        f = self.filters
        q = Q()
        if f.structure:
            q &= Q(structure=f.structure)
        if f.department:
            q &= Q(department=f.department)
        if f.region:
            q &= Q(department__region=f.region)
        if f.theme:
            # A need or a project holds a theme at most once: the join adds no duplicate row.
            q &= Q(themes=f.theme)
        return q

    # The queries.

    def within_span(self, queryset, date):
        """Return the rows of `queryset` whose `date` (a field's name or an expression), annotated as `_on`, falls
        within the span of years."""
        date = F(date) if isinstance(date, str) else date
        return queryset.annotate(_on=date).filter(_on__gte=self.start, _on__lte=self.end)

    def per_year(self, queryset, date, *, by=None, **values):
        """Return {(year, key): {name: value}} for the rows of `queryset` dated by `date` within the span of years,
        grouped by year and by the field `by` (the key is None without `by`)."""
        rows = (
            self.within_span(queryset, date)
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
            # A collectivité's proposal has one origin, whether it typed it on its pages or a révélateur did.
            proposals=Count("pk", filter=Q(source=Need.Source.COLLECTIVITE)),
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
            self.copil_decisions,
            "decided_on",
            concluded=Count("project", distinct=True),
            go=Count("pk", filter=Q(decision=CopilDecision.Decision.GO)),
            stop=Count("pk", filter=Q(decision=CopilDecision.Decision.STOP)),
        )

    @cached_property
    def stops_per_stage(self):
        return self.per_year(self.stop_events, MOVE_DATE, by="to_stage", count=Count("project", distinct=True))

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
        every year after), open-ended while the project runs. The stop is joined once (a project stops at most once,
        and a stopped project moves no more), not looked up again for each year counted."""
        return (
            Involvement.objects.filter(project__in=self.projects)
            .annotate(_stop=FilteredRelation("project__events", condition=is_stop("project__events__")))
            .annotate(
                _from=Coalesce(F("started_on"), F("project__opened_on"), output_field=DateField()),
                _to=Coalesce(
                    F("ended_on"), stop_date("_stop__"), F("project__activity__opened_on"), output_field=DateField()
                ),
            )
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
        return self.per_year(self.fundings, FUNDING_DATE, by="contribution_kind", amount=Sum("amount"))

    @cached_property
    def funding_per_funder_kind(self):
        return self.per_year(self.fundings, FUNDING_DATE, by="organization__kind", amount=Sum("amount"))

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
        return self.within_span(moves, MOVE_DATE).aggregate(count=Count("project", distinct=True))["count"]

    @cached_property
    def stage_durations(self):
        """Return {stage: (median duration, number of passages)} of the passages through each stage but the last
        that ended within the span (by entering the next stage). A project enters the opportunity study when it
        opens, the launch when its activity opens, another stage on the day of its first move there. The median is
        the middle passage, or the mean of the two middle ones, ranked by duration."""
        entries = {
            pk: {Stage.OPPORTUNITY_STUDY: opened_on, Stage.LAUNCHED: launched_on}
            for pk, opened_on, launched_on in self.projects.values_list("pk", "opened_on", "activity__opened_on")
        }
        moves = (
            stage_moves()
            .filter(project__in=self.projects)
            .exclude(to_stage=Stage.OPPORTUNITY_STUDY)
            .values_list("project", "to_stage")
            .annotate(on=Min(MOVE_DATE))
            .order_by()
        )
        for pk, stage, on in moves:
            if entries[pk].get(stage) is None:
                entries[pk][stage] = on
        durations = {stage: [] for stage in Stage.values[:-1]}
        for entered in entries.values():
            for stage, following in itertools.pairwise(Stage.values):
                start, end = entered.get(stage), entered.get(following)
                if start is not None and end is not None and self.start <= end <= self.end:
                    durations[stage].append(end - start)
        return {stage: (median(passages), len(passages)) for stage, passages in durations.items()}

    # The key figures over the span, per structure or per département.

    def by_place(self, place):
        """Return {(key, name): {figure: value}} of the key figures over the span, per `place`: "structure" or
        "department", the field that names it on a need or a project."""
        figures = {}
        for rows in self.place_rows(place):
            for row in rows:
                figures.setdefault((row.pop("_key"), row.pop("_name")), {}).update(row)
        return figures

    def place_rows(self, place):
        """Yield, one query per figure (or two figures of the same rows), the rows {_key, _name, figure: value}."""

        def grouped(queryset, path, **figures):
            """Group `queryset` by the place of the need or project at the end of `path`."""
            return (
                queryset.values(_key=F(f"{path}{place}"), _name=F(f"{path}{place}__name"))
                .annotate(**figures)
                .order_by()
            )

        if self.needs is not None:
            detected = self.within_span(self.needs, "detected_on")
            yield grouped(detected, "", needs=Count("pk"))
        opened = self.within_span(self.projects, "opened_on")
        yield grouped(opened, "", studies=Count("pk"))
        go = self.within_span(self.copil_decisions.filter(decision=CopilDecision.Decision.GO), "decided_on")
        yield grouped(go, "project__", copil_go=Count("pk"))
        stopped = self.within_span(self.stop_events, MOVE_DATE)
        yield grouped(stopped, "project__", stopped=Count("project", distinct=True))
        launched = self.within_span(self.activities, "opened_on")
        yield grouped(launched, "project__", activities=Count("pk"), jobs=Sum("jobs_at_launch"))
        involved = self.involvements().filter(self.involved_between(self.start, self.end))
        yield grouped(involved, "project__", partners=Count("organization", distinct=True))
        if self.show_amounts:
            raised = self.within_span(self.fundings, FUNDING_DATE)
            yield grouped(raised, "project__", funding=Sum("amount"))

    @cached_property
    def by_structure(self):
        return self.by_place("structure")

    @cached_property
    def by_department(self):
        figures = self.by_place("department")
        if self.departments is None:
            return figures
        return {key: values for key, values in figures.items() if key[0] in self.departments}

    # Totals over the span, from the yearly figures.

    def total(self, per_year, name, key=None):
        values = [per_year.get((year, key), {}).get(name) for year in self.years]
        values = [value for value in values if value is not None]
        return sum(values) if values else 0
