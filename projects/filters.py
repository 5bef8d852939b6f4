import django_filters
from django import forms
from django.db import connection
from django.db.models import Case, Exists, F, Func, OuterRef, Q, Value, When

from fabrique.long_lists import years_of
from fabrique.search import MAX_SEARCH_LENGTH, fold, search_filter, search_words
from needs.models import Theme
from projects.models import Activity, Project
from territories.models import EPCI, Commune, Department, Structure

# Running projects first, then paused ones, then stopped ones: what a structure follows, before what it left.
STATE_RANK = Case(
    When(state=Project.State.RUNNING, then=Value(0)),
    When(state=Project.State.PAUSED, then=Value(1)),
    default=Value(2),
)
# The orderings the list offers, and nothing else: a visitor cannot sort on an arbitrary field.
ORDERINGS = {
    "recent": ("Les plus récents", ["-opened_on", "-pk"]),
    "updated": ("Derniers modifiés", ["-updated_at", "-pk"]),
    "title": ("Intitulé, de A à Z", [F("title__fold").asc(), "pk"]),
    "state": ("En cours, puis en pause, puis arrêtés", [STATE_RANK.asc(), "-opened_on", "-pk"]),
}

SEARCHED_FIELDS = ["title", "public_summary"]


def search_projects(queryset, text):
    """Return the projects whose title or public summary match `text`, ignoring case and accents, and finding the
    other forms of a word: « épiceries » finds « épicerie », « ateliers » finds « atelier ».

    PostgreSQL stems the words in French, from an index; SQLite (the demo's database) folds their simple plurals.
    """
    words = search_words(text)
    matches = search_filter(SEARCHED_FIELDS, text)
    if connection.vendor != "postgresql" or not words:
        return queryset.filter(matches)
    from django.contrib.postgres.search import SearchQuery, SearchVector

    # The same expression as the index projects_project_search (projects/migrations/0006_search_indexes.py).
    vector = SearchVector(
        *(Func(F(field), function="fabrique_unaccent") for field in SEARCHED_FIELDS), config="french"
    )
    query = SearchQuery(" ".join(words), config="french", search_type="plain")
    return queryset.annotate(search_vector=vector).filter(Q(search_vector=query) | matches)


class ProjectFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Rechercher",
        method="search",
        help_text="Des mots de l'intitulé ou du résumé public.",
        widget=forms.TextInput(attrs={"type": "search", "maxlength": MAX_SEARCH_LENGTH}),
    )
    department = django_filters.ModelChoiceFilter(
        label="Département",
        queryset=Department.objects.order_by("code"),
        empty_label="Tous",
        # static/js/epci-filter.js narrows the EPCI offered as soon as a département is chosen.
        widget=forms.Select(attrs={"data-narrows": "epci"}),
    )
    epci = django_filters.ModelChoiceFilter(
        label="EPCI",
        method="in_epci",
        # The EPCI of the départements the network covers, and any other that a project names or is set in. Each
        # test is an EXISTS: joining the EPCI to their communes and projects would make millions of rows to keep 61.
        queryset=EPCI.objects.filter(
            Exists(Commune.objects.filter(epci=OuterRef("pk"), department__structures__isnull=False))
            | Exists(Project.objects.filter(epci=OuterRef("pk")))
            | Exists(Project.communes.through.objects.filter(commune__epci=OuterRef("pk")))
        ).order_by("name"),
        empty_label="Tous",
    )
    commune = django_filters.CharFilter(
        label="Commune", method="in_commune", help_text="Son nom ou son code INSEE, par exemple : Carhaix-Plouguer."
    )
    theme = django_filters.ModelChoiceFilter(
        label="Thème", field_name="themes", queryset=Theme.objects.order_by(F("name__fold").asc()), empty_label="Tous"
    )
    stage = django_filters.ChoiceFilter(label="Étape", choices=Project.Stage.choices, empty_label="Toutes")
    state = django_filters.ChoiceFilter(label="État", choices=Project.State.choices, empty_label="Tous")
    launched = django_filters.ChoiceFilter(
        label="Activité lancée",
        choices=[("yes", "Oui"), ("no", "Non")],
        method="filter_launched",
        empty_label="Peu importe",
    )
    launch_year = django_filters.ChoiceFilter(
        label="Année de lancement",
        field_name="activity__opened_on",
        lookup_expr="year",
        empty_label="Toutes",
    )
    essaimage = django_filters.ChoiceFilter(
        label="Essaimage",
        choices=[("yes", "Oui : reproduit une activité éprouvée"), ("no", "Non : une réponse nouvelle")],
        method="filter_essaimage",
        empty_label="Peu importe",
    )
    structure = django_filters.ModelChoiceFilter(
        label="Structure", queryset=Structure.objects.order_by("name"), empty_label="Toutes"
    )
    # For a collectivité only: the projects of its territory, as its home page counts them.
    territory = django_filters.ChoiceFilter(
        label="Territoire", choices=[("mine", "Le vôtre")], method="on_territory", empty_label="Tous"
    )
    ordering = django_filters.ChoiceFilter(
        label="Trier par",
        choices=[(key, label) for key, (label, _) in ORDERINGS.items()],
        method="order",
        empty_label=None,
    )

    class Meta:
        model = Project
        fields = []

    def __init__(self, data=None, queryset=None, *, request, mine=False, **kwargs):
        """`mine`: the list of a révélateur's own structure, running projects first unless another order is asked."""
        if mine and data is not None and not data.get("ordering"):
            data = data.copy()
            data["ordering"] = "state"
        super().__init__(data, queryset, request=request, **kwargs)
        if mine:
            del self.filters["structure"]
        # The years offered are those of the activities this visitor may see.
        years = years_of(Activity.objects.visible_to(request.user), "opened_on", order="DESC")
        self.filters["launch_year"].extra["choices"] = [(str(day.year), str(day.year)) for day in years]
        # Once a département is chosen, the EPCI offered are those with a commune in it.
        if department := self.data.get("department"):
            epci = self.filters["epci"]
            epci.queryset = epci.queryset.filter(
                Exists(Commune.objects.filter(epci=OuterRef("pk"), department_id=department))
            )
        user = request.user
        if user.is_authenticated and user.is_collectivite:
            self.filters["territory"].extra["choices"] = [("mine", f"Celui de {user.organization.name}")]
        else:
            del self.filters["territory"]

    def search(self, queryset, name, value):
        return search_projects(queryset, value)

    def on_territory(self, queryset, name, value):
        return queryset.overlapping(self.request.user.organization.territory_communes())

    def in_epci(self, queryset, name, value):
        """The projects of this EPCI, or naming one of its communes (not those known by their département only)."""
        names_one_of_its_communes = Exists(
            Project.communes.through.objects.filter(project=OuterRef("pk"), commune__epci=value)
        )
        return queryset.filter(Q(epci=value) | Q(names_one_of_its_communes))

    def in_commune(self, queryset, name, value):
        """The projects naming this commune or, naming none, set in its EPCI."""
        value = value.strip()
        communes = Commune.objects.filter(Q(code=value) | Q(name__fold=fold(value)))
        names_communes = Exists(Project.communes.through.objects.filter(project=OuterRef("pk")))
        names_it = Exists(Project.communes.through.objects.filter(project=OuterRef("pk"), commune__in=communes))
        in_its_epci = Exists(communes.filter(epci=OuterRef("epci")))
        return queryset.filter(Q(names_it) | Q(~names_communes, epci__isnull=False) & Q(in_its_epci))

    def filter_launched(self, queryset, name, value):
        launched = Q(stage=Project.Stage.LAUNCHED)
        return queryset.filter(launched if value == "yes" else ~launched)

    def filter_essaimage(self, queryset, name, value):
        return queryset.filter(source_activity__isnull=value != "yes")

    def order(self, queryset, name, value):
        return queryset.order_by(*ORDERINGS[value][1])


# The orderings the activities list offers, and nothing else.
ACTIVITY_ORDERINGS = {
    "recent": ("Date d'ouverture, la plus récente d'abord", ["-opened_on", "-pk"]),
    "oldest": ("Date d'ouverture, la plus ancienne d'abord", ["opened_on", "pk"]),
    "name": ("Nom, de A à Z", [F("name__fold").asc(), "pk"]),
}


class ActivityFilter(django_filters.FilterSet):
    department = django_filters.ModelChoiceFilter(
        label="Département",
        field_name="project__department",
        queryset=Department.objects.order_by("code"),
        empty_label="Tous",
    )
    theme = django_filters.ModelChoiceFilter(
        label="Thème",
        field_name="project__themes",
        queryset=Theme.objects.order_by(F("name__fold").asc()),
        empty_label="Tous",
    )
    legal_form = django_filters.ChoiceFilter(
        label="Forme juridique", choices=Activity.LegalForm.choices, empty_label="Toutes"
    )
    year = django_filters.ChoiceFilter(
        label="Année d'ouverture", field_name="opened_on", lookup_expr="year", empty_label="Toutes"
    )
    ordering = django_filters.ChoiceFilter(
        label="Trier par",
        choices=[(key, label) for key, (label, _) in ACTIVITY_ORDERINGS.items()],
        method="order",
        empty_label=None,
    )

    class Meta:
        model = Activity
        fields = []

    def __init__(self, data=None, queryset=None, *, request, **kwargs):
        super().__init__(data, queryset, request=request, **kwargs)
        # The years offered are those of the activities this person may see.
        years = years_of(Activity.objects.visible_to(request.user), "opened_on", order="DESC")
        self.filters["year"].extra["choices"] = [(str(day.year), str(day.year)) for day in years]

    def order(self, queryset, name, value):
        return queryset.order_by(*ACTIVITY_ORDERINGS[value][1])
