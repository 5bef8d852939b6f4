import uuid

from axes.utils import reset as reset_failed_logins
from django import forms
from django.contrib.auth import forms as auth_forms
from django.forms.renderers import TemplatesSetting

from fabrique.models import User
from fabrique.templatetags.french import french_number
from partners.models import Organization


class BoundField(forms.BoundField):
    """A field as every form of the platform shows it: a text field says its length limit in its help text, since
    the browser stops the input there (`maxlength`) and the server refuses anything longer."""

    def __init__(self, form, field, name):
        super().__init__(form, field, name)
        limit = getattr(field, "max_length", None)
        if limit and not self.is_hidden and not isinstance(field, forms.EmailField):
            limit_text = f"{french_number(limit)}\u00a0caractères au plus."
            self.help_text = f"{self.help_text} {limit_text}" if self.help_text else limit_text


class FormRenderer(TemplatesSetting):
    """Our templates (templates/django/forms/) and our bound field."""

    bound_field_class = BoundField

    def render(self, template_name, context, request=None):
        # A form says « tous les champs sont obligatoires » unless its `get_context` says that the page has said so.
        return super().render(template_name, {"required_note": True} | context, request)


class LoginForm(auth_forms.AuthenticationForm):
    """Sign in with an e-mail address; one message whether the address is unknown or the password wrong."""

    username = forms.EmailField(
        label="Adresse e-mail", widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"})
    )
    error_messages = {
        "invalid_login": "Adresse e-mail ou mot de passe incorrect.",
        "inactive": "Adresse e-mail ou mot de passe incorrect.",
    }

    def clean_username(self):
        # Lowercase before authenticating: django-axes counts failures per address as typed, and
        # "Alice@…" and "alice@…" must not be two allowances of attempts.
        return self.cleaned_data["username"].lower()


class PasswordResetForm(auth_forms.PasswordResetForm):
    email = forms.EmailField(
        label="Adresse e-mail", max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )

    def get_users(self, email):
        """Return the active accounts with this address, including invited ones that have no password yet.

        Django leaves out accounts without a usable password (they sign in elsewhere); here such an account
        is one whose invitation has not been used yet, and a reset link is how its owner gets a new one.
        """
        return User.objects.filter(email__iexact=email, is_active=True)


class SetPasswordForm(auth_forms.SetPasswordForm):
    def save(self, commit=True):
        """Set the password and lift any sign-in throttling, so that the person can sign in at once."""
        user = super().save(commit=commit)
        if commit:
            reset_failed_logins(username=user.email)
        return user


class UserAdminForm(forms.ModelForm):
    """An account as the administrators edit it: a révélateur works in a structure, a collectivité account
    belongs to a collectivité, and no one else has either."""

    class Meta:
        model = User
        fields = ["email", "first_name", "last_name", "role", "structure", "organization", "is_active"]
        error_messages = {"email": {"unique": "Un compte existe déjà avec cette adresse e-mail."}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Avise staff read an account without its fields: the admin shows them as text.
        if "organization" in self.fields:
            self.fields["organization"].queryset = Organization.objects.collectivites()

    def clean(self):
        cleaned_data = super().clean()
        role = cleaned_data.get("role")
        structure, organization = cleaned_data.get("structure"), cleaned_data.get("organization")
        if role == User.Role.REVELATEUR and structure is None:
            self.add_error("structure", "Choisissez la structure de ce révélateur.")
        elif role and role != User.Role.REVELATEUR and structure is not None:
            self.add_error("structure", "Seul un révélateur appartient à une structure : laissez ce champ vide.")
        if role == User.Role.COLLECTIVITE and organization is None:
            self.add_error("organization", "Choisissez la collectivité de ce compte.")
        elif role and role != User.Role.COLLECTIVITE and organization is not None:
            self.add_error(
                "organization", "Seul un compte collectivité est rattaché à une collectivité : laissez ce champ vide."
            )
        return cleaned_data


class InvitationForm(UserAdminForm):
    """A new account, without a password: the person chooses it from the invitation e-mail."""

    class Meta(UserAdminForm.Meta):
        fields = ["email", "first_name", "last_name", "role", "structure", "organization"]


# What a person reads when a hidden field comes back missing or altered: nothing they can mend in the form.
RELOAD_MESSAGE = "Le formulaire envoyé est incomplet : rechargez la page et recommencez."
RELOAD_ERRORS = {"required": RELOAD_MESSAGE, "invalid": RELOAD_MESSAGE, "min_value": RELOAD_MESSAGE}


class CreationTokenField(forms.UUIDField):
    """A random token drawn when the creation form is shown: submitting the form twice creates one row."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        super().__init__(initial=uuid.uuid4, error_messages=RELOAD_ERRORS, **kwargs)


class Suggesting:
    """For a text widget that `static/js/suggest.js` enhances with the names `source` (a URL answering `?q=…` with
    JSON) suggests; without JavaScript, the field stays as it is and the server resolves what was typed."""

    def __init__(self, source, attrs=None):
        super().__init__(attrs)
        self.source = source

    @property
    def media(self):
        return forms.Media(js=[forms.Script("js/suggest.js", defer=True)])

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"] |= {"data-suggest": str(self.source), "autocomplete": "off", "spellcheck": "false"}
        return context


class SuggestInput(Suggesting, forms.TextInput):
    """A text input turned into a combobox of suggestions (see `Suggesting`)."""


class SuggestTextarea(Suggesting, forms.Textarea):
    """A text area of several names, each completed from suggestions (see `Suggesting`)."""
