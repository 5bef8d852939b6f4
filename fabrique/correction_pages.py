"""The pages that correct or remove what was recorded: the shared steps of the projects' and the needs' pages."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render

from fabrique.concurrency import VersionField


class RemovalForm(forms.Form):
    """The confirmation of a removal, from the version the page showed."""

    version = VersionField()


def confirm_removal(request, row, remove_row, *, item, what, success, list_url, list_label):
    """The removal page of `row`, recorded on `item` (a project or a need): ask to confirm, then remove it with
    `remove_row(by=, version=)` and go back to `item`."""
    form = RemovalForm(data=request.POST or None, initial={"version": row.version})
    if form.is_valid():
        try:
            remove_row(by=request.user, version=form.cleaned_data["version"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, success)
        return redirect(item)
    context = {"item": item, "form": form, "what": what, "list_url": list_url, "list_label": list_label}
    return render(request, "fabrique/removal_confirm.html", context)
