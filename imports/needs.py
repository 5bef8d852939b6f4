"""The import of needs: one row per need of the importer's structure."""

from fabrique.fields import LONG_TEXT, SHORT_TEXT
from imports.columns import NEED_STATUSES, NEEDS, header_key
from imports.reading import cell_text
from imports.rows import ERROR, RowChecker, RowResult
from imports.territorial import TerritorialImporter
from needs.models import NEED_SOURCE_ALIASES, Need, NeedEvent, NeedSource, NeedStatus, TerritoryKind


class NeedImporter(TerritorialImporter):
    """Needs of the importer's structure; a new need may be detected, qualified, on hold or dismissed."""

    kind = NEEDS
    model = Need
    noun = "besoin"
    simple_fields = (
        "reference",
        "title",
        "description",
        "source",
        "source_detail",
        "target_public",
        "territory_kind",
        "detected_on",
    )
    field_names = {
        "reference": "référence",
        "title": "intitulé",
        "description": "description",
        "source": "origine",
        "source_detail": "précision sur l'origine",
        "target_public": "public concerné",
        "territory_kind": "type de territoire",
        "detected_on": "date de détection",
    }

    def check(self, line, raw):
        result = RowResult(line=line)
        row = RowChecker(raw, self.kind)
        reference = self.check_reference(row, result)
        existing = result.existing
        values = {
            "reference": reference,
            "title": row.text("title", max_length=200),
            "description": row.text("description", max_length=LONG_TEXT),
            "themes": row.attempt(self.lookups.themes_named, cell_text(raw.get("themes"))),
            "source": row.choice("source", NeedSource, aliases=NEED_SOURCE_ALIASES),
            "source_detail": row.text("source_detail", max_length=200),
            "target_public": row.text("target_public", max_length=200),
            **self.check_territory(row, existing),
            "territory_kind": row.choice("territory_kind", TerritoryKind, default=""),
            "detected_on": row.date("detected_on"),
        }
        if existing:
            self.keep_what_the_file_leaves_out(row, values, existing)
        result.label = self.label(reference, values, existing)
        status_text = cell_text(raw.get("status"))
        reason = row.text("status_reason", max_length=SHORT_TEXT)
        if existing:
            status = row.choice("status", NeedStatus, default=existing.status)
            if status and status != existing.status:
                row.errors.append(
                    f"Statut : ce besoin est « {existing.get_status_display()} » dans la Fabrique et "
                    f"« {NeedStatus(status).label} » dans le fichier ; un changement de statut se fait depuis la page "
                    "du besoin, où il est tracé."
                )
        else:
            allowed = NEED_STATUSES
            if status_text and header_key(status_text) == header_key(NeedStatus.IN_STUDY.label):
                row.errors.append(
                    "Statut : un besoin « En étude » ne s'importe pas ; importez-le « Qualifié », puis ouvrez son "
                    "étude depuis la Fabrique."
                )
                status = None
            else:
                status = row.choice("status", NeedStatus, default=NeedStatus.DETECTED, allowed=allowed)
            if status in (NeedStatus.ON_HOLD, NeedStatus.DISMISSED) and not reason:
                row.errors.append(f"Motif : obligatoire pour un besoin « {NeedStatus(status).label} ».")
            values["status"] = status
            values["status_reason"] = reason if status in (NeedStatus.ON_HOLD, NeedStatus.DISMISSED) else ""
        result.values = values
        result.errors = row.errors
        if not result.errors:
            self.compare(result)
        else:
            result.outcome = ERROR
        return result

    def new_fields(self, values):
        return {name: value for name, value in values.items() if name not in ("themes", "communes")}

    def history(self, need, *, by, now, comment):
        return NeedEvent(
            need=need, kind=NeedEvent.Kind.IMPORTED, to_status=need.status, comment=comment, by=by, at=now
        )
