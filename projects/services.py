"""Actions that write across apps, each one function under one transaction."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from needs.models import Need
from projects.models import Project, ProjectEvent


def open_study(needs, *, by, title, department=None, creation_token=None):
    """Open an opportunity study answering these qualified needs of the user's structure, and link them to it.

    The project takes the needs' territory and themes; its main département is `department`, or the first need's.
    Submitting the same creation form twice (same `creation_token`) returns the project opened the first time.
    """
    needs = list(needs)
    if creation_token and (existing := Project.objects.filter(creation_token=creation_token).first()):
        return existing
    if not needs:
        raise ValidationError("Choisissez au moins un besoin qualifié.")
    if any(need.structure_id != by.structure_id for need in needs):
        raise ValidationError("Vous ne pouvez ouvrir une étude que sur les besoins de votre structure.")
    not_qualified = [need.title for need in needs if need.status != Need.Status.QUALIFIED]
    if not_qualified:
        raise ValidationError(f"Ces besoins ne sont pas qualifiés : {', '.join(not_qualified)}.")
    department = department or needs[0].department
    epcis = {need.epci_id for need in needs if need.department_id == department.pk}
    try:
        with transaction.atomic():
            project = Project.objects.create(
                structure_id=by.structure_id,
                title=title,
                department=department,
                epci_id=epcis.pop() if len(epcis) == 1 else None,
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
                comment=f"En réponse à : {', '.join(need.title for need in needs)}.",
                by=by,
                at=project.created_at,
            )
            for need in needs:
                need.move_to(Need.Status.IN_STUDY, by=by, project=project, comment=f"Étude ouverte : {title}.")
    except IntegrityError:
        # The same form, submitted twice at once: the other request opened the study.
        if creation_token and (existing := Project.objects.filter(creation_token=creation_token).first()):
            return existing
        raise
    return project
