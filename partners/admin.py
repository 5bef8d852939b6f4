from django.contrib import admin

from partners.models import Organization


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "siren", "created_at"]
    list_filter = ["kind"]
    search_fields = ["name", "=siren"]
    readonly_fields = ["created_at"]
