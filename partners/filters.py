import django_filters
from django import forms

from fabrique.search import MAX_SEARCH_LENGTH
from partners.models import Organization
from territories.models import Department


class OrganizationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Rechercher",
        method="search",
        help_text="Des mots du nom, ou le SIREN.",
        widget=forms.TextInput(attrs={"type": "search", "maxlength": MAX_SEARCH_LENGTH}),
    )
    kind = django_filters.ChoiceFilter(label="Type", choices=Organization.Kind.choices, empty_label="Tous")
    department = django_filters.ModelChoiceFilter(
        label="Département",
        queryset=Department.objects.order_by("code"),
        method="in_department",
        empty_label="Tous",
        help_text="Où elle a son siège, ou le territoire qu'elle administre.",
    )

    class Meta:
        model = Organization
        fields = ["q", "kind", "department"]

    def search(self, queryset, name, value):
        return queryset.search(value)

    def in_department(self, queryset, name, value):
        return queryset.in_department(value.code)
