import datetime

import pytest
from django.utils import timezone

from projects.models import CopilDecision, Project, ProjectEvent
from tests.needs.factories import NeedFactory, ThemeFactory
from tests.partners.factories import FundingFactory, InvolvementFactory, OrganizationFactory
from tests.projects.factories import ActivityFactory, FollowUpFactory, ProjectFactory
from tests.projects.files import PDF
from tests.territories.factories import CommuneFactory


def test_it_shows_where_the_project_stands_in_words(client, revelateur35, project):
    Project.objects.filter(pk=project.pk).update(stage=Project.Stage.FEASIBILITY_STUDY, state=Project.State.PAUSED)
    client.force_login(revelateur35)

    response = client.get(f"/projets/{project.pk}/")

    content = response.content.decode()
    assert "Étape 3 sur 5 : <strong>Étude de faisabilité</strong>" in content
    assert 'aria-current="step"' in content
    assert "En pause" in content
    assert "franchie" in content and "à venir" in content


def test_it_shows_the_description_and_the_territory(client, revelateur35, project, ille_et_vilaine):
    project.epci_id = "243500139"
    project.solution_type = "Épicerie itinérante"
    project.save()
    project.communes.set(["35238", "35051"])
    client.force_login(revelateur35)

    response = client.get(f"/projets/{project.pk}/")

    content = response.content.decode()
    assert "Épicerie solidaire du pays de Redon" in content
    assert "Une épicerie solidaire itinérante pour les bourgs sans commerce." in content
    assert "Épicerie itinérante" in content
    assert "Alimentation durable" in content
    assert "Ille-et-Vilaine (35)" in content
    assert "Rennes Métropole" in content
    assert "Cesson-Sévigné, Rennes" in content
    assert "Interne à la structure" in content
    assert "Révélateur" in content


def test_the_structure_reads_its_internal_material(client, revelateur35, project):
    project.events.create(
        kind=ProjectEvent.Kind.NOTE, comment="Appel de la mairie : rendez-vous pris.", by=revelateur35
    )
    project.documents.create(
        kind="other",
        title="Note d'étape",
        file="documents/x",
        original_name="note.pdf",
        content_type="application/pdf",
        size=len(PDF),
        uploaded_by=revelateur35,
    )
    client.force_login(revelateur35)

    content = client.get(f"/projets/{project.pk}/").content.decode()

    assert "Le maire hésite encore" in content
    assert "Appel de la mairie : rendez-vous pris." in content
    assert "Note d&#x27;étape" in content


@pytest.mark.parametrize("role", ["avise", "admin"])
def test_avise_staff_and_administrators_read_the_internal_material(client, cast, project, role):
    project.events.create(kind=ProjectEvent.Kind.NOTE, comment="Appel de la mairie.", by=project.created_by)
    client.force_login(cast[role])

    content = client.get(f"/projets/{project.pk}/").content.decode()

    assert "Le maire hésite encore" in content
    assert "Appel de la mairie." in content
    assert "Modifier le projet" not in content
    assert "Faire avancer le projet" not in content


