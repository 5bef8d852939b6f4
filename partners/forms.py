import re

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse_lazy

from fabrique.concurrency import VersionedFormMixin, save_if_unchanged
from fabrique.forms import CreationTokenField, SuggestInput
from fabrique.validators import validate_siret
from partners.fields import OrganizationField
from partners.models import GOVERNED_FIELD, Contact, Involvement, Organization
from projects.forms import DateInput, FrenchDecimalField, SirenField
from territories.forms import resolve_commune
from territories.models import EPCI, Commune, Department, Region


class SiretField(forms.CharField):
    """A SIRET, typed with or without spaces, kept as its 14 digits."""

    def __init__(self, **kwargs):
        kwargs.pop("max_length", None)
        kwargs.setdefault("label", "SIRET")
        super().__init__(validators=[validate_siret], **kwargs)

    def to_python(self, value):
        return re.sub(r"\s", "", super().to_python(value))


class CommuneField(forms.CharField):
    """One commune of France, typed by name or INSEE code; resolved by `territories.forms.resolve_commune`, and
    suggested as one types where JavaScript runs."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", SuggestInput(source=reverse_lazy("territories:commune_suggestions")))
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, Commune):
            return str(value)
        return value

    def to_python(self, value):
        return resolve_commune(super().to_python(value))


class OrganizationForm(forms.ModelForm):
    """An organisation of the directory that is not a collectivité (those come from the reference data).

    A SIRET fills the SIREN it starts with; a SIREN already in the directory is refused, naming its organisation
    (`self.duplicate`); a name close to others (`self.close_organizations`) must be confirmed as another one.
    """

    commune = CommuneField(
        label="Commune du siège",
        required=False,
        help_text="Son nom, ou son code INSEE quand plusieurs communes portent le même nom.",
    )
    confirm_distinct = forms.BooleanField(
        label="Il s'agit bien d'une autre organisation",
        required=False,
        help_text="Cochez cette case si aucune des organisations aux noms proches n'est celle que vous enregistrez.",
    )

    class Meta:
        model = Organization
        fields = ["name", "kind", "siren", "siret", "website", "commune"]
        field_classes = {"siren": SirenField, "siret": SiretField}
        help_texts = {
            "website": "L'adresse complète, par exemple https://www.bretagne-active.org.",
            "siret": "14 chiffres (le SIREN, puis l'établissement) ; il remplit le SIREN.",
        }
        error_messages = {
            "name": {"required": "Indiquez le nom de l'organisation."},
            "kind": {"required": "Indiquez le type de l'organisation."},
            "website": {"invalid": "Saisissez une adresse web complète, commençant par https://."},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.duplicate = None
        if self.instance.is_collectivite:
            # A collectivité's kind follows the territory it governs: it does not change.
            del self.fields["kind"]
        else:
            self.fields["kind"].choices = [
                ("", "—"),
                *((kind, label) for kind, label in Organization.Kind.choices if kind not in GOVERNED_FIELD),
            ]
        self.fields["siren"].required = False
        self.fields["siren"].help_text = "9 chiffres, par exemple 130 005 481."
        if self.instance.commune_id:
            self.initial["commune"] = self.instance.commune
        # The close names are looked up from the name typed, before validation, so that the confirmation box shows
        # only when there is something to confirm.
        self.close_organizations = []
        name = self.data.get(self.add_prefix("name"), "").strip() if self.is_bound else ""
        if name and name != self.instance.name:
            self.close_organizations = Organization.objects.close_to(name, exclude=self.instance.pk)
        if not self.close_organizations:
            del self.fields["confirm_distinct"]
        else:
            self.order_fields([*[field for field in self.fields if field != "confirm_distinct"], "confirm_distinct"])

    def clean_name(self):
        return self.cleaned_data["name"].strip()

    def clean(self):
        cleaned_data = super().clean()
        siren, siret = cleaned_data.get("siren"), cleaned_data.get("siret")
        if siret and not siren and "siren" not in self.errors:
            cleaned_data["siren"] = siren = siret[:9]
        elif siret and siren and not siret.startswith(siren):
            self.add_error("siret", f"Ce SIRET ne commence pas par le SIREN {siren} : vérifiez l'un ou l'autre.")
        if siren and "siren" not in self.errors:
            self.duplicate = Organization.objects.filter(siren=siren).exclude(pk=self.instance.pk).first()
            if self.duplicate:
                self.add_error(
                    "siren" if self.data.get(self.add_prefix("siren"), "").strip() else "siret",
                    f"Ce SIREN est déjà celui de « {self.duplicate.name} » dans l'annuaire : "
                    "une organisation ne s'y inscrit qu'une fois.",
                )
        if self.close_organizations and not cleaned_data.get("confirm_distinct"):
            self.add_error(
                "confirm_distinct",
                "Des organisations aux noms proches sont déjà dans l'annuaire : vérifiez qu'il ne s'agit pas de "
                "l'une d'elles, puis cochez cette case pour enregistrer celle-ci.",
            )
        return cleaned_data


class OrganizationCreationForm(OrganizationForm):
    creation_token = CreationTokenField()


class OrganizationEditForm(VersionedFormMixin, OrganizationForm):
    def save(self, *, by):
        """Save the edit unless someone saved the organisation since this form was read; then raise EditConflict."""
        fields = [name for name in self._meta.fields if name in self.fields]
        return save_if_unchanged(self.instance, fields, self.cleaned_data["version"], by=by)


# The kinds of territory a collectivité is chosen from, by the name the choosing form posts.
TERRITORY_MODELS = {"commune": Commune, "epci": EPCI, "department": Department, "region": Region}


class CollectiviteChoiceForm(forms.Form):
    """The territory chosen among the search results: « epci:243500139 », « commune:35238 »…"""

    territory = forms.CharField(widget=forms.HiddenInput)

    def clean_territory(self):
        kind, _, code = self.cleaned_data["territory"].partition(":")
        model = TERRITORY_MODELS.get(kind)
        territory = model.objects.filter(pk=code).first() if model and code else None
        if territory is None:
            raise ValidationError("Ce territoire n'est pas dans les données de référence : recherchez-le à nouveau.")
        return territory


class ContactForm(forms.ModelForm):
    class Meta:
        model = Contact
        fields = ["first_name", "last_name", "job_title", "email", "phone", "legal_basis", "legal_basis_note"]
        widgets = {"legal_basis": forms.RadioSelect, "legal_basis_note": forms.Textarea(attrs={"rows": 2})}
        labels = {"last_name": "Nom", "first_name": "Prénom", "job_title": "Fonction"}
        help_texts = {
            "job_title": "Par exemple : chargée de mission ESS, directeur général des services.",
            "legal_basis": "Ce qui vous autorise à garder ces coordonnées.",
        }
        error_messages = {
            "last_name": {"required": "Indiquez le nom de la personne."},
            "email": {"invalid": "Saisissez une adresse e-mail valide, par exemple prenom.nom@exemple.fr."},
            "legal_basis": {"required": "Indiquez la base légale qui vous autorise à garder ces coordonnées."},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["legal_basis"].choices = Contact.LegalBasis.choices


class ContactCreationForm(ContactForm):
    creation_token = CreationTokenField()


class ContactEditForm(VersionedFormMixin, ContactForm):
    def save(self, *, by):
        """Save the edit unless someone changed (or erased) the person since this form was read; then raise
        EditConflict."""
        return save_if_unchanged(self.instance, self._meta.fields, self.cleaned_data["version"], by=by)


class InvolvementForm(forms.ModelForm):
    """An organisation of the directory in a project: its role, the period, and what it brings."""

    organization = OrganizationField(
        error_messages={
            "required": "Indiquez l'organisation : son nom ou son SIREN, tel qu'il figure dans l'annuaire."
        }
    )

    amount = FrenchDecimalField(
        label="Montant (€)",
        required=False,
        min_value=0,
        max_digits=12,
        decimal_places=2,
        help_text="En euros, par exemple 15 000 ou 2 500,50. Lisible de votre structure seulement.",
        error_messages={
            "invalid": "Saisissez un montant en euros, par exemple 15 000 ou 2 500,50.",
            "min_value": "Un montant ne peut pas être négatif.",
        },
    )
    creation_token = CreationTokenField()

    class Meta:
        model = Involvement
        fields = ["organization", "role", "started_on", "ended_on", "contribution_kind", "amount", "comment"]
        widgets = {"started_on": DateInput, "ended_on": DateInput}
        labels = {"contribution_kind": "Nature de la contribution"}
        help_texts = {
            "started_on": "Le début de son implication.",
            "ended_on": "La fin de son implication, si elle est connue.",
            "contribution_kind": "Obligatoire pour une contribution chiffrée.",
            "comment": "Par exemple, l'objet de la subvention. Lisible de votre structure seulement.",
        }
        error_messages = {"role": {"required": "Indiquez le rôle de l'organisation dans le projet."}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [("", "—"), *Involvement.Role.choices]
        self.fields["contribution_kind"].choices = [("", "Aucune"), *Involvement.ContributionKind.choices]

    def clean(self):
        cleaned_data = super().clean()
        amount, kind = cleaned_data.get("amount"), cleaned_data.get("contribution_kind")
        if amount is not None and not kind:
            self.add_error("contribution_kind", "Indiquez la nature de la contribution chiffrée.")
        started_on, ended_on = cleaned_data.get("started_on"), cleaned_data.get("ended_on")
        if started_on and ended_on and ended_on < started_on:
            self.add_error("ended_on", "La fin de la période précède son début.")
        organization, role = cleaned_data.get("organization"), cleaned_data.get("role")
        same = Involvement.objects.filter(project=self.instance.project, organization=organization, role=role)
        if role == Involvement.Role.FUNDER:
            # A funder may bring a grant and a loan: once per kind of contribution.
            same = same.filter(contribution_kind=kind or "")
        if organization and role and same.exists():
            self.add_error(
                "role",
                f"« {organization.name} » est déjà « {Involvement.Role(role).label} » de ce projet : "
                "choisissez un autre rôle, ou retirez d'abord celui-ci.",
            )
        return cleaned_data
