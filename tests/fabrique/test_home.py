import pytest

from tests.projects.factories import ProjectFactory
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


@pytest.mark.parametrize("who", ["anonymous", "avise", "administrator"])
def test_the_map_of_the_home_page_counts_the_public_projects_whoever_reads_it(client, request, revelateur35, who):
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    ProjectFactory(created_by=revelateur35, public=True)
    ProjectFactory(created_by=revelateur35, shared=True)
    ProjectFactory(created_by=revelateur35)

    response = client.get("/")

    counts = {department["code"]: department["count"] for department in response.context["map"]["departments"]}
    assert counts["35"] == 1
    assert "Ille-et-Vilaine : 1 projet" in response.content.decode()


def test_every_page_announces_the_atom_feed_of_the_carnet(client, db):
    html = " ".join(client.get("/mentions-legales/").content.decode().split())

    assert '<link rel="alternate" type="application/atom+xml" title="Carnet de projets' in html
    assert 'href="/projets/flux.atom">' in html


@pytest.mark.parametrize(
    ("path", "link"),
    [
        ("/", '<a href="/projets/flux.atom" type="application/atom+xml">son flux Atom</a>'),
        (
            "/projets/",
            'href="/projets/flux.atom" type="application/atom+xml">Suivre les nouveaux projets (flux Atom)</a>',
        ),
    ],
    ids=["home", "catalogue"],
)
def test_the_home_page_and_the_catalogue_show_a_link_to_the_atom_feed(client, db, path, link):
    assert link in " ".join(client.get(path).content.decode().split())


def test_robots_txt_names_the_sitemap_and_keeps_crawlers_off_the_signed_in_pages(client, db):
    response = client.get("/robots.txt")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    assert {"User-agent: *", "Disallow: /admin/", "Disallow: /besoins/", "Disallow: /compte/"} <= set(lines)
    assert "Disallow: /projets/" not in lines
