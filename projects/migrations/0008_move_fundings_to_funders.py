"""Move each funding of a launched activity to the project's partners, as its funder's contribution.

A funding becomes the involvement of its funder (role « financeur ») carrying its kind and amount: the fundings of
the same funder and kind add up into one row; a funding without a named funder becomes an unnamed funder's
involvement, so that every amount still counts. A funder already among the partners with that kind (or with no
kind nor amount yet) takes the amount of the funding, which the statistics counted, and keeps the amount it said
before in its comment. Any other amount a funder said among the partners of a launched project (a study's grant,
say) goes to its comment too: the statistics, which now count the funders' amounts, did not count it. The porteur
of each activity also becomes the project's partner « porteur ».
"""

from decimal import Decimal

from django.db import migrations

FUNDER, PORTEUR = "funder", "porteur"


def launchers(apps):
    """Return {project pk: pk of the user who launched it}."""
    ProjectEvent = apps.get_model("projects", "ProjectEvent")
    return dict(ProjectEvent.objects.filter(to_stage="launched").order_by("at").values_list("project", "by"))


def french_amount(amount):
    return f"{amount:.2f}".replace(".", ",").removesuffix(",00")


def said_before(involvement):
    said = f"Montant indiqué avant le lancement : {french_amount(involvement.amount)} €."
    return f"{said} {involvement.comment}".strip()[:300]


def move_fundings(apps, schema_editor):
    Activity = apps.get_model("projects", "Activity")
    Funding = apps.get_model("projects", "Funding")
    Involvement = apps.get_model("partners", "Involvement")
    launched_by = launchers(apps)
    totals, counted = {}, set()
    for activity, funder, kind, amount in Funding.objects.order_by("pk").values_list(
        "activity", "funder", "kind", "amount"
    ):
        totals[activity, funder, kind] = totals.get((activity, funder, kind), Decimal(0)) + amount
    activities = Activity.objects.select_related("project").in_bulk({activity for activity, _, _ in totals})
    for (activity_pk, funder, kind), amount in totals.items():
        activity = activities[activity_pk]
        project = activity.project
        if funder is not None:
            recorded = Involvement.objects.filter(project=project, organization=funder, role=FUNDER)
            existing = (
                recorded.filter(contribution_kind=kind).first()
                or recorded.filter(contribution_kind="", amount__isnull=True).first()
            )
            if existing is not None:
                if existing.amount is not None and existing.amount != amount:
                    existing.comment = said_before(existing)
                existing.contribution_kind, existing.amount = kind, amount
                existing.save(update_fields=["contribution_kind", "amount", "comment"])
                counted.add(existing.pk)
                continue
        created = Involvement.objects.create(
            project=project,
            organization_id=funder,
            role=FUNDER,
            contribution_kind=kind,
            amount=amount,
            started_on=activity.opened_on,
            created_by_id=launched_by.get(project.pk, project.created_by_id),
            created_at=activity.created_at,
        )
        counted.add(created.pk)
    launched = Involvement.objects.filter(project__activity__isnull=False, role=FUNDER, amount__isnull=False)
    for involvement in launched.exclude(pk__in=counted):
        involvement.comment, involvement.amount = said_before(involvement), None
        involvement.save(update_fields=["amount", "comment"])
    for activity in Activity.objects.select_related("project"):
        Involvement.objects.get_or_create(
            project=activity.project,
            organization_id=activity.porteur_id,
            role=PORTEUR,
            defaults={
                "started_on": activity.opened_on,
                "created_by_id": launched_by.get(activity.project_id, activity.project.created_by_id),
                "created_at": activity.created_at,
            },
        )


def restore_fundings(apps, schema_editor):
    """Write back a funding per funder's contribution with an amount in a launched project."""
    Activity = apps.get_model("projects", "Activity")
    Funding = apps.get_model("projects", "Funding")
    Involvement = apps.get_model("partners", "Involvement")
    activities = dict(Activity.objects.values_list("project", "pk"))
    Funding.objects.bulk_create(
        Funding(activity_id=activities[project], funder_id=organization, kind=kind, amount=amount)
        for project, organization, kind, amount in Involvement.objects.filter(
            role=FUNDER, amount__isnull=False, project__in=list(activities)
        ).values_list("project", "organization", "contribution_kind", "amount")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("partners", "0005_funders_carry_the_funding"),
        ("projects", "0007_move_corrections"),
    ]

    operations = [migrations.RunPython(move_fundings, restore_fundings)]
