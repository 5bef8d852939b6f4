import pytest

from partners.models import Organization
from tests.partners.factories import OrganizationFactory


@pytest.fixture
def signed_in(client, revelateur35):
    client.force_login(revelateur35)
    return client


def results(response):
    return {
        group["kind"]: [result["territory"].name for result in group["results"]]
        for group in response.context["groups"]
    }


def test_the_page_asks_what_to_search(signed_in, geography):
    response = signed_in.get("/partenaires/collectivite/")

    assert response.status_code == 200
    assert response.context["groups"] == []
    assert 'name="q"' in response.content.decode()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("rennes", {"epci": ["Rennes Métropole"], "commune": ["Rennes"]}),
        ("METROPOLE", {"epci": ["Rennes Métropole"]}),
        ("cesson sevigne", {"commune": ["Cesson-Sévigné"]}),
        ("35238", {"commune": ["Rennes"]}),
        ("243 500 139", {"epci": ["Rennes Métropole"]}),
        ("29", {"department": ["Finistère"]}),
        ("finistere", {"department": ["Finistère"]}),
        ("bretagne", {"region": ["Bretagne"]}),
        ("53", {"region": ["Bretagne"]}),
        ("atlantide", {}),
    ],
    ids=[
        "a name shared by an EPCI and a commune",
        "capitals and accents",
        "several words",
        "a commune's INSEE code",
        "an EPCI's SIREN, with spaces",
        "a département's code",
        "a département's name",
        "a région's name",
        "a région's code",
        "nothing",
    ],
)
def test_it_finds_territories_by_name_or_code(signed_in, geography, query, expected):
    response = signed_in.get("/partenaires/collectivite/", {"q": query})

    found = {kind: names for kind, names in results(response).items() if names}
    assert found == expected
    if not expected:
        assert "Aucun territoire ne correspond à « atlantide »" in response.content.decode()


def test_each_result_offers_to_choose_it_or_links_to_the_collectivite_already_recorded(
    signed_in, geography, rennes_metropole
):
    response = signed_in.get("/partenaires/collectivite/", {"q": "rennes"})

    html = response.content.decode()
    assert f'href="/partenaires/{rennes_metropole.pk}/">Déjà dans l\'annuaire : Rennes Métropole</a>' in html
    assert 'name="territory" value="commune:35238"' in html
    assert 'name="territory" value="epci:243500139"' not in html
    assert 'aria-label="Choisir Rennes (commune)"' in html


def test_choosing_an_epci_records_it_with_its_name_siren_and_territory(signed_in, revelateur35, geography):
    response = signed_in.post("/partenaires/collectivite/", {"territory": "epci:243500139"})

    organization = Organization.objects.get()
    assert response["Location"] == f"/partenaires/{organization.pk}/"
    assert organization.name == "Rennes Métropole"
    assert organization.kind == Organization.Kind.EPCI
    assert organization.siren == "243500139"
    assert organization.governed_epci == geography["rennes_metropole"]
    assert organization.created_by == revelateur35
    assert set(organization.territory_communes()) == {geography["rennes"], geography["cesson"]}
    html = signed_in.get(response["Location"]).content.decode()
    assert "« Rennes Métropole » est enregistrée dans l&#x27;annuaire." in html
    assert "Territoire administré" in html


def test_choosing_a_commune_records_it_with_its_siren_and_seat(signed_in, geography):
    signed_in.post("/partenaires/collectivite/", {"territory": "commune:29277"})

    organization = Organization.objects.get()
    assert organization.name == "Commune de Scrignac"
    assert organization.kind == Organization.Kind.COMMUNE
    assert organization.siren == "212902779"
    assert organization.governed_commune == geography["scrignac"]
    assert organization.commune == geography["scrignac"]


def test_a_commune_whose_name_starts_with_a_vowel_is_named_with_an_apostrophe(signed_in, geography):
    from tests.territories.factories import CommuneFactory

    CommuneFactory(code="35012", name="Ercé-en-Lamée", department=geography["35"], siren="")

    signed_in.post("/partenaires/collectivite/", {"territory": "commune:35012"})

    organization = Organization.objects.get()
    assert organization.name == "Commune d'Ercé-en-Lamée"
    assert organization.siren == ""


