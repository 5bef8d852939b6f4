"""The territory of a need or a project, chosen without JavaScript: a département among the structure's, then
optionally an EPCI of that département and communes typed by name."""

import re

from django import forms
from django.core.exceptions import ValidationError

from fabrique.search import fold
from territories.models import EPCI, Commune, Department

INSEE_CODE = re.compile(r"^(\d[\dAB]\d{3})$", re.IGNORECASE)


class EPCIChoiceField(forms.ModelChoiceField):
    """EPCI grouped by département in <optgroup>s (an EPCI spanning two départements appears under each)."""

    def __init__(self, departments, **kwargs):
        departments = list(departments)
        super().__init__(
            queryset=EPCI.objects.filter(communes__department__in=departments).distinct().order_by("name"),
            required=False,
            label="EPCI",
            help_text="L'intercommunalité concernée, dans le département choisi.",
            **kwargs,
        )
        memberships = (
            EPCI.objects.filter(communes__department__in=departments)
            .values_list("code", "name", "communes__department")
            .distinct()
            .order_by("communes__department", "name")
        )
        groups = {department.pk: [] for department in departments}
        for code, name, department_code in memberships:
            groups[department_code].append((code, name))
        self.choices = [("", "—")] + [
            (str(department), groups[department.pk]) for department in departments if groups[department.pk]
        ]


class CommunesField(forms.CharField):
    """Communes typed by name or INSEE code, one per line or separated by commas; resolved by `resolve_communes`."""

    widget = forms.Textarea(attrs={"rows": 3})

    def __init__(self, **kwargs):
        kwargs.setdefault("label", "Communes")
        kwargs.setdefault(
            "help_text",
            "Les noms des communes concernées, séparés par des virgules ou un par ligne "
            "(ou leur code INSEE quand deux communes portent le même nom).",
        )
        super().__init__(required=False, **kwargs)

    def prepare_value(self, value):
        """Show communes already chosen by name, so that an edit form reads as it was typed."""
        if isinstance(value, list | tuple) and value and not isinstance(value[0], str):
            return ", ".join(commune.name if isinstance(commune, Commune) else str(commune) for commune in value)
        return value


def split_names(text):
    return [name.strip() for name in re.split(r"[,\n;]", text or "") if name.strip()]


def resolve_communes(text, department, epci=None):
    """Return the communes of `department` (and of `epci` if given) named in `text`, or raise ValidationError
    listing each unknown or ambiguous name."""
    names = split_names(text)
    if not names:
        return []
    candidates = Commune.objects.filter(department=department).select_related("epci")
    by_code = {commune.code: commune for commune in candidates}
    by_name = {}
    for commune in by_code.values():
        by_name.setdefault(fold(commune.name), []).append(commune)
    found, errors = [], []
    for name in names:
        if INSEE_CODE.match(name):
            matches = [by_code[name.upper()]] if name.upper() in by_code else []
        else:
            matches = by_name.get(fold(name), [])
        if not matches:
            errors.append(f"« {name} » n'est pas une commune du département {department}.")
        elif len(matches) > 1:
            codes = ", ".join(commune.code for commune in matches)
            errors.append(f"Plusieurs communes s'appellent « {name} » : indiquez son code INSEE ({codes}).")
        elif epci and matches[0].epci_id != epci.pk:
            errors.append(f"{matches[0].name} ne fait pas partie de {epci.name}.")
        elif matches[0] not in found:
            found.append(matches[0])
    if errors:
        raise ValidationError(errors)
    return found


# A commune as the pages show it: « Rennes (35238) ».
NAMED_INSEE_CODE = re.compile(r"^.*\((\d[\dAB]\d{3})\)$", re.IGNORECASE)


def resolve_commune(text):
    """Return the commune of France named in `text` (its name, its INSEE code, or both as « Rennes (35238) »), or
    None if `text` is blank; raise ValidationError if it names no commune or several."""
    text = (text or "").strip()
    if not text:
        return None
    code = None
    if INSEE_CODE.match(text):
        code = text.upper()
    elif match := NAMED_INSEE_CODE.match(text):
        code = match.group(1).upper()
    if code:
        commune = Commune.objects.filter(code=code).select_related("department").first()
        if commune is None:
            raise ValidationError(f"Aucune commune n'a le code INSEE {code}.")
        return commune
    matches = list(Commune.objects.filter(name__fold=fold(text)).select_related("department").order_by("code")[:10])
    if not matches:
        raise ValidationError(
            f"« {text} » n'est pas le nom d'une commune : vérifiez l'orthographe, ou indiquez son code INSEE."
        )
    if len(matches) > 1:
        choices = ", ".join(f"{commune.code} dans le département {commune.department}" for commune in matches)
        raise ValidationError(f"Plusieurs communes s'appellent « {text} » : indiquez son code INSEE ({choices}).")
    return matches[0]


class TerritoryFormMixin:
    """For a ModelForm with `department`, `epci` and `communes` fields: limit the choices to the départements of
    `structure`, and check that the EPCI and the communes lie in the chosen département.

    Call `self.setup_territory(structure)` from `__init__`; the form's `communes` field is a CommunesField.
    """

    def setup_territory(self, structure):
        departments = Department.objects.filter(structures=structure).order_by("code")
        self.fields["department"].queryset = departments
        self.fields["department"].empty_label = None if len(departments) == 1 else "—"
        self.fields["epci"] = EPCIChoiceField(departments)
        self.fields["communes"] = CommunesField()

    def clean(self):
        cleaned_data = super().clean()
        department, epci = cleaned_data.get("department"), cleaned_data.get("epci")
        if department and epci and not epci.communes.filter(department=department).exists():
            self.add_error("epci", f"{epci.name} n'a aucune commune dans le département {department}.")
            epci = None
        if department:
            try:
                cleaned_data["communes"] = resolve_communes(
                    self.data.get(self.add_prefix("communes")), department, epci
                )
            except ValidationError as error:
                self.add_error("communes", error)
        return cleaned_data
