import uuid
from collections import Counter

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from fabrique.concurrency import VersionedFormMixin, save_if_unchanged
from fabrique.fields import LONG_TEXT, SHORT_TEXT
from fabrique.forms import CreationTokenField
from needs.models import Need, NeedEvent, Theme
from projects.models import check_opening_date
from territories.forms import (
    MAX_MISSES_HELPED,
    CommuneIndex,
    CommunesField,
    TerritoryFormMixin,
    did_you_mean,
    homonyms_message,
    typed_communes,
)
from territories.models import Department, Structure


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
        self.fields["themes"].queryset = Theme.objects.filter(themes)
        self.fields["source"].choices = Need.Source.choices
        self.fields["territory_kind"].choices = [("", "Non précisé"), *Need.TerritoryKind.choices]
        self.fields["detected_on"].widget.attrs["max"] = timezone.localdate().isoformat()

    def clean_source(self):
        source = self.cleaned_data["source"]
        # A need a collectivité proposed keeps that origin (the database refuses another one).
        if self.instance.proposed_by_id and source != Need.Source.COLLECTIVITE:
            raise ValidationError(
                "Ce besoin a été proposé par une collectivité : "
                f"son origine reste « {Need.Source.COLLECTIVITE.label} »."
            )
        return source

    def clean_detected_on(self):
        detected_on = self.cleaned_data["detected_on"]
        if detected_on > timezone.localdate():
            raise ValidationError("La date de détection ne peut pas être dans le futur.")
        return detected_on


class NeedCreationForm(NeedForm):
    # Submitting the same form twice creates one need: the second submit finds the need of this token.
    creation_token = CreationTokenField(required=False)

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


class NeedEditForm(VersionedFormMixin, NeedForm):
    @transaction.atomic
    def save(self, *, by):
        """Save the edit unless someone saved the need since this form was read; then raise EditConflict."""
        save_if_unchanged(self.instance, self._meta.fields, self.cleaned_data["version"], by=by)
        self._save_m2m()
        return self.instance


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
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), max_length=SHORT_TEXT)
    public_reason = forms.CharField(
        label="Motif communiqué à la collectivité",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=SHORT_TEXT,
    )

    def __init__(self, name, need, *args, **kwargs):
        super().__init__(*args, prefix=name, initial={"status": need.status}, **kwargs)
        self.name = name
        self.need = need
        self.heading, label, self.button = self.TEXTS[name]
        self.fields["reason"].label = label
        self.fields["reason"].required = name in Need.REASON_REQUIRED
        self.fields["reason"].error_messages["required"] = "Indiquez un motif."
        if name == "dismiss" and need.proposed_by_id:
            self.fields["public_reason"].help_text = (
                "La collectivité qui a proposé ce besoin en est avertie par e-mail et ne lit que ce texte, jamais le "
                "motif ci-dessus. Laissé vide, elle apprend seulement que le besoin est écarté."
            )
        else:
            del self.fields["public_reason"]

    def is_stale(self):
        """Whether the need changed status since the page that posted this form was read."""
        return self.data.get(self.add_prefix("status")) != self.need.status


class NoteForm(forms.Form):
    text = forms.CharField(
        label="Note",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=LONG_TEXT,
        help_text="Visible de votre structure, de l'Avise et des administrateurs.",
        error_messages={"required": "Écrivez la note avant de l'ajouter."},
    )

    creation_token = CreationTokenField(required=False)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("creation_token", uuid.uuid4())
        super().__init__(*args, prefix="note", **kwargs)


