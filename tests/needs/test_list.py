import datetime

import pytest
from django.utils import timezone

from needs.models import Need
from tests.needs.factories import NeedFactory
from tests.territories.factories import EPCIFactory


def titles(response):
    return [need.title for need in response.context["page"]]


@pytest.fixture
def needs(revelateur35, revelateur29, ille_et_vilaine, themes):
    """Needs of TAg35 that differ by each filter, and one of TAg29 that TAg35 never sees."""
    return {
        "garde": NeedFactory(
            created_by=revelateur35,
            title="Garde d'enfants en horaires décalés",
            themes=[themes["Bien-vieillir"]],
            source=Need.Source.COLLECTIVITE,
            epci_id="243500139",
            detected_on=datetime.date(2025, 3, 12),
        ),
        "reemploi": NeedFactory(
            created_by=revelateur35,
            title="Une ressourcerie pour le pays de Redon",
            description="Le réemploi des meubles manque de lieu.",
            reference="B-2021-04",
            themes=[themes["Économie circulaire et réemploi"]],
            source=Need.Source.INHABITANTS,
            epci_id="243500741",
            detected_on=datetime.date(2026, 1, 5),
            qualified=True,
        ),
        "transport": NeedFactory(
            created_by=revelateur35,
            title="Transport solidaire vers les soins",
            themes=[themes["Mobilité"]],
            source=Need.Source.PARTNER,
            detected_on=datetime.date(2026, 2, 20),
            dismissed=True,
        ),
        "brest": NeedFactory(
            created_by=revelateur29,
            title="Épicerie solidaire à Brest",
            department=revelateur29.structure.departments.get(),
            themes=[themes["Mobilité"]],
            detected_on=datetime.date(2026, 2, 1),
        ),
    }


def test_a_revelateur_lists_the_needs_of_their_structure_newest_first(client, revelateur35, needs):
    client.force_login(revelateur35)

    response = client.get("/besoins/")

    assert response.status_code == 200
    assert titles(response) == [
        "Transport solidaire vers les soins",
        "Une ressourcerie pour le pays de Redon",
        "Garde d'enfants en horaires décalés",
    ]
    html = response.content.decode()
    assert "3 besoins" in html
    assert "Épicerie solidaire à Brest" not in html


def test_each_row_shows_title_status_themes_territory_and_date(client, revelateur35, needs):
    client.force_login(revelateur35)

    html = client.get("/besoins/").content.decode()

    assert f'<a href="/besoins/{needs["reemploi"].pk}/">Une ressourcerie pour le pays de Redon</a>' in html
    assert ">Qualifié</span>" in html
    assert ">Écarté</span>" in html
    assert "Économie circulaire et réemploi" in html
    assert "Redon Agglomération" in html
    assert "Ille-et-Vilaine (35)" in html
    assert '<time datetime="2026-01-05">5 janvier 2026</time>' in html


def test_avise_staff_list_every_structures_needs_without_choosing_any(client, avise, needs):
    client.force_login(avise)

    response = client.get("/besoins/")

    assert len(titles(response)) == 4
    html = response.content.decode()
    assert 'name="needs"' not in html
    assert "Ouvrir une étude" not in html
    assert "Saisir un besoin" not in html
    assert ">TAg29</td>" in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("status=qualified", ["Une ressourcerie pour le pays de Redon"]),
        ("status=dismissed", ["Transport solidaire vers les soins"]),
        ("source=collectivite", ["Garde d'enfants en horaires décalés"]),
        ("epci=243500741", ["Une ressourcerie pour le pays de Redon"]),
        ("year=2025", ["Garde d'enfants en horaires décalés"]),
        ("department=35&year=2026", ["Transport solidaire vers les soins", "Une ressourcerie pour le pays de Redon"]),
        ("q=REEMPLOI", ["Une ressourcerie pour le pays de Redon"]),
        ("q=décalés garde", ["Garde d'enfants en horaires décalés"]),
        ("q=horaires+decales", ["Garde d'enfants en horaires décalés"]),
        ("q=brest", []),
        ("q=b-2021-04", ["Une ressourcerie pour le pays de Redon"]),
    ],
    ids=[
        "status qualified",
        "status dismissed",
        "source",
        "epci",
        "year",
        "department and year",
        "search ignores case and accents in the description",
        "search needs every word",
        "search ignores the accents typed",
        "search stays within the structure",
        "search finds the reference of an imported need",
    ],
)
def test_the_list_is_filtered(client, revelateur35, needs, query, expected):
    client.force_login(revelateur35)

    response = client.get(f"/besoins/?{query}")

    assert titles(response) == expected


def test_the_origin_filter_offers_one_choice_for_the_proposals_of_collectivites(client, revelateur35, needs):
    client.force_login(revelateur35)

    field = client.get("/besoins/").context["filter"].form["source"]

    assert [label for value, label in field.field.choices if value] == [
        "Appel à révélation (collectivité)",
        "Habitants",
        "Capteur d'idées",
        "Partenaire",
        "Veille / auto-saisine",
    ]


def test_the_list_is_filtered_by_theme(client, revelateur35, needs, themes):
    client.force_login(revelateur35)

    response = client.get(f"/besoins/?theme={themes['Mobilité'].pk}")

    assert titles(response) == ["Transport solidaire vers les soins"]