def test_another_structure_reads_a_shared_project_without_its_internal_material(client, revelateur29, revelateur35):
    project = ProjectFactory(
        created_by=revelateur35,
        shared=True,
        stopped=True,
        stopped_reason="Le porteur pressenti s'est retiré.",
        internal_summary="Conflit avec l'association voisine.",
        reference="P-TAG35-0042",
    )
    project.events.create(kind=ProjectEvent.Kind.NOTE, comment="Appel confidentiel.", by=revelateur35)
    project.events.create(
        kind=ProjectEvent.Kind.STATE,
        from_stage="opportunity_study",
        to_stage="opportunity_study",
        from_state="running",
        to_state="stopped",
        comment="Commentaire interne de l'arrêt.",
        by=revelateur35,
    )
    project.documents.create(
        kind="other",
        title="Budget confidentiel",
        file="documents/x",
        original_name="budget.pdf",
        content_type="application/pdf",
        size=10,
        uploaded_by=revelateur35,
    )
    project.meetings.create(
        kind="workshop",
        held_on=datetime.date(2026, 3, 12),
        title="Atelier avec les habitants",
        summary="Compte rendu interne.",
        recorded_by=revelateur35,
    )
    client.force_login(revelateur29)

    response = client.get(f"/projets/{project.pk}/")

    assert response.status_code == 200
    content = response.content.decode()
    assert project.title in content
    assert "Arrêté" in content
    assert "Atelier avec les habitants" in content
    for secret in [
        "Conflit avec l",
        "Le porteur pressenti",
        "Appel confidentiel",
        "Commentaire interne de l",
        "Budget confidentiel",
        "Compte rendu interne",
        "Documents",
        "P-TAG35-0042",
    ]:
        assert secret not in content
    client.force_login(revelateur35)
    assert "P-TAG35-0042" in client.get(f"/projets/{project.pk}/").content.decode()
    assert "Faire avancer le projet" not in content


def test_it_lists_the_needs_it_answers_to_those_who_may_see_them(client, revelateur35, revelateur29, project):
    NeedFactory(created_by=revelateur35, title="Plus de commerce à Bains-sur-Oust", status="in_study", project=project)
    Project.objects.filter(pk=project.pk).update(visibility=Project.Visibility.PARTNERS)

    client.force_login(revelateur35)
    assert "Plus de commerce à Bains-sur-Oust" in client.get(f"/projets/{project.pk}/").content.decode()
    client.force_login(revelateur29)
    assert "Plus de commerce à Bains-sur-Oust" not in client.get(f"/projets/{project.pk}/").content.decode()


def test_it_links_the_source_activity_of_an_essaimage(client, revelateur35, revelateur29, project):
    source = ActivityFactory(name="Épicerie mobile du Cap Sizun", project__created_by=revelateur29)
    Project.objects.filter(pk=project.pk).update(source_activity=source)
    client.force_login(revelateur35)

    content = client.get(f"/projets/{project.pk}/").content.decode()
    # The source project has become internal to TAg29: neither named nor linked.
    assert "Épicerie mobile du Cap Sizun" not in content
    assert f'href="/projets/{source.project.pk}/"' not in content
    assert "une activité lancée ailleurs dans le réseau" in content

    Project.objects.filter(pk=source.project.pk).update(visibility=Project.Visibility.PUBLIC)
    content = client.get(f"/projets/{project.pk}/").content.decode()
    assert "Épicerie mobile du Cap Sizun" in content
    assert f'href="/projets/{source.project.pk}/"' in content


def test_it_shows_the_launched_activity_its_fundings_and_follow_ups(client, revelateur35):
    project = ProjectFactory(created_by=revelateur35, launched=True, activity__name="La Cagette de Redon")
    activity = project.activity
    Project.objects.filter(pk=project.pk).update(stage=Project.Stage.LAUNCHED)
    FundingFactory(project=activity.project, contribution_kind="grant", amount=15000, organization=None)
    FundingFactory(project=activity.project, contribution_kind="loan", amount="1234.5", organization=None)
    FollowUpFactory(activity=activity, year=activity.opened_on.year + 1, jobs="2.5")
    client.force_login(revelateur35)

    content = client.get(f"/projets/{project.pk}/").content.decode()

    assert "La Cagette de Redon" in content
    assert "15\u202f000\u00a0€" in content
    assert "1\u202f234,5\u00a0€" in content
    assert "16\u202f234,5\u00a0€ au total" in content
    assert "N+1" in content
    assert "2,5" in content


def test_outsiders_read_who_funded_the_activity_but_not_the_amounts(client, revelateur35, revelateur29):
    project = ProjectFactory(created_by=revelateur35, launched=True, public=True)
    FundingFactory(project=project, amount=15000, organization__name="Région Bretagne")

    for viewer in (revelateur29, None):
        client.logout()
        if viewer:
            client.force_login(viewer)
        content = client.get(f"/projets/{project.pk}/").content.decode()
        assert "Région Bretagne" in content
        assert "15\u202f000" not in content


