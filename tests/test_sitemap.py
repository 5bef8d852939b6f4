"""The sitemap of the public pages: home, the catalogue, the Carnet, the public projects, the départements."""

from tests.projects.factories import ProjectFactory


def test_it_lists_the_public_pages_and_nothing_else(client, revelateur35, tag29):
    public = ProjectFactory(created_by=revelateur35, public=True)
    shared = ProjectFactory(created_by=revelateur35, shared=True)
    internal = ProjectFactory(created_by=revelateur35)

    response = client.get("/sitemap.xml")

    assert response.status_code == 200
    content = response.content.decode()
    for path in ["/</loc>", "/projets/</loc>", "/projets/carnet/</loc>", "/territoires/29/</loc>"]:
        assert path in content
    assert "/territoires/35/</loc>" in content
    assert f"/projets/{public.pk}/</loc>" in content
    assert f"/projets/{shared.pk}/</loc>" not in content
    assert f"/projets/{internal.pk}/</loc>" not in content


def test_a_signed_in_reader_gets_the_same_sitemap(client, revelateur35):
    internal = ProjectFactory(created_by=revelateur35)
    client.force_login(revelateur35)

    assert f"/projets/{internal.pk}/</loc>" not in client.get("/sitemap.xml").content.decode()
