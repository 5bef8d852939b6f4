"""The pages and forms about needs read as French: no doubled brackets, and themes in one order everywhere."""

from tests.needs.factories import NeedFactory, ThemeFactory
from tests.pages import page_text
from tests.projects.factories import ProjectFactory


def test_the_needs_of_a_study_name_their_departement_without_doubled_brackets(client, revelateur35, themes):
    need = NeedFactory(created_by=revelateur35, title="Une ressourcerie", themes=[themes["Mobilité"]], qualified=True)
    client.force_login(revelateur35)

    text = page_text(client.get(f"/besoins/ouvrir-une-etude/?needs={need.pk}"))

    assert "Une ressourcerie — Ille-et-Vilaine (35)" in text
    assert "(35))" not in text


def test_every_form_and_filter_lists_the_themes_in_one_order_ignoring_accents(
    client, revelateur35, collectivite, themes
):
    # « Économie… » sorts with the E, before « Habitat » (a byte order would put it after « Mobilité »).
    ThemeFactory(name="Habitat")
    need = NeedFactory(created_by=revelateur35, themes=[themes["Mobilité"]])
    project = ProjectFactory(created_by=revelateur35)
    expected = ["Bien-vieillir", "Économie circulaire et réemploi", "Habitat", "Mobilité"]
    client.force_login(revelateur35)

    pages = {
        "need creation": client.get("/besoins/nouveau/"),
        "need edit": client.get(f"/besoins/{need.pk}/modifier/"),
        "project edit": client.get(f"/projets/{project.pk}/modifier/"),
        "needs list": client.get("/besoins/"),
        "projects list": client.get("/projets/"),
    }
    client.force_login(collectivite)
    pages["proposal"] = client.get("/besoins/proposer/")

    for name, response in pages.items():
        text = page_text(response)
        positions = [text.find(f" {theme} ") for theme in expected]
        assert -1 not in positions and positions == sorted(positions), (name, positions)


def test_the_admins_theme_filter_has_no_stray_dash(client, administrator, revelateur35, themes):
    NeedFactory(created_by=revelateur35, themes=[themes["Mobilité"]])
    client.force_login(administrator)

    response = client.get("/admin/needs/need/")

    html = response.content.decode()
    theme_filter = html[html.index("Par thèmes") :]
    theme_filter = theme_filter[: theme_filter.index("</details>")]
    assert "Mobilité" in theme_filter
    assert "themes__isnull" not in theme_filter and ">-<" not in theme_filter
