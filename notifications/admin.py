from django.contrib import admin

from notifications.models import DigestItem, Preference, Reminder

# The e-mails themselves are tasks: « Task Results » (django_tasks_db) lists each attempt, a failed one with its
# error; a failed send is enqueued again later (see notifications.tasks.send_message).


@admin.register(Preference)
class PreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "frequency"]
    list_filter = ["kind", "frequency"]
    search_fields = ["user__email", "user__last_name"]
    list_select_related = ["user"]
    autocomplete_fields = ["user"]


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = ["created_at", "user", "kind", "key"]
    list_filter = ["kind"]
    search_fields = ["user__email", "key"]
    list_select_related = ["user"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(DigestItem)
class DigestItemAdmin(admin.ModelAdmin):
    list_display = ["created_at", "user", "kind", "text", "sent_at"]
    list_filter = ["kind", ("sent_at", admin.EmptyFieldListFilter)]
    search_fields = ["user__email", "text"]
    list_select_related = ["user"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
