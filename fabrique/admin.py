from django.contrib import admin

from fabrique.models import User


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    list_display = ["email", "first_name", "last_name", "role", "structure", "is_active"]
    list_filter = ["role", "structure", "is_active"]
    search_fields = ["email", "first_name", "last_name"]
    fields = ["email", "first_name", "last_name", "role", "structure", "is_active", "last_login", "date_joined"]
    readonly_fields = ["last_login", "date_joined"]
