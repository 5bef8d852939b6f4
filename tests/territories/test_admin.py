import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.territories.factories import (
    CommuneFactory,
    DepartmentFactory,
    EPCIFactory,
    RegionFactory,
    StructureFactory,
)


def add_rows(codes):
    """Add, for each code, a région, a département, an EPCI, a commune and a structure of their own."""
    for code in codes:
        department = DepartmentFactory(code=code, region=RegionFactory(code=code, name=f"Région {code}"))
        CommuneFactory(department=department, epci=EPCIFactory())
        StructureFactory(name=f"TAg{code}", departments=[department])


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("model_name", ["region", "department", "epci", "commune", "structure"])
def test_an_admin_list_costs_the_same_queries_with_more_rows(client, administrator, model_name):
    client.force_login(administrator)
    url = f"/admin/territories/{model_name}/"
    add_rows(["22", "29"])
    queries_before = count_queries(client, url)

    add_rows(["35", "56"])

    assert count_queries(client, url) == queries_before


def test_the_commune_search_finds_communes_by_name_or_by_code_prefix(client, administrator):
    client.force_login(administrator)
    CommuneFactory(code="35238", name="Rennes", department=DepartmentFactory(code="35"))
    CommuneFactory(code="29019", name="Brest", department=DepartmentFactory(code="29"))

    by_code = client.get("/admin/territories/commune/", {"q": "35"})
    by_name = client.get("/admin/territories/commune/", {"q": "brest"})

    assert [c.code for c in by_code.context["cl"].result_list] == ["35238"]
    assert [c.code for c in by_name.context["cl"].result_list] == ["29019"]


def test_the_structure_list_shows_the_departments_covered(client, administrator):
    client.force_login(administrator)
    StructureFactory(name="TAg35", departments=[DepartmentFactory(code="35"), DepartmentFactory(code="22")])

    response = client.get("/admin/territories/structure/")

    assert "Départements couverts" in response.content.decode()
    assert '<td class="field-department_codes">22, 35</td>' in response.content.decode()


@pytest.mark.parametrize(
    "field_name, term, expected",
    [("department", "ille", "Ille-et-Vilaine (35)"), ("epci", "redon", "CA Redon Agglomération")],
    ids=["department", "epci"],
)
def test_the_commune_form_autocompletes_its_department_and_epci(client, administrator, field_name, term, expected):
    client.force_login(administrator)
    CommuneFactory(department=DepartmentFactory(code="35"), epci=EPCIFactory(name="CA Redon Agglomération"))

    response = client.get(
        "/admin/autocomplete/",
        {"app_label": "territories", "model_name": "commune", "field_name": field_name, "term": term},
    )

    assert [result["text"] for result in response.json()["results"]] == [expected]
