from django.contrib import admin
from django.db.models import Count

from territories.models import EPCI, Commune, Department, Region, Structure

# Reference geography comes from the COG (manage.py load_territories); the admin is for looking it up and,
# for administrators, correcting it. Foreign keys use autocompletion: France has 35,000 communes.


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "department_count"]
    search_fields = ["name", "=code"]
    # Explicit, because a query with an aggregate drops the model's default ordering.
    ordering = ["name"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(department_count=Count("departments"))

    @admin.display(description="départements", ordering="department_count")
    def department_count(self, region):
        return region.department_count


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "region"]
    list_filter = ["region"]
    list_select_related = ["region"]
    search_fields = ["name", "=code"]
    autocomplete_fields = ["region"]


@admin.register(EPCI)
class EPCIAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "kind", "commune_count"]
    list_filter = ["kind"]
    search_fields = ["name", "=code"]
    # Explicit, because a query with an aggregate drops the model's default ordering.
    ordering = ["name"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(commune_count=Count("communes"))

    @admin.display(description="communes", ordering="commune_count")
    def commune_count(self, epci):
        return epci.commune_count


@admin.register(Commune)
class CommuneAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "department", "epci", "population"]
    list_filter = ["department__region", "department"]
    list_select_related = ["department", "epci"]
    # "^code": the codes that start with what is typed, so that "35" lists the communes of Ille-et-Vilaine.
    search_fields = ["name", "^code"]
    autocomplete_fields = ["department", "epci"]
    show_full_result_count = False


@admin.register(Structure)
class StructureAdmin(admin.ModelAdmin):
    list_display = ["name", "full_name", "department_codes", "label", "labelled_on", "email"]
    list_filter = ["label", "departments"]
    search_fields = ["name", "full_name"]
    filter_horizontal = ["departments"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("departments")

    @admin.display(description="départements couverts")
    def department_codes(self, structure):
        return ", ".join(department.code for department in structure.departments.all())
