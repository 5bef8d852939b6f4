import copy

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.shortcuts import redirect, render

from notifications import services
from notifications.forms import EMAIL_TAKEN, AccountForm, PreferencesForm


def account(request):
    """« Mon compte »: the person's name and e-mail address, and which messages they receive, how often."""
    user = request.user
    # A copy: validating the form writes what was typed on its instance, which must not pass for the signed-in
    # person on a refused form.
    account_form = AccountForm(data=request.POST or None, instance=copy.copy(user))
    preferences_form = PreferencesForm(user, data=request.POST or None)
    if request.method == "POST" and account_form.is_valid() and preferences_form.is_valid():
        old_email = account_form.initial_email
        try:
            with transaction.atomic():
                changed = bool(set(account_form.changed_data) - {"current_password"})
                if changed:
                    saved = account_form.save()
                    if account_form.email_changed:
                        services.email_changed(old_email, saved)
                changed = preferences_form.save() or changed
        except IntegrityError:
            # Another account took the address between the check and the save.
            account_form.add_error("email", EMAIL_TAKEN)
        else:
            if changed:
                messages.success(request, "Vos modifications sont enregistrées.")
            else:
                messages.info(request, "Vous n'avez rien modifié.")
            return redirect("account")
    context = {"account_form": account_form, "preferences_form": preferences_form}
    return render(request, "notifications/account.html", context)
