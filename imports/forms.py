from django import forms

from imports.columns import KINDS
from imports.reading import MAX_SIZE


class UploadForm(forms.Form):
    kind = forms.ChoiceField(
        label="Ce que contient le fichier",
        choices=[(kind.slug, kind.label.capitalize()) for kind in KINDS.values()],
        widget=forms.RadioSelect,
        error_messages={"required": "Indiquez ce que contient le fichier."},
    )
    file = forms.FileField(
        label="Fichier à importer",
        help_text="Un fichier .xlsx, ou .csv (UTF-8 ou Windows-1252, séparé par des points-virgules ou des "
        "virgules) ; 5 Mo et 10 000 lignes au plus.",
        error_messages={"required": "Choisissez le fichier à importer.", "empty": "Ce fichier est vide."},
    )

    def clean_file(self):
        file = self.cleaned_data["file"]
        if file.size > MAX_SIZE:
            raise forms.ValidationError(
                "Ce fichier dépasse 5 Mo : découpez-le en plusieurs fichiers de 10 000 lignes au plus."
            )
        return file