def test_a_filtered_list_says_how_many_needs_match_and_offers_to_clear(client, revelateur35, needs):
    client.force_login(revelateur35)

    html = client.get("/besoins/?status=qualified").content.decode()

    assert "1 besoin" in html
    assert "correspondant aux filtres" in html
    assert 'href="/besoins/">Effacer les filtres</a>' in html


def test_an_unknown_filter_value_is_said_and_ignored(client, revelateur35, needs):
    client.force_login(revelateur35)

    response = client.get("/besoins/?status=perdu&year=1999")

    assert len(titles(response)) == 3
    assert "Sélectionnez un choix valide" in response.content.decode()


@pytest.mark.parametrize(
    ("order", "expected"),
    [
        ("detected_on", ["garde", "reemploi", "transport"]),
        ("-detected_on", ["transport", "reemploi", "garde"]),
        ("title", ["garde", "transport", "reemploi"]),
        ("-title", ["reemploi", "transport", "garde"]),
        ("status", ["garde", "reemploi", "transport"]),
        ("-status", ["transport", "reemploi", "garde"]),
        ("-updated_at", ["reemploi", "garde", "transport"]),
        ("updated_at", ["transport", "garde", "reemploi"]),
    ],
)
def test_the_list_is_sorted(client, revelateur35, needs, order, expected):
    for days, key in enumerate(["reemploi", "garde", "transport"]):
        Need.objects.filter(pk=needs[key].pk).update(updated_at=timezone.now() - datetime.timedelta(days=days))
    client.force_login(revelateur35)

    response = client.get(f"/besoins/?order={order}")

    assert titles(response) == [needs[key].title for key in expected]


def test_the_title_sort_ignores_case_and_accents(client, revelateur35, ille_et_vilaine):
    for title in ["zèbre", "École", "abeille", "Étable"]:
        NeedFactory(created_by=revelateur35, title=title)
    client.force_login(revelateur35)

    response = client.get("/besoins/?order=title")

    assert titles(response) == ["abeille", "École", "Étable", "zèbre"]


def test_a_sort_outside_the_list_is_refused(client, revelateur35, needs):
    client.force_login(revelateur35)

    response = client.get("/besoins/?order=created_by__password")

    assert response.status_code == 200
    assert len(titles(response)) == 3
    assert "Sélectionnez un choix valide" in response.content.decode()


def test_the_list_is_paginated_and_the_page_links_keep_the_filters(client, revelateur35, ille_et_vilaine):
    NeedFactory.create_batch(30, created_by=revelateur35, qualified=True)
    NeedFactory(created_by=revelateur35)
    client.force_login(revelateur35)

    first = client.get("/besoins/?status=qualified&order=title")
    second = client.get("/besoins/?status=qualified&order=title&page=2")

    assert len(titles(first)) == 25
    assert len(titles(second)) == 5
    assert not set(titles(first)) & set(titles(second))
    html = first.content.decode()
    assert "30 besoins" in html
    assert 'href="?status=qualified&amp;order=title&amp;page=2"' in html
    assert "page 1 sur 2" in html
    assert 'aria-current="page"' in html


def test_a_page_beyond_the_last_shows_the_last(client, revelateur35, needs):
    client.force_login(revelateur35)

    response = client.get("/besoins/?page=99")

    assert len(titles(response)) == 3


def test_only_the_qualified_needs_can_be_chosen_to_open_a_study(client, revelateur35, needs):
    client.force_login(revelateur35)

    html = client.get("/besoins/").content.decode()

    assert html.count('name="needs"') == 1
    assert f'value="{needs["reemploi"].pk}"' in html
    assert 'form="ouvrir-une-etude"' in html
    assert 'action="/besoins/ouvrir-une-etude/"' in html


def test_an_empty_list_says_so(client, revelateur35):
    client.force_login(revelateur35)

    html = client.get("/besoins/").content.decode()

    assert "0 besoin" in html
    assert "Aucun besoin n'est encore enregistré." in html


@pytest.mark.parametrize("rows", [1, 20])
def test_the_list_runs_a_fixed_number_of_queries(
    client, revelateur35, ille_et_vilaine, themes, django_assert_num_queries, rows
):
    communes = list(ille_et_vilaine.communes.all())
    for _ in range(rows):
        NeedFactory(
            created_by=revelateur35,
            epci_id="243500139",
            themes=list(themes.values()),
            communes=communes,
            qualified=True,
        )
    client.force_login(revelateur35)

    # 1. the session, 2. the user,
    # 3. the first and last dates of detection and 4. which years between them have a need, for the year filter,
    # 5. the count of the matching needs (for the paginator), 6. the keys of the page's needs,
    # 7. the themes, 8. the départements and 9. the EPCI offered by the filters,
    # 10. the needs of the page with their département, EPCI and structure, 11. their themes, 12. their communes.
    with django_assert_num_queries(12):
        response = client.get("/besoins/?status=qualified&q=&order=title")

    assert len(titles(response)) == rows


def test_the_epci_offered_are_those_the_visible_needs_name(client, revelateur35, revelateur29):
    redon, morlaix = EPCIFactory(name="Redon Agglomération"), EPCIFactory(name="Morlaix Communauté")
    NeedFactory(created_by=revelateur35, epci=redon)
    NeedFactory(created_by=revelateur35, epci=redon)
    NeedFactory(created_by=revelateur29, epci=morlaix)
    client.force_login(revelateur35)

    response = client.get("/besoins/")

    assert list(response.context["filter"].form.fields["epci"].queryset) == [redon]
