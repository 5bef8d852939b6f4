"""What the admin's change lists share for the people who review the network's data (Avise staff, read-only):
a search that ignores accents and case, related rows fetched once per page, and the selection exported as CSV or
XLSX through fabrique/exports.py.

A ModelAdmin that uses `ReviewListMixin` writes, for each row, the columns of the site's export of the same list
when there is one (`export_header` and `export_row`, which calls the app's row function in `<app>/exports.py`: a
column is defined once for both), then its own columns in `export_columns`: a list of (French header, function of
one object) pairs. The export actions need only the view permission, so that Avise staff can run them; every action
that writes still needs its own permission.
"""

import functools

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import lookup_spawns_duplicates
from django.contrib.admin.views.main import ChangeList
from django.core.paginator import InvalidPage
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.text import slugify, smart_split, unescape_string_literal

from fabrique import exports
from fabrique.long_lists import KeysFirstPaginator, years_of
from fabrique.search import MAX_SEARCH_WORDS, bounded, fold


def joined(values):
    """Return the values as one cell of text: « Mobilité, Bien-vieillir » (None when there are none)."""
    return ", ".join(str(value) for value in values) or None


def titled(title, base):
    """Return the list filter `base` under another title, when the field's own name would be unclear in the list
    (« type » of an organisation seen from the list of involvements)."""

    class TitledFilter(base):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.title = title

    return TitledFilter


class ExistingRelatedFieldListFilter(admin.RelatedOnlyFieldListFilter):
    """Offer the related rows that the listed rows name, as RelatedOnlyFieldListFilter does, through an EXISTS per
    related row (a few départements) instead of the DISTINCT of the whole list's keys (a hundred thousand needs)."""

    def field_choices(self, field, request, model_admin):
        named = model_admin.get_queryset(request).filter(**{self.field_path: OuterRef("pk")})
        ordering = self.field_admin_ordering(field, request, model_admin)
        return field.get_choices(include_blank=False, limit_choices_to=Q(Exists(named)), ordering=ordering)


class RequiredRelatedFieldListFilter(admin.RelatedFieldListFilter):
    """A filter on a relation every row has (a need's or a project's themes): without the « - » choice of the rows
    that have none."""

    include_empty_choice = False


class YearsByIndexQuerySet:
    """A queryset whose years of a date, the first level of the admin's date navigation, come from index lookups
    (years_of) instead of the DISTINCT of every row's year."""

    def dates(self, field_name, kind, order="ASC"):
        if kind == "year":
            return years_of(self, field_name, order=order)
        return super().dates(field_name, kind, order=order)


@functools.cache
def with_years_by_index(queryset_class):
    return type(f"YearsByIndex{queryset_class.__name__}", (YearsByIndexQuerySet, queryset_class), {})


class PrefetchingChangeList(ChangeList):
    def get_queryset(self, request, exclude_parameters=None):
        queryset = super().get_queryset(request, exclude_parameters)
        queryset.__class__ = with_years_by_index(queryset.__class__)
        return queryset

    def get_results(self, request):
        """Do what ChangeList.get_results does, but count the rows once when nothing filters them (the count of the
        list is then that of the whole table), and read the page through its keys (KeysFirstPaginator)."""
        paginator = self.model_admin.get_paginator(request, self.queryset, self.list_per_page)
        result_count = paginator.count
        if not self.model_admin.show_full_result_count:
            full_result_count = None
        elif self.query or self.get_filters_params():
            full_result_count = self.root_queryset.count()
        else:
            full_result_count = result_count
        can_show_all = result_count <= self.list_max_show_all
        multi_page = result_count > self.list_per_page
        if (self.show_all and can_show_all) or not multi_page:
            result_list = self.queryset._clone()
        else:
            try:
                result_list = paginator.page(self.page_num).object_list
            except InvalidPage as error:
                raise IncorrectLookupParameters from error
        # Only the rows of the page: the counts, the filters and the change form do not need them.
        if lookups := self.model_admin.list_prefetch_related:
            result_list = result_list.prefetch_related(*lookups)
        self.result_count = result_count
        self.show_full_result_count = self.model_admin.show_full_result_count
        self.show_admin_actions = not self.show_full_result_count or bool(full_result_count)
        self.full_result_count = full_result_count
        self.result_list = result_list
        self.can_show_all = can_show_all
        self.multi_page = multi_page
        self.paginator = paginator


class ReviewListMixin:
    """Accent-insensitive search, prefetching of the rows of a page, and the CSV / XLSX export actions."""

    actions = ["export_csv", "export_xlsx"]
    paginator = KeysFirstPaginator
    # The related rows the columns of the list read: fetched once for the page (as list_select_related does for
    # foreign keys).
    list_prefetch_related = []
    # The columns shared with the site's export of the same list, written by `export_row`.
    export_header = []
    # The columns only the admin writes, after those.
    export_columns = []
    export_select_related = []
    export_prefetch_related = []

    def get_changelist(self, request, **kwargs):
        return PrefetchingChangeList

    def get_search_results(self, request, queryset, search_term):
        """Find the rows where each word typed appears in one of the search fields, whatever the accents and the
        case: « reemploi » finds « Réemploi ». A field written "=siren" must equal the word; "^code" start with it.
        Also serves the autocompletion of the other admin forms. Bounded as every search is (fabrique/search.py)."""
        search_fields = self.get_search_fields(request)
        if not (search_fields and search_term):
            return queryset, False
        condition = Q()
        for bit in list(smart_split(bounded(search_term)))[:MAX_SEARCH_WORDS]:
            if bit.startswith(('"', "'")) and bit[0] == bit[-1]:
                bit = unescape_string_literal(bit)
            condition &= Q.create([self._search_lookup(field, bit) for field in search_fields], connector=Q.OR)
        may_have_duplicates = any(lookup_spawns_duplicates(self.opts, field.lstrip("=^")) for field in search_fields)
        return queryset.filter(condition), may_have_duplicates

    @staticmethod
    def _search_lookup(field, text):
        if field.startswith("="):
            return (f"{field[1:]}__iexact", text)
        if field.startswith("^"):
            return (f"{field[1:]}__fold__startswith", fold(text))
        return (f"{field}__fold__contains", fold(text))

    @admin.action(description="Exporter la sélection en CSV", permissions=["view"])
    def export_csv(self, request, queryset):
        return self.export(request, queryset, "csv")

    @admin.action(description="Exporter la sélection en XLSX", permissions=["view"])
    def export_xlsx(self, request, queryset):
        return self.export(request, queryset, "xlsx")

    def export_row(self, obj, user):
        """Return the cells of `obj` under `export_header` (none unless the ModelAdmin names a header)."""
        return ()

    def export_queryset(self, request, queryset):
        """Return `queryset` with the related rows the export reads."""
        return queryset.select_related(*self.export_select_related).prefetch_related(*self.export_prefetch_related)

    def export(self, request, queryset, file_format):
        """Return the rows of `queryset` (the selection, or every row the filters keep) as a download."""
        queryset = self.export_queryset(request, queryset)
        header = [*self.export_header, *(name for name, _ in self.export_columns)]
        values = [value for _, value in self.export_columns]
        rows = (
            [*self.export_row(obj, request.user), *(value(obj) for value in values)]
            for obj in queryset.iterator(chunk_size=exports.CHUNK_SIZE)
        )
        name = str(self.opts.verbose_name_plural)
        filename = f"{slugify(name)}-{timezone.localdate():%Y-%m-%d}"
        return exports.export_response(file_format, filename, header, rows, title=name[:1].upper() + name[1:])
