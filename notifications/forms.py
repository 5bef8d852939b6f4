from django import forms
from django.db import transaction

from fabrique.models import User
from notifications.models import KINDS_BY_ROLE, Frequency, Preference

EMAIL_TAKEN = "Un compte existe déjà avec cette adresse e-mail."


class AccountForm(forms.ModelForm):
    """A person's own name and e-mail address. Changing the address, with which they sign in and receive every
    message, asks for their current password."""

    current_password = forms.CharField(
        label="Mot de passe actuel",
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text="Demandé seulement pour changer d'adresse e-mail.",
    )

    class Meta:
        model = User
        fields = ["first_name", "last_name", "email"]
        widgets = {
            "first_name": forms.TextInput(attrs={"autocomplete": "given-name"}),
            "last_name": forms.TextInput(attrs={"autocomplete": "family-name"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
        }
        error_messages = {
            "email": {
                "unique": EMAIL_TAKEN,
                "required": "Indiquez votre adresse e-mail.",
                "invalid": "Saisissez une adresse e-mail valide, par exemple prenom.nom@exemple.fr.",
            },
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="account", **kwargs)
        self.initial_email = self.instance.email

    def clean_email(self):
        email = User.objects.normalize_email(self.cleaned_data["email"]).lower()
        if email != self.initial_email and User.objects.filter(email__iexact=email).exclude(pk=self.instance.pk):
            raise forms.ValidationError(EMAIL_TAKEN)
        return email

    def clean(self):
        cleaned_data = super().clean()
        email = cleaned_data.get("email")
        if email and email != self.initial_email:
            password = cleaned_data.get("current_password")
            if not password:
                self.add_error("current_password", "Indiquez votre mot de passe actuel pour changer d'adresse e-mail.")
            elif not self.instance.check_password(password):
                self.add_error("current_password", "Ce mot de passe n'est pas le vôtre : l'adresse n'a pas changé.")
        return cleaned_data

    @property
    def email_changed(self):
        return self.cleaned_data["email"] != self.initial_email


class PreferencesForm(forms.Form):
    """How often the person wants each kind of message their role receives."""

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, prefix="notifications", **kwargs)
        self.user = user
        self.current = Preference.objects.of(user)
        for kind in KINDS_BY_ROLE.get(user.role, []):
            self.fields[kind] = forms.ChoiceField(
                label=kind.label,
                choices=Frequency.choices,
                initial=self.current[kind],
                widget=forms.RadioSelect,
                error_messages={
                    "required": "Choisissez une fréquence.",
                    "invalid_choice": "Choisissez une fréquence.",
                },
            )

    def get_context(self):
        # Shown under the account's own fields, in the same <form>, which already says that every field is required.
        return super().get_context() | {"required_note": False}

    @transaction.atomic
    def save(self):
        """Record the frequencies that changed; return whether any did."""
        changed = {kind: frequency for kind, frequency in self.cleaned_data.items() if frequency != self.current[kind]}
        for kind, frequency in changed.items():
            Preference.objects.update_or_create(user=self.user, kind=kind, defaults={"frequency": frequency})
        return bool(changed)
