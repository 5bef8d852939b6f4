"""The import of projects: one row per project of the importer's structure, with the COPIL a new project passed
and the dates of its history."""

import datetime

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from fabrique.fields import LONG_TEXT, SHORT_TEXT
from imports.columns import IMPORTABLE_STAGES, IMPORTABLE_VISIBILITIES, PROJECTS
from imports.reading import cell_text
from imports.rows import BATCH_SIZE, ERROR, RowChecker, RowResult, origin
from imports.territorial import TerritorialImporter
from projects.models import CopilDecision, Programme, Project, ProjectEvent, Stage, State, Visibility


class ProjectImporter(TerritorialImporter):
    """Projects of the importer's structure, at the stage and state the file gives, with the COPIL they passed."""

    kind = PROJECTS
    model = Project
    noun = "projet"
    simple_fields = (
        "reference",
        "title",
        "solution_type",
        "internal_summary",
        "public_summary",
        "programme",
        "visibility",
        "published_at",
        "opened_on",
    )
    field_names = {
        "reference": "référence",
        "title": "intitulé",
        "solution_type": "type de solution",
        "internal_summary": "résumé interne",
        "public_summary": "résumé public",
        "programme": "programme",
        "visibility": "visibilité",
        "published_at": "retrait du Carnet de projets",
        "opened_on": "date d'ouverture",
    }

    def records(self):
        # The day of the project's first COPIL, that its opening may not follow: in the same query.
        first_copil = CopilDecision.objects.filter(project=OuterRef("pk")).order_by("decided_on").values("decided_on")
        return Project.objects.annotate(first_copil_on=Subquery(first_copil[:1]))

    def check(self, line, raw):
        result = RowResult(line=line)
        row = RowChecker(raw, self.kind)
        reference = self.check_reference(row, result)
        existing = result.existing
        values = {
            "reference": reference,
            "title": row.text("title", max_length=200),
            "themes": row.attempt(self.lookups.themes_named, cell_text(raw.get("themes"))),
            **self.check_territory(row, existing),
            "solution_type": row.text("solution_type", max_length=100),
            "internal_summary": row.text("internal_summary", max_length=LONG_TEXT),
            "public_summary": row.text("public_summary", max_length=LONG_TEXT),
            "programme": row.choice("programme", Programme, default=Programme.REVELATEUR),
            "visibility": row.choice(
                "visibility",
                Visibility,
                default=Visibility.INTERNAL,
                allowed=[*IMPORTABLE_VISIBILITIES, *([existing.visibility] if existing else [])],
            ),
            "published_at": None,
            "opened_on": row.date("opened_on"),
        }
        if existing:
            self.keep_what_the_file_leaves_out(row, values, existing)
            # As the project's edit form does: a project that stops being public leaves the Carnet de projets.
            public = values["visibility"] == Visibility.PUBLIC
            values["published_at"] = existing.published_at if public else None
            self.check_opening_before_copil(row, values["opened_on"], existing)
        result.label = self.label(reference, values, existing)
        stage = row.choice(
            "stage", Stage, allowed=[*IMPORTABLE_STAGES, *([existing.stage] if existing else [])], default=None
        )
        state = row.choice("state", State, default=existing.state if existing else State.RUNNING)
        reason = row.text("stopped_reason", max_length=SHORT_TEXT)
        if existing:
            if stage and state and (stage, state) != (existing.stage, existing.state):
                row.errors.append(
                    f"Étape et état : ce projet est « {existing.get_stage_display()} », "
                    f"« {existing.get_state_display()} » dans la Fabrique et « {Stage(stage).label} », "
                    f"« {State(state).label} » dans le fichier ; ils se changent depuis la page du projet, où "
                    "chaque changement est tracé."
                )
        else:
            values.update(reference=reference, stage=stage, state=state)
            values["stopped_reason"] = reason if state == State.STOPPED else ""
            if state == State.STOPPED and not reason:
                row.errors.append("Motif de l'arrêt : obligatoire pour un projet « Arrêté ».")
            values["copil"] = self.check_copil(row, stage, state, values["opened_on"])
            values["stopped_on"] = self.check_stopped_on(row, stage, state, values["opened_on"], values["copil"])
        result.values = values
        result.errors = row.errors
        if not result.errors:
            self.compare(result)
        else:
            result.outcome = ERROR
        return result

    def check_opening_before_copil(self, row, opened_on, project):
        """Refuse to move the opening of an existing project after the COPIL it held (the COPIL form refuses a
        COPIL before the opening)."""
        first_copil_on = project.first_copil_on
        if opened_on and opened_on != project.opened_on and first_copil_on and opened_on > first_copil_on:
            row.errors.append(
                f"{self.kind.column('opened_on').name} : le {opened_on:%d/%m/%Y} suit le COPIL de ce projet, tenu le "
                f"{first_copil_on:%d/%m/%Y} ; l'étude a été ouverte avant son COPIL."
            )

    def check_copil(self, row, stage, state, opened_on):
        """Return (date, body, decision) of the COPIL a new project passed, or None; the file must give it for a
        project past the opportunity study (a COPIL decided to go on), and may give it for one stopped there."""
        decided_on = row.date("copil_on", required=False)
        body = row.text("copil_body", max_length=200)
        past_study = stage in IMPORTABLE_STAGES[1:]
        if stage is None:
            return None
        if past_study and not (cell_text(row.raw.get("copil_on")) and body):
            row.errors.append(
                f"COPIL : un projet à l'étape « {Stage(stage).label} » a passé le COPIL de l'étude d'opportunité ; "
                "indiquez sa date (Date du COPIL) et son instance (Instance du COPIL)."
            )
            return None
        if not past_study and (cell_text(row.raw.get("copil_on")) or body):
            if state != State.STOPPED:
                row.errors.append(
                    "COPIL : à l'étude d'opportunité, un COPIL ne figure que s'il a arrêté le projet ; un COPIL qui "
                    "a décidé de poursuivre mène à l'étape « Recherche de porteur »."
                )
                return None
            if not (cell_text(row.raw.get("copil_on")) and body):
                row.errors.append("COPIL : indiquez à la fois sa date et son instance.")
                return None
        if decided_on is None:
            return None
        if opened_on and decided_on < opened_on:
            row.errors.append(
                f"Date du COPIL : le {decided_on:%d/%m/%Y} précède l'ouverture de l'étude ({opened_on:%d/%m/%Y})."
            )
            return None
        decision = CopilDecision.Decision.GO if past_study else CopilDecision.Decision.STOP
        return decided_on, body, decision

    def check_stopped_on(self, row, stage, state, opened_on, copil):
        """Return the day a new stopped project stopped: « Arrêté le », or the date of the COPIL that stopped it."""
        column = self.kind.column("stopped_on")
        if state != State.STOPPED:
            if cell_text(row.raw.get("stopped_on")):
                row.errors.append(f"{column.name} : seulement pour un projet « {State.STOPPED.label} ».")
            return None
        copil_stop = stage == Stage.OPPORTUNITY_STUDY and cell_text(row.raw.get("copil_on"))
        if stage is None:
            return None
        stopped_on = row.date("stopped_on", required=False)
        if copil_stop:
            if copil and stopped_on and stopped_on != copil[0]:
                row.errors.append(
                    f"{column.name} : le {stopped_on:%d/%m/%Y}, mais le COPIL qui a arrêté le projet s'est tenu le "
                    f"{copil[0]:%d/%m/%Y} ; laissez la cellule vide ou indiquez la date du COPIL."
                )
                return None
            return copil[0] if copil else None
        if stopped_on is None:
            if not cell_text(row.raw.get("stopped_on")):
                row.errors.append(
                    f"{column.name} : obligatoire pour un projet « {State.STOPPED.label} » (la date de l'arrêt)."
                )
            return None
        if opened_on and stopped_on < opened_on:
            row.errors.append(
                f"{column.name} : le {stopped_on:%d/%m/%Y} précède l'ouverture de l'étude ({opened_on:%d/%m/%Y})."
            )
            return None
        if copil and stopped_on < copil[0]:
            row.errors.append(
                f"{column.name} : le {stopped_on:%d/%m/%Y} précède le COPIL qui a décidé de poursuivre "
                f"({copil[0]:%d/%m/%Y})."
            )
            return None
        return stopped_on

    def new_fields(self, values):
        return {
            name: value
            for name, value in values.items()
            if name not in ("themes", "communes", "copil", "stopped_on", "published_at")
        }

    def created(self, projects, results, *, by, filename, now):
        """Write the COPIL decisions of the new projects, and the history the statistics read, at its historical
        dates: the move to the porteur search that a COPIL "go" made, and the stop, as Project.record_copil_decision
        and Project.stop write them. The moves past the porteur search have no date in the file: none is written."""
        copils = {}
        for project, result in zip(projects, results, strict=True):
            if result.values.get("copil"):
                decided_on, body, decision = result.values["copil"]
                copils[project.pk] = CopilDecision(
                    project=project,
                    decided_on=decided_on,
                    body=body,
                    decision=decision,
                    comment=f"Décision reprise par l'import. {origin(filename, result.line)}",
                    recorded_by=by,
                    recorded_at=now,
                )
        CopilDecision.objects.bulk_create(copils.values(), batch_size=BATCH_SIZE)
        events = []
        for project, result in zip(projects, results, strict=True):
            copil = copils.get(project.pk)
            comment = f"Repris par l'import. {origin(filename, result.line)}"
            if copil and copil.decision == CopilDecision.Decision.GO:
                events.append(
                    ProjectEvent(
                        project=project,
                        kind=ProjectEvent.Kind.STAGE,
                        from_stage=Stage.OPPORTUNITY_STUDY,
                        to_stage=Stage.PORTEUR_SEARCH,
                        from_state=State.RUNNING,
                        to_state=State.RUNNING,
                        comment=comment,
                        copil=copil,
                        by=by,
                        at=historical(copil.decided_on),
                    )
                )
            if project.state == State.STOPPED:
                stopped_by_copil = copil if copil and copil.decision == CopilDecision.Decision.STOP else None
                events.append(
                    ProjectEvent(
                        project=project,
                        kind=ProjectEvent.Kind.STATE,
                        from_stage=project.stage,
                        to_stage=project.stage,
                        from_state=State.RUNNING,
                        to_state=State.STOPPED,
                        comment=project.stopped_reason,
                        copil=stopped_by_copil,
                        by=by,
                        at=historical(result.values["stopped_on"]),
                    )
                )
        ProjectEvent.objects.bulk_create(events, batch_size=BATCH_SIZE)

    def history(self, project, *, by, now, comment):
        # The import line changes no state (from = to): the statistics count the dated stop above, not this line.
        return ProjectEvent(
            project=project,
            kind=ProjectEvent.Kind.IMPORTED,
            to_stage=project.stage,
            from_state=project.state,
            to_state=project.state,
            comment=comment,
            by=by,
            at=now,
        )


def historical(day):
    """Return the moment an imported event is dated at: noon of its day, where the Fabrique is."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))
