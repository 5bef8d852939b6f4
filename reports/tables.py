"""The dashboard's tables, each built from the `Figures` (reports.figures) and shown, charted and downloaded as is.

`TABLES` names every table of the dashboard (the names are those of the export URLs), in the order of the page.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

from needs.models import Need
from partners.models import Involvement, Organization
from projects.models import LegalForm, Project

Stage = Project.Stage

DAYS_PER_MONTH = Decimal("30.44")


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
    # A row that sums or rates the others is set apart in the page, and left out of the chart.
    is_total: bool = False


@dataclass
class Table:
    name: str
    title: str
    row_header: str
    columns: list
    rows: list
    note: str = ""
    # Which figures the chart draws: "last_column" (each row's), "first_column" (each row's), "years" (the first row,
    # year by year, without its total) or "none".
    chart: str = "last_column"
    unit: str = ""

    @property
    def header(self):
        return [self.row_header, *self.columns]

    def export_rows(self):
        for row in self.rows:
            yield (row.label, *(plain(value) for value in row.values))

    def chart_items(self):
        """Return the (label, value) pairs the chart draws."""
        if self.chart == "years" and self.rows:
            return list(zip(self.columns[:-1], self.rows[0].values[:-1], strict=True))
        if self.chart in ("first_column", "last_column"):
            column = 0 if self.chart == "first_column" else -1
            return [(row.label, row.values[column]) for row in self.rows if not row.is_total]
        return []


# The tables of a figure per year: a column per year of the span, and the total.


def year_columns(figures):
    return [str(year) for year in figures.years] + ["Total"]


def year_cells(figures, per_year, name, key=None):
    """Return the cells of a row: the figure `name` of `per_year` for `key`, each year, then its total."""
    cells = [per_year.get((year, key), {}).get(name, 0) for year in figures.years]
    return [*cells, figures.total(per_year, name, key)]


def choice_rows(figures, per_year, name, choices):
    """Return a row per (value, label) of `choices`: the figure `name` of `per_year` for that value."""
    return [Row(label, year_cells(figures, per_year, name, value)) for value, label in choices]


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
    return Table("besoins", title, "Chiffre", year_columns(figures), rows, chart="years")


def needs_by_source_table(figures):
    if figures.needs is None:
        return None
    return Table(
        "besoins-par-origine",
        "Besoins détectés par origine",
        "Origine",
        year_columns(figures),
        choice_rows(figures, figures.needs_per_source, "count", Need.Source.choices),
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
        chart="years",
    )


def stops_table(figures):
    stages = [(value, label) for value, label in Stage.choices if value != Stage.LAUNCHED]
    return Table(
        "arrets-par-etape",
        "Projets arrêtés, par étape atteinte",
        "Étape",
        year_columns(figures),
        choice_rows(figures, figures.stops_per_stage, "count", stages),
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
            Row("Emplois au lancement (ETP)", year_cells(figures, figures.activities_per_year, "jobs")),
            Row("Emplois à N+1 (ETP)", later(1, "jobs")),
            Row("Emplois à N+3 (ETP)", later(3, "jobs")),
            Row("Activités toujours actives à N+3", later(3, "active")),
        ],
        note="Les emplois à N+1 et N+3 et l'activité à N+3 viennent du suivi annuel de ces années ; "
        "« — » : l'année n'est pas encore passée et aucun suivi n'est saisi.",
        chart="years",
    )


def activities_by_legal_form_table(figures):
    return Table(
        "activites-par-forme-juridique",
        "Activités lancées par forme juridique",
        "Forme juridique",
        year_columns(figures),
        choice_rows(figures, figures.activities_per_legal_form, "count", LegalForm.choices),
    )


def activities_by_theme_table(figures):
    themes = sorted({theme for _, theme in figures.activities_per_theme if theme is not None})
    return Table(
        "activites-par-theme",
        "Activités lancées par thème",
        "Thème",
        year_columns(figures),
        choice_rows(figures, figures.activities_per_theme, "count", [(theme, theme) for theme in themes]),
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
        choice_rows(figures, figures.funding_per_kind, "amount", Involvement.ContributionKind.choices),
        note="Les financements d'une activité comptent l'année de son ouverture.",
        unit="€",
    )


def funding_by_funder_table(figures):
    if not figures.show_amounts:
        return None
    per_kind = figures.funding_per_funder_kind
    funders = {key for _, key in per_kind}
    kinds = [*Organization.Kind.choices, (None, "Financeur non renseigné")]
    return Table(
        "financements-par-financeur",
        "Financements levés par type de financeur (€)",
        "Type de financeur",
        year_columns(figures),
        choice_rows(figures, per_kind, "amount", [(value, label) for value, label in kinds if value in funders]),
        unit="€",
    )


# The path from the need to the activity, over the span.


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
            # The field's reference: about 3.5 opportunity studies per activity created, nationally (Avise, 2022).
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
        chart="first_column",
    )


def durations_table(figures):
    rows = []
    for stage, (median, count) in figures.stage_durations.items():
        days = months = None
        if median is not None:
            exact = Decimal(median.total_seconds()) / 86400
            days = exact.quantize(Decimal(1), rounding=ROUND_HALF_UP)
            months = ratio(exact, DAYS_PER_MONTH)
        rows.append(Row(Stage(stage).label, [days, months, count]))
    return Table(
        "durees-par-etape",
        "Temps médian passé dans chaque étape",
        "Étape",
        ["Médiane (jours)", "Médiane (mois)", "Passages comptés"],
        rows,
        note="Passages terminés pendant la période par l'entrée dans l'étape suivante, pauses comprises.",
        chart="first_column",
        unit="j",
    )


# The key figures side by side, per structure or per département, over the span.

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


def place_table(figures, name, title, row_header, places):
    """Return the table of a row per (label, {figure: value}) of `places`."""
    columns = place_columns(figures)
    return Table(
        name,
        title,
        row_header,
        [label for _, label in columns],
        [Row(label, [values.get(column, 0) or 0 for column, _ in columns]) for label, values in places],
        note=f"Sur la période {figures.filters.year_from}–{figures.filters.year_to}.",
        chart="none",
    )


def by_structure_table(figures):
    by_name = sorted(figures.by_structure.items(), key=lambda item: item[0][1])
    places = [(name, values) for (_, name), values in by_name]
    return place_table(figures, "par-structure", "Les chiffres par structure", "Structure", places)


def by_department_table(figures):
    by_code = sorted(figures.by_department.items(), key=lambda item: item[0][0])
    places = [(f"{name} ({code})", values) for (code, name), values in by_code]
    return place_table(figures, "par-departement", "Les chiffres par département", "Département", places)


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
