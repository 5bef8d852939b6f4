import re

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from fabrique.concurrency import VersionedFormMixin, VersionField, save_if_unchanged
from fabrique.fields import LONG_TEXT, SHORT_TEXT
from fabrique.forms import CreationTokenField
from fabrique.validators import validate_siren
from needs.models import Need, Theme
from partners.fields import OrganizationField
from partners.models import GOVERNED_FIELD, Involvement, Organization
from projects import documents
from projects.models import (
    Activity,
    CopilDecision,
    Document,
    FollowUp,
    Meeting,
    Project,
    ProjectEvent,
    check_opening_date,
)
from territories.forms import TerritoryFormMixin


class DateInput(forms.DateInput):
    """The browser's date picker; the value travels in ISO format, which Django always accepts."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class FrenchDecimalField(forms.DecimalField):
    """A number typed the French way: « 1 234,5 » (a decimal comma, spaces between thousands); a dot works too."""

    widget = forms.TextInput(attrs={"inputmode": "decimal"})

    def to_python(self, value):
        if isinstance(value, str):
            value = re.sub(r"\s", "", value).replace(",", ".")
        return super().to_python(value)


class SirenField(forms.CharField):
    """A SIREN, typed with or without spaces, kept as its 9 digits."""

    def __init__(self, **kwargs):
        kwargs.pop("max_length", None)
        kwargs.setdefault("label", "SIREN")
        kwargs.setdefault("help_text", "9 chiffres, par exemple 130 005 481.")
        super().__init__(validators=[validate_siren], **kwargs)

    def to_python(self, value):
        return re.sub(r"\s", "", super().to_python(value))


def not_in_future(day, message):
    if day and day > timezone.localdate():
        raise ValidationError(message)
    return day


class ProjectEditForm(VersionedFormMixin, TerritoryFormMixin, forms.ModelForm):
    """The project's description, saved only over the version it was read at."""

    class Meta:
        model = Project
        fields = [
            "title",
            "public_summary",
            "internal_summary",
            "solution_type",
            "themes",
            "department",
            "epci",
            "communes",
            "programme",
            "visibility",
            "source_activity",
            "opened_on",
        ]
        widgets = {
            "opened_on": DateInput,
            "public_summary": forms.Textarea(attrs={"rows": 4}),
            "internal_summary": forms.Textarea(attrs={"rows": 4}),
            "themes": forms.CheckboxSelectMultiple,
            "programme": forms.RadioSelect,
            "visibility": forms.RadioSelect,
        }
        help_texts = {
            "visibility": "Interne : votre structure seulement. Partagé : aussi les révélateurs du réseau et les "
            "collectivités du territoire. Public : aussi le Carnet de projets, ouvert à tous.",
            "opened_on": "Pas avant la détection de ses besoins, ni après sa première décision de COPIL.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_territory(self.instance.structure)
        # A theme withdrawn from the list stays offered to the projects that have it.
        self.fields["themes"].queryset = Theme.objects.filter(Q(is_active=True) | Q(pk__in=self.instance.themes.all()))
        # Only activities the structure's révélateurs may see: their own, and those shared with the network.
        self.fields["source_activity"].queryset = (
            Activity.objects.filter(project__stage=Project.Stage.LAUNCHED)
            .filter(
                Q(project__structure=self.instance.structure_id)
                | Q(project__visibility__in=[Project.Visibility.PARTNERS, Project.Visibility.PUBLIC])
            )
            .exclude(project=self.instance)
            .select_related("project__department")
            .order_by("name")
        )
        self.fields["source_activity"].label_from_instance = lambda activity: (
            f"{activity.name} — {activity.project.department}"
        )
        self.fields["source_activity"].empty_label = "Pas d'essaimage"
        self.fields["source_activity"].label = "Essaimage de l'activité"
        self.fields["source_activity"].help_text = "L'activité lancée ailleurs dans le réseau que ce projet reproduit."
        self.fields["opened_on"].error_messages |= {
            "required": "Indiquez la date d'ouverture de l'étude.",
            "invalid": "Indiquez une date valide.",
        }

    def clean_opened_on(self):
        opened_on = self.cleaned_data["opened_on"]
        needs = Need.objects.filter(project=self.instance).only("title", "detected_on")
        try:
            check_opening_date(opened_on, needs=needs, project=self.instance)
        except ValidationError as error:
            raise ValidationError(error.message_dict["opened_on"]) from None
        return opened_on

    @transaction.atomic
    def save(self, *, by):
        """Write the changes if the project is still at the version this form was read at, else raise
        EditConflict."""
        project = self.instance
        # The Carnet dates a project from the moment it became public; it leaves the Carnet when it stops being so.
        published_at = (
            Coalesce(F("published_at"), Value(timezone.now()))
            if project.visibility == Project.Visibility.PUBLIC
            else None
        )
        save_if_unchanged(project, self._meta.fields, self.cleaned_data["version"], by=by, published_at=published_at)
        project.themes.set(self.cleaned_data["themes"])
        project.communes.set(self.cleaned_data["communes"])
        if "opened_on" in self.changed_data:
            # The history's opening line says the day the study opened, when it is not the day it was recorded.
            project.events.filter(kind=ProjectEvent.Kind.OPENED).update(happened_on=project.opened_on)
        return project


def move_date_field(**kwargs):
    """The day a move happened: today unless said otherwise (the project model checks it against its history)."""
    return forms.DateField(
        widget=DateInput,
        initial=timezone.localdate,
        error_messages={"required": "Indiquez la date du passage.", "invalid": "Indiquez une date valide."},
        **kwargs,
    )


class MoveForm(forms.Form):
    """Advance, pause or resume, confirmed: the day it happened, an optional comment, the version the page showed."""

    on = move_date_field(label="Date du passage", help_text="Aujourd'hui, ou le jour où c'est arrivé.")
    comment = forms.CharField(
        label="Commentaire",
        required=False,
        max_length=SHORT_TEXT,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Lisible de votre structure seulement.",
    )
    version = VersionField()


class StopForm(forms.Form):
    on = move_date_field(label="Date de l'arrêt", help_text="Aujourd'hui, ou le jour où le projet s'est arrêté.")
    reason = forms.CharField(
        label="Motif de l'arrêt",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=SHORT_TEXT,
        error_messages={"required": "Indiquez le motif de l'arrêt."},
        help_text="Lisible de votre structure seulement.",
    )
    version = VersionField()


class UndoForm(forms.Form):
    """Undo the last move: the version the page showed, so that a page read before another change undoes nothing."""

    version = VersionField()


def correction_reason_field():
    return forms.CharField(
        label="Motif de la correction",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=SHORT_TEXT,
        error_messages={"required": "Indiquez le motif de la correction."},
        help_text="Lisible de votre structure seulement ; l'historique garde la correction.",
    )


class RedateForm(forms.Form):
    """Correct the day the last move happened."""

    on = move_date_field(label="Date corrigée du passage")
    reason = correction_reason_field()
    version = VersionField()


class RevertForm(forms.Form):
    """Take the last move back: the project returns to the stage and state it had before."""

    reason = correction_reason_field()
    version = VersionField()


class CopilDecisionForm(forms.ModelForm):
    decision = forms.ChoiceField(label="Décision", choices=CopilDecision.Decision.choices, widget=forms.RadioSelect)
    version = VersionField()
    creation_token = CreationTokenField()

    class Meta:
        model = CopilDecision
        fields = ["decided_on", "body", "decision", "organizations", "comment"]
        widgets = {
            "decided_on": DateInput,
            "organizations": forms.CheckboxSelectMultiple,
            "comment": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "organizations": "Parmi les partenaires du projet.",
            "comment": "Obligatoire pour un arrêt : son motif.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The organisations named are among the project's partners; without partners, there is nothing to name.
        organizations = Organization.objects.filter(involvements__project=self.instance.project_id).distinct()
        if organizations.exists():
            self.fields["organizations"].queryset = organizations.order_by("name")
        else:
            del self.fields["organizations"]

    def clean_decided_on(self):
        decided_on = not_in_future(
            self.cleaned_data["decided_on"], "Un COPIL s'enregistre une fois tenu : cette date est à venir."
        )
        if decided_on < self.instance.project.opened_on:
            raise ValidationError(
                f"L'étude a été ouverte le {self.instance.project.opened_on:%d/%m/%Y} : "
                "son COPIL ne peut pas s'être tenu avant."
            )
        return decided_on

    def clean(self):
        cleaned_data = super().clean()
        if cleaned_data.get("decision") == CopilDecision.Decision.STOP and not cleaned_data.get("comment", "").strip():
            self.add_error("comment", "Indiquez le motif de l'arrêt décidé par le COPIL.")
        return cleaned_data


class MeetingForm(forms.ModelForm):
    creation_token = CreationTokenField()

    class Meta:
        model = Meeting
        fields = ["kind", "held_on", "title", "participants", "summary"]
        widgets = {"held_on": DateInput, "summary": forms.Textarea(attrs={"rows": 6})}
        help_texts = {"summary": "Lisible de votre structure seulement."}

    def clean_held_on(self):
        return not_in_future(
            self.cleaned_data["held_on"], "Un temps fort s'enregistre une fois tenu : cette date est à venir."
        )


class NoteForm(forms.Form):
    text = forms.CharField(
        label="Note",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=LONG_TEXT,
        error_messages={"required": "Écrivez la note avant de l'enregistrer."},
        help_text="Lisible de votre structure seulement.",
    )
    creation_token = CreationTokenField()


class DocumentForm(forms.ModelForm):
    creation_token = CreationTokenField()

    class Meta:
        model = Document
        fields = ["kind", "title", "file"]
        help_texts = {
            "file": "PDF, ODT, DOCX, XLSX, PNG, JPEG ou WebP, jusqu'à 20 Mo. Lisible de votre structure seulement."
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        extensions = sorted({f".{extension}" for extension in documents.TYPES_BY_EXTENSION})
        self.fields["file"].widget.attrs["accept"] = ",".join(extensions)
        # The stored name is random and short; the original name may be long, and is kept (cut) in its own field.
        self.fields["file"].max_length = None

    def clean_file(self):
        file = self.cleaned_data["file"]
        if file.size > settings.DOCUMENT_MAX_SIZE:
            raise ValidationError(
                f"Ce fichier dépasse la limite de {settings.DOCUMENT_MAX_SIZE // (1024 * 1024)} Mo : déposez une "
                "version plus légère (un PDF compressé, des images réduites)."
            )
        expected = documents.TYPES_BY_EXTENSION.get(documents.extension_of(file.name))
        if expected is None:
            raise ValidationError(
                "Ce type de fichier n'est pas accepté : déposez un PDF, un document ODT ou DOCX, un tableur XLSX "
                "ou une image PNG, JPEG ou WebP."
            )
        found = documents.sniff(file)
        if found != expected:
            raise ValidationError(
                f"Ce fichier porte l'extension d'un {expected.label} mais son contenu n'en est pas un : "
                "vérifiez le fichier, ou enregistrez-le dans l'un des formats acceptés."
            )
        self.instance.original_name = file.name[-255:]
        self.instance.content_type = found.content_type
        self.instance.size = file.size
        return file


class ActivityForm(forms.ModelForm):
    """The launched activity; its porteur and funding come in their own forms, on the same page."""

    version = VersionField()
    creation_token = CreationTokenField()

    class Meta:
        model = Activity
        fields = ["name", "legal_form", "esus", "iae", "siren", "opened_on", "jobs_at_launch"]
        field_classes = {"siren": SirenField, "jobs_at_launch": FrenchDecimalField}
        widgets = {"opened_on": DateInput}
        help_texts = {"jobs_at_launch": "En équivalents temps plein, par exemple 2,5."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["siren"].help_text = "9 chiffres, par exemple 130 005 481."

    def clean_opened_on(self):
        return not_in_future(
            self.cleaned_data["opened_on"], "Une activité s'enregistre une fois ouverte : cette date est à venir."
        )


class PorteurForm(forms.Form):
    """The porteur of the activity: an organisation of the directory, or a new one named here."""

    porteur = OrganizationField(
        label="Porteur existant",
        required=False,
        help_text="Son nom ou son SIREN, tel qu'il figure dans l'annuaire ; vide pour un nouveau porteur, décrit "
        "ci-dessous.",
    )
    name = forms.CharField(label="Nom du nouveau porteur", max_length=200, required=False)
    kind = forms.ChoiceField(
        label="Type du nouveau porteur",
        # A collectivité is not typed in: it comes from the reference geography, through the directory.
        choices=[
            ("", "—"),
            *((kind, label) for kind, label in Organization.Kind.choices if kind not in GOVERNED_FIELD),
        ],
        required=False,
    )
    siren = SirenField(required=False, label="SIREN du nouveau porteur")

    def clean(self):
        cleaned_data = super().clean()
        porteur, name = cleaned_data.get("porteur"), cleaned_data.get("name", "").strip()
        if porteur and name:
            self.add_error("name", "Vous avez aussi nommé un porteur existant : videz l'un des deux champs.")
        elif not porteur and not name and "porteur" not in self.errors:
            self.add_error(
                "porteur",
                "Nommez le porteur tel qu'il figure dans l'annuaire, ou décrivez un nouveau porteur ci-dessous.",
            )
        elif name and not cleaned_data.get("kind"):
            self.add_error("kind", "Indiquez le type du nouveau porteur.")
        siren = cleaned_data.get("siren")
        if name and siren and Organization.objects.filter(siren=siren).exists():
            self.add_error(
                "siren", "Une organisation avec ce SIREN existe déjà : nommez-la dans le champ « Porteur existant »."
            )
        return cleaned_data

    def new_porteur(self):
        """Return the new organisation to create (unsaved), or None if an existing one was chosen."""
        if self.cleaned_data["porteur"]:
            return None
        return Organization(
            name=self.cleaned_data["name"].strip(), kind=self.cleaned_data["kind"], siren=self.cleaned_data["siren"]
        )


class FundingForm(forms.Form):
    """One funding of the activity: a funder's contribution, recorded among the project's partners (`involvement`,
    when the row shows one already there) or new."""

    involvement = forms.ModelChoiceField(queryset=Involvement.objects.none(), required=False, widget=forms.HiddenInput)
    funder = OrganizationField(
        label="Financeur",
        required=False,
        help_text="Son nom ou son SIREN, tel qu'il figure dans l'annuaire ; vide si personne ne l'a précisé.",
    )
    kind = forms.ChoiceField(
        label="Nature", choices=[("", "—"), *Involvement.ContributionKind.choices], required=False
    )
    amount = FrenchDecimalField(
        label="Montant (€)",
        max_digits=12,
        decimal_places=2,
        min_value=0,
        required=False,
        help_text="En euros, par exemple 15 000.",
    )

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.project = project
        self.fields["involvement"].queryset = project.involvements.filter(role=Involvement.Role.FUNDER)

    def clean(self):
        cleaned_data = super().clean()
        filled = any(cleaned_data.get(name) not in (None, "") for name in ["funder", "kind", "amount"])
        if filled and not cleaned_data.get("kind") and "kind" not in self.errors:
            self.add_error("kind", "Indiquez la nature de ce financement.")
        if filled and cleaned_data.get("amount") is None and "amount" not in self.errors:
            self.add_error("amount", "Indiquez le montant de ce financement.")
        return cleaned_data

    def funding(self, *, by):
        """Return the funder's contribution this row records, unsaved (None for an empty new row). An emptied row
        that showed a contribution returns it without kind nor amount: its funder stays among the partners (an
        unnamed funder's goes: see services.launch)."""
        involvement = self.cleaned_data.get("involvement")
        funder, kind, amount = (self.cleaned_data.get(name) for name in ["funder", "kind", "amount"])
        if involvement is None:
            if not self.has_changed():
                return None
            involvement = Involvement(project=self.project, role=Involvement.Role.FUNDER, created_by=by)
        if funder is not None or kind or amount is not None:
            involvement.organization = funder
        involvement.contribution_kind, involvement.amount = kind or "", amount
        return involvement


# The fundings a launch form offers to record; more when the project's partners already count more funders.
FUNDINGS_LIMIT = 10


def french_amount(amount):
    """« 15 000 », « 1 500,50 »: an amount as a person types it in the form."""
    return f"{amount:,.2f}".replace(",", " ").replace(".", ",").removesuffix(",00")


class BaseFundingFormSet(forms.BaseFormSet):
    """The activity's fundings: first the funders' contributions already recorded among the project's partners,
    ready to be corrected, then empty rows to add others."""

    def __init__(self, data=None, *, project, new_funder=None, **kwargs):
        recorded = list(
            project.involvements.filter(role=Involvement.Role.FUNDER)
            .select_related("organization")
            .order_by(F("organization__name__fold").asc(nulls_last=True), "contribution_kind", "pk")
        )
        initial = [
            {
                "involvement": involvement.pk,
                "funder": involvement.organization,
                "kind": involvement.contribution_kind,
                "amount": None if involvement.amount is None else french_amount(involvement.amount),
            }
            for involvement in recorded
        ]
        if new_funder is not None:
            # The organisation just recorded in the directory, from « Créer une organisation »: on a row of its own.
            initial.append({"funder": new_funder})
        # Every row may be left empty: an empty row records nothing.
        form_kwargs = {"project": project, "empty_permitted": True}
        super().__init__(data, initial=initial, form_kwargs=form_kwargs, **kwargs)
        self.max_num = self.absolute_max = max(FUNDINGS_LIMIT, len(recorded))

    @property
    def is_full(self):
        return self.total_form_count() >= self.max_num

    def clean(self):
        seen = set()
        for form in self.forms:
            if form.has_changed():
                funder, kind = form.cleaned_data.get("funder"), form.cleaned_data.get("kind")
                funder = funder.pk if funder else None
            else:
                funder, kind = form.initial.get("funder"), form.initial.get("kind")
                funder = funder.pk if funder else None
            if funder and kind and (funder, kind) in seen:
                raise ValidationError(
                    "Un même financeur apparaît deux fois avec la même nature de financement : réunissez les "
                    "montants sur une ligne."
                )
            seen.add((funder, kind))

    def fundings(self, *, by):
        """Return the funders' contributions to record, unsaved: those new or changed."""
        changed = (form.funding(by=by) for form in self.forms if form.has_changed())
        return [funding for funding in changed if funding is not None]


FundingFormSet = forms.formset_factory(FundingForm, formset=BaseFundingFormSet, extra=1, validate_max=True)


def without_judging(*forms_and_formsets):
    """Show bound forms with what was typed, without judging it: a form re-shown to add a row has no errors yet."""
    for form in forms_and_formsets:
        if isinstance(form, forms.BaseFormSet):
            form._errors, form._non_form_errors = [], form.error_class()
            without_judging(*form.forms)
        else:
            form._errors = forms.utils.ErrorDict()


class FollowUpForm(forms.ModelForm):
    """Where the activity stands at the end of a year; `instance` is a FollowUp of the activity, new or corrected."""

    creation_token = CreationTokenField()

    class Meta:
        model = FollowUp
        fields = ["year", "jobs", "still_active", "closed_on", "comment"]
        field_classes = {"jobs": FrenchDecimalField}
        widgets = {"closed_on": DateInput, "comment": forms.Textarea(attrs={"rows": 3})}
        labels = {"still_active": "L'activité est toujours active"}
        help_texts = {
            "jobs": "Les emplois de l'activité cette année-là, en équivalents temps plein.",
            "closed_on": "Seulement si l'activité n'est plus active.",
            "comment": "Lisible de votre structure seulement.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A year is followed once it has begun: from the opening year (N) to this year. The years the network's
        # figures read, N+1 and N+3, are named with their dates, so that no one looks for N+1 before it comes.
        opened, this_year = self.instance.activity.opened_on.year, timezone.localdate().year
        help_text = f"De {opened} (N, l'année de l'ouverture) à {this_year}."
        for offset in (1, 3):
            if opened + offset <= this_year:
                help_text += f" N+{offset} : {opened + offset}."
            else:
                help_text += f" N+{offset} ({opened + offset}) se saisit à partir de janvier {opened + offset}."
        self.fields["year"].help_text = help_text
        self.fields["year"].widget.attrs.update(min=opened, max=this_year)

    def clean_year(self):
        year = self.cleaned_data["year"]
        activity = self.instance.activity
        opened, this_year = activity.opened_on.year, timezone.localdate().year
        if year < opened:
            raise ValidationError(f"L'activité a ouvert en {opened} : indiquez une année à partir de {opened}.")
        if year > this_year:
            raise ValidationError(
                f"L'année {year} n'a pas commencé : son suivi se saisit à partir de janvier {year}. "
                f"Indiquez une année entre {opened} et {this_year}."
            )
        if activity.follow_ups.filter(year=year).exclude(pk=self.instance.pk).exists():
            raise ValidationError(already_followed_message(activity, year))
        return year

    def clean(self):
        cleaned_data = super().clean()
        still_active, closed_on = cleaned_data.get("still_active"), cleaned_data.get("closed_on")
        if still_active and closed_on:
            self.add_error("closed_on", "L'activité est toujours active : laissez la date de fermeture vide.")
        elif not still_active and not closed_on and "closed_on" not in self.errors:
            self.add_error("closed_on", "Indiquez la date de fermeture de l'activité.")
        elif closed_on and closed_on < self.instance.activity.opened_on:
            self.add_error("closed_on", "L'activité ne peut pas fermer avant d'avoir ouvert.")
        elif closed_on and closed_on > timezone.localdate():
            self.add_error("closed_on", "Cette date est à venir : indiquez la date où l'activité a fermé.")
        elif closed_on and cleaned_data.get("year") and closed_on.year > cleaned_data["year"]:
            self.add_error(
                "closed_on", f"Le suivi de {cleaned_data['year']} ne peut pas dater une fermeture ultérieure."
            )
        year = cleaned_data.get("year")
        if not year:
            return cleaned_data
        others = self.instance.activity.follow_ups.exclude(pk=self.instance.pk)
        closing = others.filter(still_active=False, year__lt=year).first()
        if closing and still_active:
            self.add_error(
                "still_active",
                f"Le suivi de {closing.year} indique que l'activité a fermé le {closing.closed_on:%d/%m/%Y}.",
            )
        active_later = others.filter(still_active=True, year__gt=year).first()
        if active_later and not still_active and "still_active" not in self.errors:
            self.add_error(
                "still_active", f"Le suivi de {active_later.year} indique que l'activité était encore active."
            )
        return cleaned_data


def already_followed_message(activity, year):
    """The refusal of a second follow-up for a year, with the way to correct the first one."""
    url = reverse("projects:follow_up_edit", args=[activity.project_id, year])
    return format_html(
        'Un suivi existe déjà pour {} : chaque année se suit une fois. <a href="{}">Corriger le suivi de {}</a>.',
        year,
        url,
        year,
    )


class FollowUpCorrectionForm(FollowUpForm):
    """A recorded follow-up, corrected under the same rules, from the version it was read at."""

    creation_token = None
    version = VersionField()


class ActivityCorrectionForm(ActivityForm):
    """The launched activity's data and its porteur, corrected from the version it was read at (not its fundings:
    they are the funders' among the project's partners)."""

    creation_token = None
    porteur = OrganizationField(label="Porteur", help_text="Son nom ou son SIREN, tel qu'il figure dans l'annuaire.")

    class Meta(ActivityForm.Meta):
        fields = ["name", "porteur", *ActivityForm.Meta.fields[1:]]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The porteur as the field names it (« Bretagne Active (419219468) »), not its number.
        self.initial["porteur"] = self.instance.porteur

    def clean_opened_on(self):
        opened_on = super().clean_opened_on()
        first = self.instance.follow_ups.order_by("year").first() if self.instance.pk else None
        if opened_on and first and opened_on.year > first.year:
            raise ValidationError(
                f"Un suivi annuel existe pour {first.year} : l'activité ne peut pas avoir ouvert après cette année."
            )
        closed = self.instance.follow_ups.filter(still_active=False).first() if self.instance.pk else None
        if opened_on and closed and opened_on > closed.closed_on:
            raise ValidationError(
                f"Le suivi de {closed.year} indique que l'activité a fermé le {closed.closed_on:%d/%m/%Y} : "
                "elle ne peut pas avoir ouvert après."
            )
        return opened_on


class MeetingCorrectionForm(MeetingForm):
    creation_token = None
    version = VersionField()


class DocumentCorrectionForm(forms.ModelForm):
    """A document's title and kind; the file stays (to replace it, remove the document and deposit the new one)."""

    version = VersionField()

    class Meta:
        model = Document
        fields = ["kind", "title"]
