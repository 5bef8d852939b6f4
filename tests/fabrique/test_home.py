from tests.territories.factories import DepartmentFactory, StructureFactory


def test_it_presents_the_fabrique_and_its_structures_to_a_visitor(client, db):
    StructureFactory(
        name="TAg35", email="contact@tag35.bzh", labelled=True, departments=[DepartmentFactory(code="35")]
    )

    response = client.get("/")

    assert response.status_code == 200
    content = response.content.decode()
    assert '<html lang="fr">' in content
    assert "TAg35" in content
    assert "Ille-et-Vilaine (35)" in content
    assert "contact@tag35.bzh" in content
    assert "Labellisée Fabrique à initiatives" in content
    assert "Se connecter" in content


def test_a_visitor_finds_the_carnet_from_every_page(client, db):
    response = client.get("/mentions-legales/")

    assert '<a href="/projets/"' in " ".join(response.content.decode().split())