class OpenStudyForm(forms.Form):
    """The project a study opens: its title, its main département, among those of the chosen needs, and the day it
    opened (today unless said otherwise: the COPIL that opened it may have sat before it was recorded)."""

    title = forms.CharField(
        label="Intitulé du projet",
        max_length=200,
        help_text="Prérempli avec l'intitulé du premier besoin : vous pourrez le modifier plus tard.",
    )
    department = forms.ModelChoiceField(
        label="Département principal", queryset=Department.objects.none(), empty_label=None
    )
    opened_on = forms.DateField(
        label="Date d'ouverture de l'étude",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        initial=timezone.localdate,
        help_text="Aujourd'hui, ou le jour où l'étude a commencé : pas avant la détection de ses besoins.",
        error_messages={
            "required": "Indiquez la date d'ouverture de l'étude.",
            "invalid": "Indiquez une date valide.",
        },
    )
    creation_token = CreationTokenField(required=False)

    def __init__(self, *args, needs, **kwargs):
        self.needs = needs
        initial = kwargs.setdefault("initial", {})
        initial.setdefault("creation_token", uuid.uuid4())
        if needs:
            initial.setdefault("title", needs[0].title)
            initial.setdefault("department", needs[0].department_id)
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.filter(
            pk__in={need.department_id for need in needs}
        ).order_by("code")

    def clean_opened_on(self):
        opened_on = self.cleaned_data["opened_on"]
        try:
            check_opening_date(opened_on, needs=self.needs)
        except ValidationError as error:
            raise ValidationError(error.message_dict["opened_on"]) from None
        return opened_on


def resolve_territory_communes(text, territory, territory_name):
    """Return the communes of `territory` (a Commune queryset) named or coded in `text`, or raise ValidationError
    naming each name that is not one of them (with the closest names of the territory), or that several of them
    bear (with their INSEE codes)."""
    names = typed_communes(text)
    if not names:
        return []
    index = CommuneIndex(territory.select_related("department"))
    found, errors = [], []
    for name in names:
        matches = index.matching(name)
        if not matches:
            errors.append(
                f"« {name} » n'est pas une commune du territoire de {territory_name}."
                + did_you_mean(index.closest_names(name) if len(errors) < MAX_MISSES_HELPED else [])
            )
        elif len(matches) > 1:
            errors.append(homonyms_message(name, matches))
        elif matches[0] not in found:
            found.append(matches[0])
    if errors:
        raise ValidationError(errors)
    return found


