"""The import of organisations into the partner directory, shared by the whole network: matched by SIREN, or
failing one, by name; the directory's history is the admin's log."""

import re

from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from fabrique.validators import validate_siren, validate_siret
from imports.columns import IMPORTABLE_ORGANIZATION_KINDS, ORGANIZATIONS, header_key
from imports.reading import cell_text
from imports.rows import (
    BATCH_SIZE,
    ERROR,
    NEW,
    UNCHANGED,
    UPDATED,
    RowChecker,
    RowResult,
    lock_unchanged_since_read,
    origin,
)
from partners.models import GOVERNED_FIELD, Organization, OrganizationKind, comparable_name
from territories.forms import commune_key, commune_parts
from territories.models import Commune


class OrganizationImporter:
    """Organisations of the shared directory: matched by SIREN, or failing one, by the very same name."""

    kind = ORGANIZATIONS
    fields = ("name", "kind", "siren", "siret", "website", "commune")
    field_names = {
        "name": "nom",
        "kind": "type",
        "siren": "SIREN",
        "siret": "SIRET",
        "website": "site web",
        "commune": "commune du siège",
    }

    def __init__(self, user, present):
        # An empty cell keeps what the directory holds, as a missing column does: `present` changes nothing here.
        self.user = user
        organizations = list(Organization.objects.all())
        self.by_siren = {organization.siren: organization for organization in organizations if organization.siren}
        self.by_name = {}
        for organization in organizations:
            self.by_name.setdefault(comparable_name(organization.name), []).append(organization)
        self.seen = {}
        self.communes_by_code = {}
        self.communes_by_name = {}

    def prepare(self, raws):
        """Read at once the communes the rows name (two queries, whatever the number of rows)."""
        codes, names = set(), set()
        for raw in raws:
            code, name, _department = commune_parts(cell_text(raw.get("commune")))
            if code:
                codes.add(code)
            elif name:
                names.add(commune_key(name))
        if codes:
            communes = Commune.objects.filter(code__in=codes).select_related("department")
            self.communes_by_code = {commune.code: commune for commune in communes}
        if names:
            communes = Commune.objects.filter(name__squash__in=names).select_related("department").order_by("code")
            for commune in communes:
                self.communes_by_name.setdefault(commune_key(commune.name), []).append(commune)

    def commune(self, text):
        """Return the commune named by its INSEE code, its name, or its name and département (« Saint-Malo (35) »),
        with the messages of territories.forms.resolve_commune."""
        code, name, department = commune_parts(text)
        if code:
            if code not in self.communes_by_code:
                raise ValueError(f"Commune du siège : aucune commune n'a le code INSEE {code}.")
            return self.communes_by_code[code]
        matches = self.communes_by_name.get(commune_key(name), [])
        if department:
            matches = [commune for commune in matches if commune.department_id == department]
        if not matches:
            where = f" du département {department}" if department else ""
            raise ValueError(
                f"Commune du siège : « {name} » n'est pas le nom d'une commune{where} : vérifiez l'orthographe, ou "
                "indiquez son code INSEE."
            )
        if len(matches) > 1:
            choices = ", ".join(
                f"{commune.code} dans le département {commune.department.name}" for commune in matches[:10]
            )
            raise ValueError(
                f"Commune du siège : plusieurs communes s'appellent « {name} » : indiquez son code INSEE ({choices})."
            )
        return matches[0]

    def check(self, line, raw):
        result = RowResult(line=line)
        row = RowChecker(raw, self.kind)
        name = row.text("name", max_length=200)
        result.label = name
        kind_text = cell_text(raw.get("kind"))
        kind = None
        collectivite_labels = {header_key(OrganizationKind(value).label) for value in GOVERNED_FIELD}
        if kind_text and header_key(kind_text) in collectivite_labels | {"collectivite"}:
            row.errors.append(
                "Type : les collectivités ne s'importent pas ; ajoutez-les depuis l'annuaire (« Ajouter une "
                "collectivité »), qui les reprend des données de référence avec leur territoire."
            )
        else:
            kind = row.choice("kind", OrganizationKind, allowed=IMPORTABLE_ORGANIZATION_KINDS)
        siren = re.sub(r"\s", "", cell_text(raw.get("siren")))
        siret = re.sub(r"\s", "", cell_text(raw.get("siret")))
        if siren:
            row.attempt(validate_siren, siren)
        if siret:
            row.attempt(validate_siret, siret)
            if not siren:
                siren = siret[:9]
            elif not siret.startswith(siren):
                row.errors.append(f"SIRET : {siret} ne commence pas par le SIREN {siren}.")
        website = cell_text(raw.get("website"))
        if website:
            try:
                URLValidator(schemes=["http", "https"])(website)
            except ValidationError:
                row.errors.append(f"Site web : « {website} » n'est pas une adresse complète, commençant par https://.")
        commune_text = cell_text(raw.get("commune"))
        commune = row.attempt(self.commune, commune_text) if commune_text else None
        result.values = {"name": name, "kind": kind, "siren": siren, "siret": siret, "website": website}
        result.values["commune"] = commune
        self.match(row, result)
        result.errors = row.errors
        if result.errors:
            result.outcome = ERROR
        else:
            self.compare(result)
        return result

    def match(self, row, result):
        siren, name = result.values["siren"], result.values["name"]
        key = ("siren", siren) if siren else ("name", comparable_name(name))
        if key in self.seen:
            row.errors.append(f"Cette organisation figure déjà à la ligne {self.seen[key]}.")
            return
        self.seen[key] = result.line
        if siren:
            existing = self.by_siren.get(siren)
        else:
            named = self.by_name.get(comparable_name(name), []) if name else []
            if len(named) > 1:
                row.errors.append(
                    f"Plusieurs organisations de l'annuaire s'appellent « {name} » : indiquez le SIREN de celle-ci."
                )
                return
            existing = named[0] if named else None
            if existing:
                # The same name but for its noise words (« Association La Cagette »): the directory's spelling stays.
                result.values["name"] = existing.name
        if existing and existing.is_collectivite:
            row.errors.append(
                f"« {existing.name} » est une collectivité de l'annuaire, tenue d'après les données de référence : "
                "retirez cette ligne du fichier."
            )
            return
        result.existing = existing

    def compare(self, result):
        existing, values = result.existing, result.values
        if existing is None:
            result.outcome = NEW
            return
        # The directory is shared: an empty cell keeps what the directory holds.
        current = {name: getattr(existing, name) for name in self.fields if name != "commune"}
        current["commune"] = existing.commune_id
        wanted = {**values, "commune": values["commune"].pk if values["commune"] else None}
        changes = [
            self.field_names[name]
            for name in self.fields
            if wanted[name] not in ("", None) and current[name] != wanted[name]
        ]
        result.changes = changes
        result.outcome = UPDATED if changes else UNCHANGED

    def write_all(self, results, *, by, filename, now):
        new = [result for result in results if result.outcome == NEW]
        organizations = [Organization(**result.values, created_by=by, created_at=now) for result in new]
        Organization.objects.bulk_create(organizations, batch_size=BATCH_SIZE)
        entries = [
            (organization, ADDITION, f"Importée depuis le tableur. {origin(filename, result.line)}")
            for organization, result in zip(organizations, new, strict=True)
        ]
        entries += self.update_all([result for result in results if result.outcome == UPDATED], filename=filename)
        # The directory's history is the admin's: who, when, and here from which file.
        content_type = ContentType.objects.get_for_model(Organization)
        LogEntry.objects.bulk_create(
            [
                LogEntry(
                    user=by,
                    content_type=content_type,
                    object_id=str(organization.pk),
                    object_repr=str(organization)[:200],
                    action_flag=flag,
                    change_message=message,
                    action_time=now,
                )
                for organization, flag, message in entries
            ],
            batch_size=BATCH_SIZE,
        )

    def update_all(self, results, *, filename):
        """Write the cells the file fills in, in batches; return the entries of the directory's history."""
        if not results:
            return []
        organizations = [result.existing for result in results]
        lock_unchanged_since_read(Organization, organizations)
        for result in results:
            for name in self.fields:
                if result.values[name] not in ("", None):
                    setattr(result.existing, name, result.values[name])
            result.existing.version += 1
        Organization.objects.bulk_update(organizations, [*self.fields, "version"], batch_size=BATCH_SIZE)
        return [
            (
                result.existing,
                CHANGE,
                f"Mise à jour depuis le tableur ({', '.join(result.changes)}). {origin(filename, result.line)}",
            )
            for result in results
        ]
