"""The sitemap of the public pages: an index (/sitemap.xml) of its sections, home and the catalogue, the public
projects, the départements; each section in pages, so that no request reads every public project."""

import pytest

from projects.sitemaps import PublicProjectsSitemap
from tests.projects.factories import ProjectFactory

SECTIONS = ["/sitemap-pages.xml", "/sitemap-projets.xml", "/sitemap-departements.xml"]


def test_the_index_lists_its_sections(client, db):
    response = client.get("/sitemap.xml")

    assert response.status_code == 200
    content = response.content.decode()
    assert "<sitemapindex" in content
    for section in SECTIONS:
        assert f"{section}</loc>" in content


def test_it_lists_the_public_pages_and_nothing_else(client, revelateur35, tag29):
    public = ProjectFactory(created_by=revelateur35, public=True)
    shared = ProjectFactory(created_by=revelateur35, shared=True)
    internal = ProjectFactory(created_by=revelateur35)

    responses = [client.get(section) for section in SECTIONS]

    assert [response.status_code for response in responses] == [200] * 3
    content = "".join(response.content.decode() for response in responses)
    for path in ["/</loc>", "/projets/</loc>", "/projets/carnet/</loc>", "/territoires/29/</loc>"]:
        assert path in content
    assert "/territoires/35/</loc>" in content
    assert f"/projets/{public.pk}/</loc>" in content
    assert f"/projets/{shared.pk}/</loc>" not in content
    assert f"/projets/{internal.pk}/</loc>" not in content


def test_a_signed_in_reader_gets_the_same_sitemap(client, revelateur35):
    internal = ProjectFactory(created_by=revelateur35)
    client.force_login(revelateur35)

    assert f"/projets/{internal.pk}/</loc>" not in client.get("/sitemap-projets.xml").content.decode()


def test_the_public_projects_come_in_pages_that_the_index_lists(client, revelateur35, monkeypatch):
    monkeypatch.setattr(PublicProjectsSitemap, "limit", 2)
    first, second, third = (ProjectFactory(created_by=revelateur35, public=True) for _ in range(3))

    index = client.get("/sitemap.xml").content.decode()
    page_two = client.get("/sitemap-projets.xml", {"p": 2}).content.decode()

    assert "/sitemap-projets.xml?p=2</loc>" in index and "?p=3" not in index
    assert f"/projets/{third.pk}/</loc>" in page_two
    assert f"/projets/{first.pk}/</loc>" not in page_two
    assert f"<lastmod>{third.updated_at:%Y-%m-%d}" in page_two


@pytest.mark.parametrize("address", ["/sitemap-projets.xml?p=3", "/sitemap-projets.xml?p=abc", "/sitemap-inconnu.xml"])
def test_a_page_or_a_section_that_does_not_exist_answers_404(client, revelateur35, monkeypatch, address):
    monkeypatch.setattr(PublicProjectsSitemap, "limit", 2)
    ProjectFactory(created_by=revelateur35, public=True)

    assert client.get(address).status_code == 404


def test_the_index_runs_a_fixed_number_of_queries(client, revelateur35, tag29, django_assert_num_queries):
    for count in (1, 5):
        for _ in range(count):
            ProjectFactory(created_by=revelateur35, public=True)
        # 1 the latest change of a public project, 2 count of the public projects, 3 count of the départements
        with django_assert_num_queries(3):
            response = client.get("/sitemap.xml")
        assert response.status_code == 200


def test_the_projects_section_runs_a_fixed_number_of_queries(client, revelateur35, django_assert_num_queries):
    for count in (1, 5):
        for _ in range(count):
            ProjectFactory(created_by=revelateur35, public=True)
        # 1 count of the public projects, 2 their page, with their address and date only
        with django_assert_num_queries(2) as queries:
            response = client.get("/sitemap-projets.xml")
        assert response.status_code == 200
        assert "title" not in queries.captured_queries[-1]["sql"]
