"""Every form of the platform renders its fields through templates/django/forms/: labelled, described, accessible."""

import re

from django import forms

from fabrique.concurrency import VersionField
from fabrique.forms import CreationTokenField


class EveryKindOfFieldForm(forms.Form):
    name = forms.CharField(label="Nom", help_text="Tel qu'il figure sur les documents officiels.")
    email = forms.EmailField(label="Adresse e-mail", widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    password = forms.CharField(label="Mot de passe", widget=forms.PasswordInput)
    theme = forms.ChoiceField(label="Thème", choices=[("mobility", "Mobilité"), ("housing", "Habitat")])
    public = forms.BooleanField(label="Visible de tous", required=False, help_text="Dans le Carnet de projets.")
    summary = forms.CharField(label="Résumé", widget=forms.Textarea, required=False)
    opened_on = forms.DateField(label="Ouvert le", widget=forms.DateInput(attrs={"type": "date"}))
    visibility = forms.ChoiceField(
        label="Visibilité", choices=[("internal", "Interne"), ("public", "Public")], widget=forms.RadioSelect
    )

    def clean(self):
        raise forms.ValidationError("Ce projet ne peut pas être enregistré ainsi.")


def html(form):
    return " ".join(str(form).split())


def test_every_kind_of_field_has_a_label_tied_to_its_input():
    content = html(EveryKindOfFieldForm())

    for name, label in [
        ("name", "Nom"),
        ("email", "Adresse e-mail"),
        ("password", "Mot de passe"),
        ("theme", "Thème"),
        ("summary", "Résumé"),
        ("opened_on", "Ouvert le"),
    ]:
        assert re.search(rf'<label for="id_{name}"> {label} ', content), name
    assert (
        '<input type="checkbox" name="public" aria-describedby="id_public_helptext" id="id_public"> '
        '<label for="id_public">Visible de tous</label>'
    ) in content
    assert re.search(r'<fieldset class="form__field" ?> <legend class="form__label"> Visibilité </legend>', content)
    assert '<input type="date" name="opened_on" required id="id_opened_on">' in content


def test_help_text_is_tied_to_its_input():
    content = html(EveryKindOfFieldForm())

    assert '<div class="form__help" id="id_name_helptext">Tel qu\'il figure sur les documents officiels.</div>' in (
        content
    )
    assert 'aria-describedby="id_name_helptext" id="id_name"' in content


def test_optional_fields_say_so_and_the_form_says_the_others_are_required():
    content = html(EveryKindOfFieldForm())

    assert "Sauf mention contraire, tous les champs sont obligatoires." in content
    assert '<label for="id_summary"> Résumé <span class="form__optional">(facultatif)</span> </label>' in content
    assert '<label for="id_name"> Nom </label>' in content


def test_errors_sit_next_to_their_field_and_are_tied_to_it():
    content = html(EveryKindOfFieldForm(data={"email": "pas-une-adresse"}))

    assert '<ul class="form__error" id="id_email_error"> <li>Saisissez une adresse de courriel valide.</li> </ul>' in (
        content
    )
    assert 'aria-invalid="true" aria-describedby="id_email_error" id="id_email"' in content
    assert 'aria-invalid="true" aria-describedby="id_name_helptext id_name_error" id="id_name"' in content
    assert '<select name="theme" aria-invalid="true" aria-describedby="id_theme_error" id="id_theme">' in content
    assert re.search(
        r'<fieldset class="form__field form__field--error"\s+aria-describedby="id_visibility_error">', content
    )
    assert "aria-invalid" not in content.split('id="id_summary"')[0].rsplit("<textarea", 1)[1]


def test_the_form_announces_its_errors_at_the_top_with_links_to_the_fields():
    form = EveryKindOfFieldForm(data={"name": "Épicerie solidaire", "opened_on": "2025-03-01", "visibility": "public"})

    content = html(form)

    summary = content.split('<div class="form__errors" role="alert">')[1].split("</div>")[0]
    assert content.index('role="alert"') < content.index("<label")
    assert "<p>Ce projet ne peut pas être enregistré ainsi.</p>" in summary
    assert '<a href="#id_email">Adresse e-mail : Ce champ est obligatoire.</a>' in summary
    assert '<a href="#id_password">Mot de passe : Ce champ est obligatoire.</a>' in summary
    assert "Nom" not in summary


def test_a_form_without_errors_has_no_error_summary():
    assert 'role="alert"' not in html(EveryKindOfFieldForm())


def test_only_form_level_errors_give_no_list_of_fields():
    form = EveryKindOfFieldForm(
        data={
            "name": "Épicerie solidaire",
            "email": "contact@epicerie.bzh",
            "password": "secret",
            "theme": "mobility",
            "opened_on": "2025-03-01",
            "visibility": "public",
        }
    )

    summary = html(form).split('role="alert">')[1].split("</div>")[0]

    assert summary.strip() == "<p>Ce projet ne peut pas être enregistré ainsi.</p>"


class VersionedForm(forms.Form):
    title = forms.CharField(label="Intitulé")
    version = VersionField()
    creation_token = CreationTokenField()


def test_an_altered_hidden_field_asks_to_reload_the_page_without_naming_the_field():
    content = html(VersionedForm(data={"title": "Garage solidaire", "version": "abc", "creation_token": ""}))

    assert content.count("Le formulaire envoyé est incomplet : rechargez la page et recommencez.") == 2
    assert "masqué" not in content and "version" not in content.split("<input")[0]