def test_the_timeline_shows_everything_newest_first(client, revelateur35, project):
    now = timezone.now()
    ProjectEvent.objects.filter(project=project).update(at=now - datetime.timedelta(days=30))
    copil = CopilDecision.objects.create(
        project=project,
        decided_on=(now - datetime.timedelta(days=20)).date(),
        body="COPIL de Redon",
        decision="go",
        recorded_by=revelateur35,
    )
    project.events.create(
        kind=ProjectEvent.Kind.STAGE,
        from_stage="opportunity_study",
        to_stage="porteur_search",
        from_state="running",
        to_state="running",
        copil=copil,
        by=revelateur35,
        at=now - datetime.timedelta(days=19),
    )
    project.meetings.create(
        kind="creativity",
        held_on=(now - datetime.timedelta(days=10)).date(),
        title="Séance au centre social",
        participants=24,
        recorded_by=revelateur35,
    )
    project.events.create(
        kind=ProjectEvent.Kind.NOTE,
        comment="Relance du porteur.",
        by=revelateur35,
        at=now - datetime.timedelta(days=5),
    )
    project.documents.create(
        kind="opportunity_study",
        title="Étude d'opportunité finale",
        file="documents/x",
        original_name="e.pdf",
        content_type="application/pdf",
        size=10,
        uploaded_by=revelateur35,
        uploaded_at=now - datetime.timedelta(days=1),
    )
    client.force_login(revelateur35)

    response = client.get(f"/projets/{project.pk}/")

    kinds = [entry.kind for entry in response.context["timeline"]]
    assert kinds == ["document", "event", "meeting", "event", "event"]
    content = response.content.decode()
    timeline = content[content.index('id="historique"') :]
    order = [
        timeline.index("Étude d&#x27;opportunité finale"),
        timeline.index("Relance du porteur."),
        timeline.index("Séance au centre social"),
        timeline.index("Décision de COPIL de Redon"),
        timeline.index("Ouverture de l'étude"),
    ]
    assert order == sorted(order)
    assert "24 participants" in timeline


def test_a_copil_decision_without_a_move_shows_on_its_own(client, revelateur35, project):
    CopilDecision.objects.create(
        project=project,
        decided_on=datetime.date(2026, 1, 15),
        body="Bureau communautaire",
        decision="go",
        recorded_by=revelateur35,
    )
    client.force_login(revelateur35)

    response = client.get(f"/projets/{project.pk}/")

    assert [entry.kind for entry in response.context["timeline"]] == ["event", "copil"]
    assert "Décision de Bureau communautaire : poursuivre" in response.content.decode()


def test_the_copil_table_names_the_organisations_present(client, revelateur35, project):
    copil = CopilDecision.objects.create(
        project=project,
        decided_on=datetime.date(2026, 1, 15),
        body="Bureau communautaire",
        decision="go",
        recorded_by=revelateur35,
    )
    copil.organizations.set(
        [OrganizationFactory(name="Rennes Métropole"), OrganizationFactory(name="Adess Pays de Rennes")]
    )
    CopilDecision.objects.create(
        project=project, decided_on=datetime.date(2025, 6, 1), body="COPIL", decision="go", recorded_by=revelateur35
    )
    client.force_login(revelateur35)

    content = client.get(f"/projets/{project.pk}/").content.decode()

    assert '<th scope="col">Organisations présentes</th>' in content
    adess, rennes = copil.organizations.order_by("name")
    # In alphabetical order, separated by commas; the other decision names none.
    assert f'<a href="/partenaires/{adess.pk}/">Adess Pays de Rennes</a>,' in content
    assert content.index("Adess Pays de Rennes") < content.index("Rennes Métropole</a>")
    assert f'<a href="/partenaires/{rennes.pk}/">Rennes Métropole</a>' in content
    assert "Rennes Métropole</a>," not in content


