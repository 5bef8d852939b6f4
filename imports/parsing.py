"""Turn the text of a cell into a value of the Fabrique, or raise ValueError with a French message.

Reference data (themes, départements, EPCI, communes) is read once per file into a `Lookups`, so that checking
10,000 rows costs a handful of queries, not several per row.
"""

import datetime
import difflib
import functools
import re

from django.utils import timezone

from fabrique.search import fold
from needs.models import Theme
from territories.forms import NAMED_DEPARTMENT, commune_key, commune_parts, split_names
from territories.models import EPCI, Commune, Department

# A date, possibly followed by a midnight time that a spreadsheet added when saving a date cell as text.
TIME = r"(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?"
ISO_DATE = re.compile(rf"^(\d{{4}})-(\d{{1,2}})-(\d{{1,2}}){TIME}$")
FRENCH_DATE = re.compile(rf"^(\d{{1,2}})/(\d{{1,2}})/(\d{{4}}){TIME}$")
DEPARTMENT_CODE = re.compile(r"^(\d[\dAB]|\d{3})$", re.IGNORECASE)
# What separates the words of a theme's name besides spaces: hyphens (and their typographic forms), apostrophes.
THEME_SEPARATORS = re.compile(r"[-\u2010\u2011\u2013'\u2019\u02bc]")


def theme_key(name):
    """Return how a theme's name compares: « Enfance-jeunesse », « enfance  jeunesse » and « ENFANCE – JEUNESSE »
    alike, without case, accents, hyphens, apostrophes nor repeated spaces."""
    return " ".join(THEME_SEPARATORS.sub(" ", fold(name or "")).split())


def parse_date(value, *, label):
    """Return the date of a cell: a date cell, « JJ/MM/AAAA » or « AAAA-MM-JJ »; never in the future."""
    if isinstance(value, datetime.datetime):
        day = value.date()
    elif isinstance(value, datetime.date):
        day = value
    else:
        text = str(value).strip()
        if match := FRENCH_DATE.match(text):
            numbers = int(match[3]), int(match[2]), int(match[1])
        elif match := ISO_DATE.match(text):
            numbers = int(match[1]), int(match[2]), int(match[3])
        else:
            raise ValueError(f"{label} : « {text} » n'est pas une date au format JJ/MM/AAAA ou AAAA-MM-JJ.")
        try:
            day = datetime.date(*numbers)
        except ValueError:
            raise ValueError(f"{label} : le {text} n'existe pas dans le calendrier.") from None
    if day > timezone.localdate():
        raise ValueError(f"{label} : le {day:%d/%m/%Y} est à venir ; l'import reprend des faits passés.")
    if day.year < 1990:
        raise ValueError(f"{label} : le {day:%d/%m/%Y} est trop ancien ; vérifiez l'année.")
    return day


def parse_choice(text, choices, *, label, default=None, allowed=None, aliases=None):
    """Return the stored value of a choice named by its French label, its code or one of its `aliases` (an older
    label: {label: value}), ignoring case and accents."""
    if not text:
        if default is None:
            raise ValueError(f"{label} : cette colonne est obligatoire.")
        return default
    value = choice_keys(choices).get(folded(text))
    if value is None and aliases:
        value = next((value for alias, value in aliases.items() if fold(alias) == folded(text)), None)
    if value is not None and (allowed is None or value in allowed):
        return value
    allowed = list(allowed or choices.values)
    expected = ", ".join(f"« {choices(value).label} »" for value in allowed)
    raise ValueError(f"{label} : « {text} » n'est pas une valeur possible ; valeurs acceptées : {expected}.")


@functools.lru_cache(maxsize=1024)
def folded(text):
    """Return fold(text), remembered: the cells of a column of choices repeat the same few texts."""
    return fold(text)


@functools.cache
def choice_keys(choices):
    """Return {folded French label or code: stored value} of a class of choices, computed once (10,000 rows read
    three choices each)."""
    keys = {}
    # The first choice that a text names wins, as a reader going down the list would find it.
    for value, name in reversed(choices.choices):
        keys[fold(value)] = value
        keys[fold(str(name))] = value
    return keys


