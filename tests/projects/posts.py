"""What each form of a project's pages posts when filled in correctly; a test overrides what it is about."""

import uuid

from django.utils import timezone

from tests.projects.files import PDF, upload


def today():
    return timezone.localdate().isoformat()


def edit_data(project, **overrides):
    return {
        "title": project.title,
        "public_summary": project.public_summary,
        "internal_summary": project.internal_summary,
        "solution_type": project.solution_type,
        "themes": [theme.pk for theme in project.themes.all()],
        "department": project.department_id,
        "epci": project.epci_id or "",
        "communes": ", ".join(commune.code for commune in project.communes.all()),
        "programme": project.programme,
        "visibility": project.visibility,
        "source_activity": project.source_activity_id or "",
        "opened_on": project.opened_on.isoformat(),
        "version": project.version,
        **overrides,
    }


def move_data(action, project, comment="", on=None):
    return {
        f"{action}-on": today() if on is None else on,
        f"{action}-comment": comment,
        f"{action}-version": project.version,
    }


def stop_data(project, reason="Aucun porteur ne s'est manifesté.", on=None):
    return {"stop-on": today() if on is None else on, "stop-reason": reason, "stop-version": project.version}


def undo_data(project):
    return {"undo-version": project.version}


def redate_data(project, on, reason="Date mal saisie."):
    return {"redate-on": on, "redate-reason": reason, "redate-version": project.version}


def revert_data(project, reason="Passage enregistré par erreur."):
    return {"revert-reason": reason, "revert-version": project.version}


def copil_data(project, **overrides):
    return {
        "decided_on": today(),
        "body": "COPIL de l'étude",
        "decision": "go",
        "comment": "",
        "version": project.version,
        "creation_token": str(uuid.uuid4()),
        **overrides,
    }


def launch_data(project, fundings=(), recorded=(), **overrides):
    """The launch form as sent: `recorded` are the rows it showed of the funders already among the project's
    partners, as (involvement, kind, amount, funder), then `fundings` the rows added, as (kind, amount, funder)."""
    rows = [*recorded, *(("", *funding) for funding in fundings)] or [("", "", "", "")]
    data = {
        "activite-name": "La Cagette de Redon",
        "activite-legal_form": "association",
        "activite-siren": "",
        "activite-opened_on": today(),
        "activite-jobs_at_launch": "2,5",
        "activite-version": project.version,
        "activite-creation_token": str(uuid.uuid4()),
        "porteur-porteur": "",
        "porteur-name": "Association La Cagette",
        "porteur-kind": "association",
        "porteur-siren": "",
        "financements-TOTAL_FORMS": str(len(rows)),
        "financements-INITIAL_FORMS": str(len(recorded)),
        "financements-MIN_NUM_FORMS": "0",
        "financements-MAX_NUM_FORMS": "10",
    }
    for index, (involvement, kind, amount, funder) in enumerate(rows):
        data |= {
            f"financements-{index}-involvement": involvement,
            f"financements-{index}-kind": kind,
            f"financements-{index}-amount": amount,
            f"financements-{index}-funder": funder,
        }
    return data | overrides


def meeting_data(**overrides):
    return {
        "kind": "creativity",
        "held_on": today(),
        "title": "Séance de créativité au centre social",
        "participants": "18",
        "summary": "Trois pistes retenues.",
        "creation_token": str(uuid.uuid4()),
        **overrides,
    }


def note_data(text="Rendez-vous pris avec la mairie.", **overrides):
    return {"note-text": text, "note-creation_token": str(uuid.uuid4()), **overrides}


def document_data(file=None, **overrides):
    return {
        "kind": "opportunity_study",
        "title": "Étude d'opportunité",
        "file": file or upload("etude.pdf", PDF, "application/pdf"),
        "creation_token": str(uuid.uuid4()),
        **overrides,
    }


def follow_up_data(activity, **overrides):
    return {
        "year": activity.opened_on.year + 1,
        "jobs": "3,5",
        "still_active": "on",
        "closed_on": "",
        "comment": "",
        "creation_token": str(uuid.uuid4()),
        **overrides,
    }


def follow_up_correction_data(follow_up, **overrides):
    return {
        "year": follow_up.year,
        "jobs": str(follow_up.jobs).replace(".", ","),
        "still_active": "on" if follow_up.still_active else "",
        "closed_on": follow_up.closed_on.isoformat() if follow_up.closed_on else "",
        "comment": follow_up.comment,
        "version": follow_up.version,
        **overrides,
    }


def activity_correction_data(activity, **overrides):
    data = {
        "name": activity.name,
        "porteur": activity.porteur.reference,
        "legal_form": activity.legal_form,
        "siren": activity.siren,
        "opened_on": activity.opened_on.isoformat(),
        "jobs_at_launch": str(activity.jobs_at_launch).replace(".", ","),
        "version": activity.version,
        **({"esus": "on"} if activity.esus else {}),
        **({"iae": "on"} if activity.iae else {}),
    }
    return data | overrides


def meeting_correction_data(meeting, **overrides):
    return {
        "kind": meeting.kind,
        "held_on": meeting.held_on.isoformat(),
        "title": meeting.title,
        "participants": "" if meeting.participants is None else str(meeting.participants),
        "summary": meeting.summary,
        "version": meeting.version,
        **overrides,
    }


def document_correction_data(document, **overrides):
    return {"kind": document.kind, "title": document.title, "version": document.version, **overrides}


def note_correction_data(note, **overrides):
    return {"text": note.comment, "version": note.version, **overrides}


def removal_data(row):
    return {"version": row.version}
