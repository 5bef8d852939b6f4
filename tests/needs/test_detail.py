import datetime
import re

import pytest
from django.utils import timezone

from needs.models import Need, NeedEvent
from tests.fabrique.factories import UserFactory
from tests.needs.factories import NeedFactory
from tests.projects.factories import ProjectFactory


@pytest.fixture
def need(revelateur35, ille_et_vilaine, themes):
    return NeedFactory(
        created_by=revelateur35,
        title="Garde d'enfants en horaires décalés",
        description="Les soignantes cherchent une solution.\n\nAvant 7 h et après 20 h.",
        themes=[themes["Mobilité"], themes["Bien-vieillir"]],
        source=Need.Source.COLLECTIVITE,
        source_detail="Réunion avec le CCAS",
        target_public="Parents",
        epci_id="243500139",
        communes=list(ille_et_vilaine.communes.filter(code__in=["35238", "35051"])),
        territory_kind=Need.TerritoryKind.URBAN,
        detected_on=datetime.date(2026, 3, 1),
        reference="B-2026-03",
    )


def test_the_page_shows_every_field_of_the_need(client, revelateur35, need):
    client.force_login(revelateur35)

    response = client.get(f"/besoins/{need.pk}/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Garde d&#x27;enfants en horaires décalés</h1>" in html
    assert "<p>Les soignantes cherchent une solution.</p>\n\n<p>Avant 7 h et après 20 h.</p>" in html
    assert "Bien-vieillir, Mobilité" in html
    assert "Appel à révélation (collectivité)" in html and ": Réunion avec le CCAS" in html
    assert "Parents" in html
    assert "Ille-et-Vilaine (35)" in html and "Rennes Métropole" in html
    assert "Communes : Cesson-Sévigné, Rennes" in html
    assert "Urbain" in html
    assert '<time datetime="2026-03-01">1er mars 2026</time>' in html
    assert ">Détecté</span>" in html
    assert "TAg35" in html
    assert re.search(r"<dt>Référence</dt>\s*<dd>\s*B-2026-03\s*</dd>", html)


def test_the_page_links_to_the_project_the_need_is_studied_in(client, revelateur35, need):
    project = ProjectFactory(created_by=revelateur35, title="Crèche à horaires étendus")
    Need.objects.filter(pk=need.pk).update(status=Need.Status.IN_STUDY, project=project)
    client.force_login(revelateur35)

    html = client.get(f"/besoins/{need.pk}/").content.decode()

    assert f'<a href="/projets/{project.pk}/">Crèche à horaires étendus</a>' in html
    assert ">En étude</span>" in html


def test_the_timeline_shows_creation_changes_and_notes_newest_first(client, revelateur35, need):
    colleague = UserFactory(structure=revelateur35.structure, first_name="Yann", last_name="Le Goff")
    start = timezone.now() - datetime.timedelta(days=3)
    NeedEvent.objects.filter(need=need).update(at=start)
    NeedEvent.objects.create(
        need=need,
        kind=NeedEvent.Kind.STATUS,
        from_status=Need.Status.DETECTED,
        to_status=Need.Status.ON_HOLD,
        comment="La commune attend son diagnostic.",
        by=colleague,
        at=start + datetime.timedelta(days=1),
    )
    NeedEvent.objects.create(
        need=need,
        kind=NeedEvent.Kind.NOTE,
        comment="Appel du CCAS.",
        by=revelateur35,
        at=start + datetime.timedelta(days=2),
    )
    client.force_login(revelateur35)

    response = client.get(f"/besoins/{need.pk}/")

    html = response.content.decode()
    timeline = html[html.index('class="timeline"') :]
    note, change, creation = (timeline.index(text) for text in ["Appel du CCAS.", "La commune attend", "Besoin saisi"])
    assert note < change < creation
    assert "Statut changé\n" in timeline or "Statut changé" in timeline
    assert "de « Détecté »" in timeline and "en « En attente »" in timeline
    assert "Motif :" in timeline
    assert "Par Yann Le Goff" in timeline
    assert f"Par {revelateur35.get_full_name()}" in timeline
    local = timezone.localtime(start + datetime.timedelta(days=1))
    assert f"à\u00a0{local.hour}\u00a0h\u00a0{local.minute:02d}" in timeline


def test_the_page_offers_only_the_moves_the_status_allows(client, revelateur35, need):
    client.force_login(revelateur35)

    html = client.get(f"/besoins/{need.pk}/").content.decode()

    assert f'action="/besoins/{need.pk}/qualifier/"' in html
    assert f'action="/besoins/{need.pk}/mettre-en-attente/"' in html
    assert f'action="/besoins/{need.pk}/ecarter/"' in html
    assert f'action="/besoins/{need.pk}/rouvrir/"' not in html
    assert "Ouvrir une étude" not in html


def test_a_dismissed_need_can_only_be_reopened(client, revelateur35, ille_et_vilaine):
    need = NeedFactory(created_by=revelateur35, dismissed=True)
    client.force_login(revelateur35)

    html = client.get(f"/besoins/{need.pk}/").content.decode()

    assert f'action="/besoins/{need.pk}/rouvrir/"' in html
    assert "/qualifier/" not in html and "/ecarter/" not in html and "/mettre-en-attente/" not in html
    assert "Motif : Déjà couvert par une association." in html


def test_a_qualified_need_offers_to_open_a_study_on_it(client, revelateur35, ille_et_vilaine):
    need = NeedFactory(created_by=revelateur35, qualified=True)
    client.force_login(revelateur35)

    html = client.get(f"/besoins/{need.pk}/").content.decode()

    assert f'href="/besoins/ouvrir-une-etude/?needs={need.pk}">Ouvrir une étude</a>' in html


def test_avise_staff_read_the_need_without_any_action(client, avise, need):
    client.force_login(avise)

    response = client.get(f"/besoins/{need.pk}/")

    html = response.content.decode()
    assert response.status_code == 200
    assert re.findall(r'action="(/besoins/[^"]*)"', html) == []
    assert "Modifier le besoin" not in html
    assert "Besoin saisi" in html


def test_the_structures_revelateur_gets_the_action_forms(client, revelateur35, need):
    client.force_login(revelateur35)

    html = client.get(f"/besoins/{need.pk}/").content.decode()

    assert f"/besoins/{need.pk}/qualifier/" in re.findall(r'action="(/besoins/[^"]*)"', html)


@pytest.mark.parametrize("events", [1, 15])
def test_the_page_runs_a_fixed_number_of_queries(client, revelateur35, need, django_assert_num_queries, events):
    project = ProjectFactory(created_by=revelateur35)
    Need.objects.filter(pk=need.pk).update(status=Need.Status.IN_STUDY, project=project)
    for number in range(events):
        NeedEvent.objects.create(
            need=need, kind=NeedEvent.Kind.NOTE, comment=f"Note {number}", by=UserFactory(structure=need.structure)
        )
    client.force_login(revelateur35)

    # 1. the session, 2. the user,
    # 3. the need with its structure, département, EPCI, project and author,
    # 4. its themes, 5. its communes, 6. its history with the author of each line.
    with django_assert_num_queries(6):
        response = client.get(f"/besoins/{need.pk}/")

    assert response.content.decode().count("timeline__item--") == events + 1
