"""The territory of a need or a project, chosen without JavaScript: a département among the structure's, then
optionally an EPCI of that département and communes typed by name."""

import difflib
import re
from urllib.parse import urlencode

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse_lazy
from django.utils.text import format_lazy

from fabrique.forms import SuggestTextarea
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
    """Communes typed by name or INSEE code, separated by commas, semicolons, tabs or new lines (cells pasted from a
    spreadsheet); resolved by `resolve_communes`. Where JavaScript runs, the names are suggested as one types, among
    the communes of the département chosen in the field `department_field_id` names, if given."""

    def __init__(self, *, department_field_id=None, **kwargs):
        kwargs.setdefault("label", "Communes")
        kwargs.setdefault(
            "help_text",
            "Les noms des communes concernées, séparés par des virgules ou un par ligne "
            "(ou leur code INSEE quand deux communes portent le même nom).",
        )
        attrs = {"rows": 3, "data-suggest-multiple": ""}
        if department_field_id:
            attrs["data-suggest-with"] = f"departement={department_field_id}"
        source = reverse_lazy("territories:commune_suggestions")
        kwargs.setdefault("widget", SuggestTextarea(source=source, attrs=attrs))
        super().__init__(required=False, **kwargs)

    def suggest_in(self, departments):
        """Suggest only the communes of these départements."""
        codes = urlencode([("departement", department.code) for department in departments])
        self.widget.source = format_lazy("{}?{}", reverse_lazy("territories:commune_suggestions"), codes)

    def prepare_value(self, value):
        """Show communes already chosen by name, so that an edit form reads as it was typed."""
        if isinstance(value, list | tuple) and not (value and isinstance(value[0], str)):
            # None chosen reads as an empty field, not as « [] ».
            return ", ".join(commune.name if isinstance(commune, Commune) else str(commune) for commune in value)
        return value


# What separates the communes of a list: commas, semicolons, tabs and new lines (a column pasted from a spreadsheet).
NAME_SEPARATORS = re.compile(r"[,;\t\r\n]")


# The communes one field may name, and the misses the closest names are looked for: the work a form does stays
# bounded whatever is pasted in it (a département has at most ~900 communes; naming a whole EPCI, choose the EPCI).
MAX_COMMUNES_TYPED = 300
MAX_MISSES_HELPED = 10
# The longest name of a French commune has 45 characters; with its département or code, twice that is plenty.
MAX_COMMUNE_NAME_LENGTH = 100


def split_names(text):
    return [name.strip() for name in NAME_SEPARATORS.split(text or "") if name.strip()]


def typed_communes(text):
    """Return the names of communes typed in `text` (see `split_names`), or raise ValidationError if they are too
    many to be read."""
    names = split_names(text)
    if len(names) > MAX_COMMUNES_TYPED:
        raise ValidationError(
            f"Vous avez indiqué {len(names)} communes : indiquez-en au plus {MAX_COMMUNES_TYPED} (pour toute une "
            "intercommunalité, choisissez plutôt l'EPCI)."
        )
    return names


# A commune as the pages show it: « Rennes (35238) ».
NAMED_INSEE_CODE = re.compile(r"^.*\((\d[\dAB]\d{3})\)$", re.IGNORECASE)
# « Saint-Malo (35) »: a commune name followed by the code of its département.
NAMED_DEPARTMENT = re.compile(r"^(.*\S)\s*\((\d[\dAB]|\d{3})\)$", re.IGNORECASE)
# The abbreviations people type for the words of the official names: « St-Malo », « Ste Anne d'Auray ».
ABBREVIATIONS = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes"}
# How close a name must be to be offered on a miss (difflib's ratio), and how many are offered.
CLOSE_RATIO = 0.75
CLOSE_NAMES_OFFERED = 3
# Of France's 35,000 communes, those a miss is compared with: the names that start as the name typed does.
CLOSE_PREFIX_LENGTH = 3


def commune_parts(text):
    """Return (INSEE code, name, département code) of a commune as it was typed: « 35288 », « Rennes (35238) »,
    « Saint-Malo (35) » or « Saint-Malo »."""
    text = (text or "").strip()
    if INSEE_CODE.match(text):
        return text.upper(), "", ""
    if match := NAMED_INSEE_CODE.match(text):
        return match[1].upper(), "", ""
    if match := NAMED_DEPARTMENT.match(text):
        return "", match[1], match[2].upper()
    return "", text, ""


def commune_words(text):
    """Return the words of a commune's name as typed, folded, abbreviations spelt out: « St-Malo » gives
    ["saint", "malo"]."""
    return [ABBREVIATIONS.get(word, word) for word in re.split(r"[\W_]+", fold(text or "")) if word]


def commune_key(name):
    """Return the key under which names of communes compare: « Bain de Bretagne », « bain-de-bretagne » and
    « BAIN DE BRETAGNE » give « baindebretagne », « St Malo » and « Saint-Malo » give « saintmalo ». For an official
    name, it is what the `squash` lookup gives in the database."""
    return "".join(commune_words(name))


