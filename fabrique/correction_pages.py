"""The pages that correct or remove what was recorded: the shared steps of the projects' and the needs' pages."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render

from fabrique.concurrency import VersionField, read_at_current_version
from fabrique.fields import LONG_TEXT


class RemovalForm(forms.Form):
    """The confirmation of a removal, from the version the page showed."""

    version = VersionField()


class NoteCorrectionForm(forms.Form):
    """A note's new text, from the version the page showed; `help_text` says who reads it."""

    text = forms.CharField(
        label="Note",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=LONG_TEXT,
        error_messages={"required": "Écrivez la note avant de l'enregistrer, ou supprimez-la."},
    )
    version = VersionField()

    def __init__(self, *args, help_text, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["text"].help_text = help_text


def correct_note(request, note, *, item, help_text, list_url, list_label):
    """The page that changes the text of `note` (a need's or a project's), recorded on `item`: on a valid post,
    `note.correct_note(by=, version=, text=)` and go back to `item`; else show the form again."""
    initial = {"text": note.comment, "version": note.version}
    form = NoteCorrectionForm(data=request.POST or None, initial=initial, help_text=help_text)
    if form.is_valid():
        try:
            note.correct_note(by=request.user, version=form.cleaned_data["version"], text=form.cleaned_data["text"])
        except ValidationError as error:
            form.add_error(None, error)
            read_at_current_version(form, note)
        else:
            messages.success(request, "La note est modifiée.")
            return redirect(item)
    context = {
        "item": item,
        "list_url": list_url,
        "list_label": list_label,
        "form": form,
        "title": "Modifier la note",
        "submit_label": "Enregistrer la note",
    }
    return render(request, "fabrique/correction_form.html", context)


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