@pytest.mark.parametrize(
    ("territory", "name", "kind", "field"),
    [
        ("department:29", "Département Finistère", "department", "governed_department_id"),
        ("region:53", "Région Bretagne", "region", "governed_region_id"),
    ],
)
def test_choosing_a_department_or_a_region_records_it_without_a_siren(
    signed_in, geography, territory, name, kind, field
):
    signed_in.post("/partenaires/collectivite/", {"territory": territory})

    organization = Organization.objects.get()
    assert (organization.name, organization.kind, organization.siren) == (name, kind, "")
    assert getattr(organization, field) == territory.partition(":")[2]


def test_a_collectivite_already_recorded_is_not_recorded_twice(signed_in, geography, rennes_metropole):
    response = signed_in.post("/partenaires/collectivite/", {"territory": "epci:243500139"})

    assert Organization.objects.count() == 1
    assert response["Location"] == f"/partenaires/{rennes_metropole.pk}/"
    html = signed_in.get(response["Location"]).content.decode()
    assert "« Rennes Métropole » est déjà dans l&#x27;annuaire : voici sa fiche." in html


def test_an_organisation_of_another_kind_holding_the_siren_of_the_territory_must_be_corrected_first(
    signed_in, geography
):
    # Recorded by hand before, as another kind, with the commune's SIREN.
    recorded = OrganizationFactory(name="Mairie de Scrignac", kind="other", siren="212902779")

    response = signed_in.post("/partenaires/collectivite/", {"territory": "commune:29277"}, follow=True)

    assert response.redirect_chain == [("/partenaires/collectivite/", 302)]
    assert Organization.objects.get() == recorded
    recorded.refresh_from_db()
    assert (recorded.kind, recorded.siren) == ("other", "212902779")
    html = response.content.decode()
    assert (
        f'Le SIREN 212902779 de Scrignac est déjà celui de <a href="/partenaires/{recorded.pk}/">Mairie de '
        "Scrignac</a>, enregistrée dans l'annuaire comme « Autre » et non comme une collectivité. Corrigez "
        "d'abord son type ou son SIREN sur sa fiche, puis choisissez à nouveau ce territoire. Rien n'a été "
        "enregistré."
    ) in html
    assert 'name="q"' in html


def test_a_collectivite_holding_the_siren_of_the_territory_is_found_instead(signed_in, geography):
    # A commune recorded with the SIREN of another one (a merger, say): it is the collectivité of that SIREN.
    recorded = OrganizationFactory(
        name="Commune nouvelle", kind="commune", governed_commune=geography["scrignac"], siren="212902779"
    )

    response = signed_in.post("/partenaires/collectivite/", {"territory": "commune:29277"})

    assert response["Location"] == f"/partenaires/{recorded.pk}/"
    assert Organization.objects.count() == 1


def test_choosing_twice_records_once(signed_in, geography):
    signed_in.post("/partenaires/collectivite/", {"territory": "region:53"})
    signed_in.post("/partenaires/collectivite/", {"territory": "region:53"})

    assert Organization.objects.count() == 1


@pytest.mark.parametrize("territory", ["epci:999999999", "planet:35", "", "commune"])
def test_a_territory_outside_the_reference_data_is_refused(signed_in, geography, territory):
    response = signed_in.post("/partenaires/collectivite/", {"territory": territory}, follow=True)

    assert Organization.objects.count() == 0
    assert response.redirect_chain == [("/partenaires/collectivite/", 302)]
    assert "Ce territoire n&#x27;est pas dans les données de référence" in response.content.decode() or territory == ""


@pytest.mark.parametrize("extra", [1, 8])
def test_the_search_runs_a_fixed_number_of_queries(signed_in, geography, django_assert_num_queries, extra):
    from tests.territories.factories import CommuneFactory, EPCIFactory

    for number in range(extra):
        epci = EPCIFactory(code=f"2000000{number:02d}", name=f"Communauté de communes de Bretagne {number}")
        CommuneFactory(code=f"35{900 + number}", name=f"Bretagne-sur-Mer {number}", epci=epci)
        OrganizationFactory(name=f"CC {number}", kind="epci", governed_epci=epci)

    # 1 session, 2 user, 3–6 the régions, départements with their région, EPCI and communes with their département,
    # 7 the collectivités of the directory that govern them
    with django_assert_num_queries(7):
        response = signed_in.get("/partenaires/collectivite/", {"q": "bretagne"})

    assert len(results(response)["epci"]) == extra