def test_the_detail_page_runs_a_fixed_number_of_queries(client, revelateur35, django_assert_num_queries):
    project = ProjectFactory(created_by=revelateur35, launched=True)
    client.force_login(revelateur35)
    for count in (1, 4):
        add_rows(project, revelateur35, count)
        # 1 session, 2 user, 3 project with its structure, territory, essaimage source and activity (one join),
        # 4 history, 5 COPIL decisions, 6 the organisations each COPIL decision names, 7 meetings, 8 documents,
        # 9 partners with their organisations (the fundings among them), 10 projects replicating its activity,
        # 11 themes, 12 communes, 13 needs, 14 follow-ups
        with django_assert_num_queries(14):
            response = client.get(f"/projets/{project.pk}/")
        assert response.status_code == 200


def test_the_detail_page_runs_fewer_queries_without_internal_material(
    client, revelateur35, revelateur29, django_assert_num_queries
):
    project = ProjectFactory(created_by=revelateur35, launched=True, shared=True)
    client.force_login(revelateur29)
    for count in (1, 4):
        add_rows(project, revelateur35, count)
        # 1 session, 2 user, 3 project with its joins, 4 history without the notes, 5 COPIL decisions, 6 the
        # organisations they name, 7 meetings, 8 partners (the fundings among them), 9 projects replicating its
        # activity, 10 themes, 11 communes, 12 follow-ups (no documents, no needs: internal material)
        with django_assert_num_queries(12):
            response = client.get(f"/projets/{project.pk}/")
        assert response.status_code == 200


def add_rows(project, by, count):
    activity = project.activity
    for _ in range(count):
        theme = ThemeFactory()
        project.themes.add(theme)
        project.communes.add(CommuneFactory())
        project.events.create(kind=ProjectEvent.Kind.NOTE, comment="Une note.", by=by)
        copil = CopilDecision.objects.create(
            project=project, decided_on=datetime.date(2025, 6, 1), body="COPIL", decision="go", recorded_by=by
        )
        copil.organizations.set([OrganizationFactory(), OrganizationFactory()])
        project.events.create(
            kind=ProjectEvent.Kind.STAGE,
            from_stage="opportunity_study",
            to_stage="porteur_search",
            from_state="running",
            to_state="running",
            copil=copil,
            by=by,
        )
        project.meetings.create(kind="workshop", held_on=datetime.date(2025, 5, 1), title="Atelier", recorded_by=by)
        project.documents.create(
            kind="other",
            title="Pièce",
            file="documents/x",
            original_name="p.pdf",
            content_type="application/pdf",
            size=10,
            uploaded_by=by,
        )
        FundingFactory(project=activity.project)
        # Each follow-up and each note offers its correction, and corrections have their history lines: none of
        # them reads anything more.
        activity.follow_ups.create(year=activity.opened_on.year + activity.follow_ups.count(), jobs=1, recorded_by=by)
        project.events.create(kind=ProjectEvent.Kind.CORRECTED, comment="Suivi annuel corrigé.", by=by)
        InvolvementFactory(project=project, role="funder", created_by=by)
        # An essaimage of this project's activity, seen on its page as « Essaimé à ».
        ProjectFactory(created_by=by, source_activity=activity, public=True)
        year = activity.opened_on.year + activity.follow_ups.count()
        FollowUpFactory(activity=activity, year=year, recorded_by=by)
        NeedFactory(created_by=by, status="in_study", project=project)


@pytest.mark.parametrize("stage", [Project.Stage.OPPORTUNITY_STUDY, Project.Stage.PORTEUR_SEARCH])
def test_every_form_of_the_page_carries_its_csrf_token(client, revelateur35, stage):
    project = ProjectFactory(created_by=revelateur35, stage=stage)
    project.pause(by=revelateur35)  # A move of a minute ago: the page offers to undo it.
    client.force_login(revelateur35)

    content = client.get(f"/projets/{project.pk}/").content.decode()

    assert "Annuler ce passage" in content
    assert content.count('method="post"') == content.count('name="csrfmiddlewaretoken"') >= 3
