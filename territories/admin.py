from django.contrib import admin

from territories.models import Structure


@admin.register(Structure)
class StructureAdmin(admin.ModelAdmin):
    list_display = ["name", "label", "labelled_on", "email"]
    list_filter = ["label"]
    filter_horizontal = ["departments"]
