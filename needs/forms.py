import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from needs.models import Need, NeedEvent, Theme
from territories.forms import TerritoryFormMixin
from territories.models import Department


class EditConflict(Exception):
    """Someone else saved the need after the edit form was read."""


class NeedForm(TerritoryFormMixin, forms.ModelForm):
    """What a révélateur types about a need; the territory is limited to the départements of `structure`."""

    class Meta:
        model = Need
        fields = [
            "title",
            "description",
            "themes",
            "source",
            "source_detail",
            "target_public",
            "department",
            "epci",
            "communes",
            "territory_kind",
            "detected_on",
        ]
        help_texts = {
            "title": "Une phrase qui dit le besoin, par exemple : « Pas de garde d'enfants en horaires décalés ».",
            "description": "Ce qui a été observé, par qui, et ce qui existe déjà sur le territoire.",
            "target_public": "Par exemple : personnes âgées isolées, jeunes sans permis, agriculteurs.",
        }
        widgets = {
            "title": forms.TextInput(attrs={"autocomplete": "off"}),
            "description": forms.Textarea(attrs={"rows": 5}),
            "themes": forms.CheckboxSelectMultiple,
            "source": forms.RadioSelect,
            "territory_kind": forms.RadioSelect,
            "detected_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        error_messages = {
            "themes": {"required": "Choisissez au moins un thème."},
            "source": {"required": "Indiquez d'où vient ce besoin."},
            "department": {
                "required": "Choisissez le département concerné.",
                "invalid_choice": "Choisissez l'un des départements de votre structure.",
            },
            "detected_on": {"required": "Indiquez la date de détection.", "invalid": "Saisissez une date valide."},
        }

    def __init__(self, *args, structure, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_territory(structure)
        self.fields["epci"].error_messages["invalid_choice"] = (
            "Choisissez un EPCI des départements de votre structure."
        )
        themes = Q(is_active=True)
        if self.instance.pk:
            # A theme withdrawn from the list stays on the needs that have it.
            themes |= Q(pk__in=self.instance.themes.all())
        self.fields["themes"].queryset = Theme.objects.filter(themes).order_by(F("name__fold").asc())
        self.fields["source"].choices = Need.Source.choices
        self.fields["territory_kind"].choices = [("", "Non précisé"), *Need.TerritoryKind.choices]
        self.fields["detected_on"].widget.attrs["max"] = timezone.localdate().isoformat()

    def clean_detected_on(self):
        detected_on = self.cleaned_data["detected_on"]
        if detected_on > timezone.localdate():
            raise ValidationError("La date de détection ne peut pas être dans le futur.")
        return detected_on


class NeedCreationForm(NeedForm):
    # Submitting the same form twice creates one need: the second submit finds the need of this token.
    creation_token = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, structure, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("creation_token", uuid.uuid4())
        super().__init__(*args, structure=structure, **kwargs)
        self.structure = structure

    @transaction.atomic
    def save(self, *, by):
        """Create the need for `by`'s structure, and the first line of its history."""
        need = super().save(commit=False)
        need.structure = self.structure
        need.created_by = by
        need.creation_token = self.cleaned_data["creation_token"]
        need.status = Need.Status.DETECTED
        need.save()
        self.save_m2m()
        NeedEvent.objects.create(
            need=need, kind=NeedEvent.Kind.CREATED, to_status=need.status, by=by, at=need.created_at
        )
        return need


class NeedEditForm(NeedForm):
    # The version the form was read at: saving over a newer version is refused (see `save`).
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = self.instance.version

    @transaction.atomic
    def save(self):
        """Save the edit unless someone saved the need since this form was read; then raise EditConflict."""
        need = self.instance
        changes = {}
        for name in self._meta.fields:
            field = Need._meta.get_field(name)
            if not field.many_to_many:
                changes[field.attname] = getattr(need, field.attname)
        now = timezone.now()
        updated = Need.objects.filter(pk=need.pk, version=self.cleaned_data["version"]).update(
            **changes, updated_at=now, version=F("version") + 1
        )
        if not updated:
            raise EditConflict
        self._save_m2m()
        return need


class TransitionForm(forms.Form):
    """One move of a need's status. It carries the status it was read at, so that a stale form changes nothing."""

    # For each move: the heading of its form, the label of its text, and the button.
    TEXTS = {
        "qualify": ("Qualifier le besoin", "Commentaire", "Qualifier"),
        "put_on_hold": ("Mettre en attente", "Motif de la mise en attente", "Mettre en attente"),
        "dismiss": ("Écarter le besoin", "Motif", "Écarter"),
        "reopen": ("Rouvrir le besoin", "Commentaire", "Rouvrir"),
    }

    status = forms.CharField(widget=forms.HiddenInput, required=False)
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, name, need, *args, **kwargs):
        super().__init__(*args, prefix=name, initial={"status": need.status}, **kwargs)
        self.name = name
        self.need = need
        self.heading, label, self.button = self.TEXTS[name]
        self.fields["reason"].label = label
        self.fields["reason"].required = name in Need.REASON_REQUIRED
        self.fields["reason"].error_messages["required"] = "Indiquez un motif."

    def is_stale(self):
        """Whether the need changed status since the page that posted this form was read."""
        return self.data.get(self.add_prefix("status")) != self.need.status


class NoteForm(forms.Form):
    text = forms.CharField(
        label="Note",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        help_text="Visible de votre structure, de l'Avise et des administrateurs.",
        error_messages={"required": "Écrivez la note avant de l'ajouter."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="note", **kwargs)


class OpenStudyForm(forms.Form):
    """The project a study opens: its title and its main département, among those of the chosen needs."""

    title = forms.CharField(
        label="Intitulé du projet",
        max_length=200,
        help_text="Prérempli avec l'intitulé du premier besoin : vous pourrez le modifier plus tard.",
    )
    department = forms.ModelChoiceField(
        label="Département principal", queryset=Department.objects.none(), empty_label=None
    )
    creation_token = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, needs, **kwargs):
        initial = kwargs.setdefault("initial", {})
        initial.setdefault("creation_token", uuid.uuid4())
        if needs:
            initial.setdefault("title", needs[0].title)
            initial.setdefault("department", needs[0].department_id)
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.filter(
            pk__in={need.department_id for need in needs}
        ).order_by("code")
