"""Actions that write across apps, each one function under one transaction."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from needs.models import Need
from partners.models import Involvement
from projects.models import Activity, Project, ProjectEvent, check_opening_date


def open_study(needs, *, by, title, department=None, opened_on=None, creation_token=None):
    """Open an opportunity study answering these qualified needs of the user's structure, and link them to it.

    The project takes the needs' territory and themes; its main département is `department`, or the first need's.
    It opened on `opened_on` (today by default), not before any of its needs was detected.
    Submitting the same creation form twice (same `creation_token`) returns the project opened the first time.
    """
    needs = list(needs)
    already_opened = Project.objects.filter(creation_token=creation_token, structure_id=by.structure_id)
    if creation_token and (existing := already_opened.first()):
        return existing
    if not needs:
        raise ValidationError("Choisissez au moins un besoin qualifié.")
    if any(need.structure_id != by.structure_id for need in needs):
        raise ValidationError("Vous ne pouvez ouvrir une étude que sur les besoins de votre structure.")
    not_qualified = [need.title for need in needs if need.status != Need.Status.QUALIFIED]
    if not_qualified:
        raise ValidationError(f"Ces besoins ne sont pas qualifiés : {', '.join(not_qualified)}.")
    opened_on = opened_on or timezone.localdate()
    check_opening_date(opened_on, needs=needs)
    department = department or needs[0].department
    epcis = {need.epci_id for need in needs if need.department_id == department.pk}
    try:
        with transaction.atomic():
            project = Project.objects.create(
                structure_id=by.structure_id,
                title=title,
                department=department,
                epci_id=epcis.pop() if len(epcis) == 1 else None,
                opened_on=opened_on,
                created_by=by,
                creation_token=creation_token,
            )
            project.themes.set({theme for need in needs for theme in need.themes.all()})
            project.communes.set(
                {
                    commune
                    for need in needs
                    for commune in need.communes.all()
                    if commune.department_id == department.pk
                }
            )
            ProjectEvent.objects.create(
                project=project,
                kind=ProjectEvent.Kind.OPENED,
                to_stage=project.stage,
                to_state=project.state,
                happened_on=opened_on if opened_on != timezone.localdate() else None,
                comment=f"En réponse à : {', '.join(need.title for need in needs)}.",
                by=by,
                at=project.created_at,
            )
            for need in needs:
                need.move_to(Need.Status.IN_STUDY, by=by, project=project, comment=f"Étude ouverte : {title}.")
    except IntegrityError:
        # The same form, submitted twice at once: the other request opened the study.
        if creation_token and (existing := already_opened.first()):
            return existing
        raise
    return project


def launch(project, *, by, activity, porteur=None, new_porteur=None, fundings=(), creation_token=None):
    """Record the activity this project launched, with its porteur and funding, and move the project to "launched".

    `activity`, `new_porteur` and `fundings` are unsaved rows; the porteur is `porteur` (an existing organisation)
    or `new_porteur`, created here, and becomes the project's partner « porteur ». The fundings are the funders'
    contributions (partners.Involvement), new or changed: a contribution left with neither funder nor amount is
    removed. Everything is written in one transaction, or nothing: the move is refused unless the project runs at
    "amorçage" and nobody changed it since it was read.
    Submitting the same launch form twice (same `creation_token`) returns the activity recorded the first time.
    """
    if creation_token:
        if existing := Activity.objects.filter(creation_token=creation_token, project=project).first():
            return existing
        # The token of another project's form records nothing of that project: this launch goes without one.
        if Activity.objects.filter(creation_token=creation_token).exists():
            creation_token = None
    if (porteur is None) == (new_porteur is None):
        raise ValidationError("Choisissez un porteur existant ou créez-en un, mais pas les deux.")
    try:
        return _launch(project, by, activity, porteur, new_porteur, fundings, creation_token)
    except ValidationError:
        # The same form, submitted twice at once: the other request launched the project.
        if creation_token and (
            existing := Activity.objects.filter(creation_token=creation_token, project=project).first()
        ):
            return existing
        raise


@transaction.atomic
def _launch(project, by, activity, porteur, new_porteur, fundings, creation_token):
    # The move comes first: its conditional update locks the project row until the transaction ends.
    project.record_launch(by=by, comment=f"Activité créée : {activity.name}.")
    if new_porteur is not None:
        new_porteur.full_clean()
        new_porteur.save()
        porteur = new_porteur
    activity.project = project
    activity.porteur = porteur
    activity.creation_token = creation_token
    activity.full_clean()
    activity.save()
    add_porteur_partner(activity, by=by)
    for funding in fundings:
        if funding.organization is None and funding.amount is None:
            if funding.pk:
                funding.delete()
            continue
        funding.project = project
        if funding.pk is None:
            funding.started_on = activity.opened_on
        funding.full_clean()
        funding.save()
    return activity


def add_porteur_partner(activity, *, by):
    """Count the activity's porteur among the project's partners « porteur », from the day the activity opened."""
    Involvement.objects.get_or_create(
        project_id=activity.project_id,
        organization=activity.porteur,
        role=Involvement.Role.PORTEUR,
        defaults={"started_on": activity.opened_on, "created_by": by},
    )


@transaction.atomic
def correct_activity(activity, *, by, version):
    """Save the corrected data of the launched activity (see `Activity.correct`); a porteur corrected becomes the
    project's partner « porteur » too. Return whether anything changed."""
    changed = activity.correct(by=by, version=version)
    if changed:
        add_porteur_partner(activity, by=by)
    return changed