class Lookups:
    """The reference data a file is checked against, read once: themes, départements, EPCI and communes."""

    def __init__(self, structure):
        # Should a retired theme and a theme in use compare alike, the one in use wins (it comes last).
        themes = sorted(Theme.objects.all(), key=lambda theme: theme.is_active)
        self.themes = {theme_key(theme.name): theme for theme in themes}
        # A retired theme still matches its name (old rows used it); only the themes in use are suggested.
        self.active_theme_names = {key: theme.name for key, theme in self.themes.items() if theme.is_active}
        self.departments = {department.code: department for department in Department.objects.all()}
        self.departments_by_name = {fold(department.name): department for department in self.departments.values()}
        self.structure = structure
        self.covered = set(structure.departments.values_list("code", flat=True))
        communes = Commune.objects.filter(department__in=self.covered).order_by("code")
        self.communes = {commune.code: commune for commune in communes}
        self.communes_by_name = {}
        for commune in self.communes.values():
            self.communes_by_name.setdefault((commune.department_id, commune_key(commune.name)), []).append(commune)
        epci_codes = {commune.epci_id for commune in self.communes.values() if commune.epci_id}
        self.epcis = {epci.code: epci for epci in EPCI.objects.filter(code__in=epci_codes)}
        self.epcis_by_name = {}
        for epci in self.epcis.values():
            self.epcis_by_name.setdefault(fold(epci.name), []).append(epci)
        self.epci_departments = {(commune.epci_id, commune.department_id) for commune in self.communes.values()}

    def themes_named(self, text):
        """Return the themes named in `text` (separated by commas), or raise ValueError naming the unknown ones."""
        names = split_names(text)
        if not names:
            raise ValueError("Thèmes : indiquez au moins un thème.")
        found, errors = [], []
        for name in names:
            theme = self.themes.get(theme_key(name))
            if theme is None:
                close = difflib.get_close_matches(theme_key(name), list(self.active_theme_names), n=1, cutoff=0.6)
                hint = f" : vouliez-vous dire « {self.active_theme_names[close[0]]} » ?" if close else "."
                errors.append(f"Thème inconnu « {name} »{hint}")
            elif theme not in found:
                found.append(theme)
        if errors:
            raise ValueError(" ".join(errors))
        return found

    def department(self, text):
        """Return the département named by its code, its name, or both (« Ille-et-Vilaine (35) »), if the
        structure covers it."""
        text = (text or "").strip()
        if not text:
            raise ValueError("Département : cette colonne est obligatoire.")
        if DEPARTMENT_CODE.match(text):
            department = self.departments.get(text.upper().zfill(2))
        elif match := NAMED_DEPARTMENT.match(text):
            department = self.departments.get(match[2].upper())
        else:
            department = self.departments_by_name.get(fold(text))
        if department is None:
            raise ValueError(f"Département inconnu : « {text} ».")
        if department.code not in self.covered:
            covered = ", ".join(sorted(self.covered)) or "aucun"
            raise ValueError(
                f"Le département {department} n'est pas couvert par votre structure "
                f"({self.structure.name} : {covered})."
            )
        return department

    def epci(self, text, department):
        text = (text or "").strip()
        if not text:
            return None
        compact = re.sub(r"\s", "", text)
        if compact.isdigit():
            matches = [self.epcis[compact]] if compact in self.epcis else []
        else:
            matches = self.epcis_by_name.get(fold(text), [])
        matches = [epci for epci in matches if (epci.code, department.code) in self.epci_departments]
        if not matches:
            raise ValueError(f"EPCI : « {text} » n'est pas une intercommunalité du département {department}.")
        return matches[0]

    def communes_named(self, text, department, epci=None):
        """Return the communes of `department` named in `text` by INSEE code or name (the same rules and messages
        as territories.forms.resolve_communes, on data read once)."""
        found, errors = [], []
        for name in split_names(text):
            code, wanted, named_department = commune_parts(name)
            if named_department and named_department != department.code:
                wanted = name  # « Saint-Malo (22) » names no commune of this département
            if code:
                commune = self.communes.get(code)
                matches = [commune] if commune and commune.department_id == department.code else []
            else:
                matches = self.communes_by_name.get((department.code, commune_key(wanted)), [])
            if not matches:
                errors.append(f"Commune inconnue : « {name} » n'est pas une commune du département {department}.")
            elif len(matches) > 1:
                codes = ", ".join(commune.code for commune in matches)
                errors.append(f"Plusieurs communes s'appellent « {name} » : indiquez son code INSEE ({codes}).")
            elif epci and matches[0].epci_id != epci.code:
                errors.append(f"{matches[0].name} ne fait pas partie de {epci.name}.")
            elif matches[0] not in found:
                found.append(matches[0])
        if errors:
            raise ValueError(" ".join(errors))
        return found