class NeedProposalForm(forms.ModelForm):
    """A need a collectivité proposes (« appel à révélation »), somewhere in its own territory.

    The communes decide the département; without communes, the territory does, or the person chooses among its
    départements when it spans several. The need goes to the structure covering that département.
    """

    communes = CommunesField(
        label="Communes concernées",
        help_text="Les communes de votre territoire concernées, séparées par des virgules ou une par ligne (ou leur "
        "code INSEE quand deux communes portent le même nom). Laissez vide si le besoin concerne tout le territoire.",
    )
    department = forms.ModelChoiceField(
        label="Département",
        queryset=Department.objects.none(),
        required=False,
        help_text="Votre territoire s'étend sur plusieurs départements : indiquez lequel est concerné si vous ne "
        "citez aucune commune.",
    )
    # Submitting the same form twice creates one need: the second submit finds the need of this token.
    creation_token = CreationTokenField(required=False)

    field_order = ["title", "description", "themes", "communes", "department", "proposal_contact"]

    class Meta:
        model = Need
        fields = ["title", "description", "themes", "proposal_contact"]
        labels = {"title": "Intitulé", "description": "Description", "proposal_contact": "Personne à contacter"}
        help_texts = {
            "title": "Une phrase qui dit le besoin, par exemple : « Pas de garde d'enfants en horaires décalés ».",
            "description": "Ce que vous observez, qui est concerné, et ce qui existe déjà sur le territoire.",
            "proposal_contact": "Le nom, la fonction, l'adresse e-mail ou le téléphone de la personne de votre "
            "collectivité que la Fabrique à initiatives peut joindre.",
        }
        widgets = {
            "title": forms.TextInput(attrs={"autocomplete": "off"}),
            "description": forms.Textarea(attrs={"rows": 5}),
            "themes": forms.CheckboxSelectMultiple,
            "proposal_contact": forms.Textarea(attrs={"rows": 3}),
        }
        error_messages = {
            "title": {"required": "Indiquez l'intitulé du besoin."},
            "description": {"required": "Décrivez le besoin."},
            "themes": {"required": "Choisissez au moins un thème."},
        }

    def __init__(self, *args, organization, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("creation_token", uuid.uuid4())
        super().__init__(*args, **kwargs)
        self.organization = organization
        self.territory = organization.territory_communes()
        self.fields["themes"].queryset = Theme.objects.filter(is_active=True)
        self.fields["proposal_contact"].required = True
        self.fields["proposal_contact"].error_messages["required"] = "Indiquez qui contacter dans votre collectivité."
        self.departments = list(Department.objects.filter(communes__in=self.territory).distinct().order_by("code"))
        self.fields["communes"].suggest_in(self.departments)
        if len(self.departments) > 1:
            self.fields["department"].queryset = Department.objects.filter(pk__in=[d.pk for d in self.departments])
            self.fields["department"].error_messages["invalid_choice"] = (
                "Choisissez l'un des départements de votre territoire."
            )
        else:
            del self.fields["department"]
        # Filled by `clean`: where the need lies, and the structure it goes to.
        self.need_department = self.need_epci = self.structure = None

    def clean(self):
        cleaned_data = super().clean()
        try:
            communes = resolve_territory_communes(
                self.data.get(self.add_prefix("communes")), self.territory, self.organization.name
            )
        except ValidationError as error:
            self.add_error("communes", error)
            return cleaned_data
        cleaned_data["communes"] = communes
        department = self._department(communes, cleaned_data.get("department"))
        if department is None:
            return cleaned_data
        self.structure = Structure.objects.filter(departments=department).order_by("name").first()
        if self.structure is None:
            field = "communes" if communes else ("department" if "department" in self.fields else None)
            self.add_error(field, "Aucune Fabrique à initiatives ne couvre ce département pour l'instant.")
            return cleaned_data
        self.need_department = department
        self.need_epci = self._epci(communes)
        return cleaned_data

    def _department(self, communes, chosen):
        """Return the département of the need, from its communes, else from the territory or the choice made."""
        if communes:
            departments = {commune.department for commune in communes}
            if len(departments) > 1:
                names = ", ".join(sorted(str(department) for department in departments))
                self.add_error(
                    "communes",
                    f"Ces communes sont dans plusieurs départements ({names}) : proposez un besoin par département.",
                )
                return None
            department = departments.pop()
            if chosen and chosen != department:
                self.add_error(
                    "department",
                    f"Les communes indiquées sont dans le département {department} : choisissez-le, ou laissez ce "
                    "champ vide.",
                )
                return None
            return department
        if len(self.departments) == 1:
            return self.departments[0]
        if not self.departments:
            self.add_error(
                None, "Le territoire de votre collectivité n'est pas renseigné : contactez l'administrateur."
            )
            return None
        if chosen is None:
            if "department" not in self.errors:
                self.add_error("department", "Indiquez les communes concernées, ou à défaut le département.")
            return None
        return chosen

    def _epci(self, communes):
        """Return the EPCI of the need: the collectivité's own, or the one all its communes share."""
        if self.organization.kind == self.organization.Kind.EPCI:
            return self.organization.governed_epci
        epcis = {commune.epci for commune in communes}
        return epcis.pop() if len(epcis) == 1 else None

    @transaction.atomic
    def save(self, *, by):
        """Create the need as detected, from this collectivité, for the structure covering its département."""
        need = super().save(commit=False)
        need.structure = self.structure
        need.department = self.need_department
        need.epci = self.need_epci
        need.source = Need.Source.COLLECTIVITE
        need.source_detail = f"Appel à révélation de {self.organization.name}"[:200]
        need.proposed_by = self.organization
        need.detected_on = timezone.localdate()
        need.status = Need.Status.DETECTED
        need.created_by = by
        need.creation_token = self.cleaned_data["creation_token"]
        need.save()
        self.save_m2m()
        need.communes.set(self.cleaned_data["communes"])
        NeedEvent.objects.create(
            need=need, kind=NeedEvent.Kind.CREATED, to_status=need.status, by=by, at=need.created_at
        )
        return need


class NeedProposalEditForm(VersionedFormMixin, NeedProposalForm):
    """The collectivité's change to its proposal, until the structure takes it up (`Need.objects.not_taken_up`).

    It stays with the structure it was sent to: a need elsewhere is a new proposal.
    """

    # What the history line names when each field changed.
    CHANGE_LABELS = {
        "title": "intitulé",
        "description": "description",
        "themes": "thèmes",
        "communes": "communes",
        "department": "département",
        "proposal_contact": "personne à contacter",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["creation_token"]
        need = self.instance
        self.original = {
            "title": need.title,
            "description": need.description,
            "proposal_contact": need.proposal_contact,
            "department": need.department_id,
            # Read by the ModelForm already, with the other initial values.
            "themes": {theme.pk for theme in self.initial.get("themes", [])},
            "communes": list(need.communes.order_by(F("name__fold").asc(), "code")),
        }
        # A theme withdrawn from the list stays on the proposals that have it.
        self.fields["themes"].queryset = Theme.objects.filter(Q(is_active=True) | Q(pk__in=self.original["themes"]))
        self.fields["communes"].initial = self._communes_as_typed(self.original["communes"])
        if "department" in self.fields and not self.original["communes"]:
            self.fields["department"].initial = need.department_id

    def _communes_as_typed(self, communes):
        """Name each commune as the form reads it back: by its name, or by its INSEE code when the territory has
        two communes of that name."""
        if not communes:
            return ""
        names = Counter(self.territory.filter(name__in={c.name for c in communes}).values_list("name", flat=True))
        return ", ".join(commune.code if names[commune.name] > 1 else commune.name for commune in communes)

    def clean(self):
        cleaned_data = super().clean()
        need = self.instance
        if self.structure is None or self.structure.pk == need.structure_id:
            return cleaned_data
        if need.structure.departments.filter(pk=self.need_department.pk).exists():
            # Its structure covers this département too (with another one): the proposal stays with it.
            self.structure = need.structure
            return cleaned_data
        field = "communes" if cleaned_data.get("communes") else ("department" if "department" in self.fields else None)
        self.add_error(
            field,
            f"Votre proposition est transmise à {need.structure.name}, qui ne couvre pas ce département : pour un "
            "besoin ailleurs, faites une nouvelle proposition.",
        )
        return cleaned_data

    def changes(self):
        """Return the labels of the fields whose value this form changes."""
        data = self.cleaned_data
        now = {
            "title": data["title"],
            "description": data["description"],
            "proposal_contact": data["proposal_contact"],
            "department": self.need_department.pk,
            "themes": {theme.pk for theme in data["themes"]},
            "communes": {commune.pk for commune in data["communes"]},
        }
        before = {**self.original, "communes": {commune.pk for commune in self.original["communes"]}}
        return [label for name, label in self.CHANGE_LABELS.items() if now[name] != before[name]]

    @transaction.atomic
    def save(self, *, by):
        """Save the change and write it in the history, unless the need changed since this form was read or the
        structure took it up meanwhile: then raise EditConflict. Return the labels of the fields changed."""
        need = self.instance
        changes = self.changes()
        if not changes:
            return []
        need.department, need.epci = self.need_department, self.need_epci
        save_if_unchanged(
            need,
            ["title", "description", "proposal_contact", "department", "epci"],
            self.cleaned_data["version"],
            by=by,
            queryset=Need.objects.not_taken_up(),
        )
        need.themes.set(self.cleaned_data["themes"])
        need.communes.set(self.cleaned_data["communes"])
        NeedEvent.objects.create(
            need=need,
            kind=NeedEvent.Kind.PROPOSAL_CHANGED,
            comment=f"Modifié : {', '.join(changes)}.",
            by=by,
            at=need.updated_at,
        )
        return changes