def closest_names(key, communes, limit=CLOSE_NAMES_OFFERED):
    """Return the names of the `communes` closest to `key` (see `commune_key`): the most alike first, then those
    that start as it does, or with which it starts (« Saint-Malo » and « Saint-Malo-de-Phily »)."""
    by_key = {}
    for commune in communes:
        by_key.setdefault(commune_key(commune.name), commune.name)
    close = difflib.get_close_matches(key, by_key, n=limit, cutoff=CLOSE_RATIO)
    if len(key) >= CLOSE_PREFIX_LENGTH + 1:
        close += [other for other in by_key if other.startswith(key) or (len(other) > 3 and key.startswith(other))]
    return [by_key[other] for other in dict.fromkeys(close)][:limit]


def did_you_mean(names, otherwise=""):
    """Return the end of a message offering `names`: « Vouliez-vous dire : Bain-de-Bretagne ? », or `otherwise`."""
    return f" Vouliez-vous dire : {', '.join(names)} ?" if names else otherwise


class CommuneIndex:
    """The communes of a territory, read once, and found by INSEE code or name: each name typed costs no query."""

    def __init__(self, communes):
        self.communes = list(communes)
        self.by_code = {commune.code: commune for commune in self.communes}
        self.by_key = {}
        for commune in self.communes:
            self.by_key.setdefault(commune_key(commune.name), []).append(commune)

    def matching(self, text):
        """Return the communes that `text` names: by INSEE code, name, name and INSEE code, or name and département."""
        code, name, department = commune_parts(text)
        if code:
            return [self.by_code[code]] if code in self.by_code else []
        matches = self.by_key.get(commune_key(name), [])
        return [commune for commune in matches if commune.department_id == department] if department else matches

    def closest_names(self, text):
        return closest_names(commune_key(commune_parts(text)[1] or text), self.communes)


def homonyms_message(text, matches, where=""):
    choices = ", ".join(f"{commune.name} ({commune.code})" for commune in matches)
    return (
        f"Plusieurs communes{where} s'appellent « {text} » : indiquez laquelle par son code INSEE, par exemple "
        f"« {matches[0].name} ({matches[0].code}) ». Ce sont {choices}."
    )


def resolve_communes(text, department, epci=None):
    """Return the communes of `department` (and of `epci` if given) named in `text`, or raise ValidationError
    naming each unknown name with the closest names of the département, and each name several communes bear with
    their INSEE codes."""
    names = typed_communes(text)
    if not names:
        return []
    index = CommuneIndex(Commune.objects.filter(department=department).select_related("epci"))
    found, errors = [], []
    for name in names:
        matches = index.matching(name)
        if not matches:
            errors.append(
                f"« {name} » n'est pas une commune du département {department}."
                + did_you_mean(index.closest_names(name) if len(errors) < MAX_MISSES_HELPED else [])
            )
        elif len(matches) > 1:
            errors.append(homonyms_message(name, matches, where=f" du département {department}"))
        elif epci and matches[0].epci_id != epci.pk:
            errors.append(f"{matches[0].name} ne fait pas partie de {epci.name}.")
        elif matches[0] not in found:
            found.append(matches[0])
    if errors:
        raise ValidationError(errors)
    return found


def resolve_commune(text):
    """Return the commune of France named in `text` (its name, its INSEE code, its name and INSEE code as
    « Rennes (35238) », or its name and département as « Saint-Malo (35) »), or None if `text` is blank; raise
    ValidationError if it names no commune (offering the closest names) or several (listing them)."""
    text = (text or "").strip()
    if not text:
        return None
    if len(text) > MAX_COMMUNE_NAME_LENGTH:
        raise ValidationError("Ce nom est trop long pour celui d'une commune : indiquez son nom, ou son code INSEE.")
    code, name, department = commune_parts(text)
    if code:
        commune = Commune.objects.filter(code=code).select_related("department").first()
        if commune is None:
            raise ValidationError(f"Aucune commune n'a le code INSEE {code}.")
        return commune
    key = commune_key(name)
    communes = Commune.objects.filter(department=department) if department else Commune.objects.all()
    matches = list(communes.filter(name__squash=key).select_related("department").order_by("code")[:10])
    if not matches:
        # The work stays bounded over all of France: only the names starting with the same letters are compared.
        candidates = communes.filter(name__squash__startswith=key[:CLOSE_PREFIX_LENGTH]).only("name")
        where = f" du département {department}" if department else ""
        raise ValidationError(
            f"« {text} » n'est pas le nom d'une commune{where}."
            + did_you_mean(
                closest_names(key, candidates) if key else [], " Vérifiez l'orthographe, ou indiquez son code INSEE."
            )
        )
    if len(matches) > 1:
        choices = " ; ".join(f"{commune.name} ({commune.code}) — {commune.department}" for commune in matches)
        raise ValidationError(
            f"Plusieurs communes s'appellent « {text} » : indiquez son département, par exemple "
            f"« {matches[0].name} ({matches[0].department_id}) », ou son code INSEE. Ce sont {choices}."
        )
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
        self.fields["communes"] = CommunesField(department_field_id=self["department"].auto_id)

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
