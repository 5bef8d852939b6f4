"""The outlines of the départements come from MapSVG under CC BY 4.0: each page that draws them names their author
and links their licence, as the licence asks, and keeps the table of the same figures beside the map."""

import pytest
from django.contrib.auth.models import AnonymousUser

CREDIT = [
    '<a href="https://mapsvg.com/maps/france-departments">MapSVG</a>',
    "de Victor Cazanave",
    '<a href="https://creativecommons.org/licenses/by/4.0/deed.fr"',
    'rel="license"',
    ">CC BY 4.0</a>",
    "tracés simplifiés",
]


@pytest.mark.parametrize(
    ("who", "path", "table"),
    [
        ("anonymous", "/", "Les mêmes chiffres : projets par département"),
        ("anonymous", "/projets/", "Les mêmes chiffres : projets par département"),
        ("revelateur35", "/statistiques/", "Les mêmes chiffres : "),
        ("avise", "/admin/statistiques/", "Les mêmes chiffres : "),
    ],
    ids=["home", "catalogue", "statistics", "statistics in the admin"],
)
def test_each_map_names_the_author_of_its_outlines_and_links_their_licence(client, request, db, who, path, table):
    user = AnonymousUser() if who == "anonymous" else request.getfixturevalue(who)
    if user.is_authenticated:
        client.force_login(user)

    html = client.get(path).content.decode()

    for text in CREDIT:
        assert html.count(text) == 1, text
    assert table in html[html.index("tracés simplifiés") :]
