import django_filters
from django import forms
from django.db.models import Case, Exists, F, IntegerField, OuterRef, Value, When

from fabrique.long_lists import years_of
from fabrique.search import MAX_SEARCH_LENGTH
from needs.models import Need, Theme
from territories.models import EPCI, Department

# The status order a person expects: along the journey, then the needs set aside.
STATUS_RANK = Case(
    *(When(status=status, then=Value(rank)) for rank, status in enumerate(Need.Status.values)),
    output_field=IntegerField(),
)

# The only sorts offered; each ends on the primary key, so that pages never overlap.
ORDERINGS = {
    "-detected_on": ("Date de détection, la plus récente d'abord", ["-detected_on", "-pk"]),
    "detected_on": ("Date de détection, la plus ancienne d'abord", ["detected_on", "pk"]),
    "title": ("Intitulé, de A à Z", [F("title__fold").asc(), "pk"]),
    "-title": ("Intitulé, de Z à A", [F("title__fold").desc(), "-pk"]),
    "status": ("Statut, du détecté à l'écarté", [STATUS_RANK.asc(), "-detected_on", "-pk"]),
    "-status": ("Statut, de l'écarté au détecté", [STATUS_RANK.desc(), "-detected_on", "-pk"]),
    "-updated_at": ("Dernière modification, la plus récente d'abord", ["-updated_at", "-pk"]),
    "updated_at": ("Dernière modification, la plus ancienne d'abord", ["updated_at", "pk"]),
}


def departments(request):
    if request.user.is_revelateur:
        return Department.objects.filter(structures=request.user.structure_id).order_by("code")
    return Department.objects.filter(structures__isnull=False).distinct().order_by("code")


def epcis(request):
    """Return the EPCI that the visible needs name, so that the list stays short (an EXISTS per EPCI: a join with
    the needs would make a row per need, to keep a few dozen)."""
    named = Need.objects.visible_to(request.user).filter(epci=OuterRef("pk"))
    return EPCI.objects.filter(Exists(named)).order_by("name")


class NeedFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Rechercher",
        method="search",
        widget=forms.TextInput(attrs={"type": "search", "maxlength": MAX_SEARCH_LENGTH}),
    )
    status = django_filters.ChoiceFilter(label="Statut", choices=Need.Status.choices, empty_label="Tous")
    theme = django_filters.ModelChoiceFilter(
        label="Thème", field_name="themes", queryset=Theme.objects.order_by(F("name__fold").asc()), empty_label="Tous"
    )
    department = django_filters.ModelChoiceFilter(label="Département", queryset=departments, empty_label="Tous")
    epci = django_filters.ModelChoiceFilter(label="EPCI", queryset=epcis, empty_label="Tous")
    source = django_filters.ChoiceFilter(label="Origine", choices=Need.Source.choices, empty_label="Toutes")
    year = django_filters.ChoiceFilter(
        label="Année de détection", field_name="detected_on", lookup_expr="year", empty_label="Toutes"
    )
    order = django_filters.ChoiceFilter(
        label="Trier par",
        choices=[(key, label) for key, (label, _) in ORDERINGS.items()],
        method="sort",
        empty_label=None,
    )

    class Meta:
        model = Need
        fields = []

    def __init__(self, data=None, queryset=None, *, request, **kwargs):
        super().__init__(data, queryset, request=request, **kwargs)
        years = years_of(Need.objects.visible_to(request.user), "detected_on", order="DESC")
        self.filters["year"].extra["choices"] = [(str(day.year), str(day.year)) for day in years]

    def search(self, queryset, name, value):
        return queryset.search(value)

    def sort(self, queryset, name, value):
        return queryset.order_by(*ORDERINGS[value][1])
