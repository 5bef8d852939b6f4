"""The filters of the statistics: a span of years and, optionally, one région, département, structure or theme.

A GET form, so that every view of the figures is an address to bookmark or to send.
"""

from dataclasses import dataclass

from django import forms
from django.utils import timezone
from django.utils.text import slugify

from needs.models import Theme
from territories.models import Department, Region, Structure

DEFAULT_SPAN = 5
OLDEST_YEAR = 2010
# The longest span a page or a download computes: each year is a column, and a partner count per year.
MAX_SPAN = 15

# The figures a map of départements can be shaded by: (value, label). The values name keys of `Figures.by_place`.
MAP_FIGURES = [
    ("activities", "Activités lancées"),
    ("studies", "Études d'opportunité ouvertes"),
    ("needs", "Besoins détectés"),
    ("jobs", "Emplois au lancement (ETP)"),
    ("partners", "Organisations partenaires"),
]
# Left to itself, the map shows Brittany, or the whole of France once a figure falls outside Brittany.
MAP_AREAS = [("", "Selon les chiffres"), ("bretagne", "Bretagne"), ("france", "France entière")]


@dataclass(frozen=True)
class Filters:
    """What the figures are computed on. `structure` etc. are model instances, or None for all."""

    year_from: int
    year_to: int
    region: Region | None = None
    department: Department | None = None
    structure: Structure | None = None
    theme: Theme | None = None
    map_figure: str = "activities"
    map_area: str = ""

    @property
    def years(self):
        return list(range(self.year_from, self.year_to + 1))

    def span_label(self):
        """« de 2022 à 2026 », or « en 2024 » for a single year."""
        if self.year_from == self.year_to:
            return f"en {self.year_from}"
        return f"de {self.year_from} à {self.year_to}"

    def file_label(self):
        """« tag29-35-2022-2026 », « 2024 »: what a downloaded file's name says of the filters."""
        chosen = [self.region, self.department, self.structure, self.theme]
        years = str(self.year_from) if self.year_from == self.year_to else f"{self.year_from}-{self.year_to}"
        return "-".join([*(slugify(getattr(item, "code", None) or str(item)) for item in chosen if item), years])

    def without_structure(self):
        return Filters(self.year_from, self.year_to, self.region, self.department, None, self.theme)

    @classmethod
    def default(cls):
        this_year = timezone.localdate().year
        return cls(this_year - DEFAULT_SPAN + 1, this_year)


def year_choices():
    return [(year, str(year)) for year in range(timezone.localdate().year, OLDEST_YEAR - 1, -1)]


class StatisticsFilterForm(forms.Form):
    year_from = forms.TypedChoiceField(
        label="De l'année", coerce=int, choices=year_choices, required=False, empty_value=None
    )
    year_to = forms.TypedChoiceField(
        label="À l'année",
        coerce=int,
        choices=year_choices,
        required=False,
        empty_value=None,
        help_text=f"La période couvre au plus {MAX_SPAN} ans.",
    )
    region = forms.ModelChoiceField(
        label="Région", queryset=Region.objects.order_by("name"), required=False, empty_label="Toutes"
    )
    department = forms.ModelChoiceField(
        label="Département", queryset=Department.objects.order_by("code"), required=False, empty_label="Tous"
    )
    structure = forms.ModelChoiceField(
        label="Structure", queryset=Structure.objects.order_by("name"), required=False, empty_label="Toutes"
    )
    theme = forms.ModelChoiceField(label="Thème", queryset=Theme.objects.all(), required=False, empty_label="Tous")
    map_figure = forms.ChoiceField(label="Chiffre de la carte", choices=MAP_FIGURES, required=False)
    map_area = forms.ChoiceField(label="Étendue de la carte", choices=MAP_AREAS, required=False)

    def __init__(self, data=None, *, fields=None, **kwargs):
        default = Filters.default()
        if data is not None:
            # An address that names some filters only: the others show, and are, their defaults.
            data = data.copy()
            for name, value in [
                ("year_from", default.year_from),
                ("year_to", default.year_to),
                ("map_figure", default.map_figure),
            ]:
                if not data.get(name):
                    data[name] = str(value)
        super().__init__(
            data=data,
            initial={"year_from": default.year_from, "year_to": default.year_to, "map_figure": default.map_figure},
            **kwargs,
        )
        if fields is not None:
            for name in list(self.fields):
                if name not in fields:
                    del self.fields[name]

    def clean(self):
        cleaned = super().clean()
        default = Filters.default()
        year_from = cleaned.get("year_from") or default.year_from
        year_to = cleaned.get("year_to") or default.year_to
        # A refused span leaves the page on the default one: the message says which, not to pass it for the asked.
        shown = f"Les chiffres affichés portent sur la période par défaut, {default.span_label()}."
        if year_from > year_to:
            self.add_error("year_to", f"L'année de fin précède l'année de début. {shown}")
        elif year_to - year_from + 1 > MAX_SPAN:
            self.add_error(
                "year_to", f"La période couvre au plus {MAX_SPAN} ans : choisissez une période plus courte. {shown}"
            )
        return cleaned

    def filters(self):
        """Return the Filters asked for; the default ones (the last five years, everything) when none or invalid."""
        default = Filters.default()
        if not self.is_bound or not self.is_valid():
            return default
        data = self.cleaned_data
        return Filters(
            year_from=data.get("year_from") or default.year_from,
            year_to=data.get("year_to") or default.year_to,
            region=data.get("region"),
            department=data.get("department"),
            structure=data.get("structure"),
            theme=data.get("theme"),
            map_figure=data.get("map_figure") or default.map_figure,
            map_area=data.get("map_area") or default.map_area,
        )
