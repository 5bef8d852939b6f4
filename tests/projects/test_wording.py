"""The project's page reads as French sentences: no doubled brackets, no space before a comma or a full stop."""

import datetime

from partners.models import Involvement
from projects.models import Meeting, Project
from tests.pages import page_text
from tests.partners.factories import FundingFactory, OrganizationFactory
from tests.projects.factories import ActivityFactory, ProjectFactory


def test_the_source_and_the_replications_name_their_departement_without_doubled_brackets(
    client, revelateur35, project
):
    source = ActivityFactory(
        name="La Cagette",
        project=ProjectFactory(created_by=revelateur35, launched=True, activity=False, title="Épicerie de Redon"),
    )
    ProjectFactory(created_by=revelateur35, title="Épicerie de Vitré", source_activity=source.project.activity)
    Project.objects.filter(pk=project.pk).update(source_activity=source)
    client.force_login(revelateur35)

    source_page = page_text(client.get(source.project.get_absolute_url()))
    project_page = page_text(client.get(project.get_absolute_url()))

    assert "La Cagette — Ille-et-Vilaine (35)" in project_page
    assert "Épicerie de Vitré — Ille-et-Vilaine (35)" in source_page
    assert "(35))" not in project_page + source_page


def test_the_fundings_and_the_meetings_read_as_sentences(client, revelateur29, revelateur35):
    launched = ProjectFactory(
        created_by=revelateur35, launched=True, activity=False, visibility=Project.Visibility.PARTNERS
    )
    ActivityFactory(project=launched)
    FundingFactory(project=launched, organization=OrganizationFactory(name="Région Bretagne"), amount=15000)
    FundingFactory(
        project=launched,
        organization=OrganizationFactory(name="France Active Bretagne"),
        contribution_kind=Involvement.ContributionKind.LOAN,
        amount=5000,
    )
    Meeting.objects.create(
        project=launched,
        kind=Meeting.Kind.WORKSHOP,
        held_on=datetime.date(2026, 3, 3),
        title="Atelier des habitants",
        participants=12,
        recorded_by=revelateur35,
    )
    # Another structure reads the fundings as a sentence; the project's own structure reads the timeline.
    client.force_login(revelateur29)
    shared = page_text(client.get(launched.get_absolute_url()))
    client.force_login(revelateur35)
    own = page_text(client.get(launched.get_absolute_url()))

    assert "Financée par Région Bretagne (subvention), France Active Bretagne (prêt)." in shared
    assert "Le 3 mars 2026, 12 participants — saisi par" in own
    for page in (shared, own):
        assert " ," not in page and " ." not in page
