import django_filters
from django import forms

from needs.models import Theme
from projects.models import Project
from territories.models import Department, Structure

# The orderings the list offers, and nothing else: a visitor cannot sort on an arbitrary field.
ORDERINGS = {
    "recent": ("Les plus récents", ["-opened_on", "-pk"]),
    "updated": ("Derniers modifiés", ["-updated_at", "-pk"]),
    "title": ("Intitulé, de A à Z", ["title", "pk"]),
}


class ProjectFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Rechercher",
        method="search",
        help_text="Des mots de l'intitulé ou du résumé public.",
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    stage = django_filters.ChoiceFilter(label="Étape", choices=Project.Stage.choices, empty_label="Toutes")
    state = django_filters.ChoiceFilter(label="État", choices=Project.State.choices, empty_label="Tous")
    structure = django_filters.ModelChoiceFilter(
        label="Structure", queryset=Structure.objects.order_by("name"), empty_label="Toutes"
    )
    department = django_filters.ModelChoiceFilter(
        label="Département", queryset=Department.objects.order_by("code"), empty_label="Tous"
    )
    theme = django_filters.ModelChoiceFilter(
        label="Thème", field_name="themes", queryset=Theme.objects.order_by("name"), empty_label="Tous"
    )
    ordering = django_filters.ChoiceFilter(
        label="Trier par",
        choices=[(key, label) for key, (label, _) in ORDERINGS.items()],
        method="order",
        empty_label=None,
    )

    class Meta:
        model = Project
        fields = ["q", "stage", "state", "structure", "department", "theme", "ordering"]

    def search(self, queryset, name, value):
        return queryset.search(value)

    def order(self, queryset, name, value):
        return queryset.order_by(*ORDERINGS[value][1])
