import logging
import smtplib

from django.contrib import admin, messages

from fabrique.accounts import send_invitation
from fabrique.forms import InvitationForm, UserAdminForm
from fabrique.models import User

logger = logging.getLogger(__name__)


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    form = UserAdminForm
    add_form = InvitationForm
    list_display = ["email", "first_name", "last_name", "role", "structure", "is_active", "has_chosen_password"]
    list_filter = ["role", "structure", "is_active"]
    search_fields = ["email", "first_name", "last_name"]
    fields = [
        "email",
        "first_name",
        "last_name",
        "role",
        "structure",
        "organization",
        "is_active",
        "last_login",
        "date_joined",
    ]
    add_fields = ["email", "first_name", "last_name", "role", "structure", "organization"]
    readonly_fields = ["last_login", "date_joined"]
    actions = ["resend_invitation"]

    def get_fields(self, request, obj=None):
        return self.fields if obj else self.add_fields

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = self.add_form
        return super().get_form(request, obj, **kwargs)

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        obj.set_unusable_password()
        super().save_model(request, obj, form, change)
        if self._invite(request, obj):
            self.message_user(request, f"Une invitation à choisir son mot de passe a été envoyée à {obj.email}.")

    @admin.display(boolean=True, description="mot de passe choisi")
    def has_chosen_password(self, obj):
        return obj.has_usable_password()

    @admin.action(description="Renvoyer l'invitation", permissions=["change"])
    def resend_invitation(self, request, queryset):
        invited = [user for user in queryset if user.is_active and not user.has_usable_password()]
        sent = sum(self._invite(request, user) for user in invited)
        if sent:
            self.message_user(request, f"Invitation renvoyée à {sent} personne{'s' if sent > 1 else ''}.")
        if skipped := len(queryset) - len(invited):
            self.message_user(
                request,
                f"{skipped} compte{'s' if skipped > 1 else ''} sans invitation en attente (mot de passe déjà choisi, "
                "ou compte désactivé) : « Mot de passe oublié ? » sur la page de connexion permet d'en choisir "
                "un nouveau.",
                messages.WARNING,
            )

    def _invite(self, request, user):
        """Send the invitation; tell the administrator instead of failing if the mail server refuses it."""
        try:
            send_invitation(user, request=request)
        except (smtplib.SMTPException, OSError):
            logger.exception("Failed to send the invitation to user %s", user.pk)
            self.message_user(
                request,
                f"L'invitation n'a pas pu être envoyée à {user.email} : réessayez plus tard avec l'action "
                "« Renvoyer l'invitation ».",
                messages.ERROR,
            )
            return False
        return True
